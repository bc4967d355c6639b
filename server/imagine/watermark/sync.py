"""Finding the tile lattice in a possibly scaled, rotated, flipped or cropped image.

The detector works on a *working copy* with two channels, downscaled so its
longer side is at most ``WORK_SIDE`` (the mark lives below 0.12 cycles per
original pixel, so little is lost): luma, and the RGB axis that grey levels
do not move (``embed.CHROMA_AXIS``), where the mark is 0.75 as strong and
achromatic texture is absent. Each channel's spectrum is divided by a
smoothed copy of its own power to the ``FOLD_GAMMA`` (0.5 whitens; 1 is the
matched filter for the mark's flat spectrum in coloured noise).

The lattice is found by *template matching in log-polar coordinates*,
without the key: every frequency (u, v)
of the band is present in every mark with the same power, so a mark scaled
by s and rotated by r puts a line at each ``R(r) (u, v) / period`` (period
``TILE * s / factor`` working pixels). The whitened power of a copy whose
borders are tapered (an untapered border, or the jagged edge of a rotated
frame, puts its own streaks on the spectrum) is resampled on a grid of log
frequency by angle, folded modulo a quarter turn (the set of band
frequencies is symmetric under the square's eight symmetries), normalised
per ring (median and spread, clipped, so a few strong lines of image content
cannot outvote hundreds of weak ones), and correlated by FFT with the
template of band frequencies: a shift in log frequency is a scale, a shift
in angle a rotation. The strongest ``LATTICES`` peaks of luma, and the
strongest ``CHROMA_LATTICES`` of chroma, are refined by a local search of
scale and angle on the full-resolution whitened power (``_refine``), to a
small fraction of a bin at the band's top, which a coherent fold over the
whole image needs. On an image the working copy keeps whole (at most
``WORK_SIDE`` pixels), luma's ``SHORTLIST`` strongest peaks are also ranked
by how far their lines stand out of that power (``_Evidence``), and the
best is refined too if the log-polar order left it out
(``EVIDENCE_LATTICES``): on a small rotated image the log-polar peaks of
drawn shapes and text can outrank the mark's, whose lines still stand out
most. The square's eight symmetries are
left to the folded tile, where they are exact. Chroma is searched on its
power not whitened and its rings not clipped: on a grey photograph its only
content is the mark, whose rounding to 8 bits puts faint lines on every
point of the lattice, far beyond the band; whitened and clipped, those would
let the lattice's sub-lattices (half the period, say) match as well as the
lattice itself, while in absolute power the band's lines stand far above.
(The autocorrelation peaks of the previous version were swamped where the
image's own texture sits at the mark's frequencies, and missed rotated
512-pixel images.)

``fold`` then adds every working pixel of each channel, band-passed and
weighted by the inverse of its neighbourhood's power (where texture is
strong the mark is buried, where the image is smooth it is clear), into a
``FOLD`` x ``FOLD`` tile at its lattice position modulo the tile: all tiles
become one, the mark adds up coherently and the image does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

import cv2
import numpy as np
from scipy import fft as sfft
from scipy import ndimage

from server.imagine.watermark.pattern import BAND_HIGH, BAND_LOW, FOLD, TILE

WORK_SIDE = 800  # longer side of the working copy, in pixels
SMOOTH_BINS = 2.5  # sigma (spectral bins) of the power the spectrum is whitened by
# The fold's copy is divided by the smoothed power to this exponent: 0.5 whitens (flat
# host), 1 is the matched filter for a flat mark in coloured noise; between the two
# keeps the low, noisier frequencies from being written off entirely.
FOLD_GAMMA = 0.75
MIN_PERIOD = 20.0  # shortest tile period searched, in working pixels (scale >= 0.16 at 800)
# lattices taken from the template search in luma and in chroma (plus the unscaled grid),
# and, on images of at most WORK_SIDE pixels, from luma's SHORTLIST by evidence where
# the search's order left it out (at most 1)
LATTICES, CHROMA_LATTICES, EVIDENCE_LATTICES = 2, 1, 1
TAPER = 0.15  # share of each side tapered (raised cosine) in the copy the search reads
AXIS_BINS = 1  # spectral rows and columns this close to an axis are left out of the search
BAND_MARGIN = (0.8, 1.15)  # the fold's band-pass keeps the mark's band widened by these
# log-polar grid: angle steps per quarter turn, log-frequency step, highest frequency
POLAR_ANGLES, POLAR_STEP, POLAR_TOP = 360, 0.004, 0.5
POLAR_BLUR = 0.8  # sigma (bins) of the blur before resampling: a rotated line spreads
RING_CLIP = 4.0  # per-ring normalised power is clipped to +-this
PEAK_WINDOW = 15  # log-polar cells within which only the strongest peak counts
REFINE_CAP = 30.0  # whitened power is capped at this in the refinement's sum
# Luma's strongest SHORTLIST log-polar peaks are ranked by their evidence on the
# full-resolution power (``_Evidence``: blurred by EVIDENCE_BLUR bins, read at a 3 x 3
# grid of EVIDENCE_STEP (relative scale, radians) around each); the best is refined too.
SHORTLIST = 8
EVIDENCE_BLUR = 0.7
EVIDENCE_STEP = (0.003, math.radians(0.15))
# The fold weights each pixel by 1 / (local band power + floor): where texture is strong
# the mark is buried, where the image is smooth it is clear (the inverse-variance weight).
SPATIAL_SIGMA = 0.5  # sigma of the local power's Gaussian window, in tile periods
SPATIAL_FLOOR = 0.25  # floor, as a share of the median local power
_THREADS = 1


@dataclass(frozen=True)
class Working:
    """The working copy's whitened spectra and its scale to the original."""

    spectrum: np.ndarray  # [channel, ...] rfft2 of luma and chroma, each whitened
    sync_power: np.ndarray  # [channel, ...] whitened power of the border-tapered copies
    chroma_power: np.ndarray  # the tapered chroma's power, not whitened
    shape: tuple[int, int]  # (height, width) of the working copy
    factor: float  # original pixels per working pixel


def _whiten(spec: np.ndarray, gamma: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(spectrum / smoothed power**gamma, spectrum's power / smoothed power)."""
    power = spec.real**2 + spec.imag**2
    smooth = _smooth(power)
    smooth += 1e-3 * smooth.mean() + 1e-12
    return spec / smooth**gamma, power / smooth


def _smooth(power: np.ndarray) -> np.ndarray:
    """``ndimage.gaussian_filter(power, SMOOTH_BINS, mode=("wrap", "reflect"))``, the
    same kernel (4 sigma each side) with OpenCV: rows wrapped by hand, columns
    reflected (OpenCV's BORDER_REFLECT is scipy's "reflect"); 1.6 times faster."""
    r = int(4.0 * SMOOTH_BINS + 0.5)
    padded = np.concatenate([power[-r:], power, power[:r]])
    k = cv2.getGaussianKernel(2 * r + 1, SMOOTH_BINS, cv2.CV_64F)
    return cv2.sepFilter2D(padded, cv2.CV_64F, k, k, borderType=cv2.BORDER_REFLECT)[r:-r]


def _peaks(corr: np.ndarray) -> np.ndarray:
    """``ndimage.maximum_filter(corr, PEAK_WINDOW, mode=("constant", "wrap"))`` (rows
    padded with 0, angles wrapped), exactly, by OpenCV's dilation: 3 times faster."""
    r = PEAK_WINDOW // 2
    padded = np.pad(np.pad(corr, ((0, 0), (r, r)), mode="wrap"), ((r, r), (0, 0)))
    return cv2.dilate(padded, np.ones((PEAK_WINDOW, PEAK_WINDOW), np.uint8))[r:-r, r:-r]


@lru_cache(maxsize=8)
def _taper(n: int) -> np.ndarray:
    w = np.ones(n, np.float32)
    m = int(n * TAPER)
    if m:
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(m) + 0.5) / m)
        w[:m], w[n - m :] = ramp, ramp[::-1]
    return w


def working(rgb: np.ndarray) -> Working:
    """The whitened working copy of an RGB uint8 image: its luma and chroma projections."""
    from server.imagine.watermark.embed import CHROMA_AXIS, LUMA_AXIS

    h, w = rgb.shape[:2]
    factor = max(1.0, max(h, w) / WORK_SIDE)
    axes = np.stack([LUMA_AXIS, CHROMA_AXIS])
    planes = cv2.transform(rgb.astype(np.float32), axes)  # [h, w, 2]
    if factor > 1.0:
        size = (max(1, round(w / factor)), max(1, round(h / factor)))
        planes = cv2.resize(planes, size, interpolation=cv2.INTER_AREA)
    planes = np.moveaxis(planes, -1, 0)
    planes = planes - planes.mean(axis=(1, 2), keepdims=True)
    hh, ww = planes.shape[1:]
    tapered = planes * _taper(hh)[:, None] * _taper(ww)[None, :]
    specs = [
        _whiten(sfft.rfft2(plane, workers=_THREADS), FOLD_GAMMA)[0].astype(np.complex64)
        for plane in planes
    ]
    tapered_specs = [sfft.rfft2(t, workers=_THREADS) for t in tapered]
    sync_power = np.stack([_whiten(t)[1].astype(np.float32) for t in tapered_specs])
    chroma_power = (tapered_specs[1].real ** 2 + tapered_specs[1].imag ** 2).astype(np.float32)
    # the image's borders put lines on the spectrum's axes: leave them out of the search
    sync_power[:, : AXIS_BINS + 1] = sync_power[:, -AXIS_BINS:] = 0.0
    sync_power[:, :, : AXIS_BINS + 1] = 0.0
    chroma_power[: AXIS_BINS + 1] = chroma_power[-AXIS_BINS:] = 0.0
    chroma_power[:, : AXIS_BINS + 1] = 0.0
    return Working(np.stack(specs), sync_power, chroma_power, (hh, ww), factor)


def _radius(shape: tuple[int, int]) -> np.ndarray:
    h, w = shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    return np.sqrt(fx**2 + fy**2)


@cache
def band_frequencies() -> np.ndarray:
    """Every whole (u, v) of the band off the axes, one of each +-pair (u > 0)."""
    r = int(BAND_HIGH)
    uv = [
        (u, v)
        for u in range(1, r + 1)
        for v in range(-r, r + 1)
        if v != 0 and BAND_LOW <= math.hypot(u, v) <= BAND_HIGH
    ]
    return np.array(uv, np.float64)


@cache
def _template() -> tuple[np.ndarray, float]:
    """The band's frequencies on the (log radius, angle mod 90 degrees) grid, and the
    log radius of its first row."""
    uv = band_frequencies()
    log_r = np.log(np.hypot(uv[:, 0], uv[:, 1]))
    step_a = (math.pi / 2) / POLAR_ANGLES
    angle = np.arctan2(uv[:, 1], uv[:, 0]) % (math.pi / 2) / step_a
    row = (log_r - log_r.min()) / POLAR_STEP
    tmpl = np.zeros((int(math.ceil(row.max())) + 2, POLAR_ANGLES), np.float64)
    r0, a0 = np.floor(row).astype(int), np.floor(angle).astype(int)
    fr, fa = row - r0, angle - a0
    for dr, wr in ((0, 1 - fr), (1, fr)):  # bilinear splat
        for da, wa in ((0, 1 - fa), (1, fa)):
            np.add.at(tmpl, (r0 + dr, (a0 + da) % POLAR_ANGLES), wr * wa)
    return tmpl, float(log_r.min())


@lru_cache(maxsize=8)
def _polar_grid(shape: tuple[int, int], f_min: float) -> tuple[np.ndarray, ...]:
    """Log frequencies and the remap coordinates of a half-plane log-polar grid."""
    h, w = shape
    rows = int(math.ceil(math.log(POLAR_TOP / f_min) / POLAR_STEP)) + 1
    log_f = math.log(f_min) + POLAR_STEP * np.arange(rows)
    angle = -math.pi / 2 + (math.pi / 2 / POLAR_ANGLES) * np.arange(2 * POLAR_ANGLES)
    f = np.exp(log_f)[:, None]
    map_x = (f * np.cos(angle)[None] * w).astype(np.float32)
    map_y = (f * np.sin(angle)[None] * h + h // 2).astype(np.float32)
    return log_f, map_x, map_y


def lattice_candidates(work: Working) -> list[np.ndarray]:
    """Up to ``LATTICES`` + ``CHROMA_LATTICES`` tile vectors p (working pixels, angle in
    [-45, 45) degrees): the strongest in luma, then in chroma; found without the key."""
    # the evidence's lattice on images the working copy keeps whole (longer side up to
    # WORK_SIDE): the fewest tiles, where the search's order errs, and the cheapest
    extra = EVIDENCE_LATTICES > 0 and work.factor == 1.0
    out = _search(work, work.sync_power[0], LATTICES, RING_CLIP, 0, extra=extra)
    out += _search(work, work.chroma_power, CHROMA_LATTICES, None, 1)
    return out


def _search(
    work: Working,
    power: np.ndarray,
    count: int,
    clip: float | None,
    channel: int,
    extra: bool = False,
) -> list[np.ndarray]:
    """The ``count`` strongest lattices of one channel's power (see the module docstring),
    each refined on that channel's whitened power."""
    h, w = work.shape
    max_len = min(h, w) / 2
    if max_len < MIN_PERIOD * 1.5 or count == 0:
        return []
    power = np.fft.fftshift(power, axes=0)
    power = cv2.GaussianBlur(power, (0, 0), POLAR_BLUR)
    log_f, map_x, map_y = _polar_grid((h, w), BAND_LOW / max_len * BAND_MARGIN[0])
    polar = cv2.remap(power, map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0)
    polar = (polar[:, :POLAR_ANGLES] + polar[:, POLAR_ANGLES:]).astype(np.float64)
    sample = polar[:, ::3]  # every third angle is plenty for a ring's median and spread
    med = np.median(sample, axis=1, keepdims=True)
    spread = 1.4826 * np.median(np.abs(sample - med), axis=1, keepdims=True) + 1e-9
    polar = (polar - med) / spread
    if clip is not None:
        polar = np.clip(polar, -clip, clip)
    polar -= polar.mean(axis=1, keepdims=True)
    tmpl, log_r0 = _template()
    n = polar.shape[0] + tmpl.shape[0]
    corr = sfft.irfft2(
        sfft.rfft2(polar, s=(n, POLAR_ANGLES), workers=_THREADS)
        * np.conj(sfft.rfft2(tmpl, s=(n, POLAR_ANGLES), workers=_THREADS)),
        s=(n, POLAR_ANGLES),
        workers=_THREADS,
    )[: polar.shape[0]]
    # row s matches template row j to polar row s + j: template points in range
    per_row = tmpl.sum(axis=1)
    inside = np.array([per_row[: max(0, polar.shape[0] - s)].sum() for s in range(len(log_f))])
    corr /= np.sqrt(np.maximum(inside, 1.0))[:, None]
    period = np.exp(log_r0 - log_f)  # row s: the template's first ring at log_f[s]
    valid = (period >= MIN_PERIOD) & (period <= max_len / 1.5) & (inside > 0.3 * per_row.sum())
    corr[~valid] = -np.inf
    peak = _peaks(corr)
    rows, cols = np.nonzero((corr == peak) & np.isfinite(corr))
    order = np.argsort(corr[rows, cols])[::-1][:SHORTLIST]
    angles = cols[order] * (math.pi / 2 / POLAR_ANGLES)
    shortlist = [
        (float(period[s]), a - math.pi / 2 if a >= math.pi / 4 else a)
        for s, a in zip(rows[order], angles, strict=True)
    ]
    picks = list(range(min(count, len(shortlist))))
    if extra and len(shortlist) > count:
        # the shortlist's peak whose lines stand out most of the full-resolution power,
        # if the log-polar order left it out (a rotated mark on a small image, say)
        evidence = _Evidence(np.minimum(work.sync_power[channel], REFINE_CAP), work.shape)
        best = int(np.argmax([evidence(*c) for c in shortlist]))
        if best not in picks:
            picks.append(best)
    return [_refine(work, *shortlist[i], channel) for i in picks]


class _Evidence:
    """How strongly a lattice's band lines stand out of a (capped, whitened) power:
    (S - n mean) / (spread sqrt(n)) for the sum S of its n lines inside the spectrum,
    best of a 3 x 3 grid of scale and angle around the guess, read off a copy blurred
    by ``EVIDENCE_BLUR`` bins (a log-polar peak is a few tenths of a bin off). Made of
    the image alone, never the key."""

    def __init__(self, power: np.ndarray, shape: tuple[int, int]) -> None:
        self.power = cv2.GaussianBlur(power, (0, 0), EVIDENCE_BLUR)
        nonzero = self.power[self.power > 0]
        self.mean, self.spread = float(nonzero.mean()), float(nonzero.std()) + 1e-9
        self.shape = shape

    def __call__(self, period: float, angle: float) -> float:
        h, w = self.shape
        uv = band_frequencies()
        steps = np.array([-1.0, 0.0, 1.0])
        ps = period * (1 + EVIDENCE_STEP[0] * steps)[:, None, None]
        angles = angle + EVIDENCE_STEP[1] * steps[None, :, None]
        c, s = np.cos(angles), np.sin(angles)
        fx = (c * uv[:, 0] - s * uv[:, 1]) / ps
        fy = (s * uv[:, 0] + c * uv[:, 1]) / ps
        flip = fx < 0
        fx, fy = np.where(flip, -fx, fx), np.where(flip, -fy, fy)
        inside = (fx < 0.5) & (np.abs(fy) < 0.5)
        val = ndimage.map_coordinates(
            self.power, [(fy * h % h).ravel(), (fx * w).ravel()], order=1, mode="grid-wrap"
        ).reshape(fx.shape)
        n = np.maximum(inside.sum(axis=-1), 1)
        total = np.where(inside, val, 0.0).sum(axis=-1)
        return float(np.max((total - n * self.mean) / (self.spread * np.sqrt(n))))


def _refine(work: Working, period: float, angle: float, channel: int = 0) -> np.ndarray:
    """The tile vector near (period, angle) whose lines collect the most whitened power:
    three rounds of a 13 x 11 grid search, each a fifth of the last one's span."""
    h, w = work.shape
    uv = band_frequencies()
    power = np.minimum(work.sync_power[channel], REFINE_CAP)
    span_s, span_a = 0.012, math.radians(0.5)
    for _ in range(3):
        ps = period * (1 + np.linspace(-span_s, span_s, 13))[:, None, None]
        angles = angle + np.linspace(-span_a, span_a, 11)[None, :, None]
        c, s = np.cos(angles), np.sin(angles)
        fx = (c * uv[:, 0] - s * uv[:, 1]) / ps
        fy = (s * uv[:, 0] + c * uv[:, 1]) / ps
        flip = fx < 0  # the rfft holds one of each conjugate pair
        fx, fy = np.where(flip, -fx, fx), np.where(flip, -fy, fy)
        inside = (fx < 0.5) & (np.abs(fy) < 0.5)
        val = ndimage.map_coordinates(
            power, [(fy * h % h).ravel(), (fx * w).ravel()], order=1, mode="grid-wrap"
        ).reshape(fx.shape)
        score = np.where(inside, val, 0.0).sum(axis=-1)
        i, j = np.unravel_index(np.argmax(score), score.shape)
        period, angle = float(ps[i, 0, 0]), float(angles[0, j, 0])
        span_s, span_a = span_s / 5, span_a / 5
    return np.array([period * math.cos(angle), period * math.sin(angle)])


def _local_power(img: np.ndarray, sigma: float) -> np.ndarray:
    """img**2 smoothed by a Gaussian of ``sigma`` pixels, plus the floor (computed on a
    copy 8 times smaller: the window is tens of pixels wide)."""
    h, w = img.shape
    small = cv2.resize(img * img, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), max(sigma / 8, 0.5))
    local = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return local + SPATIAL_FLOOR * float(np.median(small)) + 1e-12


@lru_cache(maxsize=4)
def _grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return ys, xs


def unscaled(work: Working) -> np.ndarray:
    """The tile vector if the image was neither scaled nor rotated."""
    return np.array([TILE / work.factor, 0.0])


def fold(work: Working, p: np.ndarray) -> np.ndarray:
    """The [channel, FOLD, FOLD] sums of all tiles of the lattice (p, p rotated a quarter
    turn), each pixel weighted by the inverse of its channel's local power."""
    h, w = work.shape
    period = float(np.hypot(*p))
    radius = _radius(work.shape)
    lo, hi = BAND_LOW / period * BAND_MARGIN[0], BAND_HIGH / period * BAND_MARGIN[1]
    keep = (radius >= lo) & (radius <= hi)
    basis = np.array([[p[0], -p[1]], [p[1], p[0]]]) / FOLD  # canonical -> working pixels
    inv = np.linalg.inv(basis).astype(np.float32)
    ys, xs = _grid(h, w)
    cx = np.rint(inv[0, 0] * xs + inv[0, 1] * ys).astype(np.int64) % FOLD
    cy = np.rint(inv[1, 0] * xs + inv[1, 1] * ys).astype(np.int64) % FOLD
    index = (cy * FOLD + cx).ravel()
    out = []
    for spec in work.spectrum:
        img = sfft.irfft2(spec * keep, s=work.shape).astype(np.float32, copy=False)
        img = img / _local_power(img, SPATIAL_SIGMA * period)
        out.append(np.bincount(index, weights=img.ravel(), minlength=FOLD * FOLD))
    return np.stack(out).reshape(-1, FOLD, FOLD)
