"""The ``safety`` section of Imagine's configuration: the prompt filter's and
the image classifier's settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.imagine.safety.characters import (
    DEFAULT_CAPITALISED_CHARACTERS,
    DEFAULT_PROTECTED_CHARACTERS,
)
from server.imagine.safety.descriptions import DEFAULT_DESCRIPTIONS, CharacterDescription
from server.imagine.safety.verdicts import Category

# Extremist and hate symbols: the shipped block list, for operators to extend.
# The swastika is read by the hate-symbol rules instead (``hate_symbols``): it is
# allowed in a Hindu, Buddhist, Jain, indigenous or ancient context (no hate context
# beside it), and blocked everywhere else.
DEFAULT_BLOCK_LIST: tuple[str, ...] = (
    "hakenkreuz",
    "nazi flag",
    "nazi salute",
    "sieg heil",
    "heil hitler",
    "ku klux klan",
    "kkk",
    "burning cross",
    "isis flag",
    "white power",
)

# The classes of NudeNet (the 320n model of the ``nudenet`` wheel), in the
# order of the model's outputs.
NUDENET_CLASSES: tuple[str, ...] = (
    "FEMALE_GENITALIA_COVERED",
    "FACE_FEMALE",
    "BUTTOCKS_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "FEET_EXPOSED",
    "BELLY_COVERED",
    "FEET_COVERED",
    "ARMPITS_COVERED",
    "ARMPITS_EXPOSED",
    "FACE_MALE",
    "BELLY_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "ANUS_COVERED",
    "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)

# What an image must not show: exposed genitalia, female breasts, buttocks, anus.
DEFAULT_BLOCKED_CLASSES: tuple[str, ...] = (
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "BUTTOCKS_EXPOSED",
    "ANUS_EXPOSED",
)


class PromptFilterConfig(BaseModel):
    """What the prompt filter blocks (``server.imagine.safety.prompts``)."""

    model_config = ConfigDict(extra="forbid")

    categories: list[Category] = Field(
        default_factory=lambda: list(Category),
        description="the categories blocked; leave one out to let its prompts through",
    )
    block_list: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BLOCK_LIST),
        description="words or phrases blocked wherever they appear (matched like the "
        "categories: case, accents, leetspeak and misspellings do not hide them); "
        "the default lists hate symbols",
    )
    protected_characters: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PROTECTED_CHARACTERS),
        description="trademarked characters that may not be drawn; the default lists "
        "well-known ones (server/imagine/safety/data/characters.toml)",
    )
    capitalised_characters: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CAPITALISED_CHARACTERS),
        description="protected characters whose names are also everyday words "
        '("a goofy dog"): blocked only when written with capitals, as names are',
    )
    max_chars: int = Field(
        1000, gt=0, description="longer prompts are refused with InvalidInputError"
    )
    fuzzy: bool = Field(
        True,
        description="also match misspelt terms (edit distance scaled by word length; "
        "real words of six languages are never taken for misspellings)",
    )
    phonetic_names: bool = Field(
        True,
        description="also match protected characters by a crude sound key "
        '("scoobie doo", "scoubidou"), and names split apart or run together; '
        "needs fuzzy",
    )
    extra_languages: bool = Field(
        True,
        description="also read small lists of Turkish, Dutch, Polish, Swedish, Indonesian, "
        "Japanese, Russian, Vietnamese, Hindi/Urdu and Arabic (in Latin letters), Chinese and "
        "Korean terms, matched exactly: minors (for the minors category), sexual content and "
        "nudity, graphic violence and famous people (data/languages.toml)",
    )
    described_characters: list[CharacterDescription] = Field(
        default_factory=lambda: [CharacterDescription(**d) for d in DEFAULT_DESCRIPTIONS],
        description="protected characters described instead of named: per character, its "
        "kind, distinctive traits, signature traits and franchise or studio cues, matched "
        "like terms; a description applies while its name is among protected_characters "
        "or capitalised_characters (server/imagine/safety/data/descriptions.toml)",
    )
    description_score: int = Field(
        3,
        ge=2,
        description="cues that block a described character: kind 1, context 1, each trait "
        "group 1, each signature group 2; at least one trait or signature, and the kind "
        "or the context among them",
    )
    description_score_unanchored: int = Field(
        4,
        ge=2,
        description="cues that block a described character when neither its kind nor its "
        "context is named (traits and signatures alone)",
    )
    hate_symbols: bool = Field(
        True,
        description="also block hate symbols named or described beyond block_list, in the "
        "BLOCK_LIST category (data/hate.toml): named symbols in several languages, a hate "
        "context beside a flag, tattoo, eagle, runes or the numbers 14 and 88, Klan garb "
        "beside a cross or torches; a swastika unless in a Hindu, Buddhist, Jain, indigenous "
        "or ancient context with no hate context",
    )


class ImageSafetyConfig(BaseModel):
    """What the output-image classifier blocks (``server.imagine.safety.images``)."""

    model_config = ConfigDict(extra="forbid")

    blocked_classes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BLOCKED_CLASSES),
        description="NudeNet classes that block an image (NUDENET_CLASSES lists them)",
    )
    # NudeNet's own detector reports from 0.2; 0.4 leans to blocking (an image
    # wrongly held back costs a retry, one wrongly let out cannot be taken back)
    threshold: float = Field(
        0.4, gt=0.0, le=1.0, description="a blocked class found with this score blocks"
    )

    @field_validator("blocked_classes")
    @classmethod
    def _known_classes(cls, classes: list[str]) -> list[str]:
        unknown = sorted(set(classes) - set(NUDENET_CLASSES))
        if unknown:
            raise ValueError(f"unknown NudeNet classes {unknown}; known: {NUDENET_CLASSES}")
        return classes


class SafetyConfig(BaseModel):
    """Imagine's safety layer: the prompt filter and the output-image classifier."""

    model_config = ConfigDict(extra="forbid")

    prompts: PromptFilterConfig = Field(
        default_factory=PromptFilterConfig, description="the prompt filter"
    )
    images: ImageSafetyConfig = Field(
        default_factory=ImageSafetyConfig, description="the output-image classifier"
    )
