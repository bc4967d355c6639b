"""A stand-in for a generated picture, for the provenance tests and ``bench/provenance.py``."""

from __future__ import annotations

import numpy as np


def generated_like(size: int, seed: int = 0) -> np.ndarray:
    """A size x size RGB picture: smooth gradients with noise (sigma 4). It
    compresses about as badly as a diffusion output, so PNG sizes are
    realistic or larger."""
    y, x = np.mgrid[0:size, 0:size]
    noise = np.random.default_rng(seed).normal(0, 4, (size, size, 3))
    rgb = np.stack([x, y, (x + y) // 2], axis=-1) * (255 / size) + noise
    return np.clip(rgb, 0, 255).astype(np.uint8)
