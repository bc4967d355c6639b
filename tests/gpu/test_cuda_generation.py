"""GPU checks: run only where CUDA is available (never in CI)."""

import pytest

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason="needs a CUDA GPU: torch.cuda.is_available() is False here (no GPU or a CPU "
        "build of torch; see the Makefile's TORCH_SPEC)",
    ),
]


def test_tiny_vlm_generates_on_cuda(models_config):
    from server.components import build_vlm

    backend = build_vlm(models_config)
    backend.model.to("cuda")
    inputs = backend._inputs("what is this?", None).to("cuda")
    out = backend.model.generate(**inputs, max_new_tokens=8, do_sample=False)
    assert out.shape[1] > inputs["input_ids"].shape[1]


def test_tiny_diffusion_generates_on_cuda_in_half_precision(tmp_path):
    from models.diffusion_shapes import sd21_pipeline
    from server.imagine.generator import DiffusersImageGenerator

    sd21_pipeline("tiny").save_pretrained(tmp_path)
    generator = DiffusersImageGenerator.load(tmp_path, "tiny:gpu", device="cuda")
    made = generator.generate("a lamp", 4, 256, 256, 2, 0.0, seed=1)
    assert len(made) == 4 and made[0].shape == (256, 256, 3)
    assert generator._t2i.unet.dtype == torch.float16
