"""Harder cases for the engine: turned and small cards, split numbers, other
personal text and faces - each judged on the uploaded JPEG."""

import cv2
import numpy as np
import pytest
import skimage.data

from core.frames import Label, RawImage, Stamp
from scenes.measure import coverage, mask_of
from scenes.objects import draw_card, wood_table
from scenes.seeded import make_scene
from tests.conftest import TEST_CARD, decode, readable_digit_runs

ASTRONAUT_FACE = (182, 58, 270, 178)  # x0, y0, x1, y1 in skimage's astronaut photo


def raw(pixels, seq=1):
    return RawImage(seq, pixels, Stamp.media(0.0))


def table(seed=3):
    return wood_table(np.random.default_rng(seed), 1280, 720)


def test_a_card_turned_a_quarter_turn_is_redacted(redactor, strong_reader):
    card = table()
    draw_card(card, 100, 100, 520, TEST_CARD)
    scene = table()
    turned = cv2.rotate(card[80:460, 80:660], cv2.ROTATE_90_CLOCKWISE)
    scene[100 : 100 + turned.shape[0], 500 : 500 + turned.shape[1]] = turned
    assert TEST_CARD in readable_digit_runs(strong_reader, scene)
    out = redactor.redact(raw(scene))
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


@pytest.mark.parametrize("angle", [180, 150, 115])
def test_a_receipt_the_other_way_up_is_redacted(redactor, strong_reader, angle):
    # read as it lies, its card number is "TTTT TTTT ..." at a score of about
    # 0.55; a line that reads poorly and looks upside down is read turned round
    # too, and the better reading kept (a card has its chip to go by; a
    # receipt has nothing else)
    upright = _paper(["Paid with 4111 1111 1111 1111", "Total $45.99"])
    turn = cv2.getRotationMatrix2D((640, 360), angle, 1.0)
    back = cv2.getRotationMatrix2D((640, 360), -angle, 1.0)
    scene = cv2.warpAffine(upright, turn, (1280, 720), borderMode=cv2.BORDER_REFLECT)
    # the judge reads the way up it knows: turned back
    assert "4111111111111111" in readable_digit_runs(
        strong_reader, cv2.warpAffine(scene, back, (1280, 720))
    )
    out = redactor.redact(raw(scene))
    assert out.report.count(Label.CARD_NUMBER) >= 1
    sent = cv2.warpAffine(decode(out.jpeg), back, (1280, 720))
    assert readable_digit_runs(strong_reader, sent) == []


def test_a_small_card_is_redacted(redactor, strong_reader):
    scene = table()
    draw_card(scene, 600, 400, 190, "4111111111111111")
    assert readable_digit_runs(strong_reader, scene), "the test card must be legible"
    out = redactor.redact(raw(scene))
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


@pytest.mark.parametrize(("width", "angle"), [(150, 35), (170, -30), (130, 45)])
def test_a_small_slanted_card_is_redacted(redactor, strong_reader, width, angle):
    # digits 8-10 px high at 30-45 degrees: too small for the coarse pass and,
    # level in the mosaic, missed by the detector unless turned level and zoomed
    scene = table()
    draw_card(scene, 560, 300, width, TEST_CARD)
    turn = cv2.getRotationMatrix2D((560 + width / 2, 300 + width / 3.2), angle, 1.0)
    scene = cv2.warpAffine(scene, turn, (1280, 720), borderMode=cv2.BORDER_REFLECT)
    assert TEST_CARD in readable_digit_runs(strong_reader, scene)
    out = redactor.redact(raw(scene))
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def gravel(seed=5):
    """Grey gravel: blobs of a few pixels in every direction, no flat surface."""
    rng = np.random.default_rng(seed)
    g = rng.normal(0, 1, (180, 320)).astype(np.float32)
    g = cv2.resize(g, (1280, 720), interpolation=cv2.INTER_CUBIC)
    g += 0.5 * rng.normal(0, 1, (720, 1280)).astype(np.float32)
    return cv2.cvtColor(np.clip(128 + 45 * g, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def test_a_small_slanted_card_on_gravel_is_redacted(redactor, strong_reader):
    # the strokes of its digits join the gravel's into one frame-sized blob;
    # they are split off again where the card is flat
    scene = gravel()
    draw_card(scene, 560, 300, 150, TEST_CARD, colour=(110, 50, 20))
    turn = cv2.getRotationMatrix2D((635, 347), 30, 1.0)
    scene = cv2.warpAffine(scene, turn, (1280, 720), borderMode=cv2.BORDER_REFLECT)
    assert TEST_CARD in readable_digit_runs(strong_reader, scene)
    out = redactor.redact(raw(scene))
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def leaks_from_bench_scene(redactor, strong_reader, seed: int, index: int) -> list[str]:
    """What the strong reader still reads of a benchmark scene's number after
    redaction (runs holding 8 of its digits in a row, as the benchmark counts
    a leak), reading its card or paper 2x upscaled as the benchmark's judge
    does (and asserting it reads the number before)."""
    scene = make_scene(seed)
    card = scene.numbers[index]
    x0, y0 = np.maximum(card.object_quad.min(axis=0).astype(int) - 10, 0)
    x1, y1 = card.object_quad.max(axis=0).astype(int) + 10

    def closer(frame):
        return cv2.resize(frame[y0:y1, x0:x1], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)

    def of_the_number(runs):
        eights = [card.digits[k : k + 8] for k in range(len(card.digits) - 7)]
        return [run for run in runs if any(eight in run for eight in eights)]

    # legible as the benchmark counts it: 8 consecutive digits of the number
    assert of_the_number(readable_digit_runs(strong_reader, closer(scene.image)))
    out = redactor.redact(raw(scene.image))
    return of_the_number(readable_digit_runs(strong_reader, closer(decode(out.jpeg))))


# Benchmark scenes (seed, number) that leaked once, each for its own reason.
LEAKED = [
    # digits 8-13 px high whose strokes the cue closes into one blob with the
    # chip, the card's edge and the lines below (1098: too loose to pass for a
    # line; 1156: blurred, on stripes). Split off, the number's line is zoomed
    # 2x; in the blob's own tile, at 1x, the detector misses it
    pytest.param(1098, 1, id="closed-into-one-blob-with-its-card-1098"),
    pytest.param(1156, 0, id="closed-into-one-blob-with-its-card-1156"),
    # the strokes of a small card's text join the background's into a blob far
    # thicker than a line, which no split recovers; its strokes on a flat
    # carrier (the card) are judged again alone
    pytest.param(1250, 1, id="text-joins-the-texture-around-it-1250"),
    pytest.param(1262, 0, id="text-joins-the-texture-around-it-1262"),
    # the card's wide stripes are not flat, so the number's blob failed the
    # flat-carrier test; but no other strokes lie around it, as they would in
    # grass or gravel
    pytest.param(1093, 0, id="small-number-on-a-striped-card-1093"),
    pytest.param(1309, 0, id="small-number-on-a-striped-card-1309"),
    # a finger hides the last digits of a small slanted number, and the 11 left
    # in sight read as a number one digit short of the 12-digit rule; its line
    # goes on under the finger, so it goes too
    pytest.param(1252, 1, id="running-under-a-finger-1252"),
    pytest.param(1274, 0, id="running-under-a-finger-1274"),
    # 7 and 12 px digits, blurred, at 17-18 degrees, half under a finger. The
    # cue finds the line, but the detector finds nothing on it even turned
    # level and zoomed 2x; a line that looks like text and yields nothing is
    # read whole
    pytest.param(1089, 0, id="blurred-small-slanted-detector-misses-1089"),
    pytest.param(1213, 1, id="blurred-small-slanted-detector-misses-1213"),
    # fresh seeds: 11 digits read in front of a finger. Past them the finger is
    # smooth, with no strokes, which had passed for blank card, so the line was
    # not marked as running on
    pytest.param(2153, 0, id="cut-short-by-a-finger-without-ink-2153"),
    pytest.param(2213, 1, id="cut-short-by-a-finger-without-ink-2213"),
    # a striped card lying in grass or gravel: its number's strokes join the
    # texture's into one frame-wide blob, and the card has no flat face to
    # judge them on alone; it has a calm one (stripes are too wide to be strokes)
    pytest.param(1052, 0, id="striped-card-in-texture-1052"),
    pytest.param(1254, 0, id="striped-card-in-texture-1254"),
    # cards whose number the cascade cannot read at all (faint, small and
    # slanted, on stripes, half under a finger) but whose gold chip shows: the
    # bands where the number must lie are looked at closer, and masked where
    # their text reads as no number and no words
    pytest.param(1017, 1, id="unread-number-found-by-its-chip-1017"),
    pytest.param(1255, 0, id="unread-number-found-by-its-chip-1255"),
    pytest.param(2150, 1, id="unread-number-found-by-its-chip-2150"),
    pytest.param(2340, 1, id="unread-number-found-by-its-chip-2340"),
    pytest.param(2387, 1, id="unread-number-found-by-its-chip-2387"),
    # fresh seeds: the detector saw nothing in the chip's bands at one zoom
    # (2582) or with the number's top row at the band's edge (2678); each band
    # is now looked at with a margin, at two zooms (1183, the last benchmark
    # leak, is the same case, but the test's reader cannot read it before)
    pytest.param(2582, 1, id="unread-number-found-by-its-chip-2582"),
    pytest.param(2678, 0, id="unread-number-found-by-its-chip-2678"),
    # fresh seeds: small blurred numbers whose tile sat at the mosaic's edge,
    # where the detector found nothing; the mosaic now has a margin all round
    pytest.param(2732, 0, id="number-at-the-mosaic-edge-2732"),
    pytest.param(2778, 0, id="number-at-the-mosaic-edge-2778"),
    pytest.param(2825, 0, id="number-at-the-mosaic-edge-2825"),
    # a paper at 84 degrees whose line's corners put its start at the bottom:
    # read one way only, upside down
    pytest.param(2660, 1, id="steep-line-read-upside-down-2660"),
    # a receipt at 40-45 degrees: upright, the detector finds only pieces of
    # its lines ('0-0426-' of '4809-0426-7613-4486'); turned level, whole lines
    pytest.param(2005, 1, id="paragraph-at-45-degrees-2005"),
    pytest.param(2209, 1, id="paragraph-at-45-degrees-2209"),
]


@pytest.mark.parametrize(("seed", "index"), LEAKED)
def test_a_benchmark_scene_that_leaked_no_longer_does(redactor, strong_reader, seed, index):
    assert leaks_from_bench_scene(redactor, strong_reader, seed, index) == []


@pytest.mark.parametrize(("seed", "index"), [(3503, 0), (3548, 0), (3543, 0), (3215, 0)])
def test_a_small_number_on_a_card_whose_chip_joins_the_gold_around_it_is_masked(
    redactor, seed, index
):
    # fresh scenes: 7-10 px slanted digits on a striped card (3543: turned
    # 80 degrees; 3215: faint, half under a finger), which neither pass finds.
    # The chip touches a khaki stripe or lies on a yellowish table, gold like
    # it, and is found only split off by its brightness; its bands are read
    # (asserted on the mask, as the benchmark judges)
    scene = make_scene(seed)
    found, _ = redactor.find(scene.image)
    masked = mask_of([d for d in found if d.label == Label.CARD_NUMBER], scene.image.shape)
    assert coverage(masked, scene.numbers[index].quad) > 0.95


def test_a_faint_number_beside_its_chip_is_masked(redactor):
    # fresh scene 3185: light, blurred digits on a light stripe of a blue card;
    # the detector finds nothing in the chip's band until the band's contrast is
    # stretched. (The test's reader cannot read it once JPEG-encoded, so what
    # is asserted is the mask over the number, as the benchmark judges it)
    scene = make_scene(3185)
    found, _ = redactor.find(scene.image)
    masked = mask_of([d for d in found if d.label == Label.CARD_NUMBER], scene.image.shape)
    assert coverage(masked, scene.numbers[1].quad) > 0.95


def test_a_number_half_hidden_by_a_finger_still_goes(redactor, strong_reader):
    scene = table()
    draw_card(scene, 300, 200, 500, TEST_CARD)
    cv2.line(scene, (640, 700), (640, 350), (120, 160, 215), 60, cv2.LINE_AA)  # a fingertip
    out = redactor.redact(raw(scene))
    assert out.report.count(Label.CARD_NUMBER) >= 1
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def _paper(lines):
    scene = table()
    cv2.rectangle(scene, (200, 150), (1000, 600), (235, 235, 235), -1)
    for k, text in enumerate(lines):
        cv2.putText(
            scene, text, (240, 220 + 70 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 2
        )
    return scene


def test_other_personal_text_goes_and_short_numbers_stay(redactor, strong_reader):
    scene = _paper(
        ["Mail: jo.doe@example.com", "Tel +1 (415) 555-0132", "Total $45.99", "12/05/2025"]
    )
    out = redactor.redact(raw(scene))
    labels = out.report.counts()
    assert labels.get("email") and labels.get("phone")
    read = " ".join(line.text for line in strong_reader.read(decode(out.jpeg)))
    assert "example" not in read and "0132" not in read
    assert "45.99" in read and "2025" in read  # dates and prices are left alone


def _face_scene():
    scene = table()
    photo = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
    scene[100:612, 600:1112] = photo
    x0, y0, x1, y1 = ASTRONAUT_FACE
    return scene, (600 + x0, 100 + y0, 600 + x1, 100 + y1)


def test_a_face_is_masked_irreversibly(redactor):
    scene, (x0, y0, x1, y1) = _face_scene()
    out = redactor.redact(raw(scene))
    assert out.report.count(Label.FACE) == 1
    face = decode(out.jpeg)[y0:y1, x0:x1]
    assert face.std() < 4 and face.mean() < 10  # a solid fill, not a blur


@pytest.mark.parametrize(
    "printed", ["5500 0055 5555 5559", "5500-0055-5555-5559", "5500005555555559"]
)
def test_groupings_and_separators(redactor, strong_reader, printed):
    scene = _paper([f"Card {printed}", "Thank you"])
    out = redactor.redact(raw(scene))
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def test_a_number_the_detector_cut_short_is_read_again_longer(redactor):
    """A line quad ending inside a number reads 8-11 digits: the scanner reads a
    longer quad again, so the 12-digit rule sees the number, not a fragment."""
    from edge.redaction.text.reading import read_lines

    scene = np.full((120, 900, 3), 235, np.uint8)
    cv2.putText(scene, "3846 243115 3541", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (20, 20, 20), 3)
    text = next(d for d in redactor.detectors if d.name == "text")
    cut = np.float32([[10, 40], [330, 40], [330, 95], [10, 95]])  # ends after "243115"
    (line,) = read_lines(text.scanner.recognizer, scene, [cut])
    assert 8 <= sum(c.isdigit() for c in line.text) < 12, line.text
    (again,) = text.read_cut_again(scene, [line])
    assert "".join(c for c in again.text if c.isdigit()).startswith("384624311535")


def test_a_line_split_into_fragments_is_read_again_past_its_last_one(redactor):
    """ "3846" and "243115" found as two fragments of one line, "3541" not at all:
    together they read 10 digits, so the last fragment is read again, longer."""
    from edge.redaction.text.reading import read_lines

    text, font = "3846 243115 3541", cv2.FONT_HERSHEY_SIMPLEX
    scene = np.full((120, 900, 3), 235, np.uint8)
    cv2.putText(scene, text, (20, 80), font, 1.6, (20, 20, 20), 3)

    def x(prefix):
        return 20 + cv2.getTextSize(prefix, font, 1.6, 3)[0][0]

    def quad(x0, x1):
        return np.float32([[x0, 40], [x1, 40], [x1, 95], [x0, 95]])

    detector = next(d for d in redactor.detectors if d.name == "text")
    fragments = [quad(x("") - 8, x("3846") + 8), quad(x("3846 ") - 8, x("3846 243115") + 8)]
    lines = read_lines(detector.scanner.recognizer, scene, fragments)
    assert [sum(c.isdigit() for c in line.text) for line in lines] == [4, 6]
    again = detector.read_cut_again(scene, lines)
    digits = "".join(c for line in again for c in line.text if c.isdigit())
    assert digits.startswith("384624311535"), digits
