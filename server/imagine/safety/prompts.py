"""The prompt filter: redacts a prompt and decides whether Imagine may draw it.

Rules, not a model: the prompt is normalised (``normalise``), its words are
looked up in the term lists (``lexicon``, the protected characters and the
block list) exactly, as stems and misspelt (``matching``), and the kinds of
evidence found are combined into one category, the most severe first:

- a minor (a term or an age under 18) beside anything sexual or suggestive:
  ``MINORS_SEXUAL`` (a small list of Dutch, Polish, Turkish, Japanese and
  Russian terms counts here, and only here);
- a real person (a marker such as "celebrity", "my coworker", "deepfake", a
  capitalised first name and surname, or a common first name and a surname
  in lower case) beside anything sexual or suggestive: ``REAL_PERSON_SEXUAL``;
- gore, or two of a violent act, blood and a body or wound, or a tearing or
  eating act beside a part of a body (``context.maimed``): ``GRAPHIC_VIOLENCE``;
- explicit sexual content or nudity: ``SEXUAL`` (a nudity adjective only when it
  applies to a person or to nothing: ``context.nudity_applies``);
- a protected character: ``PROTECTED_CHARACTER``; a block-list term: ``BLOCK_LIST``;
- a hate symbol named or described (``lexicon.HATE_*``: a named symbol, a hate
  context beside a flag, tattoo, eagle, runes or the numbers 14 and 88, Klan
  garb beside a cross or torches; a swastika unless in a Hindu, Buddhist or
  Jain context and no hate context): ``BLOCK_LIST``;
- a protected character described instead of named (its kind, traits and
  franchise: ``descriptions``): ``PROTECTED_CHARACTER``.

Small lists of Turkish, Dutch, Polish, Swedish, Indonesian, Japanese (romaji),
Russian, Vietnamese, Hindi/Urdu and Arabic (in Latin letters) terms
(``lexicon.EXTRA_*``, matched exactly) add sexual, nudity, violence and
real-person evidence; terms and names written in Chinese, Japanese or Korean
script are found inside runs of those scripts (``matching.ScriptIndex``). Porn
slang written with numbers ("rule 34", "r34") is read in the plain text. A
violence word after a negation ("without gore", "no blood") is dropped before
matching.

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
from server.imagine.safety import context, lexicon
from server.imagine.safety.characters import variants
from server.imagine.safety.config import PromptFilterConfig
from server.imagine.safety.descriptions import DescriptionIndex
from server.imagine.safety.matching import ScriptIndex, TermIndex, is_known
from server.imagine.safety.normalise import Normalised, normalise, plain, term_words
from server.imagine.safety.verdicts import Category, PromptVerdict

# The evidence kinds, as names of the term lists.
EXPLICIT, SUGGESTIVE, MINOR, PERSON = "explicit", "suggestive", "minor", "person"
GORE, ACT, BLOOD, BODY = "gore", "act", "blood", "body"
CHARACTER, BLOCKED = "character", "blocked"
NUDITY, MAIM, DEVOUR, SPREAD = "nudity", "maim", "devour", "spread"
INNER, OUTER = "inner", "outer"
EXTRA_MINOR, EXTRA_SEXUAL = "extra_minor", "extra_sexual"
EXTRA_NUDITY, EXTRA_PERSON = "extra_nudity", "extra_person"
HATE, SWASTIKA, HATE_CONTEXT, CARRIER = "hate", "swastika", "hate_context", "carrier"
SS_CARRIER, RELIGIOUS, KLAN_GARB, KLAN_SCENE = "ss_carrier", "religious", "klan_garb", "klan_scene"
PROCESSION, NUMBER_CONTEXT, CODE_DISPLAY = "procession", "number_context", "code_display"
# What the further languages' lists count as (``lexicon.EXTRA_*``).
EXTRA_KINDS = frozenset({EXPLICIT, GORE, BLOOD, BODY, ACT, PERSON})
# What terms in Chinese, Japanese and Korean scripts count as (``matching.ScriptIndex``).
SCRIPT_KINDS = EXTRA_KINDS | {CHARACTER, SWASTIKA, HATE_CONTEXT, CARRIER, RELIGIOUS, HATE}

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


# A prompt with at least this many words of 3+ letters, most capitalised, is in title case.
TITLE_CASE_WORDS = 4


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
            NUDITY: lexicon.NUDITY,
            MAIM: lexicon.MAIM,
            DEVOUR: lexicon.DEVOUR,
            SPREAD: lexicon.SPREAD,
            INNER: lexicon.INNER_PARTS,
            OUTER: lexicon.OUTER_PARTS,
        }
        if Category.PROTECTED_CHARACTER in self.enabled:
            lists[CHARACTER] = variants(self.config.protected_characters)
        if Category.BLOCK_LIST in self.enabled:
            lists[BLOCKED] = self.config.block_list
        self.hate = Category.BLOCK_LIST in self.enabled and self.config.hate_symbols
        if self.hate:
            lists |= {
                HATE: lexicon.HATE_SYMBOLS,
                SWASTIKA: lexicon.SWASTIKA,
                HATE_CONTEXT: lexicon.HATE_CONTEXT,
                CARRIER: lexicon.HATE_CARRIERS,
                SS_CARRIER: lexicon.SS_CARRIERS,
                RELIGIOUS: lexicon.RELIGIOUS,
                KLAN_GARB: lexicon.KLAN_GARB,
                KLAN_SCENE: lexicon.KLAN_SCENE,
                PROCESSION: lexicon.PROCESSION,
                NUMBER_CONTEXT: lexicon.NUMBER_CONTEXT,
                CODE_DISPLAY: lexicon.CODE_DISPLAYS,
            }
        self.index = TermIndex(
            lists,
            fuzzy=self.config.fuzzy,
            phonetic=(CHARACTER,) if self.config.phonetic_names else (),
        )
        # further languages, matched exactly (no dictionaries guard them)
        extra: dict[str, tuple[str, ...] | list[str]] = (
            {
                EXTRA_MINOR: lexicon.EXTRA_MINORS + lexicon.EXTRA_MINORS_MORE,
                EXTRA_SEXUAL: lexicon.EXTRA_SEXUAL,
                EXPLICIT: lexicon.EXTRA_EXPLICIT,
                EXTRA_NUDITY: lexicon.EXTRA_NUDITY,
                EXTRA_PERSON: lexicon.EXTRA_PERSONS,
                GORE: lexicon.EXTRA_GORE,
                BLOOD: lexicon.EXTRA_BLOOD,
                BODY: lexicon.EXTRA_BODY,
                ACT: lexicon.EXTRA_ACTS,
                PERSON: lexicon.EXTRA_REAL_PERSON,
            }
            if self.config.extra_languages
            else {}
        )
        self.extra = TermIndex(extra, fuzzy=False)
        # terms in Chinese, Japanese and Korean scripts, found inside runs of them
        self.scripts = ScriptIndex(
            {k: [*lists.get(k, ()), *extra.get(k, ())] for k in lists.keys() | extra.keys()}
        )
        self.descriptions = DescriptionIndex(
            self.config.described_characters
            if Category.PROTECTED_CHARACTER in self.enabled
            else (),
            names=list(self.config.protected_characters) + list(self.config.capitalised_characters),
            fuzzy=self.config.fuzzy,
        )
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
        extra = self.extra.find(words)
        scripts = self.scripts.find(text)
        extra |= scripts
        found |= extra & EXTRA_KINDS | scripts & SCRIPT_KINDS
        if EXTRA_NUDITY in extra and (EXTRA_PERSON in extra or PERSON in found):
            found.add(EXPLICIT)  # "çıplak bir kadın", "naga kobieta" (not "a naga warrior")
        marks = self.index.marks(words)
        joined = words.text
        lowered = plain(text).lower()
        minor = (
            MINOR in found
            or lexicon.minor_age(lowered)
            or ("kind" in words.tokens and not lexicon.ENGLISH_KIND.search(joined))
        )
        explicit = (
            EXPLICIT in found
            or bool(lexicon.CLOTHES_OFF.search(joined))
            or (bool(lexicon.SLANG.search(lowered)) and not lexicon.SLANG_NOT.search(lowered))
            or (NUDITY in found and self._nudity(words, marks))
        )
        sexual = explicit or SUGGESTIVE in found
        person = (
            PERSON in found or _has_name(words.cased_words) or context.real_person(words.tokens)
        )
        severe = (minor or EXTRA_MINOR in extra) and (sexual or EXTRA_SEXUAL in extra)
        rules = (
            (Category.MINORS_SEXUAL, severe),
            (Category.REAL_PERSON_SEXUAL, person and sexual),
            (Category.GRAPHIC_VIOLENCE, self._graphic(found, words, marks)),
            (Category.SEXUAL, explicit),
            (Category.PROTECTED_CHARACTER, CHARACTER in found),
            (Category.BLOCK_LIST, BLOCKED in found),
        )
        for category, applies in rules:
            if applies and category in self.enabled:
                return category
        # the rules that read more than one cue, the costlier last
        if self.hate and self._hateful(found, words, lowered):
            return Category.BLOCK_LIST
        if Category.PROTECTED_CHARACTER in self.enabled and self.descriptions.described(
            words,
            text,
            self.config.description_score,
            self.config.description_score_unanchored,
        ):
            return Category.PROTECTED_CHARACTER
        return None

    def _hateful(self, found: set[str], words: Normalised, text: str) -> bool:
        """A hate symbol named or described (``lexicon.HATE_*``): see there."""
        if HATE in found or lexicon.HATE_NAMED_NUMBERS.search(text):
            return True
        context = HATE_CONTEXT in found
        if SWASTIKA in found and (context or RELIGIOUS not in found):
            return True
        if context and (CARRIER in found or lexicon.HATE_NUMBERS.search(text)):
            return True
        if "ss" in words.tokens and SS_CARRIER in found:
            return True
        if lexicon.HATE_CODE_SHOWN.search(text) and CODE_DISPLAY in found:
            return True
        if NUMBER_CONTEXT in found and lexicon.HATE_NUMBERS.search(text):
            return True
        return KLAN_GARB in found and KLAN_SCENE in found and PROCESSION not in found

    def _is_person(self, word: str) -> bool:
        """A person noun, a minor or a real-person term (misspelt too)."""
        return word in context.PERSON_WORDS or bool(self.index.word(word) & {MINOR, PERSON})

    def _nudity(self, words: Normalised, marks: list[set[str]]) -> bool:
        """Whether a nudity adjective applies to a person (or to nothing)."""
        positions = [i for i, names in enumerate(marks) if NUDITY in names]
        hidden = Normalised((), words.squashed, words.spelled, (), words.joined)
        if not positions or NUDITY in self.index.find(hidden):
            return True  # spelled out or run together: no neighbours to read
        capitalised = {
            i for i, w in enumerate(words.cased_words) if i and w[:1].isupper() and len(w) > 1
        }
        return any(
            context.nudity_applies(
                words.tokens, words.breaks, i, self._is_person, _is_word, capitalised
            )
            for i in positions
        )

    def _graphic(self, found: set[str], words: Normalised, marks: list[set[str]]) -> bool:
        """Gore; two of a violent act, blood and a body or wound; someone shot
        in a part of the body; a tearing or eating act on a part of a body."""
        if GORE in found or len(found & {ACT, BLOOD, BODY}) >= 2:
            return True
        if lexicon.WOUNDED_IN.search(words.text):
            return True
        kinds = [frozenset(m) for m in marks]
        if BLOOD in found and context.owned_part(words.tokens, kinds, OUTER, self._is_person):
            return True  # "a knife in someone's eye, blood dripping"
        if not found & {MAIM, DEVOUR, SPREAD}:
            return False
        return context.maimed(
            words.tokens,
            kinds,
            INNER in found,
            self._is_person,
            MAIM,
            DEVOUR,
            SPREAD,
            OUTER,
        )

    def _without_safe_phrases(self, words: Normalised) -> Normalised:
        """``words`` less the words of everyday phrases that hold a term."""
        tokens = list(words.tokens)
        drop: set[int] = set()
        drop |= _negated(tokens)
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
        cased = tuple(t for i, t in enumerate(words.cased_words) if i not in drop)
        # "flesh-eating" squashed is a safe phrase's too
        dropped = "".join(tokens[i] for i in sorted(drop))
        squashed = tuple(s for s in words.squashed if s not in dropped)
        # a break after a dropped word moves to the last kept word before it
        new_index, breaks = {}, set()
        for i in range(len(tokens)):
            if i not in drop:
                new_index[i] = len(new_index)
            if i in words.breaks and new_index:
                breaks.add(len(new_index) - 1)
        return Normalised(kept, squashed, words.spelled, cased, words.joined, frozenset(breaks))


def _negated(tokens: tuple[str, ...]) -> set[int]:
    """Indexes of violence words that a negation takes back ("without gore", "no
    blood, no gore", "without any blood or gore", "gore-free")."""
    drop: set[int] = set()
    for i, token in enumerate(tokens):
        if token in lexicon.NEGATABLE and i + 1 < len(tokens) and tokens[i + 1] == "free":
            drop.add(i)
        if token not in lexicon.NEGATORS:
            continue
        j = i + 1
        while j < len(tokens) and j - i <= 6:
            if tokens[j] in lexicon.NEGATABLE:
                drop.add(j)
            elif tokens[j] not in lexicon.NEGATION_FILLERS:
                break
            j += 1
    return drop


def _is_word(word: str) -> bool:
    """An everyday word of the six languages, plurals too ("arboles" for "arbol")."""
    return is_known(word) or (len(word) >= 5 and (is_known(word[:-1]) or is_known(word[:-2])))


def _capitalised(words: Normalised) -> Normalised:
    """Only the words written with a capital (for characters named by everyday words)."""
    kept = tuple(t for t, c in zip(words.tokens, words.cased_words, strict=True) if c[:1].isupper())
    return Normalised(kept, (), (), ())


def _has_name(cased_words: tuple[str, ...]) -> bool:
    """Whether two capitalised words stand together, neither a function word.
    In a prompt written in title case (most words capitalised) the first must
    be a common first name: "A Sexy Red Sports Car Poster" names nobody."""
    long_words = [w for w in cased_words if len(w) > 2]
    capitals = sum(1 for w in long_words if w[:1].isupper())
    title_case = len(long_words) >= TITLE_CASE_WORDS and capitals >= 0.6 * len(long_words)
    for first, second in zip(cased_words, cased_words[1:], strict=False):
        if (
            _CAPITALISED.fullmatch(first)
            and _CAPITALISED.fullmatch(second)
            and first.lower() not in NOT_NAMES
            and second.lower() not in NOT_NAMES
            and (not title_case or first.lower() in context.FIRST_NAMES)
        ):
            return True
    return False
