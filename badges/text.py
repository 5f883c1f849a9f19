"""Text that every canonicaliser writes the same way, and every format we carry it in can hold."""

from __future__ import annotations

import re

# C0 controls and DEL, except tab, line feed and carriage return: RDFC-1.0 escapes them
# (`\u0001`, `\b`, `\f`, `\u007F`) where pyld writes them raw, so a signature over such
# text would not verify with other tools.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Noncharacters (U+FDD0 to U+FDEF, and the last two code points of every plane) are not for
# interchange, and U+FFFE and U+FFFF cannot stand in XML (a badge baked into an SVG); a lone
# surrogate cannot even be written in UTF-8.
_NOT_CARRIED = re.compile(
    "[\ufdd0-\ufdef\ud800-\udfff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def clean_text(text: str) -> str:
    """`text` without the control characters canonicalisers disagree on, nor the code points
    no format should carry."""
    return _NOT_CARRIED.sub("", _UNSAFE.sub("", text))


def has_unsafe_controls(text: str) -> bool:
    """Whether `text` holds a control character that canonicalisers write differently."""
    return _UNSAFE.search(text) is not None
