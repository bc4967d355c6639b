"""Builders for tiny random-weight models (the ``offline`` profile).

No machine of this project reaches a model hub, so the vision-language and
diffusion models are built from configs with random weights, saved to the
cache folder with ``save_pretrained`` and then loaded back through the same
``from_pretrained`` path a real checkpoint takes. They produce nonsense text
and noise images, but exercise the real loading, batching, streaming, safety
and provenance code.

Server side only: this module imports torch, transformers and diffusers.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

# A small English corpus for the offline-trained tokenizer: enough for a
# byte-level BPE to learn common words; byte fallback covers everything else.
_CORPUS = """
hey glasses what is this table made of what am i looking at read this sign for me
the table is made of wood oak pine walnut metal glass stone plastic marble
imagine a cat wearing sunglasses on a beach at sunset in the style of a painting
a photo of a dog a red car a mountain lake a city street at night a bowl of fruit
this is a payment card on a wooden desk next to a cup of coffee and a notebook
the answer is it looks like the surface is painted and the edges are rounded
how much does this cost where is the nearest station what does this say translate
yes no maybe i think it is probably likely the image shows a person a room a book
""".split("\n")

# Special tokens the Idefics3 processor looks up by name.
IDEFICS3_SPECIAL = [
    "<|pad|>",
    "<|im_start|>",
    "<|endoftext|>",
    "<end_of_utterance>",
    "<fake_token_around_image>",
    "<image>",
    "<global-img>",
    *[f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)],
]

TINY_IMAGE_SIZE = 64  # vision tower input side (px)
TINY_PATCH = 16
TINY_SCALE = 2  # pixel-shuffle factor of the connector
TINY_IMAGE_SEQ_LEN = (TINY_IMAGE_SIZE // TINY_PATCH) ** 2 // TINY_SCALE**2
TINY_DIFFUSION_SIDE = 64  # the tiny Stable Diffusion's native image side (px)
TINY_DECODER_GAIN = 0.3  # scales the random VAE decoder's output (see build_stable_diffusion)

_CHAT_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{ message['role'] | capitalize }}:"
    "{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}"
    "{% elif part['type'] == 'image' %}<image>{% endif %}{% endfor %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
)


def build_tokenizer(vocab_size: int = 600, model_max_length: int = 77):
    """A byte-level BPE tokenizer trained offline on ``_CORPUS``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=IDEFICS3_SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<end_of_utterance>",
        pad_token="<|pad|>",
        unk_token="<|endoftext|>",
        model_max_length=model_max_length,
        extra_special_tokens={},
    )


def build_idefics3(folder: Path, seed: int = 0) -> None:
    """Build a tiny Idefics3 (SmolVLM architecture) model + processor into ``folder``."""
    import torch
    from transformers import (
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessorPil,
        Idefics3Processor,
    )

    torch.manual_seed(seed)
    tokenizer = build_tokenizer()
    image_processor = Idefics3ImageProcessorPil(
        do_image_splitting=False,
        size={"longest_edge": TINY_IMAGE_SIZE},
        max_image_size={"longest_edge": TINY_IMAGE_SIZE},
    )
    processor = Idefics3Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        image_seq_len=TINY_IMAGE_SEQ_LEN,
        chat_template=_CHAT_TEMPLATE,
    )
    vocab = len(processor.tokenizer)
    config = Idefics3Config(
        image_token_id=processor.tokenizer.convert_tokens_to_ids("<image>"),
        scale_factor=TINY_SCALE,
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": TINY_IMAGE_SIZE,
            "patch_size": TINY_PATCH,
        },
        text_config={
            "model_type": "llama",
            "vocab_size": vocab,
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "max_position_embeddings": 512,
            "pad_token_id": processor.tokenizer.pad_token_id,
            "bos_token_id": processor.tokenizer.bos_token_id,
            "eos_token_id": processor.tokenizer.eos_token_id,
        },
    )
    model = Idefics3ForConditionalGeneration(config).eval()
    # Random weights would often emit EOS at once; a short answer is fine, an
    # empty one would not exercise streaming. Push EOS down in the LM head.
    with torch.no_grad():
        model.lm_head.weight[processor.tokenizer.eos_token_id].mul_(0.0)
    model.generation_config.eos_token_id = processor.tokenizer.eos_token_id
    model.generation_config.pad_token_id = processor.tokenizer.pad_token_id
    model.save_pretrained(folder)
    processor.save_pretrained(folder)


def build_stable_diffusion(folder: Path, seed: int = 0) -> None:
    """Build a tiny Stable Diffusion pipeline into ``folder``: 64x64 images natively,
    up to 1280x1280 in seconds on a CPU.

    Shaped like the real one where cost depends on shape: the VAE downsamples 8
    times (so a 1280x1280 image is 160x160 latents) and has no attention (over
    160x160 latents it would be 25,600 tokens); the UNet attends only at its
    lowest resolution.
    """
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    tokenizer = build_tokenizer(model_max_length=32)
    unet = UNet2DConditionModel(
        sample_size=TINY_DIFFUSION_SIDE // 8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=8,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(8, 16, 32, 32),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        norm_num_groups=8,
        sample_size=TINY_DIFFUSION_SIDE,
        mid_block_add_attention=False,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            max_position_embeddings=32,
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    # Random weights decode to full-range white noise (std ~38 levels at every
    # frequency), busier than any picture. Scaled to the detail a real picture has
    # (std ~15), so what runs on the outputs (the watermark above all) meets the
    # kind of image a real model gives it, not a pathological one.
    with torch.no_grad():
        vae.decoder.conv_out.weight.mul_(TINY_DECODER_GAIN)
    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(
            beta_start=0.00085,
            beta_end=0.012,
            beta_schedule="scaled_linear",
            timestep_spacing="trailing",
            steps_offset=1,
        ),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)


BUILDERS = {"idefics3": build_idefics3, "stable-diffusion": build_stable_diffusion}
# Raised when a builder changes what it builds: a cached build of another
# version is built again.
BUILD_VERSIONS = {"idefics3": 1, "stable-diffusion": 3}


def ensure_built(name: str, folder: Path) -> Path:
    """Build the tiny model ``name`` into ``folder`` unless it is already there.

    Builds into a temporary sibling folder and renames it into place, so an
    interrupted build never leaves a half-written model behind.
    """
    marker = folder / "glasses-tiny.json"
    if marker.is_file() and _built_version(marker) == BUILD_VERSIONS[name]:
        return folder
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        BUILDERS[name](tmp)
        (tmp / "glasses-tiny.json").write_text(
            json.dumps({"builder": name, "version": BUILD_VERSIONS[name], "random_weights": True})
        )
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _built_version(marker: Path) -> int:
    try:
        return int(json.loads(marker.read_text()).get("version", 1))
    except (OSError, ValueError, AttributeError):
        return 0
