"""The watermark's configuration section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WatermarkConfig(BaseModel):
    """What the watermarker needs: the key, how strong, and how sure to be."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        "",
        description="secret key seeding the patterns (at least 8 characters); empty in the "
        "server's config: read from imagine.watermark_key_file, created once in its data "
        "folder. Set it from the environment only (GLASSES__SERVER__IMAGINE__WATERMARK__KEY)",
    )
    strength: float = Field(
        2.9,
        gt=0.0,
        le=8.0,
        description=(
            "RMS of the luminance pattern in 0-255 levels; the RGB change is 0.864 of it, so "
            "PSNR is about 20*log10(255 / (0.864 * strength)) less rounding: 2.9 gives 40.1 dB "
            "(at least 40.0 on any image: clipping at 0 and 255 only shrinks the change)"
        ),
    )
    false_positive_rate: float = Field(
        1e-6,
        gt=0.0,
        lt=0.01,
        description="bound on the chance that an unmarked image is reported found",
    )
