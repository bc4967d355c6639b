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
