"""The server's re-check of uploaded frames (defence in depth).

The edge redacts before upload; the server runs the same redaction engine
again on what arrived, so a modified or buggy client cannot get an
unredacted frame to the model or into the store.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from core.errors import InvalidInputError
from core.frames import RawImage, RedactionReport
from edge.redaction import Redactor
from server.domain import UploadedFrame

log = logging.getLogger(__name__)


def recheck_upload(redactor: Redactor, frame: UploadedFrame) -> UploadedFrame:
    """The frame as it may be used: unchanged when the re-check finds nothing,
    else the server's redaction with both reports' findings (blocking)."""
    pixels = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise InvalidInputError(f"frame {frame.seq} is not a decodable JPEG; it was dropped")
    checked = redactor.redact(RawImage(frame.seq, pixels, frame.captured_at, "upload"))
    if not checked.report.findings and not checked.report.fully_masked:
        return frame
    # The edge missed something: keep the server's redaction, never the upload.
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
    return UploadedFrame(
        frame.seq, checked.jpeg, checked.width, checked.height, frame.captured_at, report
    )
