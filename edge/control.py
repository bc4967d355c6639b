"""The edge's local control socket: push-to-talk from the phone app or a shell.

A Unix socket, readable and writable by its owner only, takes one command per
line and answers one line: ``press`` and ``release`` (push-to-talk held and
let go), ``toggle``, and ``status``. ``glasses ptt press`` sends one; the
companion app does the same over its local bridge. An unknown command gets an
answer that lists the known ones; nothing on the socket can stop the edge.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from core.errors import InvalidInputError

COMMANDS = ("press", "release", "toggle", "status")
MAX_LINE = 64  # bytes: a command is a word


class ControlServer:
    """Serves ``handlers`` (command -> a function giving the answer line) at ``path``."""

    def __init__(self, path: Path | str, handlers: dict[str, Callable[[], str]]) -> None:
        self.path = Path(path).expanduser()
        self.handlers = handlers
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a socket left by an edge that did not stop cleanly
        old = os.umask(0o177)  # the socket is born owner-only
        try:
            self._server = await asyncio.start_unix_server(self._client, str(self.path))
        finally:
            os.umask(old)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ValueError):
            while line := await reader.readline():
                command = line[:MAX_LINE].decode("ascii", "replace").strip().lower()
                handler = self.handlers.get(command)
                answer = (
                    handler() if handler else f"unknown command; use one of {', '.join(COMMANDS)}"
                )
                writer.write(answer.encode() + b"\n")
                await writer.drain()
        writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


async def send_command(path: Path | str, command: str, timeout_s: float = 2.0) -> str:
    """Send one command to a running edge's control socket; its answer."""
    where = Path(path).expanduser()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(where)), timeout_s)
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        raise InvalidInputError(
            f"no edge is listening at {where}; start it with 'glasses edge' (edge.control_socket)"
        ) from exc
    writer.write(command.encode() + b"\n")
    await writer.drain()
    answer = await asyncio.wait_for(reader.readline(), timeout_s)
    writer.close()
    return answer.decode().strip()
