"""The review lines each answer column of a doubtful row up with the row's picture, for
every layout ever printed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from printables.layout import REVISIONS, build_layout
from printables.reader import crop_area
from printables.registration import CANONICAL
from printables.review import answer_boxes, review_row
from printables.texts import LANGUAGES
from referentiel import load_referential

REF = load_referential()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("revision", sorted(REVISIONS))
def test_every_rows_columns_lie_inside_its_picture_in_the_sheets_order(lang, revision):
    layout = build_layout(REF, lang, revision)
    values = [choice.value for choice in REF.scale.choices]
    for row in layout.items:
        review = review_row(layout, row.item_id)
        area = crop_area(row.band)
        width = round(area.right * CANONICAL) - max(0, round(area.x * CANONICAL))
        assert 0 < review.left < review.right <= width
        assert [c.value for c in review.columns] == values
        # « ? » is half as wide as the others, as on the sheet
        assert [c.weight for c in review.columns] == [2, 2, 2, 2, 2, 1]
        assert all(c.words for c in review.columns)
        assert [c.number for c in review.columns] == values  # as the entry screen types them


def test_the_picture_is_cut_to_the_boxes_and_an_unreadable_one_is_kept_whole():
    layout = build_layout(REF, "fr")
    review = review_row(layout, layout.items[3].item_id)
    picture = np.zeros((40, review.right + 20), np.uint8)
    picture[:, review.left : review.right] = 255
    ok, png = cv2.imencode(".png", picture)
    assert ok
    cut = cv2.imdecode(np.frombuffer(answer_boxes(png.tobytes(), review), np.uint8), 0)
    assert cut.shape == (40, review.right - review.left) and cut.min() == 255
    assert answer_boxes(b"not a picture", review) == b"not a picture"


def test_an_item_the_layout_does_not_print_is_refused():
    with pytest.raises(KeyError):
        review_row(build_layout(REF, "fr"), "Z9.9")
