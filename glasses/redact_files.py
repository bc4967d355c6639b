"""``glasses redact``: the redaction engine over image files and folders."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from core.errors import InvalidInputError, RedactionError
from core.frames import RawImage, Stamp
from edge.components import build_redactor

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def _expand(inputs: list[Path]) -> list[tuple[Path, Path]]:
    """(file, name relative to its input) for every image under ``inputs``."""
    found = []
    for item in inputs:
        if item.is_dir():
            found += [
                (p, p.relative_to(item))
                for p in sorted(item.rglob("*"))
                if p.suffix.lower() in IMAGE_SUFFIXES
            ]
        elif item.is_file():
            found.append((item, Path(item.name)))
        else:
            raise InvalidInputError(f"'{item}' is neither a file nor a folder")
    if not found:
        raise InvalidInputError(
            f"no images found in {', '.join(map(str, inputs))} (looked for "
            f"{', '.join(sorted(IMAGE_SUFFIXES))})"
        )
    return found


def redact_paths(inputs: list[Path], out_dir: Path, config) -> dict:  # noqa: ANN001
    """Redact every image; write results under the same names; return a report."""
    redactor = build_redactor(config.models, config.edge.redaction)
    images = []
    for seq, (path, name) in enumerate(_expand(inputs)):
        entry: dict = {"file": str(name)}
        pixels = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if pixels is None:
            entry.update(withheld=True, reason="not a decodable image")
            images.append(entry)
            continue
        t0 = time.perf_counter()
        try:
            redacted = redactor.redact(RawImage(seq, pixels, Stamp.wall(), source="file"))
        except RedactionError as exc:
            entry.update(withheld=True, reason=str(exc))
            images.append(entry)
            continue
        entry["latency_ms"] = round((time.perf_counter() - t0) * 1e3, 1)
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix.lower() in (".jpg", ".jpeg"):
            target.write_bytes(redacted.jpeg)
        else:  # same name and format: re-encode the redacted pixels, no metadata
            decoded = cv2.imdecode(np.frombuffer(redacted.jpeg, np.uint8), cv2.IMREAD_COLOR)
            cv2.imwrite(str(target), decoded)
        entry.update(redacted.report.to_dict())
        images.append(entry)
    return {"images": images, "out": str(out_dir)}
