"""What counts as an e-mail address, for every form that takes one (an account, a booking, a
place's contact): one rule, so that an address accepted in one place is not refused in another.
It asks for what mail needs to be delivered (a name, « @ », a domain with a dot and a top level
of two letters or more), not the whole of RFC 5322."""

from __future__ import annotations

import re

EMAIL_MAX = 320  # RFC 3696 (with its erratum): 64 before « @ », 255 after
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def is_email_address(text: str) -> bool:
    return len(text) <= EMAIL_MAX and _ADDRESS.fullmatch(text) is not None
