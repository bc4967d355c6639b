"""Real photographs (scikit-image's) and faces cut from them, pasted with their face box."""

from __future__ import annotations

import functools

import cv2
import numpy as np

from scenes.placing import H, W, overlaps

# Face boxes in scikit-image's photographs (x0, y0, x1, y1), from CenterFace at
# full resolution (score 0.93 and 0.83), checked by eye.
FACE_PHOTOS = {"astronaut": (182, 58, 270, 178), "camera": (202, 119, 258, 197)}


@functools.cache
def skimage_photo(name: str) -> np.ndarray:
    """One of scikit-image's photographs, as BGR."""
    import skimage.data

    img = getattr(skimage.data, name)()
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)


def paste_face(frame: np.ndarray, rng: np.random.Generator, face_h: float, taken: list[np.ndarray]):
    """A face from a real photograph, its face box ``face_h`` px high; returns the box."""
    name = str(rng.choice(list(FACE_PHOTOS)))
    x0, y0, x1, y1 = FACE_PHOTOS[name]
    photo = skimage_photo(name)
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
        if not any(overlaps(rect, other) for other in taken):
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
