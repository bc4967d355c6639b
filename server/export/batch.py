"""The export's per-sample work as a pure function over a batch.

:func:`process_batch` takes plain records (bytes and strings, no store, no
ledger) and returns, for each, either the dataset entry (image, text,
metadata, perceptual hash) or the reason it was dropped. Nothing else is
read or written, so a distributed engine (Ray, Spark, Beam) can map it over
partitions; the driver (:mod:`server.export.run`) only selects, dedupes and
writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from edge.redaction.transcripts import find_text_spans
from server.imagine.provenance import read_manifest

# A re-scan: labels of what it finds in a decoded image (empty when clean).
ImageScan = Callable[[np.ndarray], list[str]]


@dataclass(frozen=True)
class Record:
    """What one sample contributes to the dataset, as read from the store."""

    sample_id: str
    created_at_ns: int
    jpeg: bytes | None
    query: str
    answer: str
    transcript: str
    meta: dict  # consent snapshot, model id, redaction counts: copied into the metadata
    generated: bool = False  # the image is an Imagine output (signed, maybe do-not-train)


@dataclass(frozen=True)
class Outcome:
    sample_id: str
    reason: str = ""  # why it was dropped; "" when kept
    phash: int = 0
    jpeg: bytes = b""
    text: str = ""
    meta: dict | None = None

    @property
    def kept(self) -> bool:
        return not self.reason


def phash(gray: np.ndarray) -> int:
    """64-bit perceptual hash: signs of the 8x8 lowest DCT frequencies of a 32x32 thumbnail
    against their median (robust to re-encoding, scaling and small edits)."""
    small = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8].ravel()
    bits = low > np.median(low)
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def redaction_scan(redactor) -> ImageScan:  # noqa: ANN001 - edge.redaction.Redactor
    """The engine the edge runs, as a re-scan: every label it would redact."""

    def scan(bgr: np.ndarray) -> list[str]:
        detections, _ = redactor.find(bgr)
        return sorted({d.label.value for d in detections})

    return scan


def process_one(record: Record, scan: ImageScan | None) -> Outcome:
    if not record.jpeg:
        return Outcome(record.sample_id, "no image")
    texts = {"query": record.query, "answer": record.answer, "transcript": record.transcript}
    for field, text in texts.items():
        found = find_text_spans(text)
        if found:
            return Outcome(record.sample_id, f"re-scan: {found[0][2]} in {field}")
    if record.generated and read_manifest(record.jpeg).do_not_train:
        # what we signed into the file binds us too
        return Outcome(record.sample_id, "do-not-train declared in its manifest")
    buf = np.frombuffer(record.jpeg, np.uint8)
    if scan is None:  # the thumbnail is all the hash needs: decode at 1/8 scale
        gray = cv2.imdecode(buf, cv2.IMREAD_REDUCED_GRAYSCALE_8)
    else:
        bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        gray = None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if gray is None:
        return Outcome(record.sample_id, "image does not decode")
    if scan is not None:
        labels = scan(bgr)
        if labels:
            return Outcome(record.sample_id, f"re-scan: {labels[0].replace('_', ' ')} in image")
    text = f"Q: {record.query}\nA: {record.answer}\n"
    meta = {
        "sample_id": record.sample_id,
        "created_at_ns": record.created_at_ns,
        **record.meta,
        "query": record.query,
        "answer": record.answer,
        "image_sha256": hashlib.sha256(record.jpeg).hexdigest(),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    return Outcome(record.sample_id, "", phash(gray), record.jpeg, text, meta)


def process_batch(records: Sequence[Record], scan: ImageScan | None) -> list[Outcome]:
    """Re-scan, hash and shape each record; pure (same input, same output)."""
    return [process_one(r, scan) for r in records]


def meta_json(outcome: Outcome) -> bytes:
    return json.dumps(outcome.meta, sort_keys=True, separators=(",", ":")).encode()
