"""Finding the tile lattice in a possibly scaled, rotated, flipped or cropped image.

The detector works on a *working copy*: the luma, downscaled so its longer
side is at most ``WORK_SIDE`` (the mark lives below 0.12 cycles per original
pixel, so little is lost). Its spectrum is *whitened*: divided by a smoothed
copy of its own magnitude, so image content flattens out and the mark's
periodicity, which puts its energy on a lattice of spectral lines, stands
out. The inverse transform of the whitened power is an autocorrelation whose
peaks sit on the tile lattice: for a mark scaled by s and rotated by r the
peaks are the multiples of a vector of length ``TILE * s / factor`` at angle
r. A square lattice has eight symmetries (quarter turns and flips), so the
lattice fixes scale and rotation up to those eight; the detector tries all
eight on the folded tile, where they are exact.

``fold`` then adds every working pixel into a ``FOLD`` x ``FOLD`` tile at its
lattice position modulo the tile: all tiles become one, the mark adds up
coherently and the image does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from scipy import fft as sfft
from scipy import ndimage

from server.imagine.watermark.pattern import BAND_HIGH, BAND_LOW, FOLD, TILE

WORK_SIDE = 800  # longer side of the working copy, in pixels
SMOOTH_BINS = 2.5  # sigma (spectral bins) of the magnitude the spectrum is divided by
MIN_PERIOD = 20.0  # shortest tile period searched, in working pixels (scale >= 0.16 at 800)
PEAK_CANDIDATES = 8  # strongest autocorrelation peaks a lattice basis is derived from
# Periods are searched in ranges [lo, PERIOD_RATIO * lo], each overlapping the last by
# PERIOD_OVERLAP, each on the band of frequencies such a mark has.
PERIOD_RATIO, PERIOD_OVERLAP = 2.0, 1.1
LATTICES = 2  # lattices taken from the autocorrelation (the unscaled grid is tried as well)
# A candidate lattice scores sum(min(a, PEAK_CAP) - PEAK_COST) over its points' normalised
# autocorrelation a: a point costs more than noise gives, a true point earns up to the cap.
PEAK_CAP, PEAK_COST = 8.0, 2.0
AXIS_BINS = 1  # spectral rows and columns this close to an axis are left out of the search
BAND_MARGIN = (0.8, 1.15)  # the prefilter keeps the mark's band widened by these factors
_THREADS = 1


@dataclass(frozen=True)
class Working:
    """The working copy's whitened spectrum and its scale to the original."""

    spectrum: np.ndarray  # rfft2 of the luma divided by its smoothed magnitude
    shape: tuple[int, int]  # (height, width) of the working copy
    factor: float  # original pixels per working pixel


def working(rgb: np.ndarray) -> Working:
    """The whitened working copy of an RGB uint8 image."""
    h, w = rgb.shape[:2]
    factor = max(1.0, max(h, w) / WORK_SIDE)
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)  # BT.601 luma
    if factor > 1.0:
        size = (max(1, round(w / factor)), max(1, round(h / factor)))
        luma = cv2.resize(luma, size, interpolation=cv2.INTER_AREA)
    luma -= luma.mean()
    spec = sfft.rfft2(luma, workers=_THREADS)
    power = ndimage.gaussian_filter(
        spec.real**2 + spec.imag**2, SMOOTH_BINS, mode=("wrap", "reflect")
    )
    spec /= np.sqrt(power + 1e-3 * power.mean() + 1e-12)
    hh, ww = luma.shape
    return Working(spec.astype(np.complex64), (hh, ww), factor)


def _radius(shape: tuple[int, int]) -> np.ndarray:
    h, w = shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    return np.sqrt(fx**2 + fy**2)


def lattice_candidates(work: Working) -> list[np.ndarray]:
    """Up to ``LATTICES`` tile vectors p (working pixels, angle in [-45, 45) degrees).

    The search runs once per range of periods [lo, hi] (``PERIOD_RATIO`` apart),
    each on the autocorrelation of only the frequencies a mark of such a period
    has: far less noise than the whole spectrum's.
    """
    h, w = work.shape
    max_len = min(h, w) / 2
    radius = _radius(work.shape)
    power = np.abs(work.spectrum) ** 2
    # the image's borders put lines on the spectrum's axes, ridges on the lag axes: drop them
    power[: AXIS_BINS + 1] = power[-AXIS_BINS:] = 0.0
    power[:, : AXIS_BINS + 1] = 0.0
    found: list[tuple[float, np.ndarray]] = []
    lo = MIN_PERIOD
    while lo * 1.5 <= max_len:
        hi = min(lo * PERIOD_RATIO, max_len)
        band = (radius >= BAND_LOW / hi * BAND_MARGIN[0]) & (
            radius <= BAND_HIGH / lo * BAND_MARGIN[1]
        )
        found += _band_candidates(power * band, work.shape, lo, hi)
        lo = hi / PERIOD_OVERLAP
    chosen: list[np.ndarray] = []
    for score, p in sorted(found, key=lambda c: c[0], reverse=True):
        if score <= 0 or any(_same_lattice(p, q) for q in chosen):
            continue
        chosen.append(p)
        if len(chosen) == LATTICES:
            break
    return chosen


def _band_candidates(
    power: np.ndarray, shape: tuple[int, int], lo: float, hi: float
) -> list[tuple[float, np.ndarray]]:
    """(score, refined p) for lattices with periods in [lo, hi] in one band's power."""
    h, w = shape
    max_len = min(h, w) / 2
    ac = np.fft.fftshift(sfft.irfft2(power, s=shape, workers=_THREADS))
    cy, cx = h // 2, w // 2
    lag_x, lag_y, length, inv_overlap = _lags(shape)
    raw = ac
    ac = ac * inv_overlap  # a lag's overlap shrinks with its length: the unbiased estimate
    region = (length >= lo / BAND_MARGIN[1]) & (length <= max_len)
    if not region.any():
        return []
    ac /= ac[::3, ::3][region[::3, ::3]].std() + 1e-12
    # peaks of the first shells, right half (one of each pair +-q), found in a window
    r = int(min(3 * hi, max_len)) + 3
    win = (slice(max(cy - r, 0), cy + r + 1), slice(cx, min(cx + r + 1, w)))
    sub = ac[win]
    near = region[win] & (length[win] <= 3 * hi)
    near &= (lag_x[win] > 0) | (lag_y[win] > 0)
    py, px = np.nonzero((ndimage.maximum_filter(sub, size=5) == sub) & near)
    idx = np.ravel_multi_index((py + win[0].start, px + win[1].start), ac.shape)
    if idx.size == 0:
        return []
    # the strongest peaks before the overlap correction: short lags, the likely bases
    idx = idx[np.argsort(raw.flat[idx])[::-1][:PEAK_CANDIDATES]]

    def lattice_points(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        span = int(max_len / max(np.hypot(*p), 1.0)) + 1
        n = np.arange(-span, span + 1)
        n1, n2 = np.meshgrid(n, n, indexing="ij")
        keep = (n1 != 0) | (n2 != 0)
        n1, n2 = n1[keep], n2[keep]
        pts = n1[:, None] * p[None, :] + n2[:, None] * np.array([-p[1], p[0]])[None, :]
        inside = np.hypot(pts[:, 0], pts[:, 1]) <= max_len
        return pts[inside], np.stack([n1[inside], n2[inside]], 1)

    def score(p: np.ndarray) -> float:
        pts, _ = lattice_points(p)
        iy = np.rint(pts[:, 1]).astype(int)[:, None] + cy + _NEIGHBOURS[0]
        ix = np.rint(pts[:, 0]).astype(int)[:, None] + cx + _NEIGHBOURS[1]
        best = ac[np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)].max(axis=1)
        # every point within max_len counts: a sub-lattice has fewer, a finer one empty ones
        return float(np.sum(np.minimum(best, PEAK_CAP) - PEAK_COST))

    # a strong peak q is some lattice point n1*p + n2*p': try small (n1, n2) for each
    out = []
    for i in idx:
        q = complex(lag_x.flat[i], lag_y.flat[i])
        for n in _DIVISORS:
            p = _canonical(q / n)
            if lo / 1.05 <= abs(p) <= hi * 1.05:
                v = np.array([p.real, p.imag])
                out.append((score(v), v))
    out.sort(key=lambda c: c[0], reverse=True)
    return [(s, _refine(p, ac, lattice_points, cy, cx)) for s, p in out[:LATTICES]]


# n1 + i*n2 for the lattice points a strong peak may be (up to a quarter turn)
_DIVISORS = [complex(a, b) for a in range(1, 4) for b in range(0, 4) if a * a + b * b <= 10]


def _canonical(p: complex) -> complex:
    """The one of p, ip, -p, -ip whose angle lies in [-45, 45) degrees."""
    for _ in range(4):
        if p.real > 0 and -p.real <= p.imag < p.real:
            return p
        p *= 1j
    return p


_NEIGHBOURS = np.mgrid[-1:2, -1:2].reshape(2, 1, 9)  # a 3x3 neighbourhood's offsets


@lru_cache(maxsize=8)
def _lags(shape: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """Lag x, lag y, lag length and 1 / overlap share for a centred autocorrelation."""
    h, w = shape
    ys, xs = np.arange(h) - h // 2, np.arange(w) - w // 2
    lag_y, lag_x = np.meshgrid(ys, xs, indexing="ij")
    overlap = np.outer(1 - np.abs(ys) / h, 1 - np.abs(xs) / w)
    inv = (1.0 / np.maximum(overlap, 0.25)).astype(np.float32)
    return lag_x, lag_y, np.hypot(lag_x, lag_y).astype(np.float32), inv


def _same_lattice(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether p is (nearly) a point of q's square lattice or q of p's."""
    for a, b in ((p, q), (q, p)):
        basis = np.array([[b[0], -b[1]], [b[1], b[0]]])
        n = np.linalg.solve(basis, a)
        if np.all(np.abs(n - np.rint(n)) < 0.08):
            return True
    return False


def _refine(p, ac, lattice_points, cy, cx) -> np.ndarray:  # noqa: ANN001
    """Least-squares fit of p to the sub-pixel peaks near its lattice points."""
    h, w = ac.shape
    pts, ns = lattice_points(p)
    rows, rhs, weights = [], [], []
    for (x, y), (n1, n2) in zip(pts, ns, strict=True):
        ix, iy = int(round(x)) + cx, int(round(y)) + cy
        if not (2 <= ix < w - 2 and 2 <= iy < h - 2):
            continue
        win = ac[iy - 2 : iy + 3, ix - 2 : ix + 3]
        dy, dx = np.unravel_index(np.argmax(win), win.shape)
        iy, ix = iy + dy - 2, ix + dx - 2
        v = ac[iy, ix]
        if v <= PEAK_COST or not (1 <= ix < w - 1 and 1 <= iy < h - 1):
            continue
        ox = _vertex(ac[iy, ix - 1], v, ac[iy, ix + 1])
        oy = _vertex(ac[iy - 1, ix], v, ac[iy + 1, ix])
        # x = n1 px - n2 py ; y = n1 py + n2 px
        rows += [[n1, -n2], [n2, n1]]
        rhs += [ix - cx + ox, iy - cy + oy]
        weights += [v, v]
    if len(rows) < 4:
        return p
    a = np.array(rows, np.float64) * np.sqrt(np.array(weights))[:, None]
    b = np.array(rhs) * np.sqrt(np.array(weights))
    fit, *_ = np.linalg.lstsq(a, b, rcond=None)
    return fit if np.hypot(*(fit - p)) < 2.0 else p


def _vertex(a: float, b: float, c: float) -> float:
    den = a - 2 * b + c
    return float(np.clip(0.5 * (a - c) / den, -0.5, 0.5)) if den < 0 else 0.0


def unscaled(work: Working) -> np.ndarray:
    """The tile vector if the image was neither scaled nor rotated."""
    return np.array([TILE / work.factor, 0.0])


def fold(work: Working, p: np.ndarray) -> np.ndarray:
    """The FOLD x FOLD sum of all tiles of the lattice (p, p rotated a quarter turn)."""
    h, w = work.shape
    period = float(np.hypot(*p))
    radius = _radius(work.shape)
    lo, hi = BAND_LOW / period * BAND_MARGIN[0], BAND_HIGH / period * BAND_MARGIN[1]
    img = sfft.irfft2(work.spectrum * ((radius >= lo) & (radius <= hi)), s=work.shape)
    img = img.astype(np.float32, copy=False)
    basis = np.array([[p[0], -p[1]], [p[1], p[0]]]) / FOLD  # canonical -> working pixels
    inv = np.linalg.inv(basis).astype(np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = np.rint(inv[0, 0] * xs + inv[0, 1] * ys).astype(np.int64) % FOLD
    cy = np.rint(inv[1, 0] * xs + inv[1, 1] * ys).astype(np.int64) % FOLD
    acc = np.bincount((cy * FOLD + cx).ravel(), weights=img.ravel(), minlength=FOLD * FOLD)
    return acc.reshape(FOLD, FOLD)
