"""The official checks of the offer's open-data files, as the tests run them."""

from __future__ import annotations

import json
from pathlib import Path

from frictionless import Checklist, Resource, Schema, validate

from app.features.catalogue import lamednum_schema_path


def assert_valid_lamednum(content: bytes, folder: Path) -> None:
    """The CSV passes frictionless against the LaMednum 1.0.2 schema shipped with the service."""
    path = folder / "lieux.csv"
    path.write_bytes(content)
    schema = json.loads(Path(lamednum_schema_path()).read_text("utf-8"))
    report = validate(
        Resource(path=path.name, basepath=str(folder), schema=Schema.from_descriptor(schema)),
        checklist=Checklist(),
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
