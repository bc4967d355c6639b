"""How a forger changes a signed image while keeping its C2PA manifest: shared by
the provenance tests and the Imagine service tests."""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def encode(rgb: np.ndarray, fmt: str) -> bytes:
    """``rgb`` as a PNG or JPEG file (PIL), ``fmt`` a MIME type."""
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format=PIL_FORMATS[fmt])
    return out.getvalue()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, whole chunk) for each chunk after the signature."""
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append((data[pos + 4 : pos + 8], data[pos : pos + 12 + length]))
        pos += 12 + length
    return chunks


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, whole segment) up to the start of scan, whose segment runs to the end."""
    segments, pos = [], 2
    while data[pos + 1] != 0xDA:
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segments.append((data[pos + 1], data[pos : pos + 2 + length]))
        pos += 2 + length
    return [*segments, (0xDA, data[pos:])]


def repaint_keeping_the_manifest(signed: bytes, fmt: str) -> bytes:
    """What a forger does: change the picture, then put the original manifest
    store back where it was (a PNG's caBX chunk, a JPEG's APP11 segments)."""
    rgb = np.asarray(Image.open(io.BytesIO(signed)).convert("RGB")).copy()
    rgb[100:140, 60:200] = (255, 0, 0)
    repainted = encode(rgb, fmt)
    if fmt == "image/png":
        store = b"".join(chunk for kind, chunk in png_chunks(signed) if kind == b"caBX")
        [(_, header), *rest] = png_chunks(repainted)
        return repainted[:8] + header + store + b"".join(chunk for _, chunk in rest)
    store = b"".join(seg for marker, seg in jpeg_segments(signed) if marker == 0xEB)
    return repainted[:2] + store + repainted[2:]


def flip_a_pixel_byte(signed: bytes, fmt: str) -> bytes:
    """Corrupt the compressed pixels: a byte inside the last IDAT, or the scan."""
    data = bytearray(signed)
    if fmt == "image/png":
        offset = signed.rindex(b"IDAT") + 4 + 10
    else:
        offset = len(signed) - 200
    data[offset] ^= 0x55
    return bytes(data)
