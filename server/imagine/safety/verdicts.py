"""What the safety layer decides: the categories it blocks and its two verdicts.

A verdict's ``reason`` is written for logs: it names the category and the kind
of evidence, never the prompt or any word of it (logs must not hold prompts).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """Why a prompt is blocked (in order of severity: the first that applies is reported)."""

    MINORS_SEXUAL = "minors_sexual"  # any sexual or suggestive term beside a minor
    REAL_PERSON_SEXUAL = "real_person_sexual"  # a sexual term beside a real-person marker
    GRAPHIC_VIOLENCE = "graphic_violence"  # gore, or a violent act beside blood or wounds
    SEXUAL = "sexual"  # explicit sexual content or nudity, whoever it shows
    PROTECTED_CHARACTER = "protected_character"  # a trademarked character (configurable)
    BLOCK_LIST = "block_list"  # a term of the operator's block list


@dataclass(frozen=True)
class PromptVerdict:
    """The prompt filter's answer.

    ``prompt`` is the prompt with card numbers, e-mail addresses, phone numbers
    and the like replaced by bracketed labels: the only form to log or to send
    to the generator. ``category`` is None when the prompt is allowed.
    """

    allowed: bool
    category: Category | None
    reason: str
    prompt: str

    def __str__(self) -> str:
        state = "allowed" if self.allowed else f"blocked ({self.category})"
        return f"PromptVerdict({state}, {len(self.prompt)} chars)"


@dataclass(frozen=True)
class ImageVerdict:
    """The image classifier's answer: each class found (best score per class,
    highest first) and whether the image may leave."""

    allowed: bool
    labels: tuple[tuple[str, float], ...]
    reason: str

    def __str__(self) -> str:
        state = "allowed" if self.allowed else "blocked"
        return f"ImageVerdict({state}, {len(self.labels)} labels)"
