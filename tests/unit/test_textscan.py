"""The text cascade's geometry: splitting blobs into lines, deduplication,
chaining fragments of one printed line, and packing the mosaic."""

import itertools
from dataclasses import replace

import cv2
import numpy as np
import pytest

from edge.redaction.rules.analyzer import TextRules
from edge.redaction.text.bands import tighten
from edge.redaction.text.candidates import Region, small_text_regions
from edge.redaction.text.chaining import chain_lines, dedupe
from edge.redaction.text.cues import glyph_strokes
from edge.redaction.text.lines import TextLine
from edge.redaction.text.mosaic import Tile, pack
from edge.redaction.text.scanner import reach
from edge.redaction.text.slant import level_quad, split_lines, text_slant
from edge.redaction.text_detector import SensitiveTextDetector
from scenes.seeded import make_scene
from tests.fakes import FakeScanner


def _card_strokes(angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Strokes of a small card turned by ``angle`` degrees (anticlockwise on
    screen): a chip outline touching a line of 9 px digits, a line of names
    below. Returns the mask and the digits' centre."""
    mask = np.zeros((300, 400), np.uint8)
    cv2.rectangle(mask, (110, 101), (135, 121), 1, 1)  # the chip's edges, touching the digits
    number, font = "4111 1111 1111 1111", cv2.FONT_HERSHEY_SIMPLEX
    (width, height), _ = cv2.getTextSize(number, font, 0.4, 1)
    cv2.putText(mask, number, (110, 132), font, 0.4, 1, 1)
    cv2.putText(mask, "VALID THRU 12/29", (110, 146), cv2.FONT_HERSHEY_PLAIN, 0.6, 1, 1)
    turn = cv2.getRotationMatrix2D((200, 150), angle, 1.0)
    turned = cv2.warpAffine(mask, turn, (400, 300), flags=cv2.INTER_NEAREST)
    turned = cv2.dilate(turned, np.ones((2, 2), np.uint8))  # as a blurred stroke's top-hat
    centre = turn @ np.float64([110 + width / 2, 132 - height / 2, 1])
    return turned, centre


def _blob(mask: np.ndarray) -> Region:
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    points = cv2.findNonZero(closed)
    return Region(cv2.boundingRect(points), cv2.minAreaRect(points))


@pytest.mark.parametrize("angle", [30, -45, 20])
def test_the_lines_direction_is_found_whatever_the_blob_shape(angle):
    mask, _ = _card_strokes(angle)
    ys, xs = np.nonzero(mask)
    assert abs(text_slant(xs, ys) + angle) <= 2  # y down: anticlockwise is negative


@pytest.mark.parametrize("angle", [30, -45])
def test_a_small_number_joined_to_its_chip_is_split_off_as_a_thin_line(angle):
    mask, centre = _card_strokes(angle)
    blob = _blob(mask)
    assert blob.thickness > 32  # as one blob it is far too thick to be zoomed
    lines = split_lines(mask, blob)
    number = [
        line
        for line in lines
        if cv2.pointPolygonTest(cv2.boxPoints(line.box), tuple(centre), False) >= 0
    ]
    assert len(number) == 1
    assert number[0].thickness < 16 and abs(number[0].slant - abs(angle)) <= 3


def _quad(*points):
    return np.float32(points)


def test_a_line_inside_a_block_of_lines_is_kept_and_a_repeat_is_dropped():
    block = _quad([100, 100], [400, 100], [400, 200], [100, 200])
    line = _quad([110, 120], [390, 120], [390, 140], [110, 140])
    again = _quad([108, 118], [392, 118], [392, 141], [108, 141])
    kept = dedupe([block, line, again])
    assert len(kept) == 2 and any(q is block for q in kept)


def test_a_fragment_of_the_line_below_never_breaks_a_number_whatever_the_order():
    # a slanted number in three fragments and the expiry just below it (seen
    # in a benchmark scene): off the number's line measured from its own axis,
    # the expiry once joined the chain between two groups and split the run
    number = [
        TextLine(_quad([125, 482], [163, 472], [168, 491], [130, 501]), "3460", 1.0),
        TextLine(_quad([157, 472], [214, 451], [219, 466], [163, 488]), "788775", 1.0),
        TextLine(_quad([211, 449], [253, 437], [258, 454], [216, 466]), "9652", 1.0),
    ]
    expiry = TextLine(_quad([181, 483], [209, 478], [212, 493], [184, 498]), "va/33", 1.0)
    for order in itertools.permutations([*number, expiry]):
        chains = [[line.text for line in chain] for chain in chain_lines(list(order))]
        assert ["3460", "788775", "9652"] in chains


def test_a_number_split_by_a_finger_is_one_chain_though_a_short_group_sits_level():
    # seen in a fresh scene: a small number at 8 degrees, its left part read
    # as one slanted fragment, the digits right of a finger as a short quad
    # that sits level, and a word of the line below under the left part.
    # Measured off the level quad's axis the right part seemed off the line,
    # and the word below, listed first, took the left part's place in the chain
    left = TextLine(_quad([298, 182], [339, 188], [337, 201], [296, 195]), "35287326", 0.85)
    below = TextLine(_quad([301, 200], [317, 200], [317, 211], [301, 211]), "", 0.0)
    right = TextLine(_quad([356, 195], [388, 195], [388, 210], [356, 210]), "92559", 0.92)
    for lines in ([left, below, right], [replace(x, text="") for x in (left, below, right)]):
        for order in itertools.permutations(lines):
            chains = [[line.quad.tobytes() for line in chain] for chain in chain_lines(order)]
            assert [lines[0].quad.tobytes(), lines[2].quad.tobytes()] in chains
    # read, the two parts are one 13-digit run, and both go
    rules = SensitiveTextDetector(FakeScanner(), TextRules())
    covers = [d.polygon for d in rules.apply([below, right, left])]
    for part in (left, right):
        centre = tuple(float(v) for v in part.quad.mean(axis=0))
        assert any(cv2.pointPolygonTest(p, centre, False) >= 0 for p in covers)


def test_a_whole_line_beside_a_taller_piece_of_it_is_kept():
    # benchmark scene 1109: the fine pass found the whole number (97 x 12 px)
    # and, taller, its first two thirds (72 x 18 px), which is larger; the
    # whole line was dropped as a repeat, and the rest of the number not read
    whole = _quad([90, 462], [180, 498], [176, 508], [86, 473])
    piece = _quad([86, 459], [154, 482], [149, 499], [81, 476])
    kept = [q.tobytes() for q in dedupe([whole, piece])]
    assert whole.tobytes() in kept
    # a repeat of the same stretch is still dropped
    again = whole + np.float32([1, 1])
    assert len(dedupe([whole, again])) == 1


def test_a_line_read_twice_is_not_joined_with_itself():
    # both passes found one date, offset too far for dedupe to drop a repeat:
    # joined, "02/07/2023 02/07/2023" would read as a 16-digit card number
    date = TextLine(_quad([300, 200], [420, 200], [420, 222], [300, 222]), "02/07/2023", 0.99)
    again = TextLine(_quad([330, 210], [450, 210], [450, 232], [330, 232]), "02/07/2023", 0.98)
    after = TextLine(_quad([465, 201], [535, 201], [535, 223], [465, 223]), "paid", 0.97)
    assert len(dedupe([date.quad, again.quad])) == 2
    for order in itertools.permutations([date, again, after]):
        chains = chain_lines(list(order))
        assert sorted(len(chain) for chain in chains) == [1, 2]
    rules = SensitiveTextDetector(FakeScanner(), TextRules())
    assert rules.apply([date, again, after]) == []


def test_a_window_reaches_along_every_line_that_crosses_into_it():
    # a partial check looks at the strip that came into view; a number that
    # crosses its edge is taken whole, with the next piece of its line (one
    # line height on), and a line beyond, apart from it, is left alone
    strip = (1240, 0, 40, 720)
    number = _quad([900, 300], [1260, 300], [1260, 330], [900, 330])
    its_start = _quad([820, 300], [880, 300], [880, 330], [820, 330])
    apart = _quad([600, 300], [700, 300], [700, 330], [600, 330])
    x, y, w, h = reach(strip, [apart, its_start, number])
    assert x <= 820 - 30 and x > 700 and x + w >= 1280 and y <= 300 - 30
    assert reach(strip, [apart]) == strip


def test_a_line_read_again_beside_a_chip_is_reported_once():
    # the chip's band held an e-mail line the first pass had read: one finding,
    # not two; a card number read there is always kept
    mail = TextLine(_quad([300, 200], [520, 200], [520, 222], [300, 222]), "jo@example.org", 0.95)
    again = replace(mail, quad=mail.quad + np.float32([1, 1]))
    card = TextLine(
        _quad([300, 300], [560, 300], [560, 324], [300, 324]), "4111 1111 1111 1111", 0.9
    )
    band = _quad([290, 190], [600, 190], [600, 330], [290, 330])
    scanner = FakeScanner([mail], [(band, [again, card])])
    found = SensitiveTextDetector(scanner, TextRules()).detect(np.zeros((720, 1280, 3), np.uint8))
    assert sorted(d.label.value for d in found) == ["card_number", "email"]


@pytest.mark.parametrize(("seed", "index"), [(1017, 1), (1255, 0), (2825, 0)])
def test_a_number_cut_tight_is_found_in_the_mosaic(redactor, seed, index):
    # benchmark numbers (small, blurred, faint) cut level with their ink at the
    # tile's edge: at the mosaic's own edge the detector found none of them
    scanner = redactor.detectors[0].scanner
    scene = make_scene(seed)
    tile = Tile.onto(scene.numbers[index].quad.astype(np.float32), 1.0)
    _, found = scanner.detect_tiles(scene.image, [tile])
    assert found


def test_packed_tiles_never_overlap_fit_the_width_and_keep_their_order():
    rng = np.random.default_rng(1)
    shift = np.float32([[1, 0, 0], [0, 1, 0]])
    tiles = [
        Tile(shift, (int(rng.integers(10, 600)), int(rng.integers(10, 200)))) for _ in range(60)
    ]
    placed, width, height = pack(tiles, 1280, gap=8)
    assert width <= 1280 and len(placed) == len(tiles)
    # in the order given: what is found in a tile is told by its index (a
    # chip's band masked where another band's text was found leaked a number)
    assert [t.size for t in placed] == [t.size for t in tiles]
    for a, b in itertools.combinations(placed, 2):
        apart_x = a.at[0] + a.size[0] + 8 <= b.at[0] or b.at[0] + b.size[0] + 8 <= a.at[0]
        apart_y = a.at[1] + a.size[1] + 8 <= b.at[1] or b.at[1] + b.size[1] + 8 <= a.at[1]
        assert apart_x or apart_y
    assert all(t.at[1] + t.size[1] <= height for t in placed)
    # the skyline fills the mosaic far better than one row per height
    assert sum(t.size[0] * t.size[1] for t in tiles) >= 0.6 * width * height


@pytest.mark.parametrize("contrast", [32, 120])
def test_a_line_of_digits_has_glyph_strokes_and_a_streak_has_none(contrast):
    # crops as the fine pass cuts them: turned level, 8-9 px digits, blurred
    rng = np.random.default_rng(0)
    digits = np.full((24, 150, 3), 120, np.uint8)
    cv2.putText(
        digits, "6205 3826 8255", (4, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.35, 120 + contrast, 1
    )
    streak = np.full((24, 150, 3), 120, np.uint8)  # a stone's edge, lit along its length
    cv2.line(streak, (0, 11), (149, 13), 120 + contrast, 2, cv2.LINE_AA)
    for crop in (digits, streak):
        crop[:] = cv2.GaussianBlur(crop, (3, 3), 0.8)
        crop[:] = np.clip(crop + rng.normal(0, 3, crop.shape), 0, 255).astype(np.uint8)
    assert glyph_strokes(digits) >= 0.4 > glyph_strokes(streak)  # the fine pass's threshold


def test_a_slanted_paragraph_merged_into_one_quad_is_a_block_not_a_line():
    # the coarse detector merged three slanted lines into one quad that runs
    # past the paper: no row between the lines is blank, so only the height
    # of the glyphs against the quad's tells it is not one line (which would
    # be read as nothing, number included)
    scene = np.full((400, 600, 3), (40, 90, 150), np.uint8)  # a brown table
    paper = np.full((130, 380, 3), 235, np.uint8)
    for k, text in enumerate(["Ref 1803-252998", "Card no. 6211 5060 6174 5432", "Order 870530"]):
        cv2.putText(paper, text, (10, 30 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (30, 30, 30), 1)
    turn = cv2.getRotationMatrix2D((190, 65), -15, 1.0)
    turn[:, 2] += (110, 130)
    mask = cv2.warpAffine(np.ones((130, 380), np.uint8), turn, (600, 400))
    turned = cv2.warpAffine(paper, turn, (600, 400))
    scene[mask > 0] = turned[mask > 0]
    ys, xs = np.nonzero(mask)
    quad = np.float32(
        [[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()], [xs.min(), ys.max()]]
    )
    lines, blocks = tighten(scene, quad)
    assert lines == [] and len(blocks) >= 1


def test_a_line_inside_a_ring_of_strokes_is_still_a_candidate():
    # a card whose outline the texture around it closes into one ring of
    # strokes: the line of digits on the card lies in that ring's hole
    frame = np.full((360, 640, 3), 200, np.uint8)
    cv2.rectangle(frame, (170, 90), (470, 280), (40, 40, 40), 3)
    cv2.putText(
        frame, "4111 1111 1111 1111", (200, 190), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (30, 30, 30), 1
    )
    regions, _ = small_text_regions(frame)
    lines = [r for r in regions if r.thickness < 20]  # the ring itself is a region too
    assert any(170 < r.box[0][0] < 470 and 170 < r.box[0][1] < 195 for r in lines)


def test_a_number_on_a_striped_card_lying_in_grass_is_a_candidate():
    # grass: thin strokes everywhere, which join the card's text into one blob
    # the size of the frame. The card's stripes are too wide to be strokes but
    # leave it no flat carrier; around its number (starting at the card's
    # edge, where the grass joins it) the rows are calm
    rng = np.random.default_rng(3)
    frame = np.full((360, 640, 3), 120, np.uint8)
    for _ in range(3000):
        x, y = int(rng.integers(0, 640)), int(rng.integers(0, 360))
        dx, dy = rng.integers(-12, 13, size=2)
        shade = int(rng.integers(160, 255))
        cv2.line(frame, (x, y), (x + int(dx), y + int(dy)), (shade,) * 3, 1)
    card = np.full((190, 300, 3), (90, 35, 30), np.uint8)  # navy, BGR
    for x in range(0, 300, 24):
        card[:, x : x + 12] = (140, 90, 85)  # lighter stripes, 12 px wide
    cv2.putText(card, "4366-8541-8507-2238", (2, 120), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255,) * 3, 1)
    frame[90:280, 170:470] = card
    regions, _ = small_text_regions(frame)
    assert any(
        r.thickness < 24 and 200 < r.box[0][0] < 300 and 195 < r.box[0][1] < 215 for r in regions
    )


@pytest.mark.parametrize("angle", [35, -45, 55])
def test_a_steep_paragraphs_level_quad_runs_along_its_lines_and_holds_them(angle):
    # a receipt at 30-60 degrees goes into the mosaic turned level: the
    # rectangle is taken along its lines, whatever the blob's own outline
    mask = np.zeros((500, 500), np.uint8)
    for k, text in enumerate(["23:53", "Order 3978751127326", "Paid with 4809-0426-7613-4486"]):
        cv2.putText(mask, text, (90, 200 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 1, 1)
    turn = cv2.getRotationMatrix2D((250, 250), angle, 1.0)
    strokes = cv2.warpAffine(mask, turn, (500, 500), flags=cv2.INTER_NEAREST)
    quad, degrees = level_quad(strokes, _blob(strokes), pad=16)
    assert abs(degrees + angle) < 3  # y down: anticlockwise on screen is negative
    along = quad[1] - quad[0]
    assert abs(np.degrees(np.arctan2(along[1], along[0])) + angle) < 3
    points = cv2.findNonZero(strokes).reshape(-1, 2)
    assert all(cv2.pointPolygonTest(quad, (float(x), float(y)), False) > 0 for x, y in points)
