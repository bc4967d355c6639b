"""Cards and receipts printed in a given font and laid in a given pose, for
regression tests of the hold-out's failures (issue 23): an OCR-style font on
a card in steep perspective, a receipt at about 30 degrees.

Drawn with Pillow and warped with OpenCV here, apart from the benchmark's
generator, so a test pins one pose and one font rather than a seed.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "ocr-a": Path("/usr/share/fonts/truetype/ocr-a/OCRA.ttf"),
    "ocr-b": Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf"),
    "vt220": Path("/usr/share/fonts/truetype/glasstty/Glass_TTY_VT220.ttf"),
    "dotgothic": Path("/usr/share/fonts/truetype/dotgothic16/DotGothic16-Regular.ttf"),
}
CARD_W, CARD_H = 856, 540


def font_missing(name: str) -> str | None:
    """Why a test drawn in ``name`` cannot run (``make sysdeps`` installs the fonts)."""
    path = FONTS[name]
    return None if path.exists() else f"{path} missing: apt-get install the font's package"


def _raster(number: str, font: str, kind: str, card_rgb: tuple[int, ...]):
    path = str(FONTS[font])
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    if kind == "card":
        img = Image.new("RGB", (CARD_W, CARD_H), card_rgb)
        ink = (240, 240, 240) if sum(card_rgb) / 3 < 140 else (20, 20, 20)
        draw = ImageDraw.Draw(img)
        draw.rectangle((80, 170, 200, 260), fill=(215, 190, 80))  # the chip, gold
        size = 62
        while True:
            f = ImageFont.truetype(path, size)
            box = draw.textbbox((60, 300), grouped, font=f)
            if box[2] <= CARD_W - 30:
                break
            size -= 2
        draw.text((60, 300), grouped, font=f, fill=ink)
        small = ImageFont.truetype(path, 30)
        draw.text((90, 420), "VALID THRU 09/29", font=small, fill=ink)
        draw.text((90, 470), "J SMITH", font=small, fill=ink)
    else:
        img = Image.new("RGB", (700, 900), (238, 236, 230))
        draw, ink = ImageDraw.Draw(img), (60, 60, 60)
        f = ImageFont.truetype(path, 30)
        rows = [
            "STORE 0042  12/03/26",
            "COFFEE        3.50",
            "BAGEL         2.25",
            "TOTAL         5.75",
            "CARD " + number,
            "AUTH 004213",
            "THANK YOU",
        ]
        for i, row in enumerate(rows):
            draw.text((40, 40 + 60 * i), row, font=f, fill=ink)
            if row.startswith("CARD"):
                x0 = 40 + draw.textlength("CARD ", font=f)
                box = draw.textbbox((40, 40 + 60 * i), row, font=f)
                box = (x0, box[1], box[2], box[3])
    quad = np.float32([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR), quad


def printed_scene(
    number: str,
    font: str,
    kind: str,
    corners: np.ndarray,
    card_rgb: tuple[int, int, int] | None = (58, 88, 120),
    table_bgr: tuple[int, int, int] = (120, 180, 70),
    blur: float = 0.8,
) -> tuple[np.ndarray, np.ndarray]:
    """A 1280x720 frame with a card or a receipt whose corners are ``corners``
    (tl, tr, br, bl in the frame), and the quad of its number in the frame."""
    raster, quad = _raster(number, font, kind, card_rgb or (58, 88, 120))
    h, w = raster.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, np.float32(corners))
    rng = np.random.default_rng(0)
    frame = np.empty((720, 1280, 3), np.uint8)
    frame[:] = table_bgr
    frame = np.clip(frame + rng.normal(0, 5, frame.shape), 0, 255).astype(np.uint8)
    warped = cv2.warpPerspective(raster, matrix, (1280, 720), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (1280, 720))
    cover = (cover.astype(np.float32) / 255)[..., None]
    frame = (warped * cover + frame * (1 - cover)).astype(np.uint8)
    if blur:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    frame = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return frame, cv2.perspectiveTransform(quad.reshape(-1, 1, 2), matrix).reshape(-1, 2)
