"""Adding the tiled pattern to an image's luminance."""

from __future__ import annotations

import numpy as np

from server.imagine.watermark.pattern import TILE, keyed, tile
from server.imagine.watermark.payload import WatermarkPayload, conv_encode, message_bits

MIN_SIDE, MAX_SIDE = 256, 4096
# BT.601 luma weights. The RGB change is w / |w|^2 times the luminance change: the
# smallest RGB change (in mean square) that moves luma by it, 1.27 dB better than
# moving R, G and B alike; the detector reads luma.
LUMA = np.array([0.299, 0.587, 0.114])
RGB_DIRECTION = (LUMA / np.dot(LUMA, LUMA)).astype(np.float32)
# The axes the detector reads: luma (unit weights), and the part of RGB_DIRECTION that
# grey levels do not move (orthogonal to (1, 1, 1)): the mark is a faint green-purple
# there too, 0.75 of its luma amplitude, where achromatic texture puts nothing.
_GREYLESS = RGB_DIRECTION - RGB_DIRECTION.mean()
LUMA_AXIS = (LUMA / np.linalg.norm(LUMA)).astype(np.float32)
CHROMA_AXIS = (_GREYLESS / np.linalg.norm(_GREYLESS)).astype(np.float32)


def check_image(rgb: np.ndarray, min_side: int, max_side: int) -> None:
    """Raise ValueError unless ``rgb`` is an HxWx3 uint8 image within the sides."""
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8:
        raise ValueError("expected a numpy uint8 array")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an HxWx3 RGB image, got shape {rgb.shape}")
    h, w = rgb.shape[:2]
    if min(h, w) < min_side or max(h, w) > max_side:
        raise ValueError(f"image sides must be {min_side}..{max_side} pixels, got {w}x{h}")


def embed_pattern(rgb: np.ndarray, key: str, payload: WatermarkPayload, strength: float):
    """The marked copy of ``rgb`` (uint8, same shape). Deterministic for its inputs."""
    check_image(rgb, MIN_SIDE, MAX_SIDE)
    coded = conv_encode(message_bits(payload, keyed(key).mask))
    t = (tile(key, coded, TILE) * strength).astype(np.float32)
    h, w = rgb.shape[:2]
    reps = (-(-h // TILE), -(-w // TILE))
    delta = np.tile(t, reps)[:h, :w]
    out = rgb.astype(np.float32)
    out += delta[:, :, None] * RGB_DIRECTION
    np.clip(out, 0, 255, out=out)
    return np.rint(out, out=out).astype(np.uint8)
