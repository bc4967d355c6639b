"""Finding the terms of several lists in a normalised prompt: exactly, as
stems, misspelt, squashed together or spelled out letter by letter.

Misspellings are matched by edit distance (adjacent swaps count one) on
normalised words, scaled by the length of the term's word (:func:`allowed_edits`),
and only when the first letters agree. A word that is itself a real word in
one of the six languages is never taken for a misspelling of a term ("named"
is not "naked", "elm" is not "elmo"): the word lists of the ``pyspellchecker``
package, loaded on the first fuzzy hit, decide (:func:`known_words`).

Names (the lists given as ``phonetic``) are also matched by sound: a crude
spelling-to-sound key (:func:`sound`) makes "scoobie doo", "scoubidou" and
"scooby doo" one key, and so are words run together or split apart
("Spon gebob", "nak ed"), as long as one of the words is not a real word.
A letter masked by ``*`` (``normalise.MASK``) matches any one letter.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from server.imagine.safety.normalise import MASK, Normalised, term_words

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
    return frozenset(words | {w for w in everyday_words() if len(w) >= 4})


@cache
def everyday_words() -> frozenset[str]:
    """Everyday words of further languages (``data/everyday.toml``), as tokens."""
    from server.imagine.safety.datafiles import DataFile

    file = DataFile("everyday.toml")
    words = {token for entry in file.terms("words") for token in term_words(entry)}
    file.finish()
    return frozenset(words)


@cache
def known_short() -> frozenset[str]:
    """Everyday words of two and three letters of the six languages ("pen",
    "is", "man"): words that, run together with a neighbour, make no disguise."""
    words: set[str] = set()
    folder = resources.files("spellchecker") / "resources"
    for language in LANGUAGES:
        with gzip.open(folder.joinpath(f"{language}.json.gz").open("rb")) as handle:
            counts: dict[str, int] = json.load(handle)
        words.update(w for w, n in counts.items() if n >= MIN_SHORT_COUNT and len(w) <= 3)
    return frozenset(words | {w for w in everyday_words() if len(w) <= 3})


def is_known(word: str) -> bool:
    """Whether ``word`` is an everyday word of the six languages, of any length."""
    return word in known_short() if len(word) <= 3 else word in known_words()


# Spelling to sound, in order: what one sound is spelt as in the names people misspell.
_SOUNDS = (
    ("tch", "ch"), ("sch", "sh"), ("ph", "f"), ("ck", "k"), ("qu", "k"), ("q", "k"),
    ("x", "ks"), ("z", "s"), ("ce", "se"), ("ci", "si"), ("cy", "si"), ("c", "k"),
    ("kh", "k"), ("th", "t"), ("dh", "d"), ("gh", "g"), ("w", "v"), ("ie", "i"),
    ("ee", "i"), ("ey", "i"), ("ea", "i"), ("y", "i"), ("oo", "u"), ("ou", "u"),
    ("oe", "u"),
)  # fmt: skip
_FINAL_E = re.compile(r"(?<=[^aeiou])e$")
# Sound keys shorter than this are not matched by sound; from MIN_SOUND_FUZZY on,
# one edit apart ("mikimaus" and "mikimus"), shorter ones exactly.
MIN_SOUND_KEY = 6
MIN_SOUND_FUZZY = 8
# Two- and three-letter words count as everyday words from this many occurrences.
MIN_SHORT_COUNT = 1000


def sound(word: str) -> str:
    """A crude sound key of a normalised word ("scoobiedoo" and "scoubidou" -> "skubidu")."""
    key = collapse(word)
    for spelt, said in _SOUNDS:
        key = key.replace(spelt, said)
    return collapse(_FINAL_E.sub("", key))


def _of_everyday_words(squashed: str, tokens: tuple[str, ...]) -> bool:
    """Whether a squashed chunk is made of consecutive tokens that are all
    everyday words ("naked-neck", not "spyder-man")."""
    for i in range(len(tokens)):
        joined = ""
        for token in tokens[i:]:
            joined += token
            if not squashed.startswith(joined):
                break
            if joined == squashed:
                return all(is_known(t) for t in tokens[i : tokens.index(token, i) + 1])
    return False


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

    def __init__(
        self,
        lists: Mapping[str, Iterable[str]],
        fuzzy: bool = True,
        phonetic: Iterable[str] = (),
    ):
        self.fuzzy = fuzzy
        phonetic = frozenset(phonetic)
        self._sounds: dict[str, list[tuple[str, str]]] = defaultdict(list)
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
                if name in phonetic and len(term.key) >= MIN_SQUASHED_KEY:
                    key = sound(term.key)
                    self._sounds[key[:1]].append((key, name))
                if len(term.words) > 1:
                    for position, word in enumerate(term.words):
                        self._by_word[word].append((term, position, name))
        self._word_cache: dict[str, frozenset[str]] = {}
        # the letters of each key and stem, for a quick bound on edit distances
        self._letters: dict[str, frozenset[str]] = {
            key: frozenset(key)
            for key in list(self._keys) + [k for v in self._stems.values() for k, _ in v]
        }
        self._longest_key = max((len(k) for k in self._keys), default=0)

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
                found |= self._run_together(tokens, i)
        for squashed in text.squashed:
            if len(squashed) >= MIN_SQUASHED_KEY:
                if _of_everyday_words(squashed, tokens):
                    found |= self._exact(squashed)  # "naked-neck" is no misspelling
                else:
                    found |= self._word(squashed)
        for joined in text.joined:
            found |= self._word(joined)
        for run in text.spelled:
            found |= self._word(run)
            for key, names in self._keys.items():
                if len(key) >= MIN_SUBSTRING_KEY and key in run:
                    found |= names
        return found

    def marks(self, text: Normalised) -> list[set[str]]:
        """For each token, the lists with a term that covers it: a one-word
        match of the token, or an exact phrase that holds it."""
        tokens = text.tokens
        marks = [set(self._word(token)) for token in tokens]
        for i in range(len(tokens)):
            for n in range(2, self.longest + 1):
                names = self._phrases.get(tokens[i : i + n]) if i + n <= len(tokens) else None
                if names:
                    for j in range(i, i + n):
                        marks[j] |= names
        return marks

    def word(self, word: str) -> frozenset[str]:
        """The lists with a one-word match for the token ``word``."""
        return self._word(word)

    # ------------------------------------------------------------- internals

    def _word(self, word: str) -> frozenset[str]:
        """Lists with a one-word match for ``word``: a key (a term's words
        joined), a stem, or, fuzzily, either of them misspelt."""
        if word in self._word_cache:
            return self._word_cache[word]
        if MASK in word:
            return self._masked(word)
        names = set(self._keys.get(word, ()))
        for stem, name in self._stems.get(word[:2], ()):
            if word.startswith(stem):
                names.add(name)
        # a word that is a term as written is not read as another one misspelt
        if self.fuzzy and len(word) >= 4 and not names and word not in known_words():
            names |= self._near_word(word) | self._sounds_like(word)
        result = frozenset(names)
        self._word_cache[word] = result
        return result

    def _exact(self, word: str) -> set[str]:
        """Lists with ``word`` as a key or a stem's word, as written."""
        names = set(self._keys.get(word, ()))
        for stem, name in self._stems.get(word[:2], ()):
            if word.startswith(stem):
                names.add(name)
        return names

    def _masked(self, word: str) -> frozenset[str]:
        """Lists with a key or stem that ``word`` spells with masked letters ("p*rn")."""
        names: set[str] = set()
        if len(word) >= 3 and word.count(MASK) * 2 < len(word):

            def pattern(text: str) -> re.Pattern[str]:
                return re.compile(re.escape(text).replace(re.escape(MASK), "[a-z]"))

            whole = pattern(word)
            for key, key_names in self._keys.items():
                if len(key) == len(word) and whole.fullmatch(key):
                    names |= key_names
            for entries in self._stems.values():
                for stem, name in entries:
                    if len(word) >= len(stem) and pattern(word[: len(stem)]).fullmatch(stem):
                        names.add(name)
        result = frozenset(names)
        self._word_cache[word] = result
        return result

    def _sounds_like(self, word: str) -> set[str]:
        """Lists of the phonetic kind with a key that sounds like ``word``."""
        names: set[str] = set()
        if not self._sounds:
            return names
        key = sound(word)
        for term_key, name in self._sounds.get(key[:1], ()):
            # short keys sound like too many pets and people ("Kirbie")
            if name in names or len(term_key) < MIN_SOUND_KEY:
                continue
            limit = 1 if len(term_key) >= MIN_SOUND_FUZZY else 0
            if edit_distance(term_key, key, limit) <= limit:
                names.add(name)
        return names

    def _run_together(self, tokens: tuple[str, ...], i: int) -> set[str]:
        """Terms written split apart ("nak ed", "spon gebob"): two or three
        tokens from ``i`` run together, one of them not an everyday word."""
        names: set[str] = set()
        for n in (2, 3):
            window = tokens[i : i + n]
            if len(window) < n:
                break
            joined = "".join(window)
            if len(joined) > self._longest_key + 2:
                break
            if len(joined) < 5 or all(is_known(w) for w in window):
                continue
            if all(len(w) == 1 for w in window):
                continue
            names |= self._word(joined)
        return names

    def _near_word(self, word: str) -> set[str]:
        names: set[str] = set()
        if word != collapse(word):
            names |= self._collapsed.get(collapse(word), set())
        # a letter of one word missing from the other takes an edit at least: a
        # cheap bound that spares most distance computations
        letters = frozenset(word)
        for key, name in self._by_first.get(word[0], ()):
            if name in names or key == word:
                continue
            limit = allowed_edits(key, word)
            if (
                not limit
                or abs(len(key) - len(word)) > limit
                or len(self._letters[key] - letters) > limit
                or len(letters - self._letters[key]) > limit
            ):
                continue
            if edit_distance(key, word, limit) <= limit:
                names.add(name)
        for prefix, entries in self._stems.items():
            if prefix[0] != word[0]:
                continue
            for stem, name in entries:
                # one edit at most: a stem's word goes on ("nacktszene*" is not "nacktschnecke")
                limit = min(allowed_edits(stem, stem), 1)
                if name in names or not limit:
                    continue
                if len(self._letters[stem] - frozenset(word[: len(stem) + 1])) > limit:
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
                    w[0] == t[0]
                    # an everyday word only where it sounds the same ("micky", not "store")
                    and (not is_known(w) or sound(w) == sound(t))
                    and edit_distance(t, w, allowed_edits(t, w)) <= allowed_edits(t, w)
                )
                for w, t in zip(window, term.words, strict=True)
            ):
                names.add(name)
        return names


# Chinese, Japanese (kana) and Korean (syllables, and the jamo ``plain`` leaves of
# them): scripts written without spaces between words.
_SCRIPTS = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_NOT_LETTERS = re.compile(r"[\W_]+")


def script_key(text: str) -> str:
    """``text`` in plain lower case with no spaces or punctuation (a name of one of
    these scripts is written with or without a middle dot or a space)."""
    from server.imagine.safety.normalise import plain

    return _NOT_LETTERS.sub("", plain(text).lower())


class ScriptIndex:
    """The terms of several lists written in Chinese, Japanese or Korean, found
    inside the prompt's runs of those scripts (no spaces tell words apart there);
    the other terms of the lists are left to :class:`TermIndex`."""

    def __init__(self, lists: Mapping[str, Iterable[str]]):
        self._patterns: dict[str, re.Pattern[str]] = {}
        for name, entries in lists.items():
            keys = {script_key(e) for e in entries if _SCRIPTS.search(e)}
            keys.discard("")
            if keys:
                alternatives = sorted(keys, key=len, reverse=True)
                self._patterns[name] = re.compile("|".join(map(re.escape, alternatives)))

    def find(self, text: str) -> set[str]:
        """The names of the lists with a term in ``text`` (nothing without these scripts)."""
        if not self._patterns or not _SCRIPTS.search(text):
            return set()
        key = script_key(text)
        return {name for name, pattern in self._patterns.items() if pattern.search(key)}
