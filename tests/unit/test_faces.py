"""Faces without bodies: small, tinted, rotated, on plain or photographed
backgrounds - each masked to the whole head, by either face model - and no
face where there is none. Faces are cut from scikit-image's astronaut (public
domain) with boxes set by eye, never by a face model."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import skimage.data

from core.frames import Label, RawImage, Stamp
from edge.redaction import Redactor
from edge.redaction.faces import FaceBox, FaceDetector
from tests.conftest import decode

# In skimage.data.astronaut(), set by eye: the face from the brows to the chin,
# cheek to cheek; the head from the top of the hair to the chin, ear to ear.
FACE = (180, 86, 264, 164)
HEAD = (150, 14, 300, 170)


def raw(pixels: np.ndarray, seq: int = 1) -> RawImage:
    return RawImage(seq, pixels, Stamp.media(seq / 30))


def tinted(bgr: np.ndarray, tint: str) -> np.ndarray:
    if tint == "sepia":
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
        return np.clip(np.stack([grey * 0.75, grey * 0.95, grey * 1.1], -1), 0, 255).astype(
            np.uint8
        )
    if tint == "grey":
        return cv2.cvtColor(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    if tint == "dark":
        return (bgr * 0.45).astype(np.uint8)
    if tint == "faded":  # low contrast
        return (128 + (bgr.astype(np.float32) - 128) * 0.45).astype(np.uint8)
    return bgr


def paste_head(
    frame: np.ndarray,
    centre: tuple[int, int],
    face_h: float,
    angle: float = 0.0,
    tint: str = "none",
    blur: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The astronaut's head, cut without her body, scaled so her face is
    ``face_h`` px high, tinted, blurred by ``blur`` px (sigma), turned by
    ``angle`` degrees, pasted centred at ``centre``.
    Returns the face's and the head's corners where they landed."""
    photo = np.ascontiguousarray(skimage.data.astronaut()[:, :, ::-1])
    x0, y0, x1, y1 = HEAD[0] - 8, HEAD[1] - 8, HEAD[2] + 8, HEAD[3] + 6
    scale = face_h / (FACE[3] - FACE[1])
    crop = cv2.resize(photo[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    crop = tinted(crop, tint)
    if blur:
        crop = cv2.GaussianBlur(crop, (0, 0), blur)
    h, w = crop.shape[:2]
    side = int(np.ceil(np.hypot(h, w))) + 2
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turn[:, 2] += [(side - w) / 2, (side - h) / 2]
    turned = cv2.warpAffine(crop, turn, (side, side))
    alpha = cv2.warpAffine(np.ones((h, w), np.float32), turn, (side, side))[..., None]
    left, top = centre[0] - side // 2, centre[1] - side // 2
    roi = frame[top : top + side, left : left + side].astype(np.float32)
    frame[top : top + side, left : left + side] = (turned * alpha + roi * (1 - alpha)).astype(
        np.uint8
    )

    def landed(box: tuple[int, int, int, int]) -> np.ndarray:
        bx0, by0, bx1, by1 = box
        corners = (np.float32([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]]) - [x0, y0]) * scale
        return corners @ turn[:, :2].T + turn[:, 2] + [left, top]

    return landed(FACE), landed(HEAD)


def inside(quad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(quad).astype(np.int32)], 1)
    return mask.astype(bool)


def masked_share(out_bgr: np.ndarray, quad: np.ndarray) -> float:
    """The share of the quad's pixels that are the redactor's black fill."""
    pixels = out_bgr[inside(quad, out_bgr.shape)]
    return float((pixels.max(axis=1) < 24).mean())


def photo_background(name: str) -> np.ndarray:
    """A scikit-image photograph with no face in it, as a 1280x720 BGR frame."""
    image = getattr(skimage.data, name)()
    bgr = image[:, :, ::-1] if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(cv2.resize(bgr, (1280, 720)))


# Small faces, tinted, blurred and turned, that CenterFace alone (at 1120 px,
# the engine before YuNet) missed every one of; each (face height, angle, tint, blur)
SMALL_FACES = {
    "flat": [(38, -15, "faded", 2.5), (38, -15, "dark", 2.5), (44, -15, "dark", 3.0)],
    "coffee": [(38, -15, "sepia", 3.0), (38, 15, "faded", 2.5), (44, 20, "dark", 3.0)],
}


@pytest.mark.parametrize("background", list(SMALL_FACES))
def test_small_tinted_turned_faces_without_bodies_are_masked(redactor, background):
    if background == "flat":
        frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    else:
        frame = photo_background(background)
    faces = [
        paste_head(frame, (240 + 400 * k, 360), h, angle, tint, blur)[0]
        for k, (h, angle, tint, blur) in enumerate(SMALL_FACES[background])
    ]
    out = decode(redactor.redact(raw(frame)).jpeg)
    assert [round(masked_share(out, face), 2) for face in faces] == [1.0] * len(faces)


def test_the_mask_covers_the_whole_head_hair_and_ears_included(redactor):
    frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    heads = [
        paste_head(frame, (320, 360), 100, 0)[1],
        paste_head(frame, (900, 360), 100, 12, "sepia")[1],
    ]
    out = decode(redactor.redact(raw(frame)).jpeg)
    for head in heads:
        assert masked_share(out, head) > 0.97
    assert (out.max(axis=2) < 24).mean() < 0.2  # the rest of the frame stays


@pytest.mark.parametrize("name", ["coffee", "rocket", "chelsea", "brick", "gravel", "grass"])
def test_a_photograph_without_a_face_gains_no_face(redactor, name):
    face = next(d for d in redactor.detectors if d.name == "face")
    assert face.detect(photo_background(name)) == []


class FixedFaceModel:
    """A face model that finds the boxes it is given."""

    def __init__(self, name: str, boxes: list[tuple[float, float, float, float]]) -> None:
        self.version, self.found = f"{name}/1", boxes

    def detect(self, bgr: np.ndarray) -> list[FaceBox]:
        return [FaceBox(*box, 0.9, self.version) for box in self.found]


def _faces_only(models) -> Redactor:
    return Redactor([FaceDetector(models)])


def test_a_face_only_the_second_model_finds_is_masked():
    frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    face, _ = paste_head(frame, (640, 360), 90)
    x0, y0 = face.min(axis=0)
    x1, y1 = face.max(axis=0)
    blind = FixedFaceModel("first", [])
    second = FixedFaceModel("second", [(x0, y0, x1, y1)])
    out = decode(_faces_only([blind, second]).redact(raw(frame)).jpeg)
    assert masked_share(out, face) == 1.0
    unmasked = decode(_faces_only([blind]).redact(raw(frame)).jpeg)
    assert masked_share(unmasked, face) < 0.05  # (her eyes are nearly black)


def test_two_models_boxes_of_one_face_are_one_finding():
    frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    face, _ = paste_head(frame, (640, 360), 90)
    x0, y0 = face.min(axis=0)
    x1, y1 = face.max(axis=0)
    models = [
        FixedFaceModel("first", [(x0, y0 + 6, x1 - 4, y1)]),
        FixedFaceModel("second", [(x0 + 3, y0, x1, y1 - 5)]),
    ]
    assert _faces_only(models).redact(raw(frame)).report.count(Label.FACE) == 1


def test_a_face_only_the_second_model_found_is_held_in_a_stream():
    frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    face, _ = paste_head(frame, (640, 360), 90)
    x0, y0 = face.min(axis=0)
    x1, y1 = face.max(axis=0)
    second = FixedFaceModel("second", [(x0, y0, x1, y1)])
    stream = _faces_only([FixedFaceModel("first", []), second]).stream()
    assert masked_share(decode(stream.redact(raw(frame, 0)).jpeg), face) == 1.0
    second.found = []  # both models miss it now, the face still there
    changed = frame.copy()
    changed[40:200, 40:200] = 30  # something else moved: the frame is checked again
    out = stream.redact(raw(changed, 1))
    assert stream.full_checks == 2
    assert masked_share(decode(out.jpeg), face) == 1.0


def test_a_box_below_the_smallest_face_is_no_face():
    # YuNet at 2x boxed the 8s, 9s and 0s of 7-segment screens at 11-18 px;
    # the faces promised start at 24 px (boxed at 20 px and up)
    frame = np.full((720, 1280, 3), (200, 190, 180), np.uint8)
    model = FixedFaceModel("m", [(100, 100, 112, 116), (400, 300, 420, 324)])
    found = FaceDetector([model]).boxes(frame)
    assert [(b.x0, b.y0) for b in found] == [(400, 300)]
