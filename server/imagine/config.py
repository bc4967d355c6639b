"""The ``server.imagine`` configuration section: limits and defaults of a
request, and the safety, watermark and provenance layers' own sections."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.imagine.provenance import ProvenanceConfig
from server.imagine.safety import SafetyConfig
from server.imagine.watermark import WatermarkConfig

FORMATS = {"png": "image/png", "jpeg": "image/jpeg"}


class ImagineConfig(BaseModel):
    """Imagine: what a request may ask for, what it gets by default, and the layers
    every output goes through (safety → visible mark → watermark → signed manifest)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        True, description="serve Imagine (loads the diffusion model at start); off: UNIMPLEMENTED"
    )
    default_images: int = Field(4, ge=1, le=8, description="images per prompt when not asked")
    max_images: int = Field(8, ge=1, le=16, description="most images one request may ask for")
    default_side: int = Field(
        0,
        ge=0,
        le=2048,
        description="width and height when not asked; 0: the model's own (its sample size)",
    )
    max_side: int = Field(1280, ge=64, le=2048, description="largest width or height allowed")
    default_steps: int = Field(4, ge=1, le=150, description="denoising steps when not asked")
    max_steps: int = Field(50, ge=1, le=150, description="most steps a request may ask for")
    default_guidance: float = Field(
        0.0,
        ge=0,
        le=30,
        description="classifier-free guidance when not asked (0: none, as turbo models want)",
    )
    default_strength: float = Field(
        0.6, gt=0, le=1, description="a riff's distance from its photo when not asked"
    )
    default_format: str = Field("png", pattern="^(png|jpeg)$", description="png or jpeg")
    jpeg_quality: int = Field(95, ge=50, le=100, description="quality of JPEG outputs")
    # OpenCV's own PNG settings write a 1280x1280 output in ~48 ms on one core;
    # zlib level 1 takes ~145 ms (~80 ms with its RLE strategy) for files only
    # 3 % smaller (bench/imagine.py measures the encode in place)
    png_compression: int | None = Field(
        None, ge=0, le=9, description="zlib level of PNG outputs; empty: OpenCV's fast default"
    )
    max_pending: int = Field(
        4,
        ge=1,
        description="requests held at once (one runs on the model, the rest wait their "
        "turn); one more is told BUSY at once, to try again shortly, instead of waiting "
        "behind a queue it cannot see",
    )
    generator_id: int = Field(
        1,
        ge=0,
        lt=1 << 16,
        description="this deployment's 16-bit id in every watermark payload (the rest is "
        "the image's random serial)",
    )
    watermark_key_file: Path | None = Field(
        None,
        description="file holding the watermark's secret key; empty: created once as "
        "imagine/watermark.key in the server's state folder (store.path). "
        "Whoever holds it can read and forge marks: keep it like a private key",
    )
    safety: SafetyConfig = Field(default_factory=SafetyConfig, description="filters")
    watermark: WatermarkConfig = Field(
        default_factory=WatermarkConfig, description="the invisible watermark (key excluded)"
    )
    provenance: ProvenanceConfig = Field(
        default_factory=ProvenanceConfig, description="C2PA manifests and the visible mark"
    )

    @model_validator(mode="after")
    def _limits(self) -> ImagineConfig:
        if self.default_images > self.max_images:
            raise ValueError("default_images is over max_images")
        if self.default_side > self.max_side:
            raise ValueError("default_side is over max_side")
        if self.default_steps > self.max_steps:
            raise ValueError("default_steps is over max_steps")
        if self.default_side % 8:
            raise ValueError("default_side must be a multiple of 8")
        return self
