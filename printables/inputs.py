"""From an uploaded file to grey page images, refusing hostile or broken files with a clear reason.

Accepted: JPEG, PNG, WebP, TIFF (all its pages), HEIC/HEIF (phone photos, via pillow-heif) and
PDF (all its pages, rendered with pypdfium2). Limits are checked before anything is decoded:
the file size, then the pixel count that the image header announces (a decompression bomb is a
tiny file announcing a huge image), then the page count and the rendered size of PDF pages.
EXIF orientation is applied, although the corner markers would find the page turned anyway.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from pydantic import BaseModel, ConfigDict

register_heif_opener()

Source = bytes | Path  # an upload's bytes, or the file it was saved to

_MB: Final = 1_000_000
_HEAD: Final = 1024  # enough to recognise every accepted format
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
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:_HEAD]:
        return "PDF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


class Document:
    """An opened upload: how many pages it has, and each page decoded only when asked for, so
    a big file on disk is read a page at a time and never held whole in memory."""

    pages: int

    def page(self, number: int) -> PageImage:
        """Page `number`, counted from 1."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_document(source: Source, limits: Limits | None = None) -> Document:
    """Open an upload, from its bytes or from the file it was saved to. Raises
    :class:`InputError` when the file as a whole is refused."""
    limits = limits or Limits()
    try:
        size, head = _size_and_head(source)
    except OSError:
        raise InputError("le fichier déposé n'a pas pu être relu sur le serveur") from None
    if size > limits.max_file_bytes:
        raise InputError(
            f"fichier trop volumineux : {size / _MB:.0f} Mo "
            f"(au plus {limits.max_file_bytes / _MB:.0f} Mo par fichier)"
        )
    kind = sniff(head)
    if kind is None:
        raise InputError("ce fichier n'est ni une image (JPEG, PNG, HEIC, TIFF, WebP) ni un PDF")
    if kind == "PDF":
        return _PdfDocument(source, limits)
    return _ImageDocument(source, kind, limits)


def _size_and_head(source: Source) -> tuple[int, bytes]:
    if isinstance(source, bytes):
        return len(source), source[:_HEAD]
    with source.open("rb") as file:
        return os.fstat(file.fileno()).st_size, file.read(_HEAD)


def _bomb(width: int, height: int, limits: Limits) -> InputError:
    return InputError(
        f"image refusée : elle annonce {width} × {height} pixels "
        f"({width * height / _MB:.0f} mégapixels, au plus {limits.max_image_pixels / _MB:.0f}) ; "
        "possible bombe de décompression"
    )


class _ImageDocument(Document):
    def __init__(self, source: Source, kind: str, limits: Limits) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(
                "image refusée : elle annonce une taille démesurée "
                "(possible bombe de décompression)"
            ) from None
        except (UnidentifiedImageError, OSError, ValueError):
            # The library's own words name a memory buffer, not the person's file.
            raise InputError(
                f"fichier {kind} abîmé ou incomplet : impossible de l'ouvrir"
            ) from None
        self._image, self._source, self._limits = image, source, limits
        try:
            width, height = image.size
            if width * height > limits.max_image_pixels:
                raise _bomb(width, height, limits)
            self.pages = getattr(image, "n_frames", 1)
            if self.pages > limits.max_pages:
                raise InputError(
                    f"trop de pages : {self.pages} (au plus {limits.max_pages} par fichier)"
                )
        except BaseException:
            image.close()
            raise
        self._fast = kind in _FAST and self.pages == 1

    def page(self, number: int) -> PageImage:
        if self._fast:
            grey = (
                cv2.imdecode(np.frombuffer(self._source, np.uint8), cv2.IMREAD_GRAYSCALE)
                if isinstance(self._source, bytes)
                else cv2.imread(str(self._source), cv2.IMREAD_GRAYSCALE)
            )
            if grey is None:
                return PageImage(number, None, "image abîmée : impossible de la décoder")
            return PageImage(number, grey)
        try:
            self._image.seek(number - 1)
            if self._image.size[0] * self._image.size[1] > self._limits.max_image_pixels:
                raise _bomb(*self._image.size, self._limits)
            upright = ImageOps.exif_transpose(self._image) or self._image
            return PageImage(number, np.asarray(upright.convert("L")))
        except InputError as error:
            return PageImage(number, None, str(error))
        except (OSError, ValueError, EOFError):
            return PageImage(number, None, "page abîmée : impossible de la décoder")

    def close(self) -> None:
        self._image.close()


class _PdfDocument(Document):
    def __init__(self, source: Source, limits: Limits) -> None:
        try:
            document = pdfium.PdfDocument(source)
        except pdfium.PdfiumError as error:
            if "password" in str(error).lower():
                raise InputError(
                    "PDF protégé par un mot de passe : enregistrez-le sans protection, "
                    "puis déposez-le à nouveau"
                ) from None
            raise InputError("PDF abîmé : impossible de l'ouvrir") from None
        self._document, self._limits = document, limits
        self.pages = len(document)
        if not 0 < self.pages <= limits.max_pages:
            document.close()
            raise InputError(
                "PDF sans aucune page"
                if self.pages == 0
                else f"trop de pages : {self.pages} (au plus {limits.max_pages} par fichier)"
            )

    def page(self, number: int) -> PageImage:
        """Render at `pdf_dpi`, or lower for a very large page so that the pixel cap holds."""
        limits = self._limits
        try:
            page = self._document[number - 1]
            width_pt, height_pt = page.get_size()
            scale = min(
                limits.pdf_dpi / 72, (limits.max_image_pixels / (width_pt * height_pt)) ** 0.5
            )
            if scale * 72 < limits.min_pdf_dpi:
                return PageImage(
                    number,
                    None,
                    f"page démesurée ({width_pt / 72 * 25.4:.0f} × "
                    f"{height_pt / 72 * 25.4:.0f} mm) : "
                    "impossible de la lire à une résolution utile",
                )
            bitmap = page.render(scale=scale, grayscale=True)
            grey = bitmap.to_numpy()
            return PageImage(number, np.ascontiguousarray(grey.reshape(grey.shape[:2])))
        except pdfium.PdfiumError:
            return PageImage(number, None, "page abîmée : impossible de l'afficher")

    def close(self) -> None:
        self._document.close()
