"""Baked badges: the credential travels inside its PNG or SVG image and comes out unchanged."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from badges.baking import (
    KEYWORD,
    OB_NAMESPACE,
    BakingError,
    bake_png,
    bake_svg,
    extract_png,
    extract_svg,
)

CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Communiquer par messages et e-mail ]]> « je le fais seul »",
    },
    ensure_ascii=False,
)
NOT_IN_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
)

json_texts = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
).map(lambda value: json.dumps(value, ensure_ascii=False))


def _png(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@given(json_texts)
@settings(max_examples=80, deadline=None)
def test_a_png_gives_back_the_json_byte_for_byte(text: str) -> None:
    assert extract_png(bake_png(_png(), text)) == text


@given(json_texts)
@settings(max_examples=80, deadline=None)
@example(json.dumps({"ne": "\ufffe \uffff \ud800 \\\ufffe"}, ensure_ascii=False))
def test_an_svg_gives_back_the_json_byte_for_byte(text: str) -> None:
    """Byte for byte, except characters XML cannot hold: written as JSON escapes, they read
    back as the same JSON."""
    baked = bake_svg(SVG, text)
    if not NOT_IN_XML.search(text):
        assert extract_svg(baked) == text
    assert json.loads(extract_svg(baked)) == json.loads(text)
    assert json.loads(extract_svg(baked.encode("utf-8"))) == json.loads(text)


def test_the_png_chunk_is_what_the_standard_describes_and_another_reader_sees() -> None:
    baked = bake_png(_png(), CREDENTIAL)
    # Right after IHDR: length, "iTXt", keyword, NUL, compression flag 0, method 0, empty
    # language tag and translated keyword, then the UTF-8 text.
    at = 8 + 25
    (length,) = struct.unpack(">I", baked[at : at + 4])
    assert baked[at + 4 : at + 8] == b"iTXt"
    assert baked[at + 8 : at + 8 + length] == (
        KEYWORD + b"\x00\x00\x00\x00\x00" + CREDENTIAL.encode("utf-8")
    )
    with Image.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.text["openbadgecredential"] == CREDENTIAL  # type: ignore[attr-defined]


def test_baking_again_replaces_the_credential_instead_of_adding_one() -> None:
    once = bake_png(_png(), CREDENTIAL)
    twice = bake_png(once, '{"autre": true}')
    assert extract_png(twice) == '{"autre": true}'
    assert twice.count(KEYWORD) == 1
    assert len(twice) == len(_png()) + 12 + len(KEYWORD) + 5 + len('{"autre": true}')


def test_the_svg_element_is_where_the_standard_puts_it() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    assert f'xmlns:openbadges="{OB_NAMESPACE}"' in baked
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xmlns:openbadges=' in baked
    assert '"><openbadges:credential><![CDATA[{"@context"' in baked
    with pytest.raises(BakingError, match="déjà"):
        bake_svg(baked, CREDENTIAL)


def test_a_jwt_baked_by_others_in_the_verify_attribute_is_read() -> None:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}">'
        '<openbadges:credential verify="header.payload.signature"/></svg>'
    )
    assert extract_svg(svg) == "header.payload.signature"


def test_an_svg_with_the_svg_11_doctype_of_1edtech_fixtures_is_read() -> None:
    svg = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        f'<svg version="1.1" xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}">'
        "\n  <openbadges:credential>\n    <![CDATA[\n      {}\n    ]]>\n"
        "  </openbadges:credential>\n</svg>"
    )
    assert json.loads(extract_svg(svg)) == {}


@pytest.mark.parametrize(
    ("png", "says"),
    [
        (b"GIF89a", "pas une image PNG"),
        (_png(), "ne contient pas de badge"),
        (bake_png(_png(), CREDENTIAL)[:-20], "tronquée"),
        (bake_png(_png(), CREDENTIAL)[:60], "tronquée"),
        (bake_png(_png(), CREDENTIAL).replace(b"seul", b"SEUL"), "altéré"),
        (
            _png()[:-12]
            + _chunk(b"iTXt", KEYWORD + b"\x00\x01\x00\x00\x00" + zlib.compress(b"{}"))
            + _png()[-12:],
            "compressé",
        ),
        (
            _png()[:-12] + 2 * _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00\x00\x00{}") + _png()[-12:],
            "plusieurs",
        ),
        (_png()[:-12] + _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00") + _png()[-12:], "mal formé"),
        (
            _png()[:-12] + _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00\x00\x00\xff") + _png()[-12:],
            "UTF-8",
        ),
    ],
)
def test_a_png_without_a_readable_credential_says_why(png: bytes, says: str) -> None:
    with pytest.raises(BakingError, match=says):
        extract_png(png)


def test_a_100_megapixel_image_is_refused_from_its_header_without_decoding_it() -> None:
    # 10,000 × 10,000 black pixels compress to a few kilobytes: a decompression bomb.
    width = height = 10_000
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" * (width + 1)
    pixels = zlib.compress(row * height, 9)
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels)
    bomb += _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00\x00\x00{}") + _chunk(b"IEND", b"")
    assert len(bomb) < 200_000
    with pytest.raises(BakingError, match="10000 × 10000"):
        extract_png(bomb)
    with pytest.raises(BakingError, match="trop grande"):
        bake_png(bomb, CREDENTIAL)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_no_bytes_make_png_extraction_raise_anything_but_a_baking_error(data: bytes) -> None:
    for candidate in (data, b"\x89PNG\r\n\x1a\n" + data, bake_png(_png(), "{}")[:40] + data):
        with contextlib.suppress(BakingError):
            extract_png(candidate)


@pytest.mark.parametrize(
    ("svg", "says"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}">'
            "<openbadges:credential>&xxe;</openbadges:credential></svg>",
            "entités",
        ),
        (
            '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
            "entités",
        ),
        (SVG, "ne contient pas de badge"),
        ("<svg xmlns='http://www.w3.org/2000/svg'><g>", "pas une image SVG lisible"),
        ("<html/>", "pas une image SVG"),
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}">'
            "<openbadges:credential>{}</openbadges:credential>"
            "<g><openbadges:credential>{}</openbadges:credential></g></svg>",
            "plusieurs",
        ),
    ],
)
def test_an_svg_without_a_readable_credential_says_why(svg: str, says: str) -> None:
    with pytest.raises(BakingError, match=says):
        extract_svg(svg)


def test_an_svg_whose_first_svg_tag_is_in_a_comment_is_not_baked_wrongly() -> None:
    tricky = "<!-- <svg> -->" + SVG.split("\n", 1)[1]
    with pytest.raises(BakingError, match="inhabituelle"):
        bake_svg(tricky, CREDENTIAL)


def test_an_svg_entity_is_refused_when_baking_too() -> None:
    hostile = (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "http://ailleurs.example/x">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    )
    with pytest.raises(BakingError, match="entités"):
        bake_svg(hostile, CREDENTIAL)
    with pytest.raises(BakingError, match="caractère"):
        bake_svg(SVG, '{"a": "\r"}')


ONE_EDTECH = Path(__file__).parent / "data" / "1edtech"


@pytest.mark.parametrize("name", ["simple-json.png", "simple-json.svg"])
def test_the_credentials_1edtech_baked_come_out(name: str) -> None:
    data = (ONE_EDTECH / name).read_bytes()
    text = extract_png(data) if name.endswith(".png") else extract_svg(data)
    credential = json.loads(text)
    assert "VerifiableCredential" in credential["type"]
    assert credential["credentialSubject"]["type"] == ["AchievementSubject"]


def test_a_vc_jwt_baked_by_1edtech_comes_out_of_its_verify_attribute() -> None:
    jws = extract_svg((ONE_EDTECH / "simple-jwt.svg").read_bytes())
    assert jws.count(".") == 2
    assert json.loads(base64.urlsafe_b64decode(jws.split(".")[0] + "=="))["alg"] == "RS256"


def test_baking_ours_into_1edtechs_png_replaces_theirs() -> None:
    rebaked = bake_png((ONE_EDTECH / "simple-json.png").read_bytes(), CREDENTIAL)
    assert extract_png(rebaked) == CREDENTIAL
    with Image.open(io.BytesIO(rebaked)) as image:
        image.load()
