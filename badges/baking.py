"""Baking: a signed credential carried inside its own image, PNG or SVG (OB 3.0 §5.3).

PNG: one uncompressed ``iTXt`` chunk whose keyword is ``openbadgecredential`` and whose text
is the credential's JSON. SVG: one ``<openbadges:credential>`` element, in the namespace
``https://purl.imsglobal.org/ob/v3p0``, right after ``<svg>``, the JSON inside CDATA.

Chunks are written and read here, with zlib's CRC: reading walks the chunk headers only and
never decodes a pixel, so a huge or hostile image is refused from its header. SVG is parsed by
defusedxml: entities and external references are refused.
"""

from __future__ import annotations

import re
import struct
import zlib
from typing import Final
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
KEYWORD: Final = b"openbadgecredential"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
OB_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"

MAX_IMAGE_BYTES: Final = 16 * 1024 * 1024
"""A badge image is a few hundred kilobytes; an upload beyond this is refused unread."""
MAX_PIXELS: Final = 16 * 1024 * 1024
"""Width × height beyond which an image is refused from its header (a decompression bomb)."""


class BakingError(ValueError):
    """An image that carries no readable credential, or cannot carry one (French message)."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(png: bytes) -> list[tuple[bytes, int, int]]:
    """Each chunk's type and data span, checked: signature, lengths, CRCs, IHDR first, IEND last."""
    if len(png) > MAX_IMAGE_BYTES:
        raise BakingError(f"image trop lourde (plus de {MAX_IMAGE_BYTES // 1024 // 1024} Mo)")
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("ce fichier n'est pas une image PNG")
    chunks = []
    at = len(PNG_SIGNATURE)
    while True:
        if at + 12 > len(png):
            raise BakingError("image PNG tronquée : il manque la fin du fichier")
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        end = at + 8 + length
        if end + 4 > len(png):
            raise BakingError("image PNG tronquée : un bloc dépasse la fin du fichier")
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if zlib.crc32(png[at + 4 : end]) != crc:
            raise BakingError(f"image PNG abîmée : le bloc {kind.decode('latin-1')!r} est altéré")
        chunks.append((kind, at + 8, end))
        at = end + 4
        if kind == b"IEND":
            break
    if chunks[0][0] != b"IHDR" or chunks[0][2] - chunks[0][1] != 13:
        raise BakingError("image PNG abîmée : l'en-tête IHDR manque")
    width, height = struct.unpack(">II", png[chunks[0][1] : chunks[0][1] + 8])
    if width * height > MAX_PIXELS:
        raise BakingError(f"image trop grande ({width} × {height} pixels) : refusée sans l'ouvrir")
    return chunks


def _is_credential_chunk(png: bytes, kind: bytes, start: int, end: int) -> bool:
    return kind == b"iTXt" and png[start:end].startswith(KEYWORD + b"\x00")


def bake_png(png: bytes, credential_json: str) -> bytes:
    """The PNG with the credential in it, replacing a credential already baked there."""
    chunks = _chunks(png)
    text = KEYWORD + b"\x00\x00\x00\x00\x00" + credential_json.encode("utf-8")
    header_end = chunks[0][2] + 4
    kept = b"".join(
        png[start - 8 : end + 4]
        for kind, start, end in chunks[1:]
        if not _is_credential_chunk(png, kind, start, end)
    )
    return png[:header_end] + _chunk(b"iTXt", text) + kept


def extract_png(png: bytes) -> str:
    """The credential JSON baked into a PNG, exactly as it was baked."""
    found = [
        (start, end)
        for kind, start, end in _chunks(png)
        if _is_credential_chunk(png, kind, start, end)
    ]
    if not found:
        raise BakingError("cette image PNG ne contient pas de badge (bloc openbadgecredential)")
    if len(found) > 1:
        raise BakingError("cette image PNG contient plusieurs badges : la norme n'en permet qu'un")
    start, end = found[0]
    body = png[start + len(KEYWORD) + 1 : end]
    if len(body) < 2 or body[0] != 0:
        raise BakingError("le badge de cette image est compressé : la norme l'interdit")
    # After the compression flag and method: a language tag and a translated keyword, each
    # ended by a zero byte, then the text.
    parts = body[2:].split(b"\x00", 2)
    if len(parts) != 3:
        raise BakingError("le bloc du badge de cette image PNG est mal formé")
    try:
        return parts[2].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("le texte du badge de cette image n'est pas de l'UTF-8") from exc


# Characters XML cannot carry, or would silently change (a carriage return becomes a newline).
_NOT_XML_SAFE: Final = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
# Those JSON can escape instead: in JSON text they only stand inside strings, where `\uXXXX`
# says the same character (a badge signed before its text was cleaned still bakes).
_ESCAPED_IN_JSON: Final = re.compile("[\ufffe\uffff\ud800-\udfff]")
_SVG_OPEN: Final = re.compile(r"<svg(?=[\s>/])[^>]*>", re.DOTALL)


def bake_svg(svg: str, credential_json: str) -> str:
    """The SVG with the credential in it, right after ``<svg>``; the image must carry none yet.
    Characters XML cannot hold are written as JSON escapes: the JSON read back says the same."""
    credential_json = _ESCAPED_IN_JSON.sub(lambda found: f"\\u{ord(found[0]):04x}", credential_json)
    if _NOT_XML_SAFE.search(credential_json):
        raise BakingError("le badge contient un caractère qu'une image SVG ne peut pas porter")
    root = _parse_svg(svg)
    if next(root.iter(f"{{{OB_NAMESPACE}}}credential"), None) is not None:
        raise BakingError("cette image SVG contient déjà un badge")
    opening = _SVG_OPEN.search(svg)
    if opening is None or opening.group().endswith("/>"):
        raise BakingError("cette image SVG n'a pas de balise <svg> ouvrante")
    tag = opening.group()
    if "xmlns:openbadges=" not in tag:
        tag = f'{tag[:-1]} xmlns:openbadges="{OB_NAMESPACE}">'
    # "]]>" cannot stand inside CDATA: the section is closed and reopened around it.
    cdata = credential_json.replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    baked = svg[: opening.start()] + tag + element + svg[opening.end() :]
    try:
        placed = extract_svg(baked)
    except BakingError:
        placed = None
    if placed != credential_json:
        # The first "<svg" of the text was not the root element (a comment, a CDATA section).
        raise BakingError("cette image SVG est trop inhabituelle pour y placer un badge")
    return baked


def extract_svg(svg: str | bytes) -> str:
    """The credential JSON baked into an SVG, exactly as it was baked."""
    root = _parse_svg(svg)
    found = list(root.iter(f"{{{OB_NAMESPACE}}}credential"))
    if not found:
        raise BakingError("cette image SVG ne contient pas de badge (openbadges:credential)")
    if len(found) > 1:
        raise BakingError("cette image SVG contient plusieurs badges : la norme n'en permet qu'un")
    verify = found[0].get("verify")
    if verify is not None:
        return verify
    return "".join(found[0].itertext())


def _parse_svg(svg: str | bytes) -> Element:
    if len(svg) > MAX_IMAGE_BYTES:
        raise BakingError(f"image trop lourde (plus de {MAX_IMAGE_BYTES // 1024 // 1024} Mo)")
    try:
        root = fromstring(svg, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BakingError("image SVG refusée : elle déclare des entités ou des références") from exc
    except (ParseError, ValueError) as exc:
        raise BakingError("ce fichier n'est pas une image SVG lisible") from exc
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError("ce fichier n'est pas une image SVG")
    return root
