"""What the exports' report says, in the API and on the open-data page."""

from __future__ import annotations

import msgspec


class LeftOutOut(msgspec.Struct):
    """A place or service an export does not carry, and why."""

    kind: str
    id: str
    name: str
    reason: str


class ExportReport(msgspec.Struct):
    """What the exports hold now, for one département or all, and what they leave out."""

    crosswalk_version: str
    departement: str | None
    data_inclusion_structures: int
    data_inclusion_services: int
    lamednum_places: int
    files: dict[str, str]
    left_out: list[LeftOutOut]
