"""``Verify``: read both marks of an image and say whether they agree.

The invisible watermark survives what strips or breaks a manifest (a
re-encode, a screenshot, an edit); the manifest says more (who signed, what
was done, from what) but only while the file is untouched. So a file whose
pixels were changed after signing reads as "manifest invalid, watermark
found" and the report says that the watermark still ties it to us.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import InvalidInputError
from server.imagine.provenance import ManifestReport, read_manifest
from server.imagine.watermark import Watermarker, WatermarkReading

# Larger files are refused before decoding (a 2048x2048 PNG is ~12 MB at worst).
MAX_VERIFY_BYTES = 32 << 20


@dataclass(frozen=True)
class VerifyReport:
    """Both marks of one image, and what they say together."""

    watermark: WatermarkReading
    manifest: ManifestReport
    ours: bool  # the watermark was made with our key and names this deployment's generator

    @property
    def watermark_id(self) -> str:
        """The payload's hex ("" when none was found, or its payload did not read)."""
        payload = self.watermark.payload
        return payload.hex() if self.watermark.found and payload is not None else ""

    @property
    def agreement(self) -> str:
        mark = self.watermark.found
        if mark and self.manifest.found and self.manifest.soft_binding:
            if not self.watermark_id:
                return "watermark only"  # our mark, its payload unreadable: cannot compare
            same = self.manifest.soft_binding == self.watermark_id
            return "agree" if same else "disagree"
        if mark:
            return "watermark only"
        if self.manifest.found:
            return "manifest only"
        return "neither"

    def verdict(self) -> str:
        """One line for humans."""
        w, m = self.watermark, self.manifest
        if w.found and self.watermark_id:
            who = "this server's Imagine" if self.ours else "another deployment's Imagine"
            mark = (
                f"watermark {self.watermark_id} from {who} (bit accuracy {w.bit_accuracy:.2f}, "
                f"false-positive rate <= {w.false_positive_rate:.0e})"
            )
        elif w.found:
            mark = (
                "this server's watermark is present but too damaged to read its payload "
                f"(false-positive rate <= {w.false_positive_rate:.0e})"
            )
        else:
            mark = "no watermark found"
        if not m.found:
            manifest = "no C2PA manifest"
        elif not m.valid:
            manifest = "the C2PA manifest does NOT validate (" + "; ".join(m.failures) + ")"
        else:
            manifest = "the C2PA manifest is valid" + (
                ", signed under this server's root" if m.trusted else ", from an untrusted signer"
            )
        agreement = self.agreement
        tail = {
            "agree": "both name the same image",
            "disagree": "they name DIFFERENT images: the manifest was moved onto another image",
            "watermark only": "the manifest is gone (re-encoded, screenshotted or stripped) "
            "but the watermark still ties the image to us",
            "manifest only": "a manifest without our watermark",
            "neither": "nothing ties this image to an Imagine generator",
        }[agreement]
        if m.found and not m.valid and w.found:
            tail = "the pixels were changed after signing, but the watermark survives"
        return f"{mark}; {manifest}; {tail}"


class Verifier:
    """Reads watermark and manifest; ``trust_anchor`` is our provenance root."""

    def __init__(
        self, watermarker: Watermarker, generator_id: int, trust_anchor: Path | None
    ) -> None:
        self.watermarker = watermarker
        self.generator_id = generator_id
        self.trust_anchor = trust_anchor

    def verify(self, image: bytes) -> VerifyReport:
        if not image:
            raise InvalidInputError("no image was sent; send the PNG or JPEG to verify")
        if len(image) > MAX_VERIFY_BYTES:
            raise InvalidInputError(
                f"the image has {len(image)} bytes; at most {MAX_VERIFY_BYTES} are accepted"
            )
        bgr = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InvalidInputError("the file is not a decodable image; send a PNG or JPEG")
        reading = self.watermarker.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        manifest = read_manifest(image, None, self.trust_anchor)
        # a mark found without a readable payload was still made with our key
        payload = reading.payload
        ours = reading.found and (payload is None or payload.generator == self.generator_id)
        return VerifyReport(reading, manifest, ours)
