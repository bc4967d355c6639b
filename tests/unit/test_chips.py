"""Cards found by their chips: the chip finder, and where it says the number is."""

import cv2
import numpy as np
import pytest

from edge.redaction.chips import find_chips
from glasses.assets.make import draw_card, wood_table

NUMBER = "4111111111111111"


def _card_scene(width: int, quarter_turns: int, angle: float = 0.0):
    """A card on a wood table, turned; returns the frame and the number's centre."""
    scene = wood_table(np.random.default_rng(3), 1280, 720)
    height = width / 1.586
    x, y = int(640 - width / 2), int(360 - height / 2)  # turned about its centre
    draw_card(scene, x, y, width, NUMBER)
    # draw_card's number: from width/14, baseline at 0.68 of the height, about
    # width * 0.85 long and width / 16 high
    centre = np.float32([x + width / 14 + 0.42 * width, y + 0.68 * height - width / 32])
    turn = cv2.getRotationMatrix2D((640, 360), angle + 90 * quarter_turns, 1.0)
    scene = cv2.warpAffine(scene, turn, (1280, 720), borderMode=cv2.BORDER_REFLECT)
    return scene, turn[:, :2] @ centre + turn[:, 2]


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
@pytest.mark.parametrize(("width", "angle"), [(300, 0.0), (140, 25.0)])
def test_a_cards_chip_is_found_and_one_of_its_bands_holds_the_number(width, angle, quarter_turns):
    scene, number = _card_scene(width, quarter_turns, angle)
    chips = [c for c in find_chips(scene) if np.linalg.norm(c.centre - (640, 360)) < width / 2]
    assert len(chips) == 1  # on the card
    holding = [
        quad
        for quad, _ in chips[0].bands()
        if cv2.pointPolygonTest(quad, tuple(map(float, number)), False) > 0
    ]
    assert len(holding) == 1


@pytest.mark.parametrize("seed", range(6))
def test_gold_in_wood_grain_is_no_chip(seed):
    # the table's grain has gold patches, but each has the same colour all round
    assert find_chips(wood_table(np.random.default_rng(seed), 1280, 720)) == []
