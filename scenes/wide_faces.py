"""Faces without bodies for the wide family: real faces, tinted, blurred, turned and rotated.

A face is cut from its photograph (head and a little around it, never the
body), recoloured (a colour cast, grey, sepia, dark, low contrast), blurred,
squeezed or mirrored, rotated by up to 25 degrees, cut as a rectangle or a
feathered ellipse, and pasted at 24-160 px of face height. Its truth box is
the photograph's annotated face box, scaled, squeezed and moved with it (the
face's own extent, not the bounding box of its rotated corners).
"""

from __future__ import annotations

import cv2
import numpy as np

from scenes.catalogue import FacePhoto, load_photo
from scenes.placing import H, W, overlaps

TINTS = ("none", "colour", "grey", "sepia", "dark", "low_contrast")
MAX_UPSCALE = 2.2  # a face is never drawn more than this much larger than its photograph


def pick_face(rng: np.random.Generator, faces: tuple[FacePhoto, ...], face_h: float) -> FacePhoto:
    """A face whose photograph is sharp enough for ``face_h`` (else the largest)."""
    fit = [f for f in faces if (f.box[3] - f.box[1]) * MAX_UPSCALE >= face_h]
    if not fit:
        return max(faces, key=lambda f: f.box[3] - f.box[1])
    return fit[int(rng.integers(len(fit)))]


def tint(img: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Recolour a face crop the way light, cameras and old prints do."""
    f = img.astype(np.float32)
    if kind == "colour":
        f = f * rng.uniform(0.6, 1.3, 3).astype(np.float32)
    elif kind == "grey":
        f = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR).astype(
            np.float32
        )
    elif kind == "sepia":
        g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)[..., None]
        f = g * np.float32([0.70, 0.88, 1.07])
    elif kind == "dark":
        f = f * rng.uniform(0.3, 0.55)
    elif kind == "low_contrast":
        k = rng.uniform(0.35, 0.6)
        f = f.mean() + (f - f.mean()) * k
    return np.clip(f, 0, 255).astype(np.uint8)


def paste_face(
    frame: np.ndarray,
    rng: np.random.Generator,
    face: FacePhoto,
    face_h: float,
    taken: list[np.ndarray],
) -> tuple[tuple[float, float, float, float], dict] | None:
    """Paste ``face`` with its face box ``face_h`` px high; return the box and how it was drawn."""
    photo = load_photo(face.source)
    bx0, by0, bx1, by1 = face.box
    lx0, ly0, lx1, ly1 = face.bounds or (0, 0, photo.shape[1], photo.shape[0])
    bw, bh = bx1 - bx0, by1 - by0
    cx0, cy0 = int(max(bx0 - 0.45 * bw, lx0)), int(max(by0 - 0.55 * bh, ly0))
    cx1, cy1 = int(min(bx1 + 0.45 * bw, lx1)), int(min(by1 + 0.35 * bh, ly1))
    crop = photo[cy0:cy1, cx0:cx1]
    fx0, fy0 = bx0 - cx0, by0 - cy0  # the face box inside the crop
    style = {
        "face": face.name,
        "tint": str(rng.choice(TINTS)),
        "blur": float(rng.choice([0.0, 0.0, 0.8, 1.2, 1.8])),
        "flip": bool(rng.random() < 0.5),
        "squeeze": float(rng.uniform(0.72, 1.0)) if rng.random() < 0.35 else 1.0,
        "angle": float(rng.uniform(-25, 25)) if rng.random() < 0.5 else 0.0,
        "shape": str(rng.choice(["rect", "ellipse"])),
    }
    crop = tint(crop, style["tint"], rng)
    if style["flip"]:
        crop = crop[:, ::-1]
        fx0 = crop.shape[1] - (fx0 + bw)
    sy = face_h / bh
    sx = sy * style["squeeze"]
    small = sy < 1
    new = cv2.resize(
        crop,
        (max(int(round(crop.shape[1] * sx)), 2), max(int(round(crop.shape[0] * sy)), 2)),
        interpolation=cv2.INTER_AREA if small else cv2.INTER_LINEAR,
    )
    if style["blur"]:
        new = cv2.GaussianBlur(new, (0, 0), style["blur"])
    nh, nw = new.shape[:2]
    alpha = np.ones((nh, nw), np.float32)
    if style["shape"] == "ellipse":
        alpha = np.zeros((nh, nw), np.float32)
        cv2.ellipse(alpha, (nw // 2, nh // 2), (nw // 2 - 1, nh // 2 - 1), 0, 0, 360, 1.0, -1)
        alpha = cv2.GaussianBlur(alpha, (0, 0), max(min(nw, nh) / 14.0, 0.8))
    centre = np.float32([(fx0 + bw / 2) * sx, (fy0 + bh / 2) * sy])
    if style["angle"]:
        new, alpha, centre = _rotate(new, alpha, centre, style["angle"])
        nh, nw = new.shape[:2]
    if nw >= W or nh >= H:
        return None
    for _ in range(30):
        px, py = int(rng.uniform(0, W - nw)), int(rng.uniform(0, H - nh))
        rect = np.float32([[px, py], [px + nw, py], [px + nw, py + nh], [px, py + nh]])
        if any(overlaps(rect, other) for other in taken):
            continue
        taken.append(rect)
        a = alpha[..., None]
        region = frame[py : py + nh, px : px + nw].astype(np.float32)
        frame[py : py + nh, px : px + nw] = (new * a + region * (1 - a)).astype(np.uint8)
        cx, cy = px + float(centre[0]), py + float(centre[1])
        w, h = bw * sx, bh * sy
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        box = (max(box[0], 0.0), max(box[1], 0.0), min(box[2], W - 1.0), min(box[3], H - 1.0))
        return box, style
    return None


def _rotate(
    img: np.ndarray, alpha: np.ndarray, centre: np.ndarray, angle: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotate a patch (and its alpha) on an enlarged canvas; return where its face centre went."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    img = cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(alpha, m, (nw, nh), flags=cv2.INTER_LINEAR)
    centre = (m[:, :2] @ centre + m[:, 2]).astype(np.float32)
    return img, alpha, centre
