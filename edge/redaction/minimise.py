"""Less of a redacted frame: cut to a region and scaled down, before it is sent.

Works on a frame already redacted (its fills are in the pixels), so nothing it
does can reveal anything: it only drops pixels. The report follows the frame:
finding boxes move with the cut and scale, ``sent_pixel_fraction`` and
``view_fraction`` shrink with what is dropped.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from core.errors import RedactionError
from core.frames import _REDACTION_MINT, Box, RedactedImage
from edge.redaction.redactor import encode_jpeg

# a region, as shares of the image: (left, top, right, bottom), each 0-1
Share = tuple[float, float, float, float]
WHOLE: Share = (0.0, 0.0, 1.0, 1.0)


def minimised(image: RedactedImage, region: Share, max_side: int, quality: int) -> RedactedImage:
    """``image`` cut to ``region`` and scaled so its longer side is at most
    ``max_side`` (0: not scaled); the image itself when neither drops a pixel."""
    w, h = image.width, image.height
    x0, y0 = round(region[0] * w), round(region[1] * h)
    x1, y1 = max(round(region[2] * w), x0 + 1), max(round(region[3] * h), y0 + 1)
    cw, ch = x1 - x0, y1 - y0
    scale = min(1.0, max_side / max(cw, ch)) if max_side > 0 else 1.0
    if (cw, ch) == (w, h) and scale == 1.0:
        return image
    pixels = cv2.imdecode(np.frombuffer(image.jpeg, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None or pixels.shape[:2] != (h, w):
        raise RedactionError(f"frame {image.seq} could not be decoded to minimise it")
    out = pixels[y0:y1, x0:x1]
    size = (max(round(cw * scale), 1), max(round(ch * scale), 1))
    if scale < 1.0:
        out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
    findings = tuple(
        replace(f, box=moved)
        for f in image.report.findings
        if (moved := _moved(f.box, x0, y0, cw, ch, scale)) is not None
    )
    kept = (size[0] * size[1]) / (w * h)
    report = replace(
        image.report,
        findings=findings,
        sent_pixel_fraction=image.report.sent_pixel_fraction * kept,
        view_fraction=image.report.view_fraction * (cw * ch) / (w * h),
    )
    return RedactedImage(
        image.seq,
        encode_jpeg(out, quality),
        size[0],
        size[1],
        image.captured_at,
        report,
        mint=_REDACTION_MINT,
    )


def _moved(box: Box, x0: int, y0: int, cw: int, ch: int, scale: float) -> Box | None:
    """``box`` in the cut and scaled image, or None when it lies outside the cut."""
    bx0, by0 = max(box.x - x0, 0), max(box.y - y0, 0)
    bx1, by1 = min(box.x + box.w - x0, cw), min(box.y + box.h - y0, ch)
    if bx1 <= bx0 or by1 <= by0:
        return None
    gx0, gy0 = int(np.floor(bx0 * scale)), int(np.floor(by0 * scale))
    gx1, gy1 = int(np.ceil(bx1 * scale)), int(np.ceil(by1 * scale))
    return Box(gx0, gy0, gx1 - gx0, gy1 - gy0)
