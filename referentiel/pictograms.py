"""The referential's pictograms, drawn as plain line icons: on paper, on pages and in badges.

Each is the inside of a 24×24 SVG drawn with a 2-unit round stroke and no fill unless a shape
says so: thick, simple shapes that stay legible at 5 mm on a photocopy. Names are the
``pictogram`` values of items and needs in the referential.
"""

from __future__ import annotations

from typing import Final

_ICONS: Final[dict[str, str]] = {
    "power": '<path d="M12 3v8"/><path d="M6.6 6.6a8 8 0 1 0 10.8 0"/>',
    "keyboard": (
        '<rect x="2" y="6" width="20" height="12" rx="2"/>'
        '<path d="M6 10h1M10 10h1M14 10h1M18 10h1M7 14h10"/>'
    ),
    "wifi": (
        '<path d="M2 9a15 15 0 0 1 20 0"/><path d="M5.5 12.5a10 10 0 0 1 13 0"/>'
        '<path d="M9 16a5 5 0 0 1 6 0"/><circle cx="12" cy="19.5" r="1" fill="currentColor"/>'
    ),
    "trash": (
        '<path d="M3 6h18"/><path d="M8 6V4h8v2"/><path d="M5.5 6l1 15h11l1-15"/>'
        '<path d="M10 10v7M14 10v7"/>'
    ),
    "search": '<circle cx="10" cy="10" r="6.5"/><path d="M15 15l6 6"/>',
    "camera": ('<path d="M3 8h4l2-3h6l2 3h4v12H3z"/><circle cx="12" cy="13.5" r="3.5"/>'),
    "document": ('<path d="M6 2h8l5 5v15H6z"/><path d="M14 2v5h5"/><path d="M9 12h7M9 16h7"/>'),
    "message": '<path d="M3 4h18v12H9l-5 4v-4H3z"/><path d="M7 8h10M7 12h6"/>',
    "envelope": '<rect x="2" y="5" width="20" height="14" rx="1"/><path d="M2 6l10 7 10-7"/>',
    "share": (
        '<circle cx="18" cy="5" r="2.5"/><circle cx="6" cy="12" r="2.5"/>'
        '<circle cx="18" cy="19" r="2.5"/><path d="M8.2 10.8l7.6-4.6M8.2 13.2l7.6 4.6"/>'
    ),
    "user-account": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "lock": '<rect x="4" y="10" width="16" height="11" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/>',
    "warning": '<path d="M12 3L2 20h20z"/><path d="M12 9v5"/><path d="M12 17v.5"/>',
    "child": (
        '<circle cx="12" cy="5" r="2.5"/><path d="M12 8v7"/><path d="M7 10l5 2 5-2"/>'
        '<path d="M9 21l3-6 3 6"/>'
    ),
    "bank-card": '<rect x="2" y="5" width="20" height="14" rx="2"/><path d="M2 10h20M6 15h4"/>',
    "calendar": (
        '<rect x="3" y="5" width="18" height="16" rx="1"/><path d="M3 10h18M8 3v4M16 3v4"/>'
        '<path d="M7 14h2M11 14h2M15 14h2M7 17h2M11 17h2"/>'
    ),
    "download": '<path d="M12 3v12"/><path d="M7 10l5 5 5-5"/><path d="M4 20h16"/>',
    "folder": '<path d="M2 6h7l2 2h11v12H2z"/>',
    "health": '<path d="M9 3h6v6h6v6h-6v6H9v-6H3V9h6z"/>',
    "phone": '<rect x="6" y="2" width="12" height="20" rx="2"/><path d="M11 18h2"/>',
    "printer": (
        '<path d="M6 9V3h12v6"/><rect x="2" y="9" width="20" height="8" rx="1"/>'
        '<path d="M6 14h12v7H6z"/>'
    ),
    "question-bubble": (
        '<path d="M3 4h18v12H9l-5 4v-4H3z"/><path d="M9.5 8a2.5 2.5 0 1 1 2.5 2.5V12"/>'
        '<path d="M12 14v.5"/>'
    ),
    "update": (
        '<path d="M20 12a8 8 0 0 1-14 5.3"/><path d="M4 12a8 8 0 0 1 14-5.3"/>'
        '<path d="M18 2v5h-5"/><path d="M6 22v-5h5"/>'
    ),
    "video-call": '<rect x="2" y="6" width="14" height="12" rx="2"/><path d="M16 10l6-3v10l-6-3"/>',
    "family": (
        '<circle cx="8" cy="6" r="2.5"/><circle cx="16" cy="6" r="2.5"/>'
        '<circle cx="12" cy="13" r="2"/><path d="M3 20v-5a5 5 0 0 1 5-5"/>'
        '<path d="M21 20v-5a5 5 0 0 0-5-5"/><path d="M9 21a3 3 0 0 1 6 0"/>'
    ),
    "briefcase": (
        '<rect x="2" y="7" width="20" height="13" rx="2"/>'
        '<path d="M8 7V4h8v3"/><path d="M2 13h20"/>'
    ),
}


class UnknownPictogramError(KeyError):
    """The referential names a pictogram this package does not draw."""


def pictogram_svg(name: str) -> str:
    """A standalone SVG of the pictogram, sized by its container."""
    try:
        body = _ICONS[name]
    except KeyError:
        raise UnknownPictogramError(f"pictogramme inconnu : {name!r}") from None
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="100%" height="100%" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round">{body}</svg>'
    )


def known_pictograms() -> frozenset[str]:
    return frozenset(_ICONS)
