"""The watermarker the Imagine service calls: embed on the way out, detect on verify."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError
from server.imagine.watermark.config import WatermarkConfig
from server.imagine.watermark.detect import Candidate, candidates, thresholds, verdict
from server.imagine.watermark.embed import embed_pattern
from server.imagine.watermark.pattern import keyed
from server.imagine.watermark.payload import WatermarkPayload

MIN_KEY_CHARS = 8


@dataclass(frozen=True)
class WatermarkReading:
    """What ``detect`` concluded about one image."""

    found: bool
    payload: WatermarkPayload | None
    bit_accuracy: float  # raw coded bits agreeing with the decoded codeword; 0 if not found
    score: float  # the detection statistic (the best reference correlation Z)
    false_positive_rate: float  # the bound the verdict was made at
    transform: str  # what sync found, e.g. "scale 0.50 rot -5.0 flip"


class Watermarker:
    """Embeds and detects the keyed watermark (see the package docstring)."""

    def __init__(self, config: WatermarkConfig) -> None:
        if len(config.key) < MIN_KEY_CHARS:
            raise ConfigError(
                f"the watermark key has {len(config.key)} characters; it needs at least "
                f"{MIN_KEY_CHARS} (leave it empty in the server's config to have one created)"
            )
        self.config = config
        self._pattern = keyed(config.key)

    def embed(self, rgb: np.ndarray, payload: WatermarkPayload) -> np.ndarray:
        """The marked copy of an HxWx3 uint8 RGB image (sides 256..4096)."""
        return embed_pattern(rgb, self.config.key, payload, self.config.strength)

    def detect(self, rgb: np.ndarray) -> WatermarkReading:
        """Look for the mark; never raises on a valid HxWx3 uint8 image."""
        return self.inspect(rgb)[0]

    def inspect(self, rgb: np.ndarray) -> tuple[WatermarkReading, Candidate | None]:
        """``detect``'s reading and the hypothesis it rests on, decoded whether or not
        its CRC held (payload and channel bits, for measuring bit accuracy)."""
        alpha = self.config.false_positive_rate
        if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3:
            raise ValueError("expected an HxWx3 uint8 RGB image")
        if rgb.shape[2] != 3:
            raise ValueError(f"expected 3 channels, got {rgb.shape[2]}")
        t = thresholds(alpha)
        found, best, payload = verdict(
            candidates(rgb, self._pattern, min_z=t.crc, list_z=t.crc_list), alpha
        )
        if best is None:
            return WatermarkReading(False, None, 0.0, 0.0, alpha, ""), None
        reading = WatermarkReading(
            found,
            payload,
            best.raw_accuracy if found else 0.0,
            best.z,
            alpha,
            best.transform,
        )
        return reading, best
