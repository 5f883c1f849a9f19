"""What may import what (README « Layout »): the import-linter contracts of pyproject.toml hold,
and every feature folder has its contract, so a new feature cannot be reached into unseen."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]


def test_every_import_contract_is_kept(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    assert lint_imports(cache_dir=str(tmp_path), no_logo=True) == 0


def test_every_feature_is_reached_through_its_package_only():
    folders = (ROOT / "app" / "features").iterdir()
    features = {f"app.features.{p.name}" for p in folders if (p / "__init__.py").exists()}
    guarded = {}
    for contract in CONTRACTS:
        forbidden = contract.get("forbidden_modules", [])
        if contract["type"] == "forbidden" and forbidden[0].startswith("app.features."):
            (feature,) = (f.removesuffix(".*") for f in forbidden)
            guarded[feature] = set(contract["source_modules"])
    assert set(guarded) == features
    for feature, sources in guarded.items():
        assert sources == features - {feature}, feature
