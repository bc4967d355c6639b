"""The diffusers adapter: a Stable Diffusion and an SDXL pipeline folder load and
run through the same code (text to image in one batch, and riffs with the same
weights), as a real sd-turbo or sdxl-turbo folder would."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import ConfigError
from models.diffusion_shapes import sd21_pipeline, sdxl_pipeline
from server.imagine.generator import DiffusersImageGenerator

pytestmark = pytest.mark.models


@pytest.mark.parametrize(
    ("build", "t2i", "i2i", "side"),
    [
        (sd21_pipeline, "StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline", 512),
        (sdxl_pipeline, "StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline", 1024),
    ],
)
def test_sd_and_sdxl_folders_load_and_run_through_the_same_code(tmp_path, build, t2i, i2i, side):
    build("tiny").save_pretrained(tmp_path)
    generator = DiffusersImageGenerator.load(tmp_path, "tiny:test", threads=1)
    assert (type(generator._t2i).__name__, type(generator._i2i).__name__) == (t2i, i2i)
    assert generator._i2i.unet is generator._t2i.unet  # one copy of the weights
    assert generator.native_side == side
    for pipe in (generator._t2i, generator._i2i):  # ours is added after the safety check
        assert getattr(pipe, "watermark", None) is None

    made = generator.generate("a lamp", 2, 256, 192, 2, 0.0, seed=3)
    again = generator.generate("a lamp", 2, 256, 192, 2, 0.0, seed=3)
    assert [m.shape for m in made] == [(192, 256, 3)] * 2 and made[0].dtype == np.uint8
    assert np.array_equal(made[0], again[0])  # a seed makes the same batch
    riffs = generator.riff(made[0], "at night", 1, 0.5, 2, 0.0, seed=4)
    assert riffs[0].shape == (192, 256, 3)


def test_a_folder_that_is_not_a_pipeline_says_what_to_point_at(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ConfigError, match="models.paths.diffusion"):
        DiffusersImageGenerator.load(tmp_path, "local:x", threads=1)
