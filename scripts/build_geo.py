"""Build the map outlines the service ships (app/data/geo/) from the vendored IGN outlines.

Run once when the sources change: ``python scripts/build_geo.py ../shared/vendor/territoires``
(shapely, pinned in the dev extra). The service itself only reads the result, so a user's
machine needs neither shapely nor the sources. What it does, and why, is in
app/data/SOURCES.md: the 2018 commune codes are mapped to the 2026 communes (communes
nouvelles merge the outlines of the communes they replaced), each layer is simplified as a
coverage (shared borders stay shared, no gaps or overlaps appear between neighbours), EPCI
are dissolved from their communes, and coordinates are kept to 4 decimals (about 10 m).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parent.parent / "app" / "data"
DEPARTEMENTS = {"03": "allier", "18": "cher", "28": "eure-et-loir", "86": "vienne"}
# A commune nouvelle keeps one of the codes it merged; the others (2018) name it here.
# From the `anciensCodes` of @etalab/decoupage-administratif 6.0.0 (data/communes.json).
MERGED_SINCE_2018 = {
    "18123": "18023", "18239": "18023", "18131": "18173", "18222": "18073",
    "28376": "28018", "28276": "28319", "28025": "28319", "28002": "28199", "28311": "28199",
    "28063": "28236", "28112": "28236", "28165": "28331", "28205": "28334", "28412": "28406",
    "86021": "86123", "86056": "86123", "86166": "86123", "86277": "86281", "86043": "86082",
    "86067": "86082", "86188": "86082", "86278": "86082", "86231": "86247",
}  # fmt: skip
COMMUNE_TOLERANCE = 0.004  # degrees: about 20 points a commune, 80 kB of SVG a département
FRANCE_TOLERANCE = 0.01
GRID = 1e-4


def _write(name: str, features: list[dict[str, Any]]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    (OUT / "geo" / name).write_text(text + "\n", encoding="utf-8")


def _features(geoms: list[Any], props: list[dict[str, str]], tolerance: float) -> list[Any]:
    simple = shapely.set_precision(shapely.coverage_simplify(geoms, tolerance), GRID)
    return [
        {"type": "Feature", "properties": p, "geometry": mapping(g)}
        for g, p in zip(simple, props, strict=True)
    ]


def build(source: Path) -> None:
    with (OUT / "communes.csv").open(encoding="utf-8") as f:
        communes = {row["code_insee"]: row for row in csv.DictReader(f)}
    with (OUT / "epci.csv").open(encoding="utf-8") as f:
        epci_names = {row["code_siren"]: row["nom"] for row in csv.DictReader(f)}
    for code, slug in DEPARTEMENTS.items():
        raw = json.loads((source / "geojson" / f"communes-{code}-{slug}.geojson").read_text())
        parts: dict[str, list[Any]] = defaultdict(list)
        for feature in raw["features"]:
            old = feature["properties"]["code"]
            parts[MERGED_SINCE_2018.get(old, old)].append(shape(feature["geometry"]))
        missing = sorted(
            c for c, r in communes.items() if r["code_departement"] == code and c not in parts
        )
        unknown = sorted(set(parts) - set(communes))
        if missing or unknown:
            sys.exit(f"{code}: no outline for {missing}, unknown codes {unknown}")
        codes = sorted(parts)
        merged = [shapely.union_all(parts[c]) for c in codes]
        props = [
            {"code": c, "nom": communes[c]["nom"], "epci": communes[c]["code_epci"]} for c in codes
        ]
        features = _features(merged, props, COMMUNE_TOLERANCE)
        _write(f"communes-{code}.geojson", features)
        by_epci: dict[str, list[Any]] = defaultdict(list)
        for feature in features:
            by_epci[feature["properties"]["epci"]].append(shape(feature["geometry"]))
        _write(
            f"epci-{code}.geojson",
            [
                {
                    "type": "Feature",
                    "properties": {"code": siren, "nom": epci_names.get(siren, "")},
                    "geometry": mapping(shapely.set_precision(shapely.coverage_union_all(g), GRID)),
                }
                for siren, g in sorted(by_epci.items())
            ],
        )
    for layer in ("departements", "regions"):
        raw = json.loads((source / "geojson" / f"{layer}-version-simplifiee.geojson").read_text())
        geoms = [shape(f["geometry"]) for f in raw["features"]]
        props = [
            {"code": f["properties"]["code"], "nom": f["properties"]["nom"]}
            for f in raw["features"]
        ]
        _write(f"{layer}.geojson", _features(geoms, props, FRANCE_TOLERANCE))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/vendor/territoires"))
