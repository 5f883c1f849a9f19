"""A structure's places and workshops: published once, read by the search, the pages and the
exports. Other features use what is exported here, nothing else of this folder."""

from app.features.catalogue.phone import display_phone, normalise_phone
from app.features.catalogue.problems import CatalogueError
from app.features.catalogue.service import (
    create_place,
    create_workshop,
    place_of,
    set_archived,
    structure_places,
    structure_workshops,
    update_place,
    update_workshop,
    workshop_of,
)
from app.features.catalogue.vocabulary import (
    LANGUAGES,
    MODALITY_LABELS,
    PLACE_VOCABULARIES,
    TYPOLOGIES,
    coop_themes,
    fee_labels,
    lamednum_field,
    lamednum_pattern,
    lamednum_schema,
    lamednum_schema_path,
    lamednum_vocabulary,
    place_vocabulary,
    public_labels,
    suggested_themes,
    theme_groups,
)
from app.features.catalogue.workshop_rules import CHECKLIST, OBSERVED_TASK

__all__ = [
    "CHECKLIST",
    "LANGUAGES",
    "MODALITY_LABELS",
    "OBSERVED_TASK",
    "PLACE_VOCABULARIES",
    "TYPOLOGIES",
    "CatalogueError",
    "coop_themes",
    "create_place",
    "create_workshop",
    "display_phone",
    "fee_labels",
    "lamednum_field",
    "lamednum_pattern",
    "lamednum_schema",
    "lamednum_schema_path",
    "lamednum_vocabulary",
    "normalise_phone",
    "place_of",
    "place_vocabulary",
    "public_labels",
    "set_archived",
    "structure_places",
    "structure_workshops",
    "suggested_themes",
    "theme_groups",
    "update_place",
    "update_workshop",
    "workshop_of",
]
