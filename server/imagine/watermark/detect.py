"""Reading the mark: channel mixes, orientation and offset search, decoding, verdict.

The hypotheses
--------------
The working copy has two channels (``sync.working``): luma, and the RGB axis
along which the mark moves colour but grey levels move nothing (the mark is
a faint green-purple there, 0.75 of its luma amplitude; achromatic texture,
the commonest kind, does not reach it, and JPEG's chroma quantisation does).
For each lattice candidate (at most ``LATTICES`` from the luma spectrum,
``EVIDENCE_LATTICES`` more from luma's shortlist by evidence,
``CHROMA_LATTICES`` from the chroma one, ``sync``, plus the unscaled grid,
all found from the image alone, without the key) both
channels are folded, and the folded tiles are read under each of the three
``CHANNEL_MIXES`` (luma alone, chroma alone, both at equal weight after each
is scaled to unit median magnitude), each of the 8 orientations of the tile
and each of the ``FOLD**2`` offsets.

The false-positive bound
------------------------
For each hypothesis h the detector forms the statistic

    Z_h = sum_i s_i x_i(h) / ||x(h)||

over the reference chips: x(h) are the mixed tile's reference coefficients
(real and imaginary parts; each channel's band passed through a soft limiter
and a scale, ``_limit`` and ``combine``, that depend on the image alone)
under h, and s_i the key's reference signs. The lattices, the whitening, the
fold's spatial weights, the limiter and the mixes are all computed from the
image without the key, so on an unmarked image x(h) is fixed before the
signs are drawn; the s_i are independent fair ±1 (derived from the key by
SHA-256), so by Hoeffding's inequality P(Z_h >= t) <= exp(-t^2/2) for every
h. The union over the

    L = (LATTICES + EVIDENCE_LATTICES + CHROMA_LATTICES + 1) * len(CHANNEL_MIXES)
        * 8 * FOLD**2 = (2 + 1 + 1 + 1) * 3 * 8 * 64**2 = 491,520

hypotheses bounds the search (a test checks these figures; a lattice found
twice is folded once, which only shrinks the union).

Three routes report *found*, sharing the target rate alpha by ``BUDGET``:

- payload, first candidate (alpha/2): max Z >= t_crc and the message the
  Viterbi decoder finds there passes its CRC-16. The message is XOR-ed with
  a key mask drawn independently of the reference signs, the spreading
  signs and the interleaving, so on an unmarked image any message the
  decoder puts out is uniform whatever the decoder does (it may use the
  reference chips, as the sub-pixel alignment does) and passes with
  probability 2**-16, independently of Z: P <= L exp(-t_crc^2/2) 2**-16 =
  alpha/2, giving t_crc = 5.75 for alpha = 1e-6;
- payload, list (alpha/4): max Z >= t_list, the first candidate failed, and
  one of the next ``LIST_SIZE`` - 1 = 15 messages of a list Viterbi decoder
  (``payload.list_viterbi_decode``, best first) passes; the first that does
  is taken. Each of them is uniform like the first, so by the union over
  them P <= L exp(-t_list^2/2) 15 * 2**-16 = alpha/4: t_list = 6.31;
- reference only (alpha/4): max Z >= t_ref with L exp(-t_ref^2/2) =
  alpha/4, t_ref = 7.52; the mark is ours but the payload did not decode
  (reported as found, payload None).

So P(found | unmarked) <= alpha for any image made without the key: the
probability is over the key (SHA-256 output taken as random), nothing is
assumed about the images. The benchmark checks it for one key on 5,000
unmarked images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from server.imagine.watermark.pattern import (
    BAND_HIGH,
    BAND_LOW,
    FOLD,
    TILE,
    KeyedPattern,
    layout,
)
from server.imagine.watermark.payload import (
    CODED_BITS,
    CRC_BITS,
    WatermarkPayload,
    conv_encode,
    list_viterbi_decode,
    read_message,
    viterbi_decode,
)
from server.imagine.watermark.sync import (
    CHROMA_LATTICES,
    EVIDENCE_LATTICES,
    LATTICES,
    Working,
    fold,
    lattice_candidates,
    unscaled,
    working,
)

# The channels are read three ways: luma alone (what survives JPEG's chroma), the
# grey-blind chroma axis alone (on achromatic texture, where luma is swamped), both.
CHANNEL_MIXES = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
LATTICE_CANDIDATES = LATTICES + EVIDENCE_LATTICES + CHROMA_LATTICES + 1  # + the unscaled grid
HYPOTHESES = LATTICE_CANDIDATES * len(CHANNEL_MIXES) * 8 * FOLD * FOLD
MIN_DETECT_SIDE = 64
LIMIT = 2.0  # see _limit
SAME_LATTICE = 3e-4  # lattice vectors closer than this share of their length are one


# CRC-aided list decoding: where the Viterbi decoder's message fails its CRC and Z is
# high enough, the next LIST_SIZE - 1 most likely messages are tried too.
LIST_SIZE = 16
# Shares of alpha for the three routes (first candidate, list, reference alone).
BUDGET = (0.5, 0.25, 0.25)


class Thresholds(NamedTuple):
    """The statistic each route needs (see the module docstring)."""

    crc: float  # the Viterbi decoder's message passes its CRC
    crc_list: float  # one of the list's other messages does
    ref: float  # the reference alone


def thresholds(alpha: float) -> Thresholds:
    """The routes' thresholds for a false-positive bound alpha (module docstring)."""
    crc = 2.0**-CRC_BITS
    first, listed, ref = (share * alpha for share in BUDGET)
    return Thresholds(
        math.sqrt(2 * math.log(HYPOTHESES * crc / first)),
        math.sqrt(2 * math.log(HYPOTHESES * crc * (LIST_SIZE - 1) / listed)),
        math.sqrt(2 * math.log(HYPOTHESES / ref)),
    )


# The eight symmetries of the square, applied to the folded tile.
_ORIENTATIONS = [(k, t) for t in (False, True) for k in range(4)]


def _orient(tile: np.ndarray, k: int, transpose: bool) -> np.ndarray:
    return np.rot90(tile.T if transpose else tile, k)


@dataclass(frozen=True)
class Candidate:
    """The best hypothesis of one lattice: its statistic and decoded message."""

    z: float
    payload_bits: np.ndarray  # the 64 decoded payload bits (CRC or not)
    crc_ok: bool
    raw_accuracy: float  # coded-bit signs agreeing with the decoded codeword
    hard: np.ndarray  # the channel's hard coded bits (0/1), before decoding
    transform: str
    rank: int = 0  # the message's place in the decoder's list (0: the Viterbi decoder's)


def _limit(c: np.ndarray) -> np.ndarray:
    """Coefficients above ``LIMIT`` times their median magnitude scaled down to it: a
    soft limiter (weak coefficients keep their weight, a few strong lines of image
    content cannot dominate). A function of the image alone, never of the key."""
    cap = LIMIT * float(np.median(np.abs(c))) + 1e-12
    return c / np.maximum(np.abs(c), cap)


def combine(tiles: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """One real tile from the channels' folded tiles: each channel's band soft-limited
    and scaled to unit median magnitude, then summed with fixed ``weights``."""
    u = np.fft.fftfreq(FOLD, 1 / FOLD)
    r = np.hypot(u[None, :], u[:, None])
    band = (r >= BAND_LOW) & (r <= BAND_HIGH)
    out = np.zeros((FOLD, FOLD), np.complex128)
    for tile, wt in zip(tiles, weights, strict=True):
        if wt:
            g = np.fft.fft2(tile)[band]
            out[band] += wt * _limit(g) / (float(np.median(np.abs(g))) + 1e-12)
    return np.fft.ifft2(out).real


def best_hypothesis(tile: np.ndarray, pat: KeyedPattern) -> tuple[float, int, np.ndarray]:
    """(Z, orientation index, aligned tile spectrum) maximising Z over orientation and offset."""
    lay = layout()
    ru, rv = lay.ref_uv[:, 0] % FOLD, lay.ref_uv[:, 1] % FOLD
    ref = pat.ref_signs[:, 0] - 1j * pat.ref_signs[:, 1]
    best = (-np.inf, 0, 0, 0, None)
    for o, (k, t) in enumerate(_ORIENTATIONS):
        g = np.fft.fft2(_orient(tile, k, t))
        x = _limit(g[rv, ru])
        norm = math.sqrt(float(np.sum(np.abs(x) ** 2))) + 1e-12  # ||x||, any offset
        cross = np.zeros((FOLD, FOLD), np.complex128)
        cross[rv, ru] = x * np.conj(ref)
        corr = np.fft.fft2(cross).real / norm  # corr[dy, dx] = Re sum G conj(R) e^{-i theta}
        j = int(np.argmax(corr))
        if corr.flat[j] > best[0]:
            best = (float(corr.flat[j]), o, j // FOLD, j % FOLD, g)
    z, o, dy, dx, g = best
    u = np.fft.fftfreq(FOLD, 1 / FOLD)
    phase = np.exp(-2j * np.pi * (u[None, :] * dx + u[:, None] * dy) / FOLD)
    return z, o, g * phase


def _chips(aligned: np.ndarray, uv: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """The limited (cosine, sine) chips at frequencies uv, the tile shifted by ``shift``."""
    c = _limit(aligned[uv[:, 1] % FOLD, uv[:, 0] % FOLD])
    c = c * np.exp(-2j * np.pi * (uv @ shift) / FOLD)
    return np.stack([c.real, -c.imag], axis=1)


def subpixel_shift(aligned: np.ndarray, pat: KeyedPattern) -> np.ndarray:
    """The tile's remaining offset, a fraction of a fold pixel (the search's is whole),
    that best aligns the reference chips; the decoder reads the payload chips there.
    (Key-dependent, which the payload route allows: see the module docstring.)"""
    lay = layout()
    ref = pat.ref_signs[:, 0] - 1j * pat.ref_signs[:, 1]
    x = _limit(aligned[lay.ref_uv[:, 1] % FOLD, lay.ref_uv[:, 0] % FOLD]) * np.conj(ref)
    shift, span = np.zeros(2), 0.6
    for _ in range(3):
        d = np.linspace(-span, span, 9)
        cand = np.stack(np.meshgrid(d, d, indexing="ij"), -1).reshape(-1, 2) + shift
        score = (x[None, :] * np.exp(-2j * np.pi * (cand @ lay.ref_uv.T) / FOLD)).real.sum(1)
        shift = cand[int(np.argmax(score))]
        span /= 4
    return shift


def decode(
    aligned: np.ndarray, pat: KeyedPattern, listed: bool = False
) -> tuple[np.ndarray, bool, float, np.ndarray, int]:
    """(payload bits, CRC ok, raw accuracy, hard coded bits, list rank) from an aligned
    tile spectrum; with ``listed``, a failed CRC sends the decoder down its list."""
    lay = layout()
    chips = _chips(aligned, lay.pay_uv, subpixel_shift(aligned, pat)) * pat.pay_signs
    soft = np.bincount(pat.pay_bit.ravel(), weights=chips.ravel(), minlength=CODED_BITS)
    message, rank = viterbi_decode(soft), 0
    bits, ok = read_message(message, pat.mask)
    if not ok and listed:
        for r, m in enumerate(list_viterbi_decode(soft, LIST_SIZE)[1:], start=1):
            b, passed = read_message(m, pat.mask)
            if passed:
                message, rank, bits, ok = m, r, b, True
                break
    codeword = conv_encode(message)
    raw = float(np.mean((soft > 0) == (codeword == 1)))
    return bits, ok, raw, (soft > 0).astype(np.uint8), rank


def _describe(p: np.ndarray, factor: float, orientation: int) -> str:
    k, t = _ORIENTATIONS[orientation]
    scale = float(np.hypot(*p)) * factor / TILE
    angle = math.degrees(math.atan2(p[1], p[0])) + 90.0 * k
    angle = round((angle + 180.0) % 360.0 - 180.0, 1) + 0.0  # no "-0.0"
    return f"scale {scale:.2f} rot {angle:.1f}" + (" flip" if t else "")


def candidates(
    rgb: np.ndarray, pat: KeyedPattern, min_z: float = -np.inf, list_z: float = np.inf
) -> list[Candidate]:
    """The best hypothesis of every lattice candidate and channel mix, decoded where its
    Z reaches ``min_z`` (and the strongest one whatever its Z), down the decoder's list
    where it reaches ``list_z``; the others are left out."""
    if min(rgb.shape[:2]) < MIN_DETECT_SIDE:
        return []
    work: Working = working(rgb)
    lattices: list[np.ndarray] = []
    for p in [unscaled(work), *lattice_candidates(work)]:
        # the same lattice twice (an unscaled image's best candidate) is folded once
        if not any(np.hypot(*(p - q)) < SAME_LATTICE * np.hypot(*q) for q in lattices):
            lattices.append(p)
    found = []
    for p in lattices:
        tiles = fold(work, p)
        for weights in CHANNEL_MIXES:
            z, o, aligned = best_hypothesis(combine(tiles, weights), pat)
            found.append((z, aligned, _describe(p, work.factor, o)))
    top = max(z for z, _, _ in found)
    out = []
    for z, aligned, transform in found:
        if z >= min_z or z == top:
            bits, ok, raw, hard, rank = decode(aligned, pat, listed=z >= list_z)
            out.append(Candidate(z, bits, ok, raw, hard, transform, rank))
    return out


def verdict(
    found: list[Candidate], alpha: float
) -> tuple[bool, Candidate | None, WatermarkPayload | None]:
    """(found, the candidate it rests on, payload) under the three routes."""
    t = thresholds(alpha)
    decoded = [c for c in found if c.crc_ok and c.z >= (t.crc_list if c.rank else t.crc)]
    if decoded:
        c = max(decoded, key=lambda c: c.z)
        return True, c, WatermarkPayload.from_bits(c.payload_bits)
    strong = [c for c in found if c.z >= t.ref]
    if strong:
        return True, max(strong, key=lambda c: c.z), None
    best = max(found, key=lambda c: c.z) if found else None
    return False, best, None
