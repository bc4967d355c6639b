"""Sessions kept for resume: a device whose stream broke reconnects with its
``Ready.resume_token`` and gets its session back (the frames and utterances it
holds, its session id) within ``server.resume_grace_s``.

Kept in memory only, bounded (``server.resume_max_sessions`` sessions whose
stream ended, the oldest dropped first): a server restart forgets them, as
frames are not persisted without consent; the device then starts a fresh
session and re-sends what its questions name (exactly-once answers do not
depend on this: see ``server/deliveries.py``). A session ended with a
goodbye is not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.clock import Clock
from server.accounts import Caller

if TYPE_CHECKING:
    from server.conversation import Conversation


@dataclass
class _Kept:
    session: Conversation
    streams: int  # streams attached now (a resumed session's old one may not be torn down yet)
    left_at: float = 0.0  # monotonic time the last stream ended


class ResumableSessions:
    """Sessions by resume token: attached to streams, or waiting to be resumed."""

    def __init__(self, grace_s: float, max_waiting: int, clock: Clock) -> None:
        self.grace_s, self.max_waiting, self._clock = grace_s, max_waiting, clock
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def add(self, session: Conversation) -> None:
        """A new session, attached to the stream that opened it."""
        self._kept[session.ready.resume_token] = _Kept(session, 1)

    def resume(self, token: str, caller: Caller) -> Conversation | None:
        """The caller's own session with this token, attached to one more stream;
        None when unknown, expired or another device's."""
        self._expire()
        kept = self._kept.get(token)
        if kept is None or kept.session.caller != caller:
            return None
        kept.streams += 1
        return kept.session

    def leave(self, session: Conversation, goodbye: bool) -> None:
        """A stream of ``session`` ended: keep the session for resume unless the device
        said goodbye (or no stream of it is left and keeping is off)."""
        token = session.ready.resume_token
        kept = self._kept.get(token)
        if kept is None or kept.session is not session:
            return
        kept.streams -= 1
        if kept.streams <= 0:
            if goodbye or self.grace_s <= 0:
                del self._kept[token]
            else:
                kept.left_at = self._clock.monotonic()
                self._kept.move_to_end(token)  # the waiting ones, oldest first
        self._expire()

    def _expire(self) -> None:
        now = self._clock.monotonic()
        waiting = [t for t, k in self._kept.items() if k.streams <= 0]
        for i, token in enumerate(waiting):
            if (
                now - self._kept[token].left_at > self.grace_s
                or len(waiting) - i > self.max_waiting
            ):
                del self._kept[token]
