"""Vision-language backends: a question (and a redacted frame) in, a stream of
text deltas out."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from core.errors import BackendError, InvalidInputError


class VisionLanguageBackend(Protocol):
    model_id: str
    image_side: int  # the longest side (px) the model looks at (0: not known)

    def stream(
        self, question: str, image_jpeg: bytes | None, max_tokens: int
    ) -> AsyncIterator[str]: ...


def image_side(processor) -> int:  # noqa: ANN001 - a transformers processor
    """The longest side (px) the model's processor sizes an image to: one view
    (``max_image_size``) when it does not split images into tiles, else the
    whole (``size``); 0 when the processor does not say."""
    images = getattr(processor, "image_processor", None)
    if images is None:
        return 0
    splits = getattr(images, "do_image_splitting", False)
    size = (
        (getattr(images, "size", None) if splits else None)
        or getattr(images, "max_image_size", None)
        or getattr(images, "size", None)
        or {}
    )
    side = size.get("longest_edge") or max(size.get("height", 0), size.get("width", 0))
    return int(side or 0)


class HfVisionLanguageBackend:
    """Any ``AutoModelForImageTextToText`` checkpoint (SmolVLM, Idefics3, ...).

    ``generate`` runs in a worker thread; its streamer hands text to the event
    loop as it is decoded. One generation runs at a time per model; a client
    that goes away stops its generation at the next token.
    """

    def __init__(self, processor, model, model_id: str) -> None:  # noqa: ANN001
        self.processor = processor
        self.model = model
        self.model_id = model_id
        self.image_side = image_side(processor)
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def _generation_lock(self) -> asyncio.Lock:
        """One generation at a time; the lock belongs to the running loop."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    @classmethod
    def load(cls, folder: Path, model_id: str, threads: int = 2) -> HfVisionLanguageBackend:
        import torch
        from transformers import AutoModelForImageTextToText, AutoProcessor
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(threads)
        hf_logging.disable_progress_bar()
        try:
            processor = AutoProcessor.from_pretrained(folder)
            model = AutoModelForImageTextToText.from_pretrained(folder).eval()
        except (OSError, ValueError) as exc:
            raise BackendError(
                f"cannot load the vision-language model from '{folder}': {exc}"
            ) from exc
        return cls(processor, model, model_id)

    def _inputs(self, question: str, image_jpeg: bytes | None):  # noqa: ANN202
        from PIL import Image, UnidentifiedImageError

        content = [{"type": "text", "text": question}]
        images = None
        if image_jpeg:
            try:
                image = Image.open(io.BytesIO(image_jpeg)).convert("RGB")
            except (UnidentifiedImageError, OSError) as exc:
                raise InvalidInputError("the frame is not a decodable JPEG") from exc
            content.insert(0, {"type": "image"})
            images = [image]
        messages = [{"role": "user", "content": content}]
        prompt = self.processor.apply_chat_template(messages, add_generation_prompt=True)
        return self.processor(text=prompt, images=images, return_tensors="pt")

    async def stream(
        self, question: str, image_jpeg: bytes | None, max_tokens: int
    ) -> AsyncIterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextStreamer

        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()
        end = object()

        class _ToLoop(TextStreamer):
            def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
                if text:
                    loop.call_soon_threadsafe(queue.put_nowait, text)

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs) -> bool:  # noqa: ANN001
                return stop.is_set()

        inputs = self._inputs(question, image_jpeg)
        streamer = _ToLoop(self.processor.tokenizer, skip_prompt=True, skip_special_tokens=True)

        def run() -> None:
            try:
                self.model.generate(
                    **inputs,
                    max_new_tokens=max_tokens,
                    do_sample=False,
                    streamer=streamer,
                    stopping_criteria=StoppingCriteriaList([_Stop()]),
                )
            except Exception as exc:  # noqa: BLE001 - handed to the caller
                loop.call_soon_threadsafe(
                    queue.put_nowait,
                    BackendError(f"generation failed in {self.model_id}: {type(exc).__name__}"),
                )
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, end)

        async with self._generation_lock():
            worker = loop.run_in_executor(None, run)
            try:
                while (item := await queue.get()) is not end:
                    if isinstance(item, Exception):
                        raise item
                    yield item
            finally:
                stop.set()
                await worker
