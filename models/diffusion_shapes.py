"""Stable Diffusion pipelines built from configs, random weights, at two sizes.

- ``"full"``: shaped like the released models (sd-turbo is Stable Diffusion
  2.1's architecture at 512 px; sdxl-turbo is SDXL's at 1024 px), for GPU
  benchmarks: random weights at production size cost what the real ones do.
- ``"tiny"``: the same classes at toy width, for tests on a CPU (an SDXL
  pipeline must load and run through the same code as an SD one).

Text goes through the offline-trained tokenizer of :mod:`models.tiny`; its
ids are a subset of any vocabulary, so the embedding tables keep their
production size. Server side only: imports torch, transformers, diffusers.
"""

from __future__ import annotations

from typing import Literal

Size = Literal["tiny", "full"]

# (UNet channels per level, transformer layers per level, head dims, text width)
_SD21 = {
    "full": dict(channels=(320, 640, 1280, 1280), heads=(5, 10, 20, 20), text=1024, layers=23),
    "tiny": dict(channels=(32, 32, 64, 64), heads=(2, 2, 4, 4), text=32, layers=2),
}
_SDXL = {
    "full": dict(channels=(320, 640, 1280), depth=(1, 2, 10), heads=(5, 10, 20), texts=(768, 1280)),
    "tiny": dict(channels=(32, 32, 64), depth=(1, 1, 1), heads=(2, 2, 4), texts=(32, 32)),
}
_VAE = {"full": (128, 256, 512, 512), "tiny": (8, 16, 32, 32)}


def _vae(size: Size, sample_size: int, scaling: float):  # noqa: ANN202
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=_VAE[size],
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=2 if size == "full" else 1,
        latent_channels=4,
        norm_num_groups=32 if size == "full" else 8,
        sample_size=sample_size,
        scaling_factor=scaling,
    )


def _clip(tokenizer, width: int, layers: int, projection: bool = False):  # noqa: ANN001, ANN202
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        vocab_size=49408,
        hidden_size=width,
        intermediate_size=width * 4,
        num_hidden_layers=layers,
        num_attention_heads=max(1, width // 64),
        max_position_embeddings=77,
        hidden_act="gelu",
        projection_dim=width,
    )
    return (CLIPTextModelWithProjection if projection else CLIPTextModel)(config)


def _scheduler():  # noqa: ANN202
    from diffusers import EulerDiscreteScheduler

    return EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        timestep_spacing="trailing",
        steps_offset=1,
    )


def sd21_pipeline(size: Size = "full"):  # noqa: ANN201 - StableDiffusionPipeline
    """Stable Diffusion 2.1's architecture (sd-turbo's), 512 px natively."""
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel

    from models.tiny import build_tokenizer

    s = _SD21[size]
    tokenizer = build_tokenizer(model_max_length=77)
    unet = UNet2DConditionModel(
        sample_size=64,
        layers_per_block=2 if size == "full" else 1,
        block_out_channels=s["channels"],
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=s["text"],
        attention_head_dim=s["heads"],
        use_linear_projection=True,
        norm_num_groups=32 if size == "full" else 8,
    )
    return StableDiffusionPipeline(
        vae=_vae(size, 768, 0.18215),
        text_encoder=_clip(tokenizer, s["text"], s["layers"]),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=_scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def sdxl_pipeline(size: Size = "full"):  # noqa: ANN201 - StableDiffusionXLPipeline
    """SDXL's architecture (sdxl-turbo's), 1024 px natively."""
    from diffusers import StableDiffusionXLPipeline, UNet2DConditionModel

    from models.tiny import build_tokenizer

    s = _SDXL[size]
    first, second = s["texts"]
    unet = UNet2DConditionModel(
        sample_size=128,
        layers_per_block=2 if size == "full" else 1,
        block_out_channels=s["channels"],
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        transformer_layers_per_block=s["depth"],
        attention_head_dim=s["heads"],
        cross_attention_dim=first + second,
        addition_embed_type="text_time",
        addition_time_embed_dim=256 if size == "full" else 8,
        projection_class_embeddings_input_dim=second + 6 * (256 if size == "full" else 8),
        use_linear_projection=True,
        norm_num_groups=32 if size == "full" else 8,
    )
    tokenizer = build_tokenizer(model_max_length=77)
    return StableDiffusionXLPipeline(
        vae=_vae(size, 1024, 0.13025),
        text_encoder=_clip(tokenizer, first, 12 if size == "full" else 2),
        text_encoder_2=_clip(tokenizer, second, 32 if size == "full" else 2, projection=True),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=_scheduler(),
        add_watermarker=False,
    )
