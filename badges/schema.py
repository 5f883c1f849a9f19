"""The official OB 3.0 JSON Schema, pinned in the package."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft201909Validator


@cache
def _validator() -> Draft201909Validator:
    path = files("badges").joinpath("data", "schemas", "ob_v3p0_achievementcredential_schema.json")
    return Draft201909Validator(json.loads(path.read_text(encoding="utf-8")))


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Where `credential` departs from the OB 3.0 AchievementCredential schema (empty: valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in _validator().iter_errors(credential)
    ]
