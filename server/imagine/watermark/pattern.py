"""The keyed tile: which frequencies carry what, and the tile they add up to.

The mark is one square tile of ``TILE`` pixels repeated over the image. The
tile is a sum of sinusoids at whole frequencies (u, v) cycles per tile whose
radius lies in ``[BAND_LOW, BAND_HIGH]``: low enough to survive a 4x
downscale, blur and JPEG, high enough to keep clear of the strong low
frequencies of image content. Each such frequency (one of each conjugate
pair) carries two real chips, its cosine and sine amplitudes, each ±1:

- reference chips (every ``REFERENCE_EVERY``-th frequency, a fixed choice that
  does not depend on the key) carry key-derived random signs; the detector
  finds the tile's offset and orientation by correlating against them, and
  their correlation is the detection statistic;
- payload chips carry the coded message bits, each bit spread over several
  chips (a key-derived interleaving) times key-derived signs.

Because the tile is a whole number of periods of every sinusoid, it can be
synthesised at any grid size: ``TILE`` pixels to embed, ``FOLD`` pixels to
read a folded tile at detection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from server.imagine.watermark.payload import CODED_BITS, MESSAGE_BITS

TILE = 128  # embedding tile side in pixels: small enough for 4 tiles in a 256 crop
# The band in cycles per tile: 4..15 is 0.031..0.117 cycles per pixel at scale 1
# (a 25 % resize keeps up to 0.125; JPEG 75 of a 50 % copy keeps 0.23 of its own).
BAND_LOW = 4.0
BAND_HIGH = 15.0
REFERENCE_EVERY = 4  # one frequency in four is a reference (the rest carry the payload)
FOLD = 64  # detection reads the folded tile on this grid (Nyquist 32 > BAND_HIGH)


@dataclass(frozen=True)
class Layout:
    """Frequencies (u, v) of the band, split into reference and payload ones."""

    ref_uv: np.ndarray  # [n_ref, 2] int (u: x cycles, v: y cycles per tile)
    pay_uv: np.ndarray  # [n_pay, 2]


@cache
def layout() -> Layout:
    """The band's frequencies in a fixed order, split by a key-independent rule."""
    r = int(np.ceil(BAND_HIGH))
    uv = [
        (u, v)
        for v in range(0, r + 1)
        for u in range(-r, r + 1)
        if (v > 0 or u > 0) and BAND_LOW <= np.hypot(u, v) <= BAND_HIGH
    ]
    uv = np.array(sorted(uv, key=lambda p: (np.hypot(*p), p)), np.int64)
    is_ref = np.arange(len(uv)) % REFERENCE_EVERY == 0
    return Layout(uv[is_ref], uv[~is_ref])


def _stream(key: str, label: str) -> np.random.Generator:
    digest = hashlib.sha256(f"glasses-watermark/v1/{label}\x00{key}".encode()).digest()
    return np.random.default_rng(np.frombuffer(digest, np.uint64))


@dataclass(frozen=True)
class KeyedPattern:
    """Everything the key decides: reference signs, spreading and the message mask."""

    ref_signs: np.ndarray  # [n_ref, 2] ±1 (cosine, sine)
    pay_signs: np.ndarray  # [n_pay, 2] ±1
    pay_bit: np.ndarray  # [n_pay, 2] index of the coded bit each payload chip carries
    mask: np.ndarray  # [MESSAGE_BITS] 0/1 XOR-ed onto the message


@lru_cache(maxsize=16)
def keyed(key: str) -> KeyedPattern:
    """The key's pattern (independent streams per role, so the FPR argument holds)."""
    lay = layout()
    n_ref, n_pay = len(lay.ref_uv), len(lay.pay_uv)
    ref = _stream(key, "reference").integers(0, 2, (n_ref, 2)) * 2 - 1
    signs = _stream(key, "spreading").integers(0, 2, (n_pay, 2)) * 2 - 1
    # every coded bit gets floor or ceil of (chips / coded bits) chips, in a keyed order
    order = _stream(key, "interleave").permutation(n_pay * 2)
    bit = (order % CODED_BITS).reshape(n_pay, 2)
    mask = _stream(key, "mask").integers(0, 2, MESSAGE_BITS).astype(np.uint8)
    return KeyedPattern(ref.astype(np.float64), signs.astype(np.float64), bit, mask)


def spectrum(n: int, uv: np.ndarray, chips: np.ndarray) -> np.ndarray:
    """An n x n complex spectrum holding ``a - i b`` at (v, u) for chips (a, b)."""
    z = np.zeros((n, n), np.complex128)
    z[uv[:, 1] % n, uv[:, 0] % n] = chips[:, 0] - 1j * chips[:, 1]
    return z


def tile(key: str, coded: np.ndarray, n: int = TILE) -> np.ndarray:
    """The n x n tile for a codeword (0/1 coded bits), scaled to unit RMS."""
    pat = keyed(key)
    lay = layout()
    pay = pat.pay_signs * (2.0 * np.asarray(coded, np.float64)[pat.pay_bit] - 1.0)
    z = spectrum(n, lay.ref_uv, pat.ref_signs) + spectrum(n, lay.pay_uv, pay)
    t = np.fft.ifft2(z).real
    return t / np.sqrt(np.mean(t**2))
