"""From uploaded bytes to grey page images, refusing hostile or broken files with a clear reason.

Accepted: JPEG, PNG, WebP, TIFF (all its pages), HEIC/HEIF (phone photos, via pillow-heif) and
PDF (all its pages, rendered with pypdfium2). Limits are checked before anything is decoded:
the file size, then the pixel count that the image header announces (a decompression bomb is a
tiny file announcing a huge image), then the page count and the rendered size of PDF pages.
EXIF orientation is applied, although the corner markers would find the page turned anyway.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from pydantic import BaseModel, ConfigDict

register_heif_opener()

_MB: Final = 1_000_000
_FAST: Final = ("JPEG", "PNG", "WEBP")  # single images OpenCV decodes faster than Pillow
_HEIF_BRANDS: Final = (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heif")
_MAGIC: Final = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
)


class Limits(BaseModel):
    """What a single upload may cost. The defaults fit a 48-megapixel phone photo and a
    300-page batch scan from a copier."""

    model_config = ConfigDict(frozen=True)

    max_file_bytes: int = 200 * _MB
    max_image_pixels: int = 60_000_000
    max_pages: int = 300
    pdf_dpi: float = 200.0
    min_pdf_dpi: float = 60.0


class InputError(ValueError):
    """The whole file is unusable; the message is for the mediator, in French."""


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page: a grey image (uint8), or why this page could not be decoded."""

    number: int
    image: np.ndarray | None
    error: str | None = None


def sniff(data: bytes) -> str | None:
    """The container a file claims to be, from its first bytes (never from its name)."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "PDF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def decode_pages(data: bytes, limits: Limits | None = None) -> Iterator[PageImage]:
    """The pages of an uploaded file. Raises :class:`InputError` when the file as a whole is
    refused; a single unreadable page of a PDF comes back as a page with an error."""
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise InputError(
            f"fichier trop volumineux : {len(data) / _MB:.0f} Mo "
            f"(au plus {limits.max_file_bytes / _MB:.0f} Mo par fichier)"
        )
    kind = sniff(data)
    if kind is None:
        raise InputError("ce fichier n'est ni une image (JPEG, PNG, HEIC, TIFF, WebP) ni un PDF")
    if kind == "PDF":
        yield from _pdf_pages(data, limits)
    else:
        yield from _image_pages(data, kind, limits)


def _bomb(width: int, height: int, limits: Limits) -> InputError:
    return InputError(
        f"image refusée : elle annonce {width} × {height} pixels "
        f"({width * height / _MB:.0f} mégapixels, au plus {limits.max_image_pixels / _MB:.0f}) ; "
        "possible bombe de décompression"
    )


def _image_pages(data: bytes, kind: str, limits: Limits) -> Iterator[PageImage]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            "image refusée : elle annonce une taille démesurée (possible bombe de décompression)"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InputError(f"fichier {kind} abîmé ou incomplet : {error}") from None
    if width * height > limits.max_image_pixels:
        raise _bomb(width, height, limits)
    frames = getattr(image, "n_frames", 1)
    if frames > limits.max_pages:
        raise InputError(f"trop de pages : {frames} (au plus {limits.max_pages} par fichier)")
    if kind in _FAST and frames == 1:
        grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        if grey is None:
            raise InputError(f"fichier {kind} abîmé : l'image ne peut pas être décodée")
        yield PageImage(1, grey)
        return
    for index in range(frames):
        try:
            image.seek(index)
            if image.size[0] * image.size[1] > limits.max_image_pixels:
                raise _bomb(*image.size, limits)
            upright = ImageOps.exif_transpose(image) or image
            yield PageImage(index + 1, np.asarray(upright.convert("L")))
        except InputError as error:
            yield PageImage(index + 1, None, str(error))
        except (OSError, ValueError, EOFError) as error:
            yield PageImage(index + 1, None, f"page abîmée, impossible à décoder : {error}")


def _pdf_pages(data: bytes, limits: Limits) -> Iterator[PageImage]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = "protégé par un mot de passe" if "password" in str(error).lower() else "abîmé"
        raise InputError(f"PDF {reason} : impossible de l'ouvrir ({error})") from None
    try:
        count = len(document)
        if count > limits.max_pages:
            raise InputError(f"trop de pages : {count} (au plus {limits.max_pages} par fichier)")
        if count == 0:
            raise InputError("PDF sans aucune page")
        for index in range(count):
            yield _pdf_page(document, index, limits)
    finally:
        document.close()


def _pdf_page(document: pdfium.PdfDocument, index: int, limits: Limits) -> PageImage:
    """Render at `pdf_dpi`, or lower for a very large page so that the pixel cap holds."""
    try:
        page = document[index]
        width_pt, height_pt = page.get_size()
        scale = min(limits.pdf_dpi / 72, (limits.max_image_pixels / (width_pt * height_pt)) ** 0.5)
        if scale * 72 < limits.min_pdf_dpi:
            return PageImage(
                index + 1,
                None,
                f"page démesurée ({width_pt / 72 * 25.4:.0f} × {height_pt / 72 * 25.4:.0f} mm) : "
                "impossible de la lire à une résolution utile",
            )
        bitmap = page.render(scale=scale, grayscale=True)
        grey = bitmap.to_numpy()
        return PageImage(index + 1, np.ascontiguousarray(grey.reshape(grey.shape[:2])))
    except pdfium.PdfiumError as error:
        return PageImage(index + 1, None, f"page abîmée, impossible à afficher : {error}")
