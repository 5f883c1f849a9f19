"""Reading the versioned referential files shipped with the package.

``data/referentiel.yaml`` is the current version. When a version is replaced, its file moves
to ``data/archive/<version>.yaml`` so that diagnostics stored under it stay readable.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from referentiel.models import Referential


class UnknownVersionError(LookupError):
    """A diagnostic names a referential version this installation does not ship."""

    def __init__(self, version: str, known: tuple[str, ...]) -> None:
        super().__init__(
            f"version de référentiel inconnue : {version!r} (versions connues : {', '.join(known)})"
        )
        self.version = version
        self.known = known


def _data() -> Traversable:
    return resources.files("referentiel").joinpath("data")


def read_raw(path: Path | None = None) -> Any:
    """The file as plain data, before validation, so that `check` can report on broken files."""
    source = _data().joinpath("referentiel.yaml") if path is None else path
    return yaml.safe_load(source.read_text("utf-8"))


@cache
def load_referential(path: Path | None = None) -> Referential:
    """The current referential; cached because every request and every score reads it."""
    return Referential.model_validate(read_raw(path))


def _archived() -> dict[str, Traversable]:
    archive = _data().joinpath("archive")
    if not archive.is_dir():
        return {}
    return {f.name.removesuffix(".yaml"): f for f in archive.iterdir() if f.name.endswith(".yaml")}


def known_versions() -> tuple[str, ...]:
    return (load_referential().version, *sorted(_archived()))


@cache
def load_version(version: str) -> Referential:
    """The referential a stored diagnostic was taken with."""
    current = load_referential()
    if version == current.version:
        return current
    archived = _archived()
    if version not in archived:
        raise UnknownVersionError(version, known_versions())
    return Referential.model_validate(yaml.safe_load(archived[version].read_text("utf-8")))
