"""The assistant's consent decisions, in one place.

- A session's consent is the live ledger narrowed to what the device's hello
  announced: the stricter of the two wins, so neither a stale device nor a
  forged hello can widen it.
- Nothing is processed without ``assist``; raw audio needs ``audio``.
- A sample is kept when ``history`` or ``training`` covers it; otherwise only
  for the retention window (``transient_s``), and not at all when that is 0.

The ledger itself (who consented to what, and when) is ``server/consent.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import SYSTEM_CLOCK, Clock
from core.errors import ConsentError, InvalidInputError
from core.frames import ConsentSnapshot, Scope
from server.consent import ConsentLedger

# Audio arrives many times a second; re-reading the ledger for each chunk would
# cost a query per chunk, so a revocation reaches the audio path within this.
AUDIO_CONSENT_MAX_AGE_S = 1.0


def narrow(live: ConsentSnapshot, announced: ConsentSnapshot) -> ConsentSnapshot:
    """The ledger's consent limited to the scopes the device announced."""
    return ConsentSnapshot(
        live.scopes & announced.scopes, live.region, live.policy_version, live.ledger_entry_id
    )


def require_assist(consent: ConsentSnapshot) -> None:
    if not consent.allows(Scope.ASSIST):
        raise ConsentError(
            "your consent does not include 'assist'; nothing can be processed. "
            "Turn on the assistant in the companion app."
        )


def require_audio(consent: ConsentSnapshot) -> None:
    if not consent.allows(Scope.AUDIO):
        raise InvalidInputError(
            "raw audio was sent without the 'audio' consent scope; it was "
            "discarded. Send transcripts, or grant 'audio' in the app."
        )


@dataclass(frozen=True)
class Retention:
    """Whether a sample is kept, and until when (``None``: until the user deletes it)."""

    kept: bool
    expires_at_ns: int | None = None


class SessionConsent:
    """One session's consent, read afresh from the ledger when asked.

    ``current(max_age_s)`` reuses the last read when it is at most that old,
    for events that arrive too often to read the ledger for each.
    """

    def __init__(
        self,
        ledger: ConsentLedger,
        user_id: str,
        announced: ConsentSnapshot,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._ledger = ledger
        self._user_id = user_id
        self.announced = announced
        self._clock = clock
        self._read: tuple[float, ConsentSnapshot] | None = None  # (when, what)

    def current(self, max_age_s: float = 0.0) -> ConsentSnapshot:
        """The ledger's consent narrowed to the announced scopes (blocking: a store read)."""
        now = self._clock.monotonic()
        # max_age_s == 0 means "read now", even when the clock has not moved since
        if max_age_s > 0 and self._read is not None and now - self._read[0] <= max_age_s:
            return self._read[1]
        snapshot = narrow(self._ledger.current(self._user_id), self.announced)
        self._read = (now, snapshot)
        return snapshot


class ConsentRules:
    """Consent decisions for the assistant: session consent, and what may be kept."""

    def __init__(
        self, ledger: ConsentLedger, transient_s: float = 0.0, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self.ledger = ledger
        self.transient_s = transient_s
        self.clock = clock

    def session(self, user_id: str, announced: ConsentSnapshot) -> SessionConsent:
        return SessionConsent(self.ledger, user_id, announced, self.clock)

    @staticmethod
    def keeps(scopes: frozenset[Scope]) -> bool:
        """Whether these scopes keep samples (``history`` or ``training``)."""
        return bool({Scope.HISTORY, Scope.TRAINING} & scopes)

    def window_end(self, now_ns: int) -> int:
        """When what no scope keeps expires: the retention window from now."""
        return now_ns + int(self.transient_s * 1e9)

    def retention(self, consent: ConsentSnapshot, now_ns: int) -> Retention:
        """Keep under ``history`` or ``training``; else only for the retention window."""
        if self.keeps(consent.scopes):
            return Retention(True)
        if not self.transient_s:
            return Retention(False)
        return Retention(True, self.window_end(now_ns))
