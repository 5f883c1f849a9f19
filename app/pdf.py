"""PDFs drawn while a page waits: off the event loop, one at a time in each process, and
counted per account.

Drawing a sheet takes WeasyPrint a good part of a second of one core: requests keep being
answered while it runs, and a second PDF waits for the first rather than taking the
machine's other core too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Final

import anyio

from app.throttle import Limit, per_user

# Each PDF costs a second or more of drawing: plenty for a person or a mediator, not for a
# loop. Counted per account, or per address for a resident without one.
PDFS: Final = Limit("pdf", attempts=20, window=timedelta(minutes=10))
PDF_LIMIT = per_user(PDFS)
_ONE_AT_A_TIME = threading.Lock()


async def draw(make: Callable[[], bytes]) -> bytes:
    """``make()`` in a worker thread, after the PDFs asked before it in this process."""

    def run() -> bytes:
        with _ONE_AT_A_TIME:
            return make()

    return await anyio.to_thread.run_sync(run)
