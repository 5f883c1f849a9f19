"""Scanned and photographed paper forms: upload, background reading, review, import."""

from app.features.scans.service import ScanError

__all__ = ["ScanError"]
