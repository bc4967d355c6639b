"""The wide family: 1280x720 scenes drawn unlike the seeded ones (issue 23's hold-out variety).

``make_wide_scene(seed)`` returns the same ``Scene`` as ``scenes.seeded``:

- **cards** in the fonts cards use (OCR-A, OCR-B, bold monospaced faces, an
  outlined face), printed flat or **embossed** (metal ink with light and
  shadow relief), on solid, gradient, dark, light, metallic or photographic
  card art, in **steep perspective**: out-of-plane tilt up to 60 degrees and
  in-plane rotation up to 40;
- **receipts** in OCR, typewriter and dot fonts, as **thermal** prints (grey,
  faded, streaked), **dot matrix** or plain print, turned 15-40 degrees;
- **screens**, dark or light, in terminal, 7-segment and OCR-B fonts, lit;
- **negatives** in the same fonts: dates, prices, times, short order numbers,
  card expiry dates;
- **faces** without bodies from real photographs (``scenes.wide_faces``),
  24-160 px high;
- backgrounds: flat colour, noise, or a real photograph; then the camera
  (blur, noise, JPEG), as in the seeded family.

Development seeds draw the development styles; seeds from ``HOLDOUT_SEED`` on
draw only the held-back ones (``scenes.catalogue``) and need ``holdout=True``.
"""

from __future__ import annotations

import cv2
import numpy as np

from scenes.cards import CARD_H, CARD_W, card_number
from scenes.catalogue import HOLDOUT_SEED, Font, Styles, load_photo, styles
from scenes.inks import glyphs, stamp
from scenes.placing import H, W, apply_h, overlaps, warp_into
from scenes.seeded import degrade
from scenes.truth import Negative, Number, Scene, record_sheet
from scenes.wide_faces import paste_face, pick_face

SEGMENT_CHARS = set("0123456789-:. ")


def make_wide_scene(seed: int, holdout: bool = False) -> Scene:
    """Wide scene ``seed``: the same image and truth on every run (hold-out seeds need holdout)."""
    if holdout != (seed >= HOLDOUT_SEED):
        raise ValueError(
            f"seed {seed}: seeds from {HOLDOUT_SEED} on are the hold-out, drawn only with "
            "holdout=True (and hold-out styles only with hold-out seeds)"
        )
    st = styles(holdout)
    rng = np.random.default_rng(seed)
    kind = str(rng.choice(["cards", "receipt", "screen", "faces"], p=[0.35, 0.2, 0.15, 0.3]))
    frame = background(rng, st)
    scene = Scene(seed, frame)
    taken: list[np.ndarray] = []
    n_cards = {"cards": int(rng.integers(1, 3)), "faces": 0}.get(kind, int(rng.random() < 0.4))
    for _ in range(n_cards):
        add_card(scene, rng, st, taken)
    if kind == "receipt" or (kind == "cards" and rng.random() < 0.3):
        add_sheet(scene, rng, st, taken, screen=False)
    if kind == "screen" or (kind == "cards" and rng.random() < 0.2):
        add_sheet(scene, rng, st, taken, screen=True)
    n_faces = int(rng.integers(2, 7)) if kind == "faces" else int(rng.integers(0, 2))
    for _ in range(n_faces):
        face_h = float(np.exp(rng.uniform(np.log(24), np.log(160))))
        placed = paste_face(frame, rng, pick_face(rng, st.faces, face_h), face_h, taken)
        if placed is not None:
            scene.faces.append(placed[0])
    scene.image = degrade(frame, rng)
    return scene


# --- backgrounds -----------------------------------------------------------------------------


def background(rng: np.random.Generator, st: Styles) -> np.ndarray:
    """A flat colour, a noisy surface or a real photograph, 1280x720."""
    kind = rng.choice(["flat", "noise", "photo", "photo"])
    frame = np.empty((H, W, 3), np.uint8)
    if kind == "flat":
        frame[:] = rng.integers(20, 235, 3)
        return frame
    if kind == "noise":
        frame[:] = rng.integers(40, 215, 3)
        coarse = cv2.resize(rng.normal(0, 25, (9, 16, 3)).astype(np.float32), (W, H))
        fine = rng.normal(0, rng.uniform(4, 14), (H, W, 3))
        return np.clip(frame + coarse + fine, 0, 255).astype(np.uint8)
    photo = load_photo(str(rng.choice(st.backgrounds)))
    ph, pw = photo.shape[:2]
    scale = max(W / pw, H / ph) * rng.uniform(1.0, 1.4)
    big = cv2.resize(photo, (int(pw * scale) + 1, int(ph * scale) + 1))
    x, y = int(rng.integers(0, big.shape[1] - W + 1)), int(rng.integers(0, big.shape[0] - H + 1))
    return np.ascontiguousarray(big[y : y + H, x : x + W])


# --- where an object goes --------------------------------------------------------------------


def tilted_quad(
    rng: np.random.Generator,
    width: float,
    aspect: float,
    tilt_max: float,
    roll: tuple[float, float],
    taken: list[np.ndarray],
) -> np.ndarray | None:
    """Corners of a ``width`` px object tilted out of plane (up to ``tilt_max`` degrees) and
    rolled in plane (``roll``, degrees, either sign), inside the frame, clear of ``taken``."""
    for _ in range(40):
        h = width / aspect
        corners = np.float32([[-width / 2, -h / 2], [width / 2, -h / 2], [width / 2, h / 2]])
        corners = np.vstack([corners, [[-width / 2, h / 2]]])
        tilt = np.deg2rad(rng.uniform(0, tilt_max))
        axis_dir = rng.uniform(0, np.pi)
        rvec = np.float64([np.cos(axis_dir), np.sin(axis_dir), 0.0]) * tilt
        rot3, _ = cv2.Rodrigues(rvec)
        pts3 = np.hstack([corners, np.zeros((4, 1), np.float32)]) @ rot3.T
        focal = 1.6 * max(width, h)
        proj = focal * pts3[:, :2] / (focal + pts3[:, 2:3])
        roll_deg = rng.uniform(*roll) * rng.choice([-1, 1])
        a = np.deg2rad(roll_deg)
        r2 = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        quad = proj @ r2.T
        span = quad.max(axis=0) - quad.min(axis=0)
        if span[0] >= W - 8 or span[1] >= H - 8:
            width *= 0.85
            continue
        cx = rng.uniform(-quad[:, 0].min() + 4, W - quad[:, 0].max() - 4)
        cy = rng.uniform(-quad[:, 1].min() + 4, H - quad[:, 1].max() - 4)
        quad = (quad + np.float32([cx, cy])).astype(np.float32)
        if any(overlaps(quad, other) for other in taken):
            continue
        taken.append(quad)
        return quad
    return None


# --- cards -----------------------------------------------------------------------------------


def card_art(rng: np.random.Generator, st: Styles) -> tuple[np.ndarray, str, tuple]:
    """A card's face: its raster, its look for the number (print/emboss) and ink colour."""
    design = str(rng.choice(["solid", "gradient", "dark", "light", "metal", "photo"]))
    card = np.empty((CARD_H, CARD_W, 3), np.uint8)
    base = rng.integers(0, 256, 3)
    if design == "solid":
        card[:] = base
    elif design == "gradient":
        t = np.linspace(0, 1, CARD_W, dtype=np.float32)[None, :, None]
        card[:] = (base * (1 - t) + rng.integers(0, 256, 3) * t).astype(np.uint8)
    elif design == "dark":
        card[:] = rng.integers(10, 60, 3)
    elif design == "light":
        card[:] = rng.integers(200, 250, 3)
    elif design == "metal":  # brushed silver or gold
        tone = np.float32([200, 200, 205]) if rng.random() < 0.6 else np.float32([90, 175, 215])
        streak = rng.normal(1.0, 0.05, (CARD_H, 1)).astype(np.float32)
        card[:] = np.clip(tone[None, None, :] * streak[..., None], 0, 255).astype(np.uint8)
    else:  # card art from a photograph, softened
        photo = load_photo(str(rng.choice(st.backgrounds)))
        card[:] = cv2.GaussianBlur(cv2.resize(photo, (CARD_W, CARD_H)), (0, 0), 3)
    lum = float(card.mean())
    look = "emboss" if rng.random() < 0.5 else "print"
    if look == "emboss":  # silver-on-card, or gold
        ink = (215, 215, 220) if rng.random() < 0.7 else (80, 180, 225)
    else:
        ink = (240, 240, 240) if lum < 140 else (25, 25, 25)
    cv2.rectangle(card, (80, 170), (200, 260), (80, 190, 215), -1)  # chip
    cv2.rectangle(card, (80, 170), (200, 260), (60, 140, 170), 2)
    return card, look, ink


def add_card(scene: Scene, rng: np.random.Generator, st: Styles, taken: list) -> None:
    """A card with its number (and expiry date) in a card font, in steep perspective.

    Numbers here are all Luhn-valid, as printed cards are (the seeded family
    draws the misprints that show Luhn never gates redaction)."""
    digits, printed = card_number(rng, misprints=0.0)
    font = st.card_fonts[int(rng.integers(len(st.card_fonts)))]
    card, look, ink = card_art(rng, st)
    digit_h = int(rng.uniform(0.065, 0.095) * CARD_H)
    mask = glyphs(printed, font, digit_h)
    if mask.shape[1] > CARD_W - 110:  # too wide: a smaller size, as issuers do
        mask = glyphs(printed, font, int(digit_h * (CARD_W - 110) / mask.shape[1]))
    quad = stamp(card, mask, int(rng.uniform(45, 70)), int(CARD_H * 0.55), look, ink, rng)
    expiry = f"{rng.integers(1, 13):02d}/{rng.integers(26, 35)}"
    small = glyphs(expiry, font, max(int(digit_h * 0.6), 12))
    date_quad = stamp(card, small, 330, int(CARD_H * 0.76), look, ink, rng)
    width = float(np.exp(rng.uniform(np.log(180), np.log(640))))
    dst = tilted_quad(rng, width, CARD_W / CARD_H, 60.0, (0.0, 40.0), taken)
    if dst is None:
        return
    matrix = warp_into(scene.image, card, dst)
    scene.numbers.append(Number(digits, apply_h(matrix, quad), "card", dst))
    scene.negatives.append(Negative(expiry, apply_h(matrix, date_quad), "date"))
    scene.objects.append(dst)


# --- receipts and screens ---------------------------------------------------------------------


def short_numbers(rng: np.random.Generator, digits_only: bool) -> list[tuple[str, str]]:
    """Dates, prices, times and short order numbers, as receipts and screens print them."""
    r = rng.integers
    pool = [
        ("date", f"{r(1, 29):02d}/{r(1, 13):02d}/20{r(20, 30)}"),
        ("date", f"20{r(20, 30)}-{r(1, 13):02d}-{r(1, 29):02d}"),
        ("price", f"TOTAL {r(1, 999)}.{r(0, 100):02d}"),
        ("price", f"{r(1, 99)}.{r(0, 100):02d} EUR"),
        ("time", f"{r(0, 24):02d}:{r(0, 60):02d}"),
        ("order", f"ORDER #{r(10, 10**5)}"),
        ("order", f"AUTH {r(10**5, 10**6)}"),
    ]
    picked = [pool[i] for i in rng.choice(len(pool), size=int(r(3, 6)), replace=False)]
    if digits_only:  # a 7-segment display draws digits, '-', ':' and '.' only
        picked = [
            (k, "".join(c for c in t.replace("/", "-") if c in SEGMENT_CHARS).strip())
            for k, t in picked
        ]
    return picked


def add_sheet(
    scene: Scene, rng: np.random.Generator, st: Styles, taken: list, screen: bool
) -> None:
    """A receipt (thermal, dot matrix or print) or a screen (dark or light), maybe with a number."""
    fonts = st.screen_fonts if screen else st.receipt_fonts
    font: Font = fonts[int(rng.integers(len(fonts)))]
    lines = short_numbers(rng, font.digits_only)
    digits = ""
    if rng.random() < 0.65:
        digits, printed = card_number(rng, misprints=0.0)
        label = "" if font.digits_only else str(rng.choice(["CARD", "Card no.", "PAN", ""]))
        lines.insert(int(rng.integers(len(lines) + 1)), ("card", f"{label} {printed}".strip()))
    if screen:
        dark = rng.random() < 0.6
        paper_tone = rng.integers(8, 45, 3) if dark else rng.integers(215, 250, 3)
        ink = tuple(int(c) for c in (rng.integers(150, 256, 3) if dark else rng.integers(0, 70, 3)))
        look = "screen" if dark else "print"
    else:
        paper_tone = np.full(3, rng.integers(225, 252)) - np.int64([rng.integers(0, 12), 0, 0])
        look = str(rng.choice(["thermal", "thermal", "dotmatrix", "print"]))
        grey = int(rng.integers(40, 130)) if look == "thermal" else int(rng.integers(0, 50))
        ink = (grey, grey, grey)
    line_h = int(rng.uniform(20, 32))
    masks = [glyphs(text, font, line_h) for _, text in lines]
    width = max(m.shape[1] for m in masks) + 60
    height = 50 + sum(int(m.shape[0] + line_h * 0.9) for m in masks)
    sheet = np.empty((height, width, 3), np.uint8)
    sheet[:] = paper_tone
    placed, y = [], 25
    for (kind, text), m in zip(lines, masks, strict=True):
        placed.append((kind, text, stamp(sheet, m, 30, y, look, ink, rng)))
        y += int(m.shape[0] + line_h * 0.9)
    target = rng.uniform(230, 480) if not screen else rng.uniform(260, 560)
    roll = (0.0, 20.0) if screen else (15.0, 40.0)
    dst = tilted_quad(rng, target, width / height, 35.0, roll, taken)
    if dst is None:
        return
    matrix = warp_into(scene.image, sheet, dst)
    quads = [apply_h(matrix, quad) for _, _, quad in placed]
    record_sheet(scene, digits, placed, quads, dst, screen)
