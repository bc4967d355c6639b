"""Protected characters described instead of named: cues that co-occur.

"A square yellow sea sponge who lives in a pineapple" names no one, yet it is
SpongeBob. Each described character (:data:`DEFAULT_DESCRIPTIONS`, read once at
import from ``data/descriptions.toml``: one entry per character of the default
list in ``data/characters.toml`` that people describe) carries four kinds of cue:

- ``kind``: what the character is ("sponge", "plumber", "ogre"); any one
  found counts 1;
- ``traits``: its distinctive attributes, each a group of synonyms and
  translations ("red shorts", "pantalones cortos rojos"); each group found
  counts 1. Generic looks that often go together ("grey" and "carrot" for a
  rabbit, "fat" and "orange" for a cat) share one group, so that together
  they still count 1;
- ``signatures``: attributes that all but name the character ("lives in a
  pineapple", "to infinity and beyond"); each group found counts 2;
- ``context``: the franchise, studio, creator or setting ("Nintendo",
  "DreamWorks", "Bikini Bottom"); any one found counts 1.

A character is described (``PromptFilter`` reports ``PROTECTED_CHARACTER``)
when its cues score at least ``description_score`` (3), at least one of them
a trait or a signature, and its kind or its context is among them, or the
score reaches ``description_score_unanchored`` (4) without either. So "a
yellow kitchen sponge" (kind 1 + trait 1), "a plumber fixing a sink" (kind 1)
and "a farmer with a mustache, a red cap and overalls" (three traits, no kind)
pass, while "an Italian plumber with a red cap and a mustache" (kind 1 +
three traits) and "a mouse with round ears and a polka dot bow, Disney"
(kind + two traits + context) are blocked.

Cues are matched in the filter's normalised token space, each word exactly,
as a stem (``*``) or misspelt (``matching.TermIndex``; everyday words are
never taken for misspellings), the words of a cue in order with at most
:data:`GAP` other words between them ("big round black ears" holds "round
ears"); a cue of digits ("95") matches a number of the prompt. A description
applies only while its ``name`` is among the configured protected (or
capitalised) characters. Operators replace or extend the list in
``PromptFilterConfig.described_characters``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from server.imagine.safety.datafiles import DataFile, DataFileError
from server.imagine.safety.datafiles import cues as split_cues
from server.imagine.safety.matching import TermIndex
from server.imagine.safety.normalise import Normalised, term_words

# At most this many other words between two words of one cue.
GAP = 2
_DIGITS = re.compile(r"\d+")


class CharacterDescription(BaseModel):
    """The cues that describe one protected character (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="the protected character described: a name of protected_characters "
        "or capitalised_characters (the description applies only while it is listed)"
    )
    kind: list[str] = Field(
        default_factory=list,
        description='what the character is ("sea sponge", "plumber"); any one found counts 1',
    )
    traits: list[list[str]] = Field(
        default_factory=list,
        description="distinctive attributes, each a group of synonyms and translations; "
        "each group found counts 1 (generic looks that go together share one group)",
    )
    signatures: list[list[str]] = Field(
        default_factory=list,
        description='attributes that all but name the character ("lives in a pineapple"); '
        "each group found counts 2",
    )
    context: list[str] = Field(
        default_factory=list,
        description="franchise, studio, creator or setting; any one found counts 1",
    )


def _load(file: DataFile) -> tuple[dict, ...]:
    """The descriptions of ``data/descriptions.toml``: ``[shared]`` cue lists, then
    one ``[[character]]`` each (cues comma-separated; a group per string)."""
    shared_table = file.table("shared")
    shared: dict[str, list[str]] = {}
    for key, text in shared_table.items():
        shared[key] = split_cues(text, f"{file.path}: shared.{key}")
    out = []
    for n, entry in enumerate(file.tables("character"), 1):
        where = f"{file.path}: character {n} ({entry.get('name', 'no name')})"
        unknown = set(entry) - {"name", "kind", "traits", "signatures", "context"}
        if unknown:
            raise DataFileError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataFileError(f"{where}: name is missing or empty")
        groups = {}
        for key in ("traits", "signatures"):
            value = entry.get(key, [])
            if not isinstance(value, list):
                raise DataFileError(f"{where}: {key}: expected an array of strings")
            groups[key] = [split_cues(g, f"{where}: {key}", shared) for g in value]
            groups[key] = [g for g in groups[key] if g]
        out.append(
            {
                "name": name,
                "kind": split_cues(entry.get("kind", ""), f"{where}: kind", shared),
                "traits": groups["traits"],
                "signatures": groups["signatures"],
                "context": split_cues(entry.get("context", ""), f"{where}: context", shared),
            }
        )
    file.finish()
    return tuple(out)


DEFAULT_DESCRIPTIONS: tuple[dict, ...] = _load(DataFile("descriptions.toml"))


class DescriptionIndex:
    """The descriptions of the enabled characters, matched together."""

    def __init__(
        self,
        descriptions: Iterable[CharacterDescription],
        names: Iterable[str],
        fuzzy: bool = True,
    ):
        enabled = {term_words(n) for n in names}
        # one entry per (character, role, group): (cue words, numbers), per character
        self._cues: dict[str, list[tuple[str, int, tuple[str, ...]]]] = defaultdict(list)
        self._numbers: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        words: set[str] = set()
        for described in descriptions:
            if term_words(described.name) not in enabled:
                continue
            roles = [("kind", 0, described.kind), ("context", 0, described.context)]
            roles += [("trait", i, group) for i, group in enumerate(described.traits)]
            roles += [("signature", i, group) for i, group in enumerate(described.signatures)]
            for role, group, cues in roles:
                for cue in cues:
                    if cue.strip().isdigit():
                        self._numbers[cue.strip()].append((described.name, role, group))
                        continue
                    cue_words = tuple(_cue_word(w) for w in cue.lower().split())
                    cue_words = tuple(w for w in cue_words if w)
                    if not cue_words:
                        continue
                    words.update(cue_words)
                    self._cues[cue_words[0]].append((described.name, role, group, cue_words))
        self.index = TermIndex({w: [w] for w in words}, fuzzy=fuzzy)

    def described(self, words: Normalised, text: str, score: int, unanchored: int) -> bool:
        """Whether ``words`` (and the digits of ``text``) describe a character."""
        if not self._cues and not self._numbers:
            return False
        marks = self.index.marks(words)
        positions: dict[str, list[int]] = defaultdict(list)
        for i, names in enumerate(marks):
            for name in names:
                positions[name].append(i)
        found: dict[str, set[tuple[str, int]]] = defaultdict(set)
        anchors: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for first in list(positions):
            for character, role, group, cue in self._cues.get(first, ()):
                anchor = role in ("kind", "context")
                if (role, group) in found[character] and not anchor:
                    continue
                if not all(w in positions for w in cue):
                    continue
                spans = _spans(cue, positions)
                if spans:
                    found[character].add((role, group))
                    if anchor:
                        anchors[character][role] += spans
        for number in _DIGITS.findall(text):
            for character, role, group in self._numbers.get(number, ()):
                found[character].add((role, group))
        for character, spans in anchors.items():
            if _linked(spans["kind"], spans["context"], words.tokens):
                found[character].add(("signature", -1))  # "the Nintendo plumber"
        return any(_scores(cues, score, unanchored) for cues in found.values())


def _cue_word(word: str) -> str:
    """A cue's word in the token form (accents and case dropped; "*" kept)."""
    stem = word.endswith("*")
    tokens = term_words(word.rstrip("*"))
    if not tokens:
        return ""
    return "".join(tokens) + ("*" if stem else "")


def _spans(cue: Sequence[str], positions: dict[str, list[int]]) -> list[tuple[int, int]]:
    """(first, last) token of each place the words of ``cue`` stand in order, at
    most GAP words apart."""
    spans = []
    for start in positions[cue[0]]:
        end = start
        for word in cue[1:]:
            end = next((j for j in positions[word] if 0 < j - end <= GAP + 1), -1)
            if end < 0:
                break
        if end >= 0:
            spans.append((start, end))
    return spans


# A kind named as the franchise's ("the Nintendo plumber", "Disney's mouse", "the
# mouse from Disney"), not in its style ("a bear in Disney style"): the words that
# may stand between a context and a kind after it, and between a kind and a
# context after it.
STYLE_WORDS = frozenset(
    "style styled inspired like esque art animation animated artwork look looking type "
    "version fan fanart in with and or".split()
)
LINK_WORDS = frozenset("from of by the a an famous de del la le von di du des do da".split())


def _linked(kinds: list[tuple[int, int]], contexts: list[tuple[int, int]], tokens) -> bool:
    """Whether a kind stands right after a context, or after it with "from",
    "of" or "by" (see LINK_WORDS)."""
    for k_start, k_end in kinds:
        for c_start, c_end in contexts:
            if c_end < k_start:
                between = tokens[c_end + 1 : k_start]
                if len(between) <= GAP and not STYLE_WORDS.intersection(between):
                    return True
            elif k_end < c_start:
                between = tokens[k_end + 1 : c_start]
                if 0 < len(between) <= GAP + 1 and set(between) <= LINK_WORDS:
                    return True
    return False


def _scores(cues: set[tuple[str, int]], score: int, unanchored: int) -> bool:
    """Whether one character's cues found are enough (see the module docstring)."""
    roles = [role for role, _ in cues]
    distinctive = roles.count("trait") + 2 * roles.count("signature")
    if not distinctive:
        return False
    anchored = "kind" in roles or "context" in roles
    total = distinctive + roles.count("kind") + roles.count("context")
    return total >= (score if anchored else unanchored)
