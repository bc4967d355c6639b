"""What an Imagine request asks for, as the wire delivered it and as validated.

``server/wire.py`` builds :class:`ImagineAsk` from a ``GenerateRequest`` or a
``RiffRequest`` (zero fields meaning "the server's default");
:func:`settle` fills the defaults in and refuses what the server cannot do
with an :class:`~core.errors.InvalidInputError` that says what to change,
rather than silently correcting it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from core.errors import InvalidInputError
from core.frames import ConsentSnapshot
from server.imagine.config import FORMATS, ImagineConfig

# Diffusion models work on latents 8 times smaller than the image.
SIDE_MULTIPLE = 8
# The watermark needs two of its 128-pixel tiles each way to be read back after
# a crop; smaller outputs could not carry it.
MIN_SIDE = 256
# A request naming no size gets the model's own side, but at least this: on a
# busy (noise-like) image the watermark needs more tiles than MIN_SIDE holds to
# be read back reliably (bench/watermark.py).
DEFAULT_MIN_SIDE = 512


@dataclass(frozen=True, eq=False)
class ImagineAsk:
    """A request as received: zero/empty fields take the server's defaults.

    ``photo`` is a riff's (redacted) photo; None for a text-to-image request.
    ``consent`` is what the device announced (None: nothing announced).
    """

    prompt: str
    count: int = 0
    width: int = 0
    height: int = 0
    steps: int = 0
    guidance: float = 0.0
    seed: int = 0
    format: str = ""
    strength: float = 0.0
    photo: bytes | None = None
    consent: ConsentSnapshot | None = None
    device_id: str = ""

    @property
    def is_riff(self) -> bool:
        return self.photo is not None

    def __str__(self) -> str:
        kind = f"riff on {len(self.photo)}B" if self.photo is not None else "generate"
        return f"ImagineAsk({kind}, {len(self.prompt)} chars, n={self.count})"


@dataclass(frozen=True)
class Settings:
    """A validated request's generation settings (everything but prompt and photo)."""

    count: int
    width: int  # for a riff: 0 until the photo's size is known
    height: int
    steps: int
    guidance: float
    seed: int
    format: str
    strength: float  # riffs only

    def sized(self, width: int, height: int) -> Settings:
        return replace(self, width=width, height=height)


def settle(ask: ImagineAsk, config: ImagineConfig, native_side: int) -> Settings:
    """``ask``'s settings with the defaults filled in, or InvalidInputError.

    ``native_side``: the model's own image side, used when neither the request
    nor ``config.default_side`` names one.
    """
    if not ask.prompt.strip():
        raise InvalidInputError("the prompt is empty; say what to imagine")
    limit = config.safety.prompts.max_chars  # one limit: the filter's own
    if len(ask.prompt) > limit:
        raise InvalidInputError(
            f"the prompt has {len(ask.prompt)} characters; at most {limit} are accepted, shorten it"
        )
    count = ask.count or config.default_images
    if not 1 <= count <= config.max_images:
        raise InvalidInputError(f"num_images is {count}; ask for 1 to {config.max_images}")
    steps = ask.steps or config.default_steps
    if not 1 <= steps <= config.max_steps:
        raise InvalidInputError(f"steps is {steps}; ask for 1 to {config.max_steps}")
    guidance = ask.guidance or config.default_guidance
    if not 0 <= guidance <= 30:
        raise InvalidInputError(f"guidance is {guidance}; use 0 (none) to 30")
    fmt = (ask.format or config.default_format).lower()
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt not in FORMATS:
        raise InvalidInputError(f"format {ask.format!r} is not offered; use png or jpeg")
    strength = ask.strength or config.default_strength
    if ask.is_riff and not 0 < strength <= 1:
        raise InvalidInputError(f"strength is {strength}; use a value in (0, 1]")
    seed = ask.seed or secrets.randbelow(1 << 31) + 1
    width = height = 0
    if not ask.is_riff:
        side = config.default_side or max(native_side, DEFAULT_MIN_SIDE)
        width = _side("width", ask.width or side, config.max_side)
        height = _side("height", ask.height or side, config.max_side)
    return Settings(count, width, height, steps, guidance, seed, fmt, strength)


def riff_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """A riff's output size: the photo's aspect, its longer side at most ``max_side``
    and its shorter at least ``MIN_SIDE``, both rounded down to a multiple of 8."""
    scale = min(max_side / max(width, height), max(1.0, MIN_SIDE / min(width, height)))
    out = [int(side * scale) // SIDE_MULTIPLE * SIDE_MULTIPLE for side in (width, height)]
    if min(out) < MIN_SIDE:
        raise InvalidInputError(
            f"a {width}x{height} photo is too narrow to riff on at most {max_side} px a "
            f"side; crop it to an aspect of at most {max_side // MIN_SIDE}:1"
        )
    return out[0], out[1]


def _side(name: str, value: int, max_side: int) -> int:
    if not MIN_SIDE <= value <= max_side or value % SIDE_MULTIPLE:
        raise InvalidInputError(
            f"{name} {value} is not supported; use a multiple of {SIDE_MULTIPLE} "
            f"from {MIN_SIDE} to {max_side}"
        )
    return value
