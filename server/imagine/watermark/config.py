"""The watermark's configuration section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WatermarkConfig(BaseModel):
    """What the watermarker needs: the key, how strong, and how sure to be."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        min_length=8,
        description="secret key seeding the patterns; the server keeps one under its data folder",
    )
    strength: float = Field(
        2.6,
        gt=0.0,
        le=8.0,
        description=(
            "RMS of the luminance pattern in 0-255 levels; the RGB change is 0.86 of it, so "
            "PSNR is about 20*log10(255 / (0.86 * strength)): 2.6 gives 41 dB, 3.0 gives 40"
        ),
    )
    false_positive_rate: float = Field(
        1e-6,
        gt=0.0,
        lt=0.01,
        description="bound on the chance that an unmarked image is reported found",
    )
