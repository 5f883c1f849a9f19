"""A badge as an image that carries it: its achievement's picture with the signed JSON baked
in (PNG or SVG), so that it can be dropped on a verifier or kept in another wallet."""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from anyio import to_thread

from app.features.badges.achievements import SVG_DATA
from badges.baking import bake_png, bake_svg
from badges.images import png_of

PNG = "image/png"
SVG = "image/svg+xml"


def achievement_image(body: dict[str, Any]) -> str:
    """The SVG of the credential's achievement, as it was signed; ValueError when it has none
    inside (badges issued before achievements carried their image)."""
    subject = body.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    image = achievement.get("image") if isinstance(achievement, dict) else None
    source = image.get("id") if isinstance(image, dict) else image
    if not isinstance(source, str) or not source.startswith(SVG_DATA):
        raise ValueError("ce badge n'a pas d'image")
    return base64.b64decode(source.removeprefix(SVG_DATA)).decode()


@lru_cache(maxsize=64)
def _png(svg: str) -> bytes:
    return png_of(svg)


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def baked(body: dict[str, Any], media_type: str) -> bytes:
    """The credential baked into its image, PNG or SVG."""
    svg = achievement_image(body)
    if media_type == SVG:
        return bake_svg(svg, _json(body)).encode()
    drawn = await to_thread.run_sync(_png, svg)
    return bake_png(drawn, _json(body))
