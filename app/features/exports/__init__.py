"""The offer in the national exchange formats: data·inclusion v1 (JSON) and the LaMednum 1.0.2
standard (CSV), through a versioned crosswalk (``crosswalk.yaml``)."""

from app.features.exports.crosswalk import Crosswalk, crosswalk
from app.features.exports.data_inclusion import LeftOut
from app.features.exports.lamednum import csv_text as lamednum_csv
from app.features.exports.service import (
    Export,
    UnknownDepartementError,
    data_inclusion_services,
    data_inclusion_structures,
    known_departement,
    lamednum_places,
)

__all__ = [
    "Crosswalk",
    "Export",
    "LeftOut",
    "UnknownDepartementError",
    "crosswalk",
    "data_inclusion_services",
    "data_inclusion_structures",
    "known_departement",
    "lamednum_csv",
    "lamednum_places",
]
