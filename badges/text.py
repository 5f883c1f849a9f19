"""Text that every canonicaliser writes the same way."""

from __future__ import annotations

import re

# C0 controls and DEL, except tab, line feed and carriage return: RDFC-1.0 escapes them
# (`\u0001`, `\b`, `\f`, `\u007F`) where pyld writes them raw, so a signature over such
# text would not verify with other tools.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """`text` without the control characters canonicalisers disagree on."""
    return _UNSAFE.sub("", text)


def has_unsafe_controls(text: str) -> bool:
    """Whether `text` holds a character `clean_text` removes."""
    return _UNSAFE.search(text) is not None
