"""Cards found by their chips: the chip finder, and where it says the number is."""

import cv2
import numpy as np
import pytest

from edge.redaction.text.chips import find_chips
from scenes.objects import draw_card, wood_table

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


def _khaki_card(width: int, angle: float):
    """An olive card on a khaki table, a khaki stripe across it touching the
    chip's side: surface, stripe and chip are all gold to the colour test, one
    component; returns the frame and the chip's centre."""
    rng = np.random.default_rng(11)
    scene = np.clip(rng.normal(0, 4, (720, 1280, 3)) + (120, 180, 187), 0, 255).astype(np.uint8)
    height = width / 1.586
    x, y = int(640 - width / 2), int(360 - height / 2)
    draw_card(scene, x, y, width, NUMBER, colour=(30, 75, 70))
    chip_x1 = x + width // 10 + width // 7
    cv2.rectangle(
        scene, (chip_x1 + 1, y), (chip_x1 + width // 8, int(y + height)), (80, 130, 135), -1
    )
    chip = np.float32([x + width // 10 + width // 14, y + height // 3 + width // 20])
    turn = cv2.getRotationMatrix2D((640, 360), angle, 1.0)
    scene = cv2.warpAffine(scene, turn, (1280, 720), borderMode=cv2.BORDER_REFLECT)
    return scene, turn[:, :2] @ chip + turn[:, 2]


@pytest.mark.parametrize(("width", "angle"), [(300, 0.0), (130, 25.0), (110, -40.0)])
def test_a_chip_joined_to_a_gold_surface_and_stripe_is_found(width, angle):
    # fresh scene 3548 (as OpenCV 5.1 draws it): a small card on a khaki
    # table, its chip touching a khaki stripe; the chip's pads are brighter
    scene, chip = _khaki_card(width, angle)
    assert [c for c in find_chips(scene) if np.linalg.norm(c.centre - chip) < width / 14]


def _sheared_card(width: int, shear: float, quarter_turns: int):
    """A card on a wood table seen steeply: sheared by ``shear`` (its chip a
    parallelogram, as a card tilted and turned at once makes it), then turned;
    returns the frame and the number's centre."""
    scene, number = _card_scene(width, quarter_turns)
    warp = np.float32([[1, shear, -shear * 360], [0, 1, 0]])
    turned = cv2.getRotationMatrix2D((640, 360), 25.0, 1.0)
    both = np.vstack([turned, [0, 0, 1]]) @ np.vstack([warp, [0, 0, 1]])
    scene = cv2.warpAffine(scene, both[:2], (1280, 720), borderMode=cv2.BORDER_REFLECT)
    return scene, both[:2, :2] @ number + both[:2, 2]


@pytest.mark.parametrize("quarter_turns", [0, 1])
@pytest.mark.parametrize(("width", "shear"), [(260, 0.8), (160, -0.7)])
def test_a_chip_seen_in_steep_perspective_is_found_and_points_at_the_number(
    width, shear, quarter_turns
):
    # wide scene 1169: a card tilted and turned at once, its chip a
    # parallelogram filling 0.59 of its rotated box, was no chip
    scene, number = _sheared_card(width, shear, quarter_turns)
    chips = [c for c in find_chips(scene) if np.linalg.norm(c.centre - (640, 360)) < width]
    assert len(chips) == 1
    holding = [
        quad
        for quad, _ in chips[0].bands()
        if cv2.pointPolygonTest(quad, tuple(map(float, number)), False) > 0
    ]
    assert len(holding) == 1
