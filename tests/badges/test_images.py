"""A badge's image tells the competence and the level in shapes and words, not in colours."""

from __future__ import annotations

import io
import re
from xml.etree.ElementTree import fromstring

import pytest
from PIL import Image

from badges.baking import bake_png, bake_svg, extract_png, extract_svg
from badges.images import (
    UnknownAchievementError,
    achievement_svg,
    competence_pictogram,
    pathway_svg,
    png_of,
)
from referentiel.i18n import localized
from referentiel.load import load_referential
from referentiel.models import Referential
from referentiel.pictograms import pictogram_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ref() -> Referential:
    return load_referential()


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_competence_and_level_draws_its_code_label_and_level(
    ref: Referential, level: int
) -> None:
    for competence in ref.competences:
        svg = achievement_svg(ref, competence.code, level)
        root = fromstring(svg)
        texts = _texts(svg)
        short = next(v.short for v in ref.scale.values if v.value == level)
        assert texts[0] == competence.code
        assert texts[-1] == short
        assert " ".join(texts[1:-1]).replace("  ", " ") in competence.plain_label
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text == f"{competence.code} {competence.plain_label} : {short} ({level}/4)"
        marks = [c for c in root.findall(f"{SVG}circle") if c.get("r") == "8"]
        assert [m.get("fill") for m in marks] == ["#000"] * level + ["#fff"] * (4 - level)


def test_the_image_is_black_and_white_only(ref: Referential) -> None:
    svg = achievement_svg(ref, "C1", 2)
    colours = set(re.findall(r'(?:fill|stroke|color)="([^"]+)"', svg))
    assert colours <= {"#000", "#fff", "none", "currentColor"}


def test_the_pictogram_is_the_one_the_paper_form_prints(ref: Referential) -> None:
    assert competence_pictogram(ref, "C1") == "envelope"
    body = pictogram_svg("envelope").split(">", 1)[1].removesuffix("</svg>")
    assert body in achievement_svg(ref, "C1", 3)


def test_a_translated_referential_gives_a_translated_image(ref: Referential) -> None:
    english = localized(ref, "en")
    svg = achievement_svg(english, "C1", 2)
    label = next(c.plain_label for c in english.competences if c.code == "C1")
    assert label.split()[0] in " ".join(_texts(svg))


def test_text_is_escaped_and_the_image_can_be_baked(ref: Referential) -> None:
    svg = achievement_svg(ref, "P2", 4)
    assert extract_svg(bake_svg(svg, '{"a": "<b>&"}')) == '{"a": "<b>&"}'


def test_the_png_is_the_same_drawing_and_can_carry_a_credential(ref: Referential) -> None:
    png = png_of(achievement_svg(ref, "C1", 2), size=300)
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (300, 300)
        rgba = image.convert("RGBA")
    assert rgba.getpixel((2, 2))[3] == 0  # outside the round badge
    assert rgba.getpixel((150, 150))[:3] == (255, 255, 255)  # inside
    assert rgba.getpixel((150, 6))[:3] < (80, 80, 80)  # its black rim
    assert extract_png(bake_png(png, "{}")) == "{}"


@pytest.mark.parametrize(("code", "level"), [("Z9", 2), ("C1", 0), ("C1", 5)])
def test_an_unknown_competence_or_level_is_refused(ref: Referential, code: str, level: int) -> None:
    with pytest.raises(UnknownAchievementError):
        achievement_svg(ref, code, level)


def test_a_pathway_draws_its_need_and_goal_and_can_be_baked(ref: Referential) -> None:
    for need in ref.needs:
        for goal in ("A1", "A2", "A3", "A4"):
            svg = pathway_svg(ref, need.code, goal)
            texts = _texts(svg)
            assert goal in texts and " ".join(texts).count(need.falc.split()[0]) >= 1
            assert svg.count('fill="#000"/>') == int(goal[1])  # marks filled up to the goal
    assert extract_svg(bake_svg(pathway_svg(ref, "caf", "A3"), '{"a":1}')) == '{"a":1}'
    with pytest.raises(UnknownAchievementError):
        pathway_svg(ref, "caf", "A0")
    with pytest.raises(UnknownAchievementError):
        pathway_svg(ref, "nothing", "A3")
