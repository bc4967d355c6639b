"""Activation: whether an utterance may leave the device, and why.

Nothing is sent unless the wearer asked. An utterance is sent when

- it starts with the wake phrase (``ActivationConfig.wake_phrase``, default
  "hey glasses"), spotted in the on-device transcript with a tolerance for
  ASR variants ("hay glass", "hey classes", "he glasses") but not for
  ordinary speech ("his glasses", "hey class", "a glass of water"); a
  variant counts only once Whisper's second opinion on the audio confirms
  it (the ASR writes "hey, glass" for a teacher's "hey, class" too);
- the transcript missed the wake phrase but Whisper's second opinion finds
  it as the first words (``heard_min_log_prob``);
- it overlaps a push-to-talk press, or starts soon after a tap;
- it follows the wake phrase said alone ("hey glasses" ... "what is this?");
- it starts in the follow-up window after an answer (``follow_up_s``, 0 = off).

Anything else is transcribed on the device and dropped: the caller grabs no
frame, sends nothing and logs no text. A :class:`Decision` says why an
utterance was or was not sent, and carries the question with the wake phrase
taken off; its ``str`` never holds the text.

Wiring, for the runtime (every time in seconds on one clock, the runtime's;
a transcript's ``started_at`` / ``ended_at`` after the VAD)::

    activation = Activation(edge_config.activation)
    # Whisper primed with the wake phrase only where the config asks (prime_asr)
    transcriber = build_transcriber(models, edge_config.asr, edge_config.activation.hotwords())
    # push-to-talk: key down/up, or the phone app's control command
    activation.press(t); activation.release(t)
    activation.tap(t)  # a terminal key (no key-up): the next utterance is the question
    decision = activation.decide(transcript.text, started_at, ended_at)
    if activation.wants_second_opinion(decision):  # missed, or only close to the phrase
        opinion = heard.wake(phrase)  # edge/asr.py, ~110 ms
        decision = activation.decide(transcript.text, started_at, ended_at, opinion)
    if decision.send:
        ...  # grab the frame nearest ended_at, redact decision.question, send
    report(decision.reason)  # never the text
    activation.answered(t)  # when the answer has been shown or spoken in full

The follow-up window opens when the answer *ends*, so the device's own spoken
answer, picked up by the microphone, is not taken for a follow-up.

Pure logic: no I/O, no clock of its own, no model; not thread-safe (one
runtime task owns it, and decides utterances in the order they were spoken:
a bare wake phrase arms the window for the next one).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from edge.config import ActivationConfig

if TYPE_CHECKING:
    from edge.asr import WakeHeard


class Reason(StrEnum):
    """Why an utterance was or was not sent (a closed set, for reports)."""

    WAKE_PHRASE = "wake_phrase"  # it starts with the wake phrase, or follows it said alone
    WAKE_HEARD = "wake_heard"  # the transcript missed it, Whisper's second opinion found it
    PUSH_TO_TALK = "push_to_talk"  # it overlaps a press, or follows a tap
    FOLLOW_UP = "follow_up"  # it starts in the window after an answer
    WAKE_ONLY = "wake_only"  # the wake phrase alone: not sent, the next utterance is awaited
    # the transcript only comes close to the wake phrase ("hey glass"): not decided
    # until Whisper's second opinion on the audio confirms it (a class told "hey, class")
    UNCONFIRMED = "unconfirmed"
    NOT_ACTIVATED = "not_activated"  # ordinary speech: dropped on the device
    EMPTY = "empty"  # no words (silence, noise)


@dataclass(frozen=True)
class Decision:
    """What to do with one utterance. ``question`` is the text to send (the
    wake phrase taken off); empty when nothing is sent."""

    send: bool
    reason: Reason
    question: str = field(default="", repr=False)

    def __str__(self) -> str:
        chars = len(self.question)
        return f"Decision(send={self.send} reason={self.reason} question={chars} chars)"


# Words a speaker may put before the wake phrase ("um, hey glasses").
FILLERS = frozenset("um umm uh uhh er erm ah oh hmm hm mm so okay ok well and yeah right".split())
MAX_FILLERS = 2
_PRESS_KEPT_S = 60.0
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TRIM = " \t\n,.;:!?-–—…'\"’"
_VOWELS = frozenset("aeiouy")
# Consonants an ASR confuses with each other (voiced / unvoiced pairs and the like).
_ALIKE = (frozenset("ckgq"), frozenset("sz"), frozenset("bp"), frozenset("dt"), frozenset("fv"))


def _letters(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum())


def _edit_cost(a: str, b: str) -> float:
    """Weighted Levenshtein distance: a vowel, or a consonant swapped for one
    that sounds alike, costs 0.5; any other letter 1."""

    def indel(c: str) -> float:
        return 0.5 if c in _VOWELS else 1.0

    def swap(x: str, y: str) -> float:
        if x == y:
            return 0.0
        if x in _VOWELS and y in _VOWELS or any(x in g and y in g for g in _ALIKE):
            return 0.5
        return 1.0

    row = [0.0]
    for c in b:
        row.append(row[-1] + indel(c))
    for x in a:
        prev, row = row, [row[0] + indel(x)]
        for j, y in enumerate(b, 1):
            row.append(min(prev[j] + indel(x), row[j - 1] + indel(y), prev[j - 1] + swap(x, y)))
    return row[-1]


@dataclass(frozen=True)
class _Token:
    text: str  # letters only, lower case
    end: int  # offset in the transcript just after the word
    joins: bool  # only a space or a hyphen since the previous word


class WakePhrase:
    """Spots a wake phrase at the start of a transcript.

    Each wake word may match one transcript word, or two written apart
    ("glass is"), when their weighted edit cost is at most ``tolerance`` times
    the wake word's letters; the whole phrase may also be written as one
    word ("heyglasses"), each wake word still within the tolerance. Up to
    ``MAX_FILLERS`` filler words may come first.
    """

    def __init__(self, phrase: str, tolerance: float) -> None:
        self.words = [_letters(w) for w in _WORD.findall(phrase)]
        if not self.words:
            raise ValueError(f"the wake phrase {phrase!r} has no words")
        self.tolerance = tolerance

    def match(self, text: str) -> int | None:
        """Offset in ``text`` where what follows the wake phrase begins, or
        None when the text does not start with it."""
        tokens, last = [], 0
        for m in _WORD.finditer(text):
            gap = text[last : m.start()]
            tokens.append(_Token(_letters(m.group()), m.end(), not gap.strip(" -")))
            last = m.end()
        for start in range(min(MAX_FILLERS, len(tokens)) + 1):
            if start and tokens[start - 1].text not in FILLERS:
                break
            end = self._match_at(tokens, start)
            if end is not None:
                return end
        return None

    def _cost(self, heard: str, wake_word: str) -> float | None:
        """The edit cost, or None when it is over the tolerance."""
        cost = _edit_cost(heard, wake_word)
        return cost if cost <= self.tolerance * len(wake_word) else None

    def _match_at(self, tokens: list[_Token], i: int) -> int | None:
        if i < len(tokens) and self._split(tokens[i].text, self.words):
            return tokens[i].end
        return self._words_from(tokens, i, 0)

    def _split(self, heard: str, words: list[str]) -> bool:
        """Whether one written word holds all ``words`` ("heyglasses"), each
        within the tolerance; "glasses" alone does not hold "hey glasses"."""
        if len(words) == 1:
            return self._cost(heard, words[0]) is not None
        return any(
            self._cost(heard[:k], words[0]) is not None and self._split(heard[k:], words[1:])
            for k in range(1, len(heard))
        )

    def _begins(self, pair: list[_Token], word: str) -> bool:
        """Whether two written words may be one wake word split: nothing but a
        space or hyphen between them, and the first sounds like its start
        ("glass is"; not "you glasses")."""
        first = pair[0].text
        return pair[1].joins and self._cost(first, word[: len(first)]) is not None

    def _words_from(self, tokens: list[_Token], i: int, w: int) -> int | None:
        if w == len(self.words):
            return tokens[i - 1].end
        word = self.words[w]
        candidates = []  # (cost, words taken): one word, or two written as one
        for span in (1, 2):
            if i + span > len(tokens) or (span == 2 and not self._begins(tokens[i : i + 2], word)):
                break
            heard = "".join(t.text for t in tokens[i : i + span])
            if (cost := self._cost(heard, word)) is not None:
                candidates.append((cost, span))
        for _, span in sorted(candidates):  # "glass is" over "glass" for "glasses"
            end = self._words_from(tokens, i + span, w + 1)
            if end is not None:
                return end
        return None


class Activation:
    """Decides, utterance by utterance, whether the wearer asked (see the
    module docstring for the wiring)."""

    def __init__(self, config: ActivationConfig | None = None) -> None:
        self.config = config or ActivationConfig()
        self.wake = WakePhrase(self.config.wake_phrase, self.config.tolerance)
        self._exact = WakePhrase(self.config.wake_phrase, 0.0)
        self._presses: list[tuple[float, float]] = []  # (pressed, released); inf while held
        self._armed: tuple[float, Reason] | None = None  # question window opened at, by
        self._answered_at: float | None = None

    # -- events from the runtime ------------------------------------------------

    def press(self, t: float) -> None:
        """Push-to-talk pressed: utterances overlapping the press are sent."""
        if not (self._presses and math.isinf(self._presses[-1][1])):
            self._presses.append((t, math.inf))

    @property
    def held(self) -> bool:
        """Whether push-to-talk is held now."""
        return bool(self._presses) and math.isinf(self._presses[-1][1])

    def release(self, t: float) -> None:
        """Push-to-talk released (ignored when not pressed)."""
        if self._presses and math.isinf(self._presses[-1][1]):
            self._presses[-1] = (self._presses[-1][0], t)

    def tap(self, t: float) -> None:
        """Push-to-talk without a key-up (a terminal key): the utterance under
        way, or else the next one that starts within ``question_window_s``, is sent."""
        self._armed = (t, Reason.PUSH_TO_TALK)

    def answered(self, t: float) -> None:
        """An answer ended at ``t``: the follow-up window opens."""
        self._answered_at = t

    # -- the decision -------------------------------------------------------------

    def decide(
        self,
        text: str,
        started_at: float,
        ended_at: float,
        second_opinion: WakeHeard | None = None,
    ) -> Decision:
        """Whether the utterance heard from ``started_at`` to ``ended_at`` is
        sent. ``second_opinion`` (``Heard.wake``: how likely the wake phrase
        is as its first words, and what follows it) counts only for speech
        that would otherwise be dropped; ask for it when
        :meth:`wants_second_opinion` says so, then decide again with it."""
        if not _WORD.search(text):
            return Decision(False, Reason.EMPTY)
        question = text.strip()
        woken = False
        if self.config.wake and (end := self.wake.match(text)) is not None:
            woken, question = True, text[end:].lstrip(_TRIM).rstrip()
            if self._confirming and self._exact.match(text) is None:  # close, not exact
                if second_opinion is None:
                    return Decision(False, Reason.UNCONFIRMED)  # ask, then decide again
                if not self._heard(second_opinion):  # the audio does not say it
                    woken, question = False, text.strip()
            if not _WORD.search(question):
                self._armed = (ended_at, Reason.WAKE_PHRASE)
                return Decision(False, Reason.WAKE_ONLY)
        if self._pressed_during(started_at, ended_at):
            return self._send(Reason.PUSH_TO_TALK, question)
        if woken:
            return self._send(Reason.WAKE_PHRASE, question)
        if self._armed and self._armed_during(started_at, ended_at):
            return self._send(self._armed[1], question)
        if (
            self.config.follow_up_s > 0
            and self._answered_at is not None
            and self._within(started_at, self._answered_at, self.config.follow_up_s)
        ):
            return self._send(Reason.FOLLOW_UP, question)
        if second_opinion is not None and self._heard(second_opinion):
            question = second_opinion.question.lstrip(_TRIM).rstrip()
            if not _WORD.search(question):
                self._armed = (ended_at, Reason.WAKE_HEARD)
                return Decision(False, Reason.WAKE_ONLY)
            return self._send(Reason.WAKE_HEARD, question)
        return Decision(False, Reason.NOT_ACTIVATED)

    def wants_second_opinion(self, decision: Decision) -> bool:
        """Whether Whisper's second opinion could change ``decision``."""
        return decision.reason in (Reason.NOT_ACTIVATED, Reason.UNCONFIRMED) and self._confirming

    @property
    def _confirming(self) -> bool:
        """Whether Whisper's second opinion is asked at all."""
        return self.config.wake and self.config.heard_min_log_prob is not None

    def _heard(self, opinion: WakeHeard) -> bool:
        least = self.config.heard_min_log_prob
        return self.config.wake and least is not None and opinion.log_prob >= least

    def _send(self, reason: Reason, question: str) -> Decision:
        # one question per window: its answer opens the next follow-up window
        self._armed = None
        self._answered_at = None
        return Decision(True, reason, question)

    def _pressed_during(self, started_at: float, ended_at: float) -> bool:
        # utterances may be decided a little out of order (ASR runs beside
        # capture), so a press is forgotten only long after its release
        self._presses = [p for p in self._presses if p[1] >= started_at - _PRESS_KEPT_S]
        return any(p < ended_at and r > started_at for p, r in self._presses)

    def _armed_during(self, started_at: float, ended_at: float) -> bool:
        # a tap while already speaking counts for that utterance
        opened_at = self._armed[0] if self._armed else math.inf
        return ended_at > opened_at and started_at <= opened_at + self.config.question_window_s

    @staticmethod
    def _within(t: float, opened_at: float, window_s: float) -> bool:
        return opened_at <= t <= opened_at + window_s
