"""The ``provenance`` part of the Imagine configuration."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class ProvenanceConfig(BaseModel):
    """Content Credentials on every Imagine output: a signed C2PA manifest, and a
    small visible mark drawn before the invisible watermark. The pipeline builds
    no signer and draws no mark when they are off."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="embed a signed C2PA manifest in every output")
    dir: Path | None = Field(
        None,
        description="folder of the signing CA (root.pem, root.key, signer.pem, signer.key), "
        "created on first use; empty: the 'provenance' folder in store.path",
    )
    do_not_train: bool = Field(
        True,
        description="declare in the manifest that the image may not be used for AI "
        "training, generative training, inference or data mining (cawg.training-mining)",
    )
    visible_mark: bool = Field(
        True, description="draw a small, semi-transparent text mark in a corner of the image"
    )
    visible_text: str = Field(
        "Imagined with AI", min_length=1, max_length=40, description="the visible mark's text"
    )
    organisation: str = Field(
        "glasses-runtime (local)",
        min_length=1,
        max_length=64,
        description="subject O of the created signing certificates (readers show it as signer)",
    )
