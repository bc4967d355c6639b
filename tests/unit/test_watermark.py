"""Imagine's watermark, as a user of the images would meet it: invisible, read back
after the usual edits, never reported on an image it was not put in.

Attacks are written here with OpenCV and PIL, not with the watermark's code.
"""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
import pytest
import skimage.data
from PIL import Image, ImageDraw

from server.imagine.watermark import WatermarkConfig, Watermarker, WatermarkPayload

KEY = "test-key-7f3a9c"
PAYLOAD = WatermarkPayload(0x0A0B, 0x123456789ABC)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return 10 * math.log10(255**2 / np.mean((a.astype(np.float64) - b) ** 2))


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(buf).convert("RGB"))


def screenshot(rgb: np.ndarray) -> np.ndarray:
    im = Image.fromarray(rgb)
    shown = im.resize((round(im.width * 0.8), round(im.height * 0.8)), Image.BILINEAR)
    canvas = Image.new("RGB", (shown.width + 24, shown.height + 68), (236, 236, 236))
    ImageDraw.Draw(canvas).rectangle([0, 0, canvas.width, 38], fill=(52, 58, 70))
    canvas.paste(shown, (12, 40))
    buf = io.BytesIO()
    canvas.save(buf, format="PNG")
    return np.asarray(Image.open(buf).convert("RGB"))


def centre_crop(rgb: np.ndarray, area: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    ch, cw = round(h * math.sqrt(area)), round(w * math.sqrt(area))
    return rgb[(h - ch) // 2 :][:ch, (w - cw) // 2 :][:, :cw]


ATTACKS = {
    "jpeg 50": lambda a: jpeg(a, 50),
    "resize 25 % and back": lambda a: cv2.resize(
        cv2.resize(a, (320, 320), interpolation=cv2.INTER_AREA),
        (1280, 1280),
        interpolation=cv2.INTER_CUBIC,
    ),
    "centre crop 25 %": lambda a: centre_crop(a, 0.25),
    "horizontal flip": lambda a: np.ascontiguousarray(a[:, ::-1]),
    "rotate 5 degrees": lambda a: np.asarray(Image.fromarray(a).rotate(5, Image.BILINEAR)),
    "screenshot": screenshot,
}


@pytest.fixture(scope="module")
def watermarker() -> Watermarker:
    return Watermarker(WatermarkConfig(key=KEY))


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return cv2.resize(skimage.data.coffee(), (1280, 1280), interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="module")
def marked(watermarker, photo) -> np.ndarray:
    return watermarker.embed(photo, PAYLOAD)


def test_the_mark_is_invisible_by_psnr_and_deterministic(watermarker, photo, marked):
    assert marked.shape == photo.shape and marked.dtype == np.uint8
    assert psnr(marked, photo) >= 40.0
    assert np.array_equal(watermarker.embed(photo, PAYLOAD), marked)


def test_a_marked_image_reads_back_its_payload(watermarker, marked):
    reading = watermarker.detect(marked)
    assert reading.found and reading.payload == PAYLOAD
    assert reading.bit_accuracy > 0.9 and reading.false_positive_rate == 1e-6
    assert reading.transform.startswith("scale 1.00 rot ") and "flip" not in reading.transform


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_payload_survives_an_edit(watermarker, marked, attack):
    reading = watermarker.detect(np.ascontiguousarray(ATTACKS[attack](marked)))
    assert reading.found, f"{attack}: score {reading.score:.2f}"
    assert reading.payload == PAYLOAD


def test_the_lattice_is_measured_after_a_rotation(watermarker):
    """Rotation by PIL leaves black, jagged corners; the lattice is still found on a
    512-pixel photo (16 tiles), and measured to a twentieth of a degree on smooth noise
    at 1280 (its fold adds up 100 tiles, which needs it)."""
    rng = np.random.default_rng(4)
    noise = cv2.GaussianBlur(rng.normal(0, 1, (1280, 1280, 3)).astype(np.float32), (0, 0), 3)
    cases = [  # image, degrees, tolerance of the angle read (to 0.1 in the transform)
        (cv2.resize(skimage.data.chelsea(), (512, 512), interpolation=cv2.INTER_AREA), 5.0, 0.15),
        (np.clip(128 + noise / noise.std() * 30, 0, 255).astype(np.uint8), 3.3, 0.05),
    ]
    for image, degrees, tolerance in cases:
        marked = Image.fromarray(watermarker.embed(image, PAYLOAD))
        reading = watermarker.detect(np.asarray(marked.rotate(degrees, Image.BILINEAR)))
        assert reading.payload == PAYLOAD, reading
        _, scale, _, angle = reading.transform.split()[:4]
        assert scale == "1.00" and abs(float(angle) + degrees) <= tolerance, reading.transform


def test_achromatic_texture_is_read_on_the_chroma_axis(watermarker):
    """Gravel at 512 pixels swamps the mark in luma; grey texture leaves the other axis
    clear, so the mark reads back whole, cropped to a quarter (256 x 256) as well."""
    gravel = cv2.resize(skimage.data.gravel(), (512, 512), interpolation=cv2.INTER_AREA)
    marked = watermarker.embed(np.repeat(gravel[:, :, None], 3, axis=2), PAYLOAD)
    for image in (marked, centre_crop(marked, 0.25)):
        reading = watermarker.detect(np.ascontiguousarray(image))
        assert reading.found and reading.payload == PAYLOAD, reading


def test_another_key_does_not_read_the_mark(marked):
    reading = Watermarker(WatermarkConfig(key="another-key-1234")).detect(marked)
    assert not reading.found and reading.payload is None and reading.bit_accuracy == 0.0


def _unmarked(i: int) -> np.ndarray:
    """Varied images no mark was put in: photo crops, noise, shapes, text, flat, JPEG."""
    rng = np.random.default_rng(i)
    w, h = (int(rng.integers(64, 640)), int(rng.integers(64, 640)))
    if i % 50 == 0:
        w, h = 1280, 1280
    kind = i % 4
    if kind == 0:
        photo = getattr(skimage.data, ["astronaut", "coffee", "chelsea", "rocket"][i % 16 // 4])()
        y, x = rng.integers(0, photo.shape[0] // 2), rng.integers(0, photo.shape[1] // 2)
        img = cv2.resize(photo[y:, x:], (w, h), interpolation=cv2.INTER_AREA)
    elif kind == 1:
        z = cv2.GaussianBlur(rng.normal(0, 1, (h, w, 3)).astype(np.float32), (0, 0), 3)
        img = np.clip(128 + z / (z.std() + 1e-6) * 40, 0, 255).astype(np.uint8)
    elif kind == 2:
        img = np.full((h, w, 3), rng.integers(0, 256, 3), np.uint8)
        for _ in range(10):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            cv2.circle(img, (x, y), int(rng.integers(4, 60)), colour, -1)
            cv2.putText(img, "IMAGINE", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, colour, 2)
    else:
        img = np.full((h, w, 3), int(rng.integers(0, 256)), np.uint8)  # flat
    if i % 3 == 0:
        img = jpeg(img, int(rng.integers(30, 95)))
    return np.ascontiguousarray(img)


def test_unmarked_images_are_never_reported(watermarker):
    scores = [watermarker.detect(_unmarked(i)) for i in range(300)]
    assert [r for r in scores if r.found] == []


@pytest.mark.parametrize(
    "shape",
    [(10, 10, 3), (63, 500, 3), (64, 64, 3), (64, 2000, 3), (2048, 2048, 3)],
)
def test_odd_images_do_not_raise(watermarker, shape):
    rng = np.random.default_rng(0)
    for image in (np.zeros(shape, np.uint8), rng.integers(0, 256, shape, dtype=np.uint8)):
        reading = watermarker.detect(image)
        assert not reading.found


def test_grayscale_as_rgb_is_marked_and_read(watermarker):
    grey = cv2.resize(skimage.data.camera(), (768, 768))
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    reading = watermarker.detect(watermarker.embed(rgb, PAYLOAD))
    assert reading.found and reading.payload == PAYLOAD


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((255, 300, 3), np.uint8),
        np.zeros((300, 300), np.uint8),
        np.zeros((300, 300, 4), np.uint8),
        np.zeros((300, 300, 3), np.float32),
    ],
    ids=["too small", "grey", "rgba", "float"],
)
def test_embedding_refuses_what_it_cannot_mark(watermarker, image):
    with pytest.raises(ValueError):
        watermarker.embed(image, PAYLOAD)
