"""The robust invisible watermark on every Imagine output.

Design: a keyed spread-spectrum mark. One 128-pixel tile, a sum of sinusoids
at whole frequencies of 4 to 15 cycles per tile (low enough to survive a 4x
downscale, blur and JPEG), is repeated over the image and added along the
RGB direction that moves luma most per unit of mean-square change
(``embed``; strength 2.9, PSNR 40.1 dB). A quarter of the tile's 664 real
coefficients are a key-derived reference; the rest carry a 64-bit payload
(16-bit generator, 48-bit serial) plus CRC-16, masked by the key and coded
with a rate-1/3, K=7 convolutional code (``payload``, ``pattern``).

To read it (``sync``, ``detect``), the detector takes two channels: luma, and
the RGB axis grey levels do not move, along which the mark is a faint
green-purple at 0.75 of its luma amplitude while achromatic texture, which
swamps it in luma, is absent. It finds the tile lattice (scale and rotation,
up to the square's eight symmetries) by matching the band's frequencies, a
key-independent template, against the whitened luma spectrum in log-polar
coordinates, ranks the strongest peaks again by how far their lines stand
out of the full-resolution spectrum, refines the best few to a fraction of
a spectral bin, and also tries the unscaled grid. For each lattice it folds every tile of each
channel into one (band-passed, each pixel weighted by the inverse of its
neighbourhood's power), reads the channels alone and together, tries the
eight symmetries (flips included) and every offset by FFT correlation with
the reference, and decodes the payload by soft Viterbi at the best one,
aligned to a fraction of a pixel by the reference; where the CRC fails and
the reference is strong, a list Viterbi decoder offers 15 more messages.
The verdict's
false-positive bound, with the search's multiple testing, is derived in
``detect``'s docstring: at most ``WatermarkConfig.false_positive_rate``
(1e-6) for any unmarked image.

Figures (robustness against RivaGAN and DWT-DCT, PSNR, speed, false
positives on 5,000 unmarked images): ``python -m bench.watermark``; the last
run's are in ``docs/figures/watermark.json``.
"""

from server.imagine.lazy import lazy_exports

# loaded on first use (server/imagine/lazy.py)
_EXPORTS = {
    "PAYLOAD_BITS": "server.imagine.watermark.payload",
    "WatermarkConfig": "server.imagine.watermark.config",
    "WatermarkPayload": "server.imagine.watermark.payload",
    "WatermarkReading": "server.imagine.watermark.watermarker",
    "Watermarker": "server.imagine.watermark.watermarker",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
