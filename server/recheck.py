"""The server's re-check of uploads (defence in depth).

The edge redacts before upload; the server runs the same redaction engine
again on what arrived, so a modified or buggy client cannot get an
unredacted frame or transcript to the model or into the store. A frame is
always replaced by the engine's own re-encoding from pixels: metadata (EXIF,
GPS, thumbnails, comments) and bytes after the image never survive, even when
the re-check finds nothing to redact. Text is re-checked with the rules the
edge applies to transcripts (card numbers written or spoken, e-mail, phone,
national IDs, IBANs).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from core.errors import InvalidInputError
from core.frames import Box, RawImage, RedactionReport
from edge.redaction import Redactor, redact_string
from server.domain import UploadedFrame

log = logging.getLogger(__name__)


def recheck_upload(
    redactor: Redactor, frame: UploadedFrame, pixels: np.ndarray | None = None
) -> UploadedFrame:
    """The frame as it may be used: the server's redaction of the upload's pixels,
    re-encoded without metadata, with both reports' findings (blocking).
    ``pixels``: the upload already decoded (BGR), where the caller has them."""
    if pixels is None:
        pixels = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise InvalidInputError(f"frame {frame.seq} is not a decodable JPEG; it was dropped")
    height, width = pixels.shape[:2]
    # The whole upload is the focus: the edge already cropped to what it sends,
    # and a second crop would cut into the view the wearer asked about.
    checked = redactor.redact(
        RawImage(frame.seq, pixels, frame.captured_at, "upload"), focus=Box(0, 0, width, height)
    )
    if checked.report.findings or checked.report.fully_masked:
        # The edge missed something (or the re-check failed closed into a mask).
        log.warning(
            "re-check redacted %d finding(s) in frame seq=%d",
            len(checked.report.findings),
            frame.seq,
        )
    report = RedactionReport(
        frame.report.findings + checked.report.findings,
        frame.report.timings_ms,
        frame.report.sent_pixel_fraction,
        checked.report.fully_masked,
        frame.report.detector_versions,
    )
    # Never the upload's bytes: always the redactor's re-encoding from pixels.
    return UploadedFrame(
        frame.seq, checked.jpeg, checked.width, checked.height, frame.captured_at, report
    )


def recheck_text(text: str, what: str, seq: int) -> tuple[str, int]:
    """``text`` as it may be used (card numbers, written or spoken, and personal
    text replaced by labels, as the edge does) and how many spans the server
    replaced; ``what`` and ``seq`` name the upload in the log, never its text."""
    checked, count = redact_string(text)
    if count:
        log.warning("re-check redacted %d span(s) in %s seq=%d", count, what, seq)
    return checked, count
