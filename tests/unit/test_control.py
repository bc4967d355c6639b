"""Push-to-talk from outside the edge: its local control socket."""

from __future__ import annotations

import asyncio
import stat

import pytest

from core.errors import InvalidInputError
from edge.control import ControlServer, send_command


def test_commands_reach_the_edge_and_the_socket_is_its_owners_only(tmp_path):
    held = []

    async def scenario():
        server = ControlServer(
            tmp_path / "state" / "control.sock",
            {"press": lambda: held.append(True) or "held", "status": lambda: f"held={held}"},
        )
        await server.start()
        mode = stat.S_IMODE((tmp_path / "state" / "control.sock").stat().st_mode)
        answers = [
            await send_command(server.path, "press"),
            await send_command(server.path, "STATUS"),
            await send_command(server.path, "shutdown"),
        ]
        await server.close()
        return mode, answers

    mode, answers = asyncio.run(scenario())
    assert mode & 0o077 == 0
    assert answers[:2] == ["held", "held=[True]"]
    assert answers[2].startswith("unknown command; use one of press, release")


def test_no_edge_listening_says_how_to_start_one(tmp_path):
    with pytest.raises(InvalidInputError, match="start it with 'glasses edge'"):
        asyncio.run(send_command(tmp_path / "none.sock", "press"))
