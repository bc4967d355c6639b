"""A real server and the companion app on loopback, and a real headless
Chromium (Debian's, driven by Playwright) to use the app as a wearer would.

Where Chromium or Playwright is missing, these tests skip with the reason and
what to install (``make sysdeps`` installs Chromium).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path

import pytest

from glasses.app.config import CompanionConfig
from glasses.app.serve import serve
from models.config import ModelsConfig
from tests.integration.serving import edge_config, started


@dataclass
class Stack:
    """The server, its store and the app, running on a loop in a thread of their own."""

    loop: asyncio.AbstractEventLoop
    store: object
    running: object
    app_url: str

    def call(self, coro: Coroutine, timeout: float = 120.0):  # noqa: ANN201
        """Run ``coro`` on the stack's loop (where the server lives); its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def edge(self, **fields):  # noqa: ANN201 - an EdgeConfig for a device of this server
        return edge_config(self.running, **fields)


def start_stack(tmp_path: Path, vlm, redactor, imagine=None) -> tuple[Stack, Callable]:  # noqa: ANN001
    """Start it all; (the stack, a function that stops it)."""
    loop = asyncio.new_event_loop()
    ready: dict = {}
    stop = asyncio.Event()
    started_event = threading.Event()

    async def main() -> None:
        async with started(tmp_path, vlm, redactor, imagine=imagine) as (running, store):
            config = CompanionConfig(port=0, sessions=str(tmp_path / "app.sqlite"))
            app = asyncio.create_task(
                serve(
                    config,
                    edge_config(running),
                    ModelsConfig(),
                    lambda port: ready.update(port=port),
                    redactor,
                )
            )
            while "port" not in ready and not app.done():
                await asyncio.sleep(0.02)
            if app.done():
                await app  # it failed to start: say why
            ready.update(running=running, store=store)
            started_event.set()
            await stop.wait()
            app.cancel()
            await asyncio.gather(app, return_exceptions=True)

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            ready["error"] = exc
            started_event.set()

    thread = threading.Thread(target=run, name="stack", daemon=True)
    thread.start()
    started_event.wait(120)
    if "error" in ready:
        raise ready["error"]
    stack = Stack(loop, ready["store"], ready["running"], f"http://127.0.0.1:{ready['port']}")

    def stop_all() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)

    return stack, stop_all


@pytest.fixture
def stack(tmp_path, vlm, redactor):
    stack, stop = start_stack(tmp_path, vlm, redactor)
    yield stack
    stop()


@pytest.fixture
def imagine_stack(tmp_path, vlm, redactor, imagine):
    """The stack with Imagine served (the tiny diffusion model, NudeNet, marks)."""
    stack, stop = start_stack(tmp_path, vlm, redactor, imagine)
    yield stack
    stop()


@pytest.fixture
def phone(chromium):
    """A phone-sized page (375 x 812)."""
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    yield page
    context.close()
