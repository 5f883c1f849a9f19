"""Server-side sessions (and other short-lived entries) in the database, shared by workers."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.store import StoreModelMixin


class StoreEntry(StoreModelMixin):
    __tablename__ = "store_entry"
