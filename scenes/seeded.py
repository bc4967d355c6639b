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

The parts live beside it: ``truth`` (what a scene holds), ``fonts`` (drawing
text), ``cards`` (numbers, cards, paper and screens), ``placing`` (perspective
and overlap), ``faces`` (photographs and faces). ``scenes.wide`` is a second,
wider family drawn from other fonts, photographs and faces.
"""

from __future__ import annotations

import cv2
import numpy as np

from scenes.cards import CARD_H, CARD_W, card_number, card_raster, negatives_text, paper_raster
from scenes.faces import paste_face, skimage_photo
from scenes.objects import wood_table
from scenes.placing import H, W, apply_h, placement, warp_into
from scenes.truth import Negative, Number, Scene, record_sheet

__all__ = ["H", "W", "Negative", "Number", "Scene", "make_scene", "make_video"]


# --- backgrounds, props and the camera -------------------------------------------------------


def background(rng: np.random.Generator) -> np.ndarray:
    """A table, a desk mat, a textured surface or a cluttered photo, 1280x720."""
    kind = rng.integers(4)
    if kind == 0:
        return wood_table(rng, W, H)
    if kind == 1:  # a desk mat: flat colour + noise
        frame = np.empty((H, W, 3), np.uint8)
        frame[:] = rng.integers(40, 220, 3)
        return np.clip(frame + rng.normal(0, 6, frame.shape), 0, 255).astype(np.uint8)
    if kind == 2:  # a textured surface from a real photo (gravel, brick, grass)
        tex = skimage_photo(str(rng.choice(["gravel", "brick", "grass"])))
        return cv2.resize(tex, (W, H), interpolation=cv2.INTER_LINEAR)
    coffee = skimage_photo("coffee")  # a real cluttered photo
    return cv2.resize(coffee, (W, H), interpolation=cv2.INTER_LINEAR)


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


def degrade(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The camera: blur, sensor noise and JPEG compression."""
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
    """The seeded family's scene ``seed``: the same image and truth on every run."""
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
        quads = [apply_h(matrix, quad) for _, _, quad in placed]
        record_sheet(scene, digits, placed, quads, dst, screen)
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
