"""Scanned and photographed paper forms: upload, background reading, review, import."""
