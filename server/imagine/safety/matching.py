"""Finding the terms of several lists in a normalised prompt: exactly, as
stems, misspelt, squashed together or spelled out letter by letter.

Misspellings are matched by edit distance (adjacent swaps count one) on
normalised words, scaled by the length of the term's word (:func:`allowed_edits`),
and only when the first letters agree. A word that is itself a real word in
one of the six languages is never taken for a misspelling of a term ("named"
is not "naked", "elm" is not "elmo"): the word lists of the ``pyspellchecker``
package, loaded on the first fuzzy hit, decide (:func:`known_words`).
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from server.imagine.safety.normalise import Normalised, term_words

# The languages whose dictionaries guard against fuzzy matches of real words.
LANGUAGES = ("en", "es", "fr", "de", "pt", "it")
# A dictionary word counts as known from this many occurrences in the package's
# frequency lists (the lists start at 50; 100 drops rare names and typos such
# as "gorey" while keeping every everyday word).
MIN_WORD_COUNT = 100
# Runs of spelled-out letters are searched for terms of at least this length
# ("c h i l d n a k e d" holds "child" and "naked"; shorter keys match by chance).
MIN_SUBSTRING_KEY = 4
# Squashed chunks match terms at least this long ("r&d" is not a character).
MIN_SQUASHED_KEY = 4


def allowed_edits(term: str, candidate: str) -> int:
    """Edits tolerated between a term's word and a prompt word: none for short
    words (one letter changes their meaning: elm/elmo, sex/sax), one from five
    letters, two from eight. A four-letter term also tolerates one added
    letter ("gorey", "nudez")."""
    if len(term) >= 8:
        return 2
    if len(term) >= 5:
        return 1
    if len(term) == 4 and len(candidate) == 5:
        return 1
    return 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b`` (insertions,
    deletions, substitutions, adjacent swaps), or ``limit + 1`` once above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def collapse(word: str) -> str:
    """``word`` with repeated letters written once ("nuuude" -> "nude")."""
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])


@cache
def known_words() -> frozenset[str]:
    """Everyday words (4+ letters, accents stripped) of the six languages."""
    from server.imagine.safety.normalise import plain

    words: set[str] = set()
    folder = resources.files("spellchecker") / "resources"
    for language in LANGUAGES:
        with gzip.open(folder.joinpath(f"{language}.json.gz").open("rb")) as handle:
            counts: dict[str, int] = json.load(handle)
        words.update(
            plain(w).lower() for w, n in counts.items() if n >= MIN_WORD_COUNT and len(w) >= 4
        )
    return frozenset(words)


@dataclass(frozen=True)
class Term:
    """One entry of a list, normalised."""

    words: tuple[str, ...]
    stem: bool  # the entry ended in "*": its last word is a prefix

    @property
    def key(self) -> str:
        return "".join(self.words)


class TermIndex:
    """The terms of several named lists, looked up together in a prompt.

    ``lists`` maps a name (a kind of evidence, e.g. "explicit") to its terms;
    :meth:`find` answers which names have a term in the prompt.
    """

    def __init__(self, lists: Mapping[str, Iterable[str]], fuzzy: bool = True):
        self.fuzzy = fuzzy
        self._phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._collapsed: dict[str, set[str]] = defaultdict(set)
        self._stems: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._by_word: dict[str, list[tuple[Term, int, str]]] = defaultdict(list)
        self.longest = 1
        for name, entries in lists.items():
            for entry in entries:
                term = Term(term_words(entry.rstrip("*")), entry.endswith("*"))
                if not term.words:
                    continue
                self.longest = max(self.longest, len(term.words))
                if term.stem:
                    self._stems[term.key[:2]].append((term.key, name))
                    continue
                self._phrases[term.words].add(name)
                self._keys[term.key].add(name)
                self._collapsed[collapse(term.key)].add(name)
                self._by_first[term.key[0]].append((term.key, name))
                if len(term.words) > 1:
                    for position, word in enumerate(term.words):
                        self._by_word[word].append((term, position, name))
        self._word_cache: dict[str, frozenset[str]] = {}

    # ---------------------------------------------------------------- public

    def find(self, text: Normalised) -> set[str]:
        """The names of the lists with a term in ``text``."""
        found: set[str] = set()
        tokens = text.tokens
        for i in range(len(tokens)):
            for n in range(2, self.longest + 1):
                if i + n <= len(tokens):
                    found |= self._phrases.get(tokens[i : i + n], set())
            found |= self._word(tokens[i])
            if self.fuzzy:
                found |= self._near_phrases(tokens, i)
        for squashed in text.squashed:
            if len(squashed) >= MIN_SQUASHED_KEY:
                found |= self._word(squashed)
        for run in text.spelled:
            found |= self._word(run)
            for key, names in self._keys.items():
                if len(key) >= MIN_SUBSTRING_KEY and key in run:
                    found |= names
        return found

    # ------------------------------------------------------------- internals

    def _word(self, word: str) -> frozenset[str]:
        """Lists with a one-word match for ``word``: a key (a term's words
        joined), a stem, or, fuzzily, either of them misspelt."""
        if word in self._word_cache:
            return self._word_cache[word]
        names = set(self._keys.get(word, ()))
        for stem, name in self._stems.get(word[:2], ()):
            if word.startswith(stem):
                names.add(name)
        if self.fuzzy and len(word) >= 4:
            near = self._near_word(word)
            if near and word not in known_words():
                names |= near
        result = frozenset(names)
        self._word_cache[word] = result
        return result

    def _near_word(self, word: str) -> set[str]:
        names: set[str] = set()
        if word != collapse(word):
            names |= self._collapsed.get(collapse(word), set())
        for key, name in self._by_first.get(word[0], ()):
            if name in names or key == word:
                continue
            limit = allowed_edits(key, word)
            if limit and edit_distance(key, word, limit) <= limit:
                names.add(name)
        for prefix, entries in self._stems.items():
            if prefix[0] != word[0]:
                continue
            for stem, name in entries:
                limit = allowed_edits(stem, stem)
                if name in names or not limit:
                    continue
                best = min(
                    (
                        edit_distance(stem, word[:k], limit)
                        for k in range(len(stem) - 1, len(stem) + 2)
                        if k <= len(word)
                    ),
                    default=limit + 1,
                )
                if best <= limit:
                    names.add(name)
        return names

    def _near_phrases(self, tokens: tuple[str, ...], j: int) -> set[str]:
        """Multi-word terms with ``tokens[j]`` as one of their words and the
        others misspelt at most as :func:`allowed_edits` allows ("micky mouse")."""
        names: set[str] = set()
        for term, position, name in self._by_word.get(tokens[j], ()):
            start = j - position
            window = tokens[start : start + len(term.words)]
            if start < 0 or len(window) != len(term.words) or name in names:
                continue
            if all(
                w == t
                or (
                    w[0] == t[0] and edit_distance(t, w, allowed_edits(t, w)) <= allowed_edits(t, w)
                )
                for w, t in zip(window, term.words, strict=True)
            ):
                names.add(name)
        return names
