"""A spoken request to imagine, through the Imagine service (``edge/intent.py``
decides which utterances are such requests; ``edge/runtime.py`` calls here).

"Imagine a lighthouse" needs no view, so no frame is sent; "imagine this as
a watercolour" riffs on the view, redacted on the device like every frame
and sent whole. A refusal (a blocked prompt, a busy or unreachable server)
ends the request as failed, with the server's reason; the session goes on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import grpc

from edge.config import VoiceImagineConfig
from edge.domain import GeneratedImage, ImagineOptions
from edge.imagine_client import ImagineClient
from edge.redaction import minimised
from edge.redaction.minimise import WHOLE

if TYPE_CHECKING:
    from edge.runtime import Interaction

log = logging.getLogger(__name__)


async def imagine(
    client: ImagineClient,
    settings: VoiceImagineConfig,
    quality: int,
    result: Interaction,
    redacting: asyncio.Task | None,
    on_delta: Callable[[str], None] | None,
) -> None:
    """``result.imagine`` to its images, into ``result``: from the words alone
    (the view, ``redacting``, stays on the device), or a riff on the view,
    redacted and whole (JPEG ``quality``)."""
    request = result.imagine
    options = ImagineOptions(request.prompt, settings.images)
    t0 = time.perf_counter()
    try:
        if request.riff:
            redacted = None
            if redacting is not None:
                redacted, result.withheld_reason = await redacting
            if redacted is None:
                why = result.withheld_reason or "the camera gave no frame"
                result.outcome = "failed"
                result.error = f"NO_VIEW: nothing was sent to riff on ({why}); ask again"
                return
            result.redacted = await asyncio.to_thread(
                minimised, redacted, WHOLE, settings.riff_side, quality
            )
            result.minimised = f"riff: the whole view, at most {settings.riff_side} px"
            images = client.riff(result.redacted, options, timeout=settings.timeout_s)
        else:
            images = client.generate(options, timeout=settings.timeout_s)
        async for image in images:
            if not result.images:
                result.timings_ms["first_image_ms"] = (time.perf_counter() - t0) * 1e3
            result.images.append(image)
        result.outcome, result.answer = "imagined", imagined_summary(result.images)
        if on_delta:
            on_delta(result.answer)
    except grpc.aio.AioRpcError as exc:  # refused (a blocked prompt, busy) or not reached
        result.outcome, result.error = "failed", f"{exc.code().name}: {exc.details()}"
        log.warning("imagine request failed: %s", exc.code().name)
    finally:
        if redacting is not None and not request.riff:
            await redacting  # the view was not needed: it stays on the device
        result.timings_ms["imagine_ms"] = (time.perf_counter() - t0) * 1e3


def imagined_summary(images: list[GeneratedImage]) -> str:
    """What the wearer is told of a request's images."""
    made = sum(not image.safety_blocked for image in images)
    withheld = len(images) - made
    said = f"Imagined {made} picture{'s' * (made != 1)}."
    if withheld:
        said += f" {withheld} {'was' if withheld == 1 else 'were'} withheld by the safety check."
    return said
