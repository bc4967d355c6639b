"""Card numbers and negatives, and the rasters they are printed on: cards, paper, phone screens."""

from __future__ import annotations

import cv2
import numpy as np
from stdnum.luhn import calc_check_digit

from scenes.fonts import draw_text, pick_font

CARD_W, CARD_H = 856, 540  # canonical card raster, 10 px per mm (ISO ID-1)


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


def card_number(rng: np.random.Generator, misprints: float = 0.1) -> tuple[str, str]:
    """A card number (Luhn-valid, or with one misprinted digit in ``misprints`` of them) and
    how it is printed."""
    prefixes, length, groups = BRANDS[rng.integers(len(BRANDS))]
    digits = luhn_complete(str(rng.choice(prefixes)), length, rng)
    if rng.random() < misprints:  # a misprint / misread: Luhn must never gate redaction
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
    font = pick_font(rng)
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
    font = pick_font(rng)
    out = []
    y = 30
    for kind, text in lines:
        out.append((kind, text, draw_text(paper, text, 30, y, line_h, ink, font)))
        y += int(line_h * 1.9)
    right = int(max(q[1, 0] for _, _, q in out)) + 30
    return np.ascontiguousarray(paper[:, : max(right, 300)]), out
