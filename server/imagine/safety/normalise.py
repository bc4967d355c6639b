"""Prompt text brought to one plain form before any term is looked up.

A red-teamer writes "Еlmo" with a Cyrillic Е, "ｅｌｍｏ" in full width,
"3lm0", "e.l.m.o", "e l m o" or "ÉLMO"; all of them become the tokens the term
lists are written in. The same function normalises the term lists themselves,
so a term and its disguises meet in one form:

1. NFKC (full-width and compatibility forms), format characters (zero-width
   joiners, soft hyphens) dropped, Cyrillic and Greek look-alikes mapped to
   Latin, accents stripped;
2. leetspeak mapped back to letters inside words that hold a letter
   (``n4k3d`` -> ``naked``); a number alone stays a number;
3. lower case, then words split at everything that is not a letter.

:func:`normalise` keeps three views: the tokens, each whitespace-separated
chunk squashed to its letters (``spider-man`` -> ``spiderman``) and runs of
single letters joined (``e l m o`` -> ``elmo``), and each such run joined to
the whole word beside it (``P e p p a Pig`` -> ``peppapig``). A letter masked
by ``*`` inside a word (``p*rn``) is kept as :data:`MASK`, for the matcher to
fill in; prompt weights (``(nude:1.3)``) are dropped before leetspeak is read,
and the positions of punctuation breaks are kept for the context rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters of other scripts that look like Latin ones (Unicode's confusables,
# the ones that matter for lower-case Latin text after NFKC).
HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z",
        "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
        "Υ": "Y", "Χ": "X",
        # letters that NFD does not split into a base and an accent
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i",
    }
)  # fmt: skip

# Leetspeak read back as letters, only inside a chunk that also holds a letter.
# "1" is read as "i" (k1d, ch1ld, p1kachu are far commoner than a 1 for an l).
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
     "$": "s", "!": "i", "|": "l", "€": "e", "¡": "i"}
)  # fmt: skip
_LEET_CHARS = frozenset("0134578@$!|€¡")

# Runs of this many single letters or more are read as one word ("e l m o").
MIN_SPELLED_RUN = 3

_LETTERS = re.compile(r"[^\W\d_]+")
# A letter masked by an asterisk or a hash inside a word ("p*rn", "s#x"): kept as
# this letter (a Unicode letter, so that the word stays one token).
MASK = "\u0294"
_MASKED = re.compile(r"(?<=[^\W\d_])[*#](?=[^\W\d_])")
# Prompt weights of image-generation front ends ("(nude:1.3)"), not leetspeak.
_WEIGHT = re.compile(r":\s*-?\d+(?:\.\d+)?")
# Punctuation that ends a phrase (the context rules stop there).
_BREAK = re.compile(r"[,.;:!?()\[\]{}|/\\\"]+$")


def plain(text: str) -> str:
    """NFKC, no format characters, look-alikes mapped to Latin, accents stripped
    (case kept: the real-person rule reads capitals)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(HOMOGLYPHS)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def unleet(chunk: str) -> str:
    """A whitespace-free chunk with leetspeak read back, if it holds a letter."""
    if not any(ch.isalpha() for ch in chunk) or not _LEET_CHARS.intersection(chunk):
        return chunk
    # leading and trailing "!" and "|" are punctuation, not letters ("nude!")
    core = chunk.rstrip("!|.,;:?").lstrip("|")
    tail = chunk[len(chunk.rstrip("!|.,;:?")) :]
    return core.translate(LEET) + tail


@dataclass(frozen=True)
class Normalised:
    """A prompt's plain forms for matching (no original text beyond the letters)."""

    tokens: tuple[str, ...]  # lower-case words, in order
    squashed: tuple[str, ...]  # each chunk of 2+ words as one word ("spiderman")
    spelled: tuple[str, ...]  # runs of 3+ single letters joined ("elmo")
    cased_words: tuple[str, ...]  # words with their case, for the name pattern
    # runs of single letters joined to the word before or after ("peppapig")
    joined: tuple[str, ...] = ()
    # indexes of the tokens that punctuation follows ("naked, on a bed")
    breaks: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        """The tokens joined by single spaces (what phrase patterns run on)."""
        return " ".join(self.tokens)


def normalise(text: str) -> Normalised:
    """The plain forms of ``text`` (see the module docstring)."""
    tokens: list[str] = []
    squashed: list[str] = []
    cased: list[str] = []
    breaks: set[int] = set()
    runs: list[tuple[int, int]] = []  # [start, end) of runs of single letters
    start = None
    for chunk in _WEIGHT.sub("", plain(text)).split():
        words = _LETTERS.findall(unleet(_MASKED.sub(MASK, chunk)))
        if not words:
            if tokens and _BREAK.search(chunk):
                breaks.add(len(tokens) - 1)
            continue
        cased.extend(words)
        lower = [w.lower() for w in words]
        if len(lower) > 1:
            squashed.append("".join(lower))
        for word in lower:
            if len(word) == 1:
                start = len(tokens) if start is None else start
            elif start is not None:
                runs.append((start, len(tokens)))
                start = None
            tokens.append(word)
        if _BREAK.search(chunk):
            breaks.add(len(tokens) - 1)
    if start is not None:
        runs.append((start, len(tokens)))
    spelled: list[str] = []
    joined: list[str] = []
    for first, end in runs:
        if end - first < MIN_SPELLED_RUN:
            continue
        run = "".join(tokens[first:end])
        spelled.append(run)
        if end < len(tokens):
            joined.append(run + tokens[end])
        if first > 0 and len(tokens[first - 1]) > 1:
            joined.append(tokens[first - 1] + run)
    return Normalised(
        tuple(tokens),
        tuple(squashed),
        tuple(spelled),
        tuple(cased),
        tuple(joined),
        frozenset(breaks),
    )


def term_words(term: str) -> tuple[str, ...]:
    """A term of a list in the same form as prompt tokens."""
    return normalise(term).tokens
