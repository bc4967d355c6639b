"""Imagine's domain service: a request in, finished images out one by one, the
generation logged under the consent that covered it.

prompt filter (block list, categories, the redaction engine's text rules) →
for a riff, the photo's re-check and its lineage → one batched diffusion call
→ each image finished (:mod:`server.imagine.finishing`) and handed out as soon
as it is → the sample logged: the redacted prompt, the kept images by content
hash, the watermark ids; never a withheld image, never a blocked prompt.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from core.errors import BusyError, ContentBlockedError, InvalidInputError
from core.frames import ClockDomain, ConsentSnapshot, RedactionReport, Stamp
from edge.redaction import Redactor
from server.accounts import Caller
from server.consent_rules import ConsentRules, narrow, require_assist
from server.domain import Sample, UploadedFrame
from server.imagine.config import ImagineConfig
from server.imagine.finishing import Finished, Finisher
from server.imagine.generator import ImageGenerator
from server.imagine.provenance import Ingredient, read_manifest
from server.imagine.requests import ImagineAsk, Settings, riff_size, settle
from server.imagine.safety import PromptFilter
from server.recheck import recheck_upload
from server.store.base import SampleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Made:
    """One finished output as the caller receives it."""

    image: Finished
    model_id: str
    sample_id: str  # "" when consent keeps no sample
    seed: int


@dataclass(frozen=True)
class Parent:
    """A riff's photo, as it may be used: re-checked pixels, and what it came from."""

    rgb: np.ndarray
    jpeg: bytes  # the re-checked photo, re-encoded from pixels (what is logged)
    ingredient: Ingredient  # what the manifest names as parent
    watermark_id: str  # the photo's own watermark ("" when it has none of ours)
    findings: int  # what the server's re-check redacted


class Imaginer:
    """Runs Imagine requests for callers (thread-safe; one diffusion batch at a time)."""

    def __init__(
        self,
        config: ImagineConfig,
        generator: ImageGenerator,
        finisher: Finisher,
        prompts: PromptFilter,
        store: SampleStore,
        rules: ConsentRules,
        recheck: Redactor | None,
        trust_anchor: Path | None = None,
        max_photo_bytes: int = 4 << 20,
    ) -> None:
        """``rules``: the ledger, what is kept and the clock; ``recheck``: the server's
        redaction engine for riff photos; ``trust_anchor``: our provenance root (a
        photo that carries our own valid manifest passes it on as the riff's parent)."""
        self.config = config
        self.generator = generator
        self.finisher = finisher
        self.prompts = prompts
        self.store = store
        self.rules = rules
        self.recheck = recheck
        self.trust_anchor = trust_anchor
        self.max_photo_bytes = max_photo_bytes
        self.clock = rules.clock
        self._pending = 0  # requests between admission and their last image (event loop only)

    @property
    def model_id(self) -> str:
        return self.generator.model_id

    async def make(self, caller: Caller, ask: ImagineAsk) -> AsyncIterator[Made]:
        """Finished images for ``ask``, each as soon as it is ready; then the sample
        is logged. Raises (before any image) ConsentError, InvalidInputError,
        ContentBlockedError, or BusyError when ``max_pending`` requests are held."""
        if self._pending >= self.config.max_pending:
            raise BusyError(
                f"Imagine is busy with {self._pending} request(s); try again in a few seconds"
            )
        self._pending += 1
        try:
            async for made in self._make(caller, ask):
                yield made
        finally:
            self._pending -= 1

    async def _make(self, caller: Caller, ask: ImagineAsk) -> AsyncIterator[Made]:
        consent = await asyncio.to_thread(self._consent, caller, ask)
        settings = settle(ask, self.config, self.generator.native_side)
        verdict = await asyncio.to_thread(self.prompts.check, ask.prompt)
        if not verdict.allowed:
            log.info("imagine: prompt blocked (%s)", verdict.category)
            raise ContentBlockedError(verdict.reason)
        kind: Literal["generated", "riff"] = "riff" if ask.is_riff else "generated"
        parent = await asyncio.to_thread(self._parent, ask.photo) if ask.is_riff else None
        if parent is not None:
            settings = settings.sized(parent.rgb.shape[1], parent.rgb.shape[0])
        now = self.clock.wall_ns()
        retention = self.rules.retention(consent, now)
        sample_id = uuid.uuid4().hex if retention.kept else ""

        t0 = time.perf_counter()
        pixels = await asyncio.to_thread(self._diffuse, verdict.prompt, settings, parent)
        diffusion_ms = (time.perf_counter() - t0) * 1e3
        kept: list[Finished] = []
        withheld = 0
        for index in range(len(pixels)):
            rgb, pixels[index] = pixels[index], None  # a withheld image's pixels end here
            done = await asyncio.to_thread(
                self.finisher.finish,
                index,
                rgb,
                settings.format,
                kind,
                parent.ingredient if parent else None,
            )
            del rgb
            if done.blocked:
                withheld += 1
            else:
                kept.append(done)
            done.timings_ms["diffusion_ms"] = diffusion_ms / len(pixels)
            yield Made(done, self.model_id, sample_id, settings.seed)
        log.info(
            "imagine: %s of %d image(s), %d withheld (model %s)",
            kind,
            len(pixels),
            withheld,
            self.model_id,
        )
        if sample_id:
            info = {
                "kind": kind,
                "watermark_ids": [f.watermark_id for f in kept],
                "withheld": withheld,
                "settings": _settings_dict(settings, parent is not None),
            }
            if parent is not None:
                info["parent_watermark_id"] = parent.watermark_id
                info["parent_findings"] = parent.findings
            sample = Sample(
                sample_id=sample_id,
                created_at_ns=now,
                user_id=caller.user_id,
                device_id=caller.device_id,
                session_id="",
                consent=consent,
                query_text=verdict.prompt,
                answer_text="",
                model_id=self.model_id,
                timings_ms={"diffusion_ms": diffusion_ms},
                frame_jpeg=parent.jpeg if parent else None,
                images=tuple(f.data for f in kept),
                redaction={"imagine": info},
                expires_at_ns=retention.expires_at_ns,
            )
            await asyncio.to_thread(self.store.put, sample)

    def _consent(self, caller: Caller, ask: ImagineAsk) -> ConsentSnapshot:
        if ask.device_id and ask.device_id != caller.device_id:
            raise InvalidInputError(
                "device_id is not the device this token was issued to; send the enrolled "
                "device's id, or leave it empty"
            )
        consent = self.rules.ledger.current(caller.user_id)
        if ask.consent is not None:
            consent = narrow(consent, ask.consent)
        require_assist(consent)
        return consent

    def _diffuse(
        self, prompt: str, settings: Settings, parent: Parent | None
    ) -> list[np.ndarray | None]:
        s = settings
        if parent is None:
            return self.generator.generate(
                prompt, s.count, s.width, s.height, s.steps, s.guidance, s.seed
            )
        return self.generator.riff(
            parent.rgb, prompt, s.count, s.strength, s.steps, s.guidance, s.seed
        )

    def _parent(self, photo: bytes) -> Parent:
        """The riff's photo re-checked like every upload, sized for the model, and
        its lineage: our own manifest when it still carries one, else our watermark."""
        if len(photo) > self.max_photo_bytes:
            raise InvalidInputError(
                f"the photo has {len(photo)} bytes; at most {self.max_photo_bytes} are "
                "accepted, send a smaller JPEG"
            )
        bgr = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InvalidInputError("the photo is not a decodable JPEG or PNG; send a JPEG")
        height, width = bgr.shape[:2]
        findings = 0
        if self.recheck is not None:
            stamp = Stamp(self.clock.wall_ns(), ClockDomain.HOST_WALL)
            upload = UploadedFrame(0, photo, width, height, stamp, RedactionReport(()))
            checked = recheck_upload(self.recheck, upload, bgr)
            jpeg, findings = checked.jpeg, len(checked.report.findings)
            # the model edits exactly what is logged: the re-check's own encoding
            bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        else:  # re-encoded from pixels either way: no metadata goes on
            jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        payload = self.finisher.watermarker.detect(rgb).payload  # None: no readable mark
        ours = payload is not None and payload.generator == self.config.generator_id
        watermark_id = payload.hex() if ours else ""
        ingredient = Ingredient("photo.jpg", jpeg, "image/jpeg", watermark_id)
        if photo[:8] == b"\x89PNG\r\n\x1a\n" or photo[:2] == b"\xff\xd8":
            fmt = "image/png" if photo[:1] == b"\x89" else "image/jpeg"
            report = read_manifest(photo, fmt, self.trust_anchor)
            # only our own manifest travels on: another's may hold personal data
            if report.found and report.valid and report.trusted:
                ingredient = Ingredient("parent." + fmt[6:], photo, fmt)
        target = riff_size(width, height, self.config.max_side)
        if target != (width, height):
            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        return Parent(rgb, jpeg, ingredient, watermark_id, findings)


def _settings_dict(s: Settings, riff: bool) -> dict:
    return {
        "count": s.count,
        "width": s.width,
        "height": s.height,
        "steps": s.steps,
        "guidance": s.guidance,
        "seed": s.seed,
        "format": s.format,
        **({"strength": s.strength} if riff else {}),
    }
