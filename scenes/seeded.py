"""A seeded generator of 1280x720 scenes with known ground truth (redaction benchmark, tests).

Every scene is built from a seed, so a run is reproducible. What a scene may hold:

- **payment cards** of several designs (solid, gradient, dark, light, striped),
  fonts (DejaVu Sans/Mono/Serif through Pillow, OpenCV's Hershey faces),
  brands and groupings (4-4-4-4, 4-6-5, 4-6-4, unspaced), 100-700 px wide,
  rotated and in perspective, sometimes partly covered by a finger;
- **card numbers on paper** (a receipt or letter) and **on a phone screen**;
- **negatives**: other numbers - dates, prices, times, order numbers, phone
  numbers (all shorter than 12 digits) and long order/tracking numbers
  (12+ digits, which the 12-digit rule redacts by design);
- **faces** cut from scikit-image's real photographs (astronaut, cameraman)
  at several sizes;
- then blur, sensor noise and JPEG compression over the whole frame.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from stdnum.luhn import calc_check_digit

from scenes.objects import wood_table

W, H = 1280, 720
CARD_W, CARD_H = 856, 540  # canonical card raster, 10 px per mm (ISO ID-1)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
TTF_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSansCondensed.ttf",
)
HERSHEY = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX)

# Face boxes in scikit-image's photographs (x0, y0, x1, y1), from CenterFace at
# full resolution (score 0.93 and 0.83), checked by eye.
FACE_PHOTOS = {"astronaut": (182, 58, 270, 178), "camera": (202, 119, 258, 197)}


@dataclass
class Number:
    """A card number placed in the scene: its digits and its quad in the frame."""

    digits: str
    quad: np.ndarray  # (4, 2) tl, tr, br, bl around the printed number
    kind: str  # card | paper | phone
    object_quad: np.ndarray  # the card / paper / screen it is on


@dataclass
class Negative:
    text: str
    quad: np.ndarray
    kind: str  # date | price | time | order | phone | long


@dataclass
class Scene:
    seed: int
    image: np.ndarray
    numbers: list[Number] = field(default_factory=list)
    negatives: list[Negative] = field(default_factory=list)
    faces: list[tuple[float, float, float, float]] = field(default_factory=list)
    objects: list[np.ndarray] = field(default_factory=list)  # quads where redaction is fair


# --- numbers -----------------------------------------------------------------------------


def luhn_complete(prefix: str, length: int, rng: np.random.Generator) -> str:
    body = prefix + "".join(str(d) for d in rng.integers(0, 10, length - len(prefix) - 1))
    return body + calc_check_digit(body)


BRANDS = (  # prefix choices, length, grouping
    (("4",), 16, (4, 4, 4, 4)),
    (("51", "53", "55", "2221", "2720", "23"), 16, (4, 4, 4, 4)),
    (("34", "37"), 15, (4, 6, 5)),
    (("36", "38"), 14, (4, 6, 4)),
    (("6011", "65"), 16, (4, 4, 4, 4)),
    (("3528", "3589"), 16, (4, 4, 4, 4)),
    (("62",), 19, (4, 4, 4, 4, 3)),
    (("4",), 13, (4, 4, 5)),
)


def card_number(rng: np.random.Generator) -> tuple[str, str]:
    """A card number (Luhn-valid, or with one misprinted digit) and how it is printed."""
    prefixes, length, groups = BRANDS[rng.integers(len(BRANDS))]
    digits = luhn_complete(str(rng.choice(prefixes)), length, rng)
    if rng.random() < 0.1:  # a misprint / misread: Luhn must never gate redaction
        k = int(rng.integers(len(digits)))
        digits = digits[:k] + str((int(digits[k]) + 1) % 10) + digits[k + 1 :]
    style = rng.random()
    if style < 0.15:
        printed = digits
    else:
        sep = " " if style < 0.8 else ("  " if style < 0.9 else "-")
        out, k = [], 0
        for g in groups:
            out.append(digits[k : k + g])
            k += g
        printed = sep.join(out)
    return digits, printed


def negatives_text(rng: np.random.Generator) -> list[tuple[str, str]]:
    """A handful of other numbers with their kind."""
    r = rng.integers
    pool = [
        ("date", f"{r(1, 29):02d}/{r(1, 13):02d}/20{r(20, 30)}"),
        ("date", f"20{r(20, 30)}-{r(1, 13):02d}-{r(1, 29):02d}"),
        ("price", f"${r(1, 999)}.{r(0, 100):02d}"),
        ("price", f"EUR {r(1, 9999):,}.{r(0, 100):02d}"),
        ("time", f"{r(0, 24):02d}:{r(0, 60):02d}"),
        ("order", f"Order #{r(10**5, 10**9)}"),
        ("order", f"Ref {r(10**3, 10**4)}-{r(10**4, 10**6)}"),
        ("phone", f"+1 ({r(200, 999)}) 555-{r(0, 10000):04d}"),
        ("phone", f"Tel {r(200, 999)} 555 {r(0, 10000):04d}"),
        ("long", f"Tracking 9400 {r(1000, 9999)} {r(1000, 9999)} {r(1000, 9999)} {r(10, 99)}"),
        ("long", f"Order {r(10**12, 10**13)}"),
    ]
    idx = rng.choice(len(pool), size=int(r(3, 7)), replace=False)
    return [pool[i] for i in idx]


# --- drawing -------------------------------------------------------------------------------


@functools.cache
def _ttf(name: str, size: int):  # noqa: ANN202
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return None


def draw_text(
    canvas: np.ndarray,
    text: str,
    x: int,
    y: int,
    height: int,
    colour: tuple[int, int, int],
    font: str | int,
) -> np.ndarray:
    """Draw ``text`` with its cap height about ``height`` px; return its quad (tl,tr,br,bl)."""
    if isinstance(font, str) and _ttf(font, 12) is not None:
        from PIL import Image, ImageDraw

        f = _ttf(font, max(int(height * 1.38), 6))
        img = Image.fromarray(canvas)
        draw = ImageDraw.Draw(img)
        draw.text((x, y), text, font=f, fill=tuple(int(c) for c in colour))
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=f)
        canvas[:] = np.asarray(img)
    else:
        face = font if isinstance(font, int) else cv2.FONT_HERSHEY_SIMPLEX
        scale = height / 22.0
        thick = max(1, int(round(scale * 2)))
        (tw, th), _ = cv2.getTextSize(text, face, scale, thick)
        cv2.putText(canvas, text, (x, y + th), face, scale, colour, thick, cv2.LINE_AA)
        x0, y0, x1, y1 = x, y, x + tw, y + th + thick
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _font(rng: np.random.Generator) -> str | int:
    if rng.random() < 0.7:
        return str(rng.choice(TTF_NAMES))
    return int(rng.choice(HERSHEY))


def card_raster(rng: np.random.Generator, printed: str) -> tuple[np.ndarray, np.ndarray]:
    """A card at 856x540 and the quad of its number, in card coordinates."""
    design = rng.integers(5)
    base = rng.integers(0, 256, 3)
    card = np.empty((CARD_H, CARD_W, 3), np.uint8)
    if design == 0:  # solid
        card[:] = base
    elif design == 1:  # gradient
        t = np.linspace(0, 1, CARD_W, dtype=np.float32)[None, :, None]
        other = rng.integers(0, 256, 3)
        card[:] = (base * (1 - t) + other * t).astype(np.uint8)
    elif design == 2:  # dark
        card[:] = rng.integers(10, 60, 3)
    elif design == 3:  # light
        card[:] = rng.integers(200, 250, 3)
    else:  # stripes / waves
        card[:] = base
        yy, xx = np.mgrid[0:CARD_H, 0:CARD_W]
        wave = (np.sin(xx / rng.uniform(15, 60) + yy / rng.uniform(30, 90)) > 0.3)[..., None]
        card[:] = np.where(wave, np.clip(base.astype(int) + 40, 0, 255), base).astype(np.uint8)
    lum = card.reshape(-1, 3).mean()
    ink = (235, 235, 235) if lum < 140 else (25, 25, 25)
    if rng.random() < 0.15:  # metallic/embossed: gold-ish ink
        ink = (90, 190, 225) if lum < 140 else (40, 60, 90)
    cv2.rectangle(card, (80, 170), (200, 260), (80, 190, 215), -1)  # chip
    cv2.rectangle(card, (80, 170), (200, 260), (60, 140, 170), 2)
    font = _font(rng)
    digit_h = int(rng.uniform(0.065, 0.095) * CARD_H)
    quad = draw_text(
        card, printed, int(rng.uniform(50, 80)), int(CARD_H * 0.56), digit_h, ink, font
    )
    if quad[1, 0] > CARD_W - 20:  # too wide for the card: squeeze it in
        scale = (CARD_W - 70) / (quad[1, 0] - quad[0, 0] + 10)
        return card_raster_squeeze(card, quad, scale)
    small = int(digit_h * 0.55)
    draw_text(card, "VALID THRU", 90, int(CARD_H * 0.77), small, ink, font)
    draw_text(
        card,
        f"{rng.integers(1, 13):02d}/{rng.integers(26, 35)}",
        330,
        int(CARD_H * 0.76),
        small + 4,
        ink,
        font,
    )
    draw_text(
        card,
        str(rng.choice(["A N OTHER", "J SMITH", "M GARCIA", "K TANAKA"])),
        90,
        int(CARD_H * 0.86),
        small + 4,
        ink,
        font,
    )
    draw_text(
        card, str(rng.choice(["BANK", "CREDIT", "debit", "PLATINUM"])), 600, 50, 40, ink, font
    )
    return card, quad


def card_raster_squeeze(
    card: np.ndarray, quad: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Horizontally squeeze the number row so it fits (keeps the generator simple)."""
    y0, y1 = int(quad[0, 1]) - 4, int(quad[2, 1]) + 4
    x0, x1 = int(quad[0, 0]), int(min(quad[1, 0], CARD_W))
    row = card[y0:y1, x0:x1].copy()
    new_w = max(int((x1 - x0) * scale), 10)
    bg = card[y0:y1, CARD_W - 5 : CARD_W - 4].repeat(x1 - x0, axis=1)
    card[y0:y1, x0:x1] = bg
    card[y0:y1, x0 : x0 + new_w] = cv2.resize(row, (new_w, y1 - y0), interpolation=cv2.INTER_AREA)
    q = quad.copy()
    q[1, 0] = q[2, 0] = x0 + new_w
    return card, q


def warp_into(frame: np.ndarray, raster: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Composite ``raster`` into ``frame`` with its corners on ``dst``; returns the homography."""
    h, w = raster.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(
        raster, matrix, (frame.shape[1], frame.shape[0]), flags=cv2.INTER_AREA
    )
    mask = np.full((h, w), 255, np.uint8)
    m = cv2.warpPerspective(mask, matrix, (frame.shape[1], frame.shape[0]), flags=cv2.INTER_LINEAR)
    m = (m.astype(np.float32) / 255.0)[..., None]
    frame[:] = (warped * m + frame * (1 - m)).astype(np.uint8)
    return matrix


def apply_h(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float32), matrix).reshape(-1, 2)


def placement(
    rng: np.random.Generator, width: float, aspect: float, taken: list[np.ndarray]
) -> np.ndarray | None:
    """Corners for an object ``width`` px wide, rotated and in perspective, not overlapping."""
    for _ in range(30):
        height = width / aspect
        angle = np.deg2rad(rng.uniform(-30, 30) if rng.random() < 0.8 else rng.uniform(-90, 90))
        cx, cy = (
            rng.uniform(width * 0.45, W - width * 0.45),
            rng.uniform(height * 0.5, H - height * 0.5),
        )
        rect = np.float32(
            [
                [-width / 2, -height / 2],
                [width / 2, -height / 2],
                [width / 2, height / 2],
                [-width / 2, height / 2],
            ]
        )
        persp = rng.uniform(-0.12, 0.12, (4, 2)) * np.float32([width, height])
        rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        quad = (rect + persp) @ rot.T + np.float32([cx, cy])
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        if x0 < 0 or y0 < 0 or x1 > W or y1 > H:
            continue
        if any(_overlap(quad, other) for other in taken):
            continue
        taken.append(quad)
        return quad.astype(np.float32)
    return None


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    ax0, ay0 = a.min(axis=0)
    ax1, ay1 = a.max(axis=0)
    bx0, by0 = b.min(axis=0)
    bx1, by1 = b.max(axis=0)
    return not (ax1 < bx0 - 10 or bx1 < ax0 - 10 or ay1 < by0 - 10 or by1 < ay0 - 10)


# --- backgrounds and props -----------------------------------------------------------------


@functools.cache
def _photo(name: str) -> np.ndarray:
    import skimage.data

    img = getattr(skimage.data, name)()
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)


def background(rng: np.random.Generator) -> np.ndarray:
    kind = rng.integers(4)
    if kind == 0:
        return wood_table(rng, W, H)
    if kind == 1:  # a desk mat: flat colour + noise
        frame = np.empty((H, W, 3), np.uint8)
        frame[:] = rng.integers(40, 220, 3)
        return np.clip(frame + rng.normal(0, 6, frame.shape), 0, 255).astype(np.uint8)
    if kind == 2:  # a textured surface from a real photo (gravel, brick, grass)
        tex = _photo(str(rng.choice(["gravel", "brick", "grass"])))
        return cv2.resize(tex, (W, H), interpolation=cv2.INTER_LINEAR)
    coffee = _photo("coffee")  # a real cluttered photo
    return cv2.resize(coffee, (W, H), interpolation=cv2.INTER_LINEAR)


def paper_raster(
    rng: np.random.Generator, lines: list[tuple[str, str]], screen: bool
) -> tuple[np.ndarray, list[tuple[str, str, np.ndarray]]]:
    """A receipt/letter (or a phone screen) with text lines; returns raster and line quads."""
    line_h = int(rng.uniform(22, 34))
    width, height = 1600, 60 + len(lines) * int(line_h * 1.9)
    paper = np.empty((height, width, 3), np.uint8)
    if screen:
        paper[:] = rng.integers(10, 45, 3)
        ink = tuple(int(c) for c in rng.integers(200, 256, 3))
    else:
        paper[:] = rng.integers(215, 250)
        ink = tuple(int(c) for c in rng.integers(0, 60, 3))
    font = _font(rng)
    out = []
    y = 30
    for kind, text in lines:
        out.append((kind, text, draw_text(paper, text, 30, y, line_h, ink, font)))
        y += int(line_h * 1.9)
    right = int(max(q[1, 0] for _, _, q in out)) + 30
    return np.ascontiguousarray(paper[:, : max(right, 300)]), out


def finger(frame: np.ndarray, rng: np.random.Generator, quad: np.ndarray) -> None:
    """A fingertip over part of an object (a skin-coloured capsule from outside it)."""
    tl, tr, br, bl = quad
    along = rng.uniform(0.2, 0.8)
    tip = bl + (br - bl) * along + (tl - bl) * rng.uniform(0.25, 0.6)
    base = tip + (bl - tl) * 2.0 + rng.normal(0, 10, 2)
    thickness = int(np.linalg.norm(tr - tl) * rng.uniform(0.07, 0.12))
    skin = tuple(int(c) for c in rng.choice([[140, 170, 220], [95, 125, 175], [60, 85, 120]]))
    cv2.line(
        frame, tuple(base.astype(int)), tuple(tip.astype(int)), skin, max(thickness, 4), cv2.LINE_AA
    )
    cv2.circle(frame, tuple(tip.astype(int)), max(thickness // 2, 2), skin, -1, cv2.LINE_AA)


def paste_face(frame: np.ndarray, rng: np.random.Generator, face_h: float, taken: list[np.ndarray]):
    """A face from a real photograph, its face box ``face_h`` px high; returns the box."""
    name = str(rng.choice(list(FACE_PHOTOS)))
    x0, y0, x1, y1 = FACE_PHOTOS[name]
    photo = _photo(name)
    scale = face_h / (y1 - y0)
    mx, my = (x1 - x0) * 0.6, (y1 - y0) * 0.5
    cx0, cy0 = int(max(x0 - mx, 0)), int(max(y0 - my, 0))
    cx1, cy1 = int(min(x1 + mx, photo.shape[1])), int(min(y1 + my, photo.shape[0]))
    crop = photo[cy0:cy1, cx0:cx1]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
        fx0, fx1 = cx1 - x1, cx1 - x0
    else:
        fx0, fx1 = x0 - cx0, x1 - cx0
    new = cv2.resize(
        crop,
        None,
        fx=scale,
        fy=scale,
        interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
    )
    nh, nw = new.shape[:2]
    for _ in range(30):
        px, py = int(rng.uniform(0, W - nw)), int(rng.uniform(0, H - nh))
        rect = np.float32([[px, py], [px + nw, py], [px + nw, py + nh], [px, py + nh]])
        if not any(_overlap(rect, other) for other in taken):
            taken.append(rect)
            gain = rng.uniform(0.7, 1.2)
            frame[py : py + nh, px : px + nw] = np.clip(new * gain, 0, 255).astype(np.uint8)
            return (
                px + fx0 * scale,
                py + (y0 - cy0) * scale,
                px + fx1 * scale,
                py + (y1 - cy0) * scale,
            )
    return None


def degrade(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.choice([0.0, 0.0, 0.6, 1.0, 1.4])
    if sigma:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    noise = rng.uniform(0, 6)
    frame = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 255).astype(np.uint8)
    quality = int(rng.integers(45, 96))
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


# --- scenes -------------------------------------------------------------------------------


def make_scene(seed: int, faces: bool = True) -> Scene:
    rng = np.random.default_rng(seed)
    frame = background(rng)
    scene = Scene(seed, frame)
    taken: list[np.ndarray] = []
    for _ in range(int(rng.integers(1, 3))):  # cards
        digits, printed = card_number(rng)
        width = float(np.exp(rng.uniform(np.log(100), np.log(700))))
        dst = placement(rng, width, CARD_W / CARD_H, taken)
        if dst is None:
            continue
        raster, quad = card_raster(rng, printed)
        matrix = warp_into(frame, raster, dst)
        scene.numbers.append(Number(digits, apply_h(matrix, quad), "card", dst))
        scene.objects.append(dst)
        if rng.random() < 0.25:
            finger(frame, rng, dst)
    for screen in (False, True):  # paper and phone with numbers
        if rng.random() > (0.45 if not screen else 0.3):
            continue
        lines = negatives_text(rng)
        positive = rng.random() < 0.6
        if positive:
            digits, printed = card_number(rng)
            label = str(rng.choice(["Card", "Paid with", "Card no.", ""]))
            lines.insert(int(rng.integers(len(lines) + 1)), ("card", f"{label} {printed}".strip()))
        raster, placed = paper_raster(rng, lines, screen)
        h, w = raster.shape[:2]
        width = rng.uniform(220, 560)
        dst = placement(rng, width, w / h, taken)
        if dst is None:
            continue
        matrix = warp_into(frame, raster, dst)
        scene.objects.append(dst)
        for kind, text, quad in placed:
            fq = apply_h(matrix, quad)
            if kind == "card":
                scene.numbers.append(Number(digits, fq, "phone" if screen else "paper", dst))
            else:
                scene.negatives.append(Negative(text, fq, kind))
    if faces:
        for _ in range(int(rng.integers(0, 3))):
            face_h = float(np.exp(rng.uniform(np.log(24), np.log(220))))
            box = paste_face(frame, rng, face_h, taken)
            if box is not None:
                scene.faces.append(box)
    scene.image = degrade(frame, rng)
    return scene


def make_video(seed: int, frames: int = 90) -> tuple[list[np.ndarray], Scene]:
    """A slowly panning camera over a wider scene (about 1.5 px per frame, sensor noise)."""
    rng = np.random.default_rng(seed)
    big = make_scene(seed)
    canvas = cv2.copyMakeBorder(big.image, 0, 0, 0, 160, cv2.BORDER_REFLECT)
    out = []
    for i in range(frames):
        dx = int(round(i * 1.5))
        view = canvas[:, dx : dx + W]
        out.append(np.clip(view + rng.normal(0, 2.0, view.shape), 0, 255).astype(np.uint8))
    return out, big
