"""The prompt filter: redacts a prompt and decides whether Imagine may draw it.

Rules, not a model: the prompt is normalised (``normalise``), its words are
looked up in the term lists (``lexicon``, the protected characters and the
block list) exactly, as stems and misspelt (``matching``), and the kinds of
evidence found are combined into one category, the most severe first:

- a minor (a term or an age under 18) beside anything sexual or suggestive:
  ``MINORS_SEXUAL``;
- a real person (a marker such as "celebrity", "my coworker", "deepfake", or a
  capitalised first name and surname) beside anything sexual or suggestive:
  ``REAL_PERSON_SEXUAL``;
- gore, or two of a violent act, blood and a body or wound: ``GRAPHIC_VIOLENCE``;
- explicit sexual content or nudity: ``SEXUAL``;
- a protected character: ``PROTECTED_CHARACTER``; a block-list term: ``BLOCK_LIST``.

Card numbers, e-mail addresses, phone numbers and the like are redacted first,
with the edge's rules (``edge.redaction.transcripts.redact_string``); the
verdict carries the redacted prompt, the only form to log or to generate from.
An empty or over-long prompt is refused with ``InvalidInputError`` (a caller's
mistake, not a verdict).
"""

from __future__ import annotations

import re

from core.errors import InvalidInputError
from edge.redaction.transcripts import redact_string
from server.imagine.safety import lexicon
from server.imagine.safety.config import PromptFilterConfig
from server.imagine.safety.matching import TermIndex
from server.imagine.safety.normalise import Normalised, normalise, plain, term_words
from server.imagine.safety.verdicts import Category, PromptVerdict

# The evidence kinds, as names of the term lists.
EXPLICIT, SUGGESTIVE, MINOR, PERSON = "explicit", "suggestive", "minor", "person"
GORE, ACT, BLOOD, BODY = "gore", "act", "blood", "body"
CHARACTER, BLOCKED = "character", "blocked"

# Fixed reasons: they name the category, never a word of the prompt.
REASONS: dict[Category | None, str] = {
    None: "allowed",
    Category.MINORS_SEXUAL: "blocked: sexual content involving a minor",
    Category.REAL_PERSON_SEXUAL: "blocked: sexual content of a real person",
    Category.GRAPHIC_VIOLENCE: "blocked: graphic violence",
    Category.SEXUAL: "blocked: explicit sexual content",
    Category.PROTECTED_CHARACTER: "blocked: a protected commercial character",
    Category.BLOCK_LIST: "blocked: a term of the block list",
}

# A first name and surname: two capitalised words in a row ("Taylor Swift").
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
# Capitalised words that do not make a name (title-case prompts, sentence starts).
NOT_NAMES = frozenset(
    "a an the of in on at with and or for to from by my your his her our their this that "
    "photo picture image portrait drawing painting render".split()
)


class PromptFilter:
    """Decides whether a prompt may be drawn; see the module docstring."""

    def __init__(self, config: PromptFilterConfig | None = None):
        self.config = config or PromptFilterConfig()
        self.enabled = frozenset(self.config.categories)
        lists: dict[str, tuple[str, ...] | list[str]] = {
            EXPLICIT: lexicon.EXPLICIT,
            SUGGESTIVE: lexicon.SUGGESTIVE,
            MINOR: tuple(t for t in lexicon.MINORS if t != "kind"),
            PERSON: lexicon.REAL_PERSON,
            GORE: lexicon.GORE,
            ACT: lexicon.ACTS,
            BLOOD: lexicon.BLOOD,
            BODY: lexicon.BODY,
        }
        if Category.PROTECTED_CHARACTER in self.enabled:
            lists[CHARACTER] = self.config.protected_characters
        if Category.BLOCK_LIST in self.enabled:
            lists[BLOCKED] = self.config.block_list
        self.index = TermIndex(lists, fuzzy=self.config.fuzzy)
        self.capitalised = TermIndex(
            {CHARACTER: self.config.capitalised_characters}
            if Category.PROTECTED_CHARACTER in self.enabled
            else {},
            fuzzy=self.config.fuzzy,
        )
        self._safe = tuple(term_words(p) for p in lexicon.SAFE_PHRASES)

    def check(self, prompt: str) -> PromptVerdict:
        """The verdict on ``prompt`` (redacted in the verdict, whatever it says)."""
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidInputError("the prompt is empty: say what to draw")
        if len(prompt) > self.config.max_chars:
            raise InvalidInputError(
                f"the prompt has {len(prompt)} characters; at most "
                f"{self.config.max_chars} are accepted"
            )
        redacted, _ = redact_string(prompt)
        category = self.categorise(redacted)
        return PromptVerdict(category is None, category, REASONS[category], redacted)

    def categorise(self, text: str) -> Category | None:
        """The most severe enabled category that ``text`` falls in, or None."""
        everything = normalise(text)
        words = self._without_safe_phrases(everything)
        found = self.index.find(words) | self.capitalised.find(_capitalised(everything))
        joined = words.text
        minor = (
            MINOR in found
            or lexicon.minor_age(plain(text).lower())
            or ("kind" in words.tokens and not lexicon.ENGLISH_KIND.search(joined))
        )
        explicit = EXPLICIT in found or bool(lexicon.CLOTHES_OFF.search(joined))
        sexual = explicit or SUGGESTIVE in found
        person = PERSON in found or _has_name(words.cased_words)
        rules = (
            (Category.MINORS_SEXUAL, minor and sexual),
            (Category.REAL_PERSON_SEXUAL, person and sexual),
            (Category.GRAPHIC_VIOLENCE, _graphic(found)),
            (Category.SEXUAL, explicit),
            (Category.PROTECTED_CHARACTER, CHARACTER in found),
            (Category.BLOCK_LIST, BLOCKED in found),
        )
        for category, applies in rules:
            if applies and category in self.enabled:
                return category
        return None

    def _without_safe_phrases(self, words: Normalised) -> Normalised:
        """``words`` less the words of everyday phrases that hold a term."""
        tokens = list(words.tokens)
        drop: set[int] = set()
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            after = tokens[i + 2] if i + 2 < len(tokens) else ""
            if token == "nude" and following in lexicon.NUDE_COLOUR_NEXT:
                drop.add(i)
            if token == "sex" and following == "of" and after in lexicon.SEX_OF_NEXT:
                drop.add(i)
            for phrase in self._safe:
                if tuple(tokens[i : i + len(phrase)]) == phrase:
                    drop.update(range(i, i + len(phrase)))
        if not drop:
            return words
        kept = tuple(t for i, t in enumerate(tokens) if i not in drop)
        return Normalised(kept, words.squashed, words.spelled, words.cased_words)


def _graphic(found: set[str]) -> bool:
    """Gore, or two of: a violent act, blood, a body or wound."""
    return GORE in found or len(found & {ACT, BLOOD, BODY}) >= 2


def _capitalised(words: Normalised) -> Normalised:
    """Only the words written with a capital (for characters named by everyday words)."""
    kept = tuple(t for t, c in zip(words.tokens, words.cased_words, strict=True) if c[:1].isupper())
    return Normalised(kept, (), (), ())


def _has_name(cased_words: tuple[str, ...]) -> bool:
    """Whether two capitalised words stand together, neither a function word."""
    for first, second in zip(cased_words, cased_words[1:], strict=False):
        if (
            _CAPITALISED.fullmatch(first)
            and _CAPITALISED.fullmatch(second)
            and first.lower() not in NOT_NAMES
            and second.lower() not in NOT_NAMES
        ):
            return True
    return False
