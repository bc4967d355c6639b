"""The ``ImageGenerator`` port and its diffusers adapter.

One batched call makes all of a request's images: a text-to-image pipeline
for ``generate``, and the image-to-image pipeline built from the same
components (no second copy of the weights) for ``riff``. A tiny random-weight
Stable Diffusion (``models.tiny``) and a real checkpoint (sd-turbo,
sdxl-turbo, a local folder) load by the same code: ``DiffusionPipeline``
reads the folder's ``model_index.json`` to pick the class.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import BackendError, ConfigError

log = logging.getLogger(__name__)


class ImageGenerator(Protocol):
    """Makes images from a prompt, or from a photo and a prompt; RGB uint8 out."""

    model_id: str
    native_side: int  # the side the model was trained at (its default)

    def generate(
        self,
        prompt: str,
        count: int,
        width: int,
        height: int,
        steps: int,
        guidance: float,
        seed: int,
    ) -> list[np.ndarray]: ...

    def riff(
        self,
        photo: np.ndarray,
        prompt: str,
        count: int,
        strength: float,
        steps: int,
        guidance: float,
        seed: int,
    ) -> list[np.ndarray]:
        """``count`` edits of ``photo`` (RGB, sides multiples of 8) at its size."""
        ...


class DiffusersImageGenerator:
    """A diffusers pipeline folder as an :class:`ImageGenerator`.

    Calls are serialised (one batch at a time): a pipeline's scheduler holds
    per-call state, and a second batch would only compete for the same cores.
    """

    def __init__(self, text_to_image, image_to_image, model_id: str, device: str) -> None:  # noqa: ANN001
        self._t2i, self._i2i = text_to_image, image_to_image
        self.model_id = model_id
        self._device = device
        scale = getattr(text_to_image, "vae_scale_factor", 8)
        self.native_side = int(text_to_image.unet.config.sample_size * scale)
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls, folder: Path, model_id: str, threads: int = 2, device: str = "auto"
    ) -> DiffusersImageGenerator:
        """The pipeline in ``folder``; ``device`` "auto": CUDA when there is one."""
        import torch
        from diffusers import AutoPipelineForImage2Image, DiffusionPipeline
        from diffusers.utils import logging as diffusers_logging

        diffusers_logging.disable_progress_bar()
        diffusers_logging.set_verbosity_error()  # "safety checker disabled": ours is NudeNet
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cpu":
            torch.set_num_threads(threads)
        dtype = torch.float16 if device == "cuda" else torch.float32
        index = Path(folder) / "model_index.json"
        if not index.is_file():
            raise ConfigError(
                f"{folder} is not a diffusers pipeline folder (no model_index.json). Point "
                "models.paths.diffusion at one, e.g. a downloaded stabilityai/sd-turbo."
            )
        extra = {}
        if "StableDiffusionXL" in index.read_text():
            # SDXL pipelines add invisible-watermark's DWT-DCT mark by themselves when that
            # package is installed; ours is added after the safety check, with a payload
            extra["add_watermarker"] = False
        try:
            t2i = DiffusionPipeline.from_pretrained(folder, dtype=dtype, **extra)
            i2i = AutoPipelineForImage2Image.from_pipe(t2i, **extra)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot load a diffusion pipeline from {folder}: {exc}. Point "
                "models.paths.diffusion at a diffusers folder (with model_index.json)."
            ) from exc
        for pipe in (t2i, i2i):
            pipe.set_progress_bar_config(disable=True)
        t2i.to(device)
        return cls(t2i, i2i, model_id, device)

    def generate(
        self,
        prompt: str,
        count: int,
        width: int,
        height: int,
        steps: int,
        guidance: float,
        seed: int,
    ) -> list[np.ndarray]:
        return self._run(
            self._t2i,
            prompt=[prompt] * count,
            width=width,
            height=height,
            num_inference_steps=steps,
            guidance_scale=guidance,
            generator=self._generator(seed),
        )

    def riff(
        self,
        photo: np.ndarray,
        prompt: str,
        count: int,
        strength: float,
        steps: int,
        guidance: float,
        seed: int,
    ) -> list[np.ndarray]:
        from PIL import Image

        return self._run(
            self._i2i,
            prompt=[prompt] * count,
            image=[Image.fromarray(photo)] * count,  # one per prompt (diffusers' rule)
            strength=strength,
            num_inference_steps=_steps_for(steps, strength),
            guidance_scale=guidance,
            generator=self._generator(seed),
        )

    def _generator(self, seed: int):  # noqa: ANN202 - torch.Generator
        import torch

        return torch.Generator(self._device).manual_seed(seed)

    def _run(self, pipe, **kwargs) -> list[np.ndarray]:  # noqa: ANN001
        import torch

        try:
            with self._lock, torch.inference_mode():
                batch = pipe(output_type="np", **kwargs).images
        except (RuntimeError, ValueError) as exc:  # out of memory, a shape the model refuses
            raise BackendError(f"the diffusion model failed: {exc}") from exc
        pixels = np.clip(np.nan_to_num(batch) * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return list(pixels)


def _steps_for(steps: int, strength: float) -> int:
    # image-to-image runs only the last `strength` share of the schedule; ask for
    # enough that at least `steps` of them run (what a caller means by steps)
    return max(steps, int(np.ceil(steps / strength)))
