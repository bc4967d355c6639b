"""Reading lines: each quad cropped, rectified and recognised, the right way up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge.redaction.text.lines import TextLine, crop_line, is_tall, reading_order, runs_steep
from edge.redaction.text.ppocr import Reading, TextDetector, TextRecognizer


@dataclass(frozen=True)
class ReadTuning:
    """When a line is read turned round as well (a receipt lying the other
    way up reads as "TTTT TTTT" at a score of about 0.55; b3c031b sends only
    poor reads the classifier takes for upside down: 5 % fewer columns read)."""

    poor: float = 0.9  # a read scoring under this is poor
    upside_down: float = 0.5  # the classifier's probability of 180 degrees


READING = ReadTuning()


def read_lines(
    recognizer: TextRecognizer,
    bgr: np.ndarray,
    quads: Sequence[np.ndarray],
    tuning: ReadTuning = READING,
) -> list[TextLine]:
    """Recognise each quad; quads that read as nothing are left out."""
    return [line for line in read_each(recognizer, bgr, quads, tuning) if line is not None]


def read_each(
    recognizer: TextRecognizer,
    bgr: np.ndarray,
    quads: Sequence[np.ndarray],
    tuning: ReadTuning = READING,
) -> list[TextLine | None]:
    """Each quad's reading, in order (None where nothing was read). Tall lines,
    and steep ones where the recogniser has no orientation classifier, are
    read both ways up and the better read is kept. Any other line that reads
    with a score under ``tuning.poor`` and that the classifier takes for upside
    down (``tuning.upside_down``) is read turned round too, and that read kept if its score is
    higher: a receipt lying the other way up, or a steep line whose corners
    by x put its start at the bottom."""
    crops, owners, single = [], [], []
    for k, quad in enumerate(quads):
        crop = crop_line(bgr, quad)
        crops.append(crop)
        owners.append((k, False))
        # a tall line may be either way round; so may a steep one, which the
        # direction classifier decides where there is one (read twice, the
        # steep lines cost 5 % more recognition)
        if is_tall(quad) or (runs_steep(quad) and recognizer.orientation is None):
            crops.append(np.ascontiguousarray(crop[::-1, ::-1]))
            owners.append((k, True))
        else:
            single.append(len(crops) - 1)
    best: dict[int, tuple[Reading, bool]] = {}
    for (k, flipped), reading in zip(owners, recognizer.recognize(crops), strict=True):
        if k not in best or _better(reading, best[k][0]):
            best[k] = (reading, flipped)
    if recognizer.orientation is not None:
        poorly = [i for i in single if best[owners[i][0]][0].score < tuning.poor]
        likely = recognizer.orientation.upside_down([crops[i] for i in poorly])
        again = [i for i, p in zip(poorly, likely, strict=True) if p >= tuning.upside_down]
        flips = [np.ascontiguousarray(crops[i][::-1, ::-1]) for i in again]
        for i, reading in zip(again, recognizer.recognize(flips), strict=True):
            k = owners[i][0]
            if reading.score > best[k][0].score:  # read with more confidence turned round
                best[k] = (reading, True)
    out: list[TextLine | None] = [None] * len(quads)
    for k, (reading, flipped) in best.items():
        if reading.text:
            quad = reading_order(quads[k], flipped)
            out[k] = TextLine(quad, reading.text, reading.score, reading.positions)
    return out


def _better(a: Reading, b: Reading) -> bool:
    digits_a = sum(c.isdigit() for c in a.text)
    digits_b = sum(c.isdigit() for c in b.text)
    return (digits_a, a.score) > (digits_b, b.score)


class OcrReader:
    """Detection + recognition in one call (full frame, one resolution).

    The redactor uses the stages separately; this is for tools and for the
    benchmark's judge, which reads at a higher resolution than the device.
    """

    def __init__(self, detector: TextDetector, recognizer: TextRecognizer, max_side: int = 1280):
        self.detector, self.recognizer, self.max_side = detector, recognizer, max_side
        self.version = f"{detector.version}@{max_side}+{recognizer.version}"

    def read(self, bgr: np.ndarray) -> list[TextLine]:
        return read_lines(self.recognizer, bgr, self.detector.detect(bgr, self.max_side))
