"""Answers spoken sentence by sentence, as they stream in (``espeak-ng``).

:class:`Speaker` takes the answer's deltas; each sentence is handed to
``espeak-ng`` as soon as it is complete (a full stop, question or exclamation
mark, or a line break, followed by more text or the end), so the wearer hears
the first sentence while the model still writes the next. One sentence is
spoken at a time, in order. Without ``espeak-ng`` (or with ``speak`` off, as
in tests) nothing is spoken and nothing fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil

log = logging.getLogger(__name__)

_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> tuple[list[str], str]:
    """The complete sentences at the start of ``text``, and what follows them."""
    parts = _END.split(text)
    done = [p.strip() for p in parts[:-1] if p.strip()]
    return done, parts[-1]


class Speaker:
    """Speaks streamed answers through ``espeak-ng`` (``voice``, ``words_per_minute``)."""

    def __init__(
        self, voice: str = "en-us", words_per_minute: int = 175, program: str = "espeak-ng"
    ) -> None:
        self.program = shutil.which(program)
        self.voice, self.wpm = voice, words_per_minute
        self._pending = ""
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self.spoken: list[str] = []  # sentences handed to espeak-ng, in order

    @property
    def available(self) -> bool:
        return self.program is not None

    def feed(self, delta: str) -> None:
        """A piece of the answer; complete sentences are queued to be spoken."""
        done, self._pending = sentences(self._pending + delta)
        for sentence in done:
            self._say(sentence)

    def end(self) -> None:
        """The answer ended: what is left is the last sentence."""
        if self._pending.strip():
            self._say(self._pending.strip())
        self._pending = ""

    def _say(self, sentence: str) -> None:
        if self.program is None:
            return
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        self._queue.put_nowait(sentence)

    async def _run(self) -> None:
        while (sentence := await self._queue.get()) is not None:
            self.spoken.append(sentence)
            process = await asyncio.create_subprocess_exec(
                self.program,
                "-v",
                self.voice,
                "-s",
                str(self.wpm),
                "--",
                sentence,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            if await process.wait() != 0:
                log.warning(
                    "espeak-ng failed (exit %d); answers are shown only", process.returncode
                )

    async def close(self) -> None:
        """Wait until what was queued has been spoken."""
        if self._task is not None:
            self._queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
