"""Imagine on the phone: a prompt gives its images as they stream in; a riff
on a photo from the phone (redacted here, on the phone, before it is sent:
only a redacted image can be) or on an image already imagined; and verify
any image (watermark and provenance). Images are downloaded byte for byte as
the server signed them, from the history.

Without scripts, each form is an ordinary POST that answers with a page once
the last image is in. With the page's script, the same POST asks for
``application/x-ndjson`` and each image is shown as it arrives.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator

import cv2
import grpc
import numpy as np
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from core.frames import RawImage, Stamp
from edge.channel import serves
from edge.domain import GeneratedImage, ImagineOptions
from glasses.app.history_pages import masked_words
from glasses.app.sessions import Session
from glasses.app.web import SAMPLE_ID, checked_form, paired, phone_of, read_upload, render

IMAGINE = "glasses.v1.Imagine"
MAX_PHOTO_PIXELS = 40_000_000  # 40 MP at most: decoding a larger photo stalls the phone
STREAM = "application/x-ndjson"


async def _available(request: Request) -> bool:
    phone = phone_of(request)
    return await serves(phone.channel, IMAGINE, phone.config.timeout_s)


@paired
async def imagine_page(request: Request, session: Session) -> Response:
    source = request.query_params.get("riff", "")
    return render(
        request,
        "imagine.html",
        session=session,
        available=await _available(request),
        source=source if _source(source) else "",
    )


def _count(form) -> int:  # noqa: ANN001 - a FormData
    try:
        count = int(form.get("count") or 4)
    except ValueError:
        count = 0
    if not 1 <= count <= 8:
        raise HTTPException(400, "ask for 1 to 8 images")
    return count


@paired
async def generate(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    options = ImagineOptions(str(form.get("prompt", "")), _count(form))
    phone = phone_of(request)
    made = phone.imagine(session).generate(options, timeout=phone.config.imagine_timeout_s)
    return await _answer(request, session, made, "Imagined")


@paired
async def riff(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    phone = phone_of(request)
    options = ImagineOptions(str(form.get("prompt", "")), _count(form))
    source = _source(str(form.get("source", "")))
    if source is not None:  # one of the wearer's imagined images (another's is not found)
        data, _ = await phone.client(session).blob(source[0], "image", source[1])
    else:
        data = await read_upload(form, "photo", "a photo to riff on")
    pixels = await asyncio.to_thread(_decoded, data)
    # redacted here, on the phone: card numbers, other personal text, faces
    redactor = await asyncio.to_thread(phone.redactor)
    redacted = await asyncio.to_thread(
        redactor.redact, RawImage(0, pixels, Stamp.wall(), source="phone")
    )
    made = phone.imagine(session).riff(redacted, options, timeout=phone.config.imagine_timeout_s)
    masked = masked_words(redacted.report.counts())
    return await _answer(request, session, made, "Riffed", masked)


@paired
async def verify(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    data = await read_upload(form, "image", "an image to verify")
    phone = phone_of(request)
    result = await phone.imagine(session).verify(data, timeout=phone.config.imagine_timeout_s)
    name = form["image"].filename[:120]
    return render(request, "verified.html", session=session, result=result, filename=name)


def _source(text: str) -> tuple[str, int] | None:
    """``SAMPLE_ID:INDEX`` of an image in the history, or None."""
    sample_id, _, index = text.partition(":")
    if not SAMPLE_ID.match(sample_id) or not re.fullmatch(r"[0-9]{1,2}", index):
        return None
    return sample_id, int(index)


def _decoded(data: bytes) -> np.ndarray:
    """The photo's pixels (BGR); refused when it is no photo or too large to decode
    (its size is read at an eighth first, which costs little)."""
    small = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if small is None:
        raise HTTPException(400, "that file is not a photo this app can read; send a JPEG or PNG")
    if small.size * 64 > MAX_PHOTO_PIXELS:
        raise HTTPException(413, "the photo has too many pixels; send one of at most 40 MP")
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def _event(image: GeneratedImage, kept: int) -> dict:
    """What the page shows of one image (``kept``: its place among the images kept)."""
    if image.safety_blocked:
        return {"index": image.index, "withheld": True, "notice": image.notice}
    data = base64.b64encode(image.data).decode()
    event = {
        "index": image.index,
        "withheld": False,
        "src": f"data:{image.media_type};base64,{data}",
        "width": image.width,
        "height": image.height,
        "watermark": image.watermark_id,
    }
    if image.sample_id:  # kept in the history: download it from there, riff on it
        event["download"] = f"/history/{image.sample_id}/image/{kept}?download=1"
        event["riff"] = f"/imagine?riff={image.sample_id}:{kept}"
    return event


async def _events(made: AsyncIterator[GeneratedImage]) -> AsyncIterator[dict]:
    kept = 0
    async for image in made:
        yield _event(image, kept)
        kept += not image.safety_blocked


async def _answer(
    request: Request,
    session: Session,
    made: AsyncIterator[GeneratedImage],
    verb: str,
    masked: str = "",
) -> Response:
    events = _events(made)
    if request.headers.get("accept") == STREAM:
        # the first image (or the refusal) before the answer starts: a refused prompt
        # is an error page, not a broken stream
        first = await anext(events, None)

        async def lines() -> AsyncIterator[bytes]:
            if masked:
                yield _line({"masked": masked})
            if first is not None:
                yield _line(first)
            try:
                async for event in events:
                    yield _line(event)
            except grpc.aio.AioRpcError as exc:  # mid-way: the page says so, and stops
                yield _line({"error": exc.details() or exc.code().name})
                return
            yield _line({"done": True})

        return StreamingResponse(lines(), media_type=STREAM)
    shown = [event async for event in events]
    return render(request, "imagined.html", session=session, events=shown, verb=verb, masked=masked)


def _line(event: dict) -> bytes:
    return json.dumps(event).encode() + b"\n"


ROUTES = [
    Route("/imagine", imagine_page),
    Route("/imagine", generate, methods=["POST"]),
    Route("/imagine/riff", riff, methods=["POST"]),
    Route("/imagine/verify", verify, methods=["POST"]),
]
