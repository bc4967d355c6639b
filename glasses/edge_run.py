"""``glasses edge``: the edge runtime on live devices or files, against a server.

Sources from specs (``edge/sources``: a device index or path, a stream URL, a
file, ``replay:DIR``); push-to-talk from the terminal (Enter: the next
utterance is the question) and from the local control socket (``glasses ptt
press|release|toggle|status``, as the phone app does); answers shown as they
stream and spoken where ``edge.speak.enabled``; ``--timings`` prints each
question's stages. Ctrl-C stops it cleanly: what was not delivered stays in
the outbox and goes up at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path

from edge.activation import Activation
from edge.channel import ServerAway, check_link, open_channel, setting_to_fix
from edge.components import build_edge_runtime
from edge.control import ControlServer
from edge.imagine_client import ImagineClient
from edge.link import open_uplink
from edge.runtime import Interaction
from edge.sources import (
    CaptureClock,
    ReopenPolicy,
    SoundDeviceMicrophone,
    open_camera,
    open_microphone,
)
from edge.speaker import Speaker
from edge.uplink import bearer, channel_options
from glasses.config import AppConfig


def control_handlers(activation: Activation) -> dict:
    """The control socket's commands, on ``activation`` (times on the runtime's clock)."""

    def press() -> str:
        activation.press(time.monotonic())
        return "held"

    def release() -> str:
        activation.release(time.monotonic())
        return "released"

    def toggle() -> str:
        return release() if activation.held else press()

    return {
        "press": press,
        "release": release,
        "toggle": toggle,
        "status": lambda: "held" if activation.held else "not held",
    }


async def _terminal_keys(activation: Activation) -> None:
    """Enter on the terminal: the next utterance is the question (a tap)."""
    loop = asyncio.get_running_loop()
    while await loop.run_in_executor(None, sys.stdin.readline):
        activation.tap(time.monotonic())
        print("(listening: ask your question)", flush=True)


def save_images(item: Interaction, folder: Path) -> list[Path]:
    """The images a request to imagine gave, written to ``folder`` as they came
    (each file keeps its watermark and signed manifest); withheld ones have none."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for image in item.images:
        if not image.safety_blocked:
            path = folder / f"imagine_{image.sample_id or item.key}_{image.index}.{image.extension}"
            path.write_bytes(image.data)
            saved.append(path)
    return saved


def describe(item: Interaction, timings: bool, saved: list[Path] = ()) -> str:
    """One line per utterance: why it was or was not sent, and what came of it."""
    if item.utterance is None:
        return f"not sent ({item.activation})"
    outcome = item.outcome + (f": {item.error}" if item.error else "")
    if item.imagine is not None:
        kind = "a riff on the view" if item.imagine.riff else "from the words alone"
        said = f" ({item.answer})" if item.answer else ""
        line = f"imagine, {kind}: {outcome}{said}" + "".join(f"\n  {p}" for p in saved)
    else:
        counts = item.redacted.report.counts() if item.redacted else "frame withheld"
        line = (
            f"asked ({item.activation}): {item.utterance.text!r} | redacted: {counts} | "
            f"{outcome} | sample: {item.done.sample_id if item.done else '-'}"
        )
    if timings:
        stages = {**item.timings_ms, **(item.done.timings_ms if item.done else {})}
        line += "\n  timings: " + ", ".join(f"{k}={v:.0f}ms" for k, v in stages.items())
    return line


async def run_edge(
    config: AppConfig, camera: str, microphone: str | None, timings: bool, keys: bool
) -> int:
    edge = config.edge
    runtime = await asyncio.to_thread(build_edge_runtime, config.models, edge)
    clock = CaptureClock()  # one clock for camera and microphone: their stamps compare
    reopen = ReopenPolicy(**edge.reopen.model_dump())
    mic = (
        SoundDeviceMicrophone(clock=clock, reopen=reopen)
        if microphone is None
        else open_microphone(microphone, clock=clock, speed=edge.replay_speed, reopen=reopen)
    )
    cam = open_camera(camera, clock=clock, speed=edge.replay_speed, reopen=reopen)
    speaker = Speaker(edge.speak.voice, edge.speak.words_per_minute) if edge.speak.enabled else None

    def on_delta(text: str) -> None:
        print(text, end="", flush=True)
        if speaker is not None:
            speaker.feed(text)

    folder = Path(edge.imagine.folder).expanduser()

    def on_done(item: Interaction) -> None:
        print()
        if speaker is not None:
            speaker.end()
        print(describe(item, timings, save_images(item, folder)), flush=True)

    control = ControlServer(edge.control_socket, control_handlers(runtime.activation))
    async with open_channel(edge, channel_options(edge.uplink)) as channel:
        try:
            await check_link(channel, edge)
        except ServerAway as exc:  # questions wait in the outbox until it answers
            print(f"offline: {exc} Questions are kept and sent when it answers.", flush=True)
        link = open_uplink(
            channel, bearer(edge.token), edge.uplink, edge.uplink.outbox, setting_to_fix(edge)
        )
        await control.start()
        typing = asyncio.create_task(_terminal_keys(runtime.activation)) if keys else None
        interrupted = asyncio.Event()  # Ctrl-C: stop here, cleanly, whatever is under way
        loop = asyncio.get_running_loop()
        # a parent may have started us with these blocked (they are inherited)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        loop.add_signal_handler(signal.SIGINT, interrupted.set)
        loop.add_signal_handler(signal.SIGTERM, interrupted.set)

        imagine = ImagineClient(channel, bearer(edge.token), edge.device_id)

        async def work() -> None:
            await runtime.run(cam, mic, link, on_delta, on_done, imagine)
            await link.drain(edge.uplink.drain_s)

        try:
            async with link:
                running = asyncio.create_task(work())
                stop = asyncio.create_task(interrupted.wait())
                await asyncio.wait({running, stop}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                if not running.done():
                    running.cancel()
                    await asyncio.wait({running})
                elif running.exception() is not None:
                    raise running.exception()
                kept, dropped = len(link.outbox), link.outbox.dropped
                print(f"outbox: {kept} question(s) kept for later, {dropped} dropped in all")
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            loop.remove_signal_handler(signal.SIGTERM)
            if typing is not None:
                typing.cancel()
            await control.close()
            if speaker is not None:
                with contextlib.suppress(Exception):
                    await speaker.close()
    not_sent = ", ".join(f"{k}={v}" for k, v in runtime.dropped.items()) or "none"
    print(f"utterances not sent: {not_sent}")
    if interrupted.is_set():
        print("stopped (Ctrl-C); undelivered questions stay in the outbox", file=sys.stderr)
        return 130
    return 0
