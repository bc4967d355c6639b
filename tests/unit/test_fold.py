"""The folded text models compute what the shipped ones compute, with fewer nodes."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from edge.redaction.text.lines import crop_line
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from models.fold import fold_graph
from models.onnx import create_session
from models.registry import Role, resolve_file
from tests.conftest import TEST_CARD, card_scene


def _block(rng: np.random.Generator) -> bytes:
    """conv3x3 -> *a+b -> hard-swish -> *c+d -> conv1x1 -> hard-swish -> *e+f ->
    depthwise conv3x3 with padding (whose scale and bias must stay), as
    paddle2onnx writes PP-LCNetV3 blocks (opset 12, scalars as Constant nodes)."""
    nodes, inits = [], []

    def const(name: str, value: float, shape: tuple[int, ...] = (1,)) -> str:
        tensor = numpy_helper.from_array(np.full(shape, value, np.float32))
        nodes.append(helper.make_node("Constant", [], [name], value=tensor))
        return name

    def weight(name: str, shape: tuple[int, ...]) -> str:
        inits.append(numpy_helper.from_array(rng.normal(size=shape).astype(np.float32), name))
        return name

    def affine(x: str, tag: str, a: float, b: float) -> str:
        nodes.append(helper.make_node("Mul", [const(f"{tag}a", a), x], [f"{tag}m"]))
        nodes.append(helper.make_node("Add", [f"{tag}m", const(f"{tag}b", b)], [f"{tag}y"]))
        return f"{tag}y"

    def hard_swish(x: str, tag: str) -> str:
        nodes.append(helper.make_node("Add", [x, const(f"{tag}3", 3.0)], [f"{tag}p"]))
        lo, hi = const(f"{tag}lo", 0.0, ()), const(f"{tag}hi", 6.0, ())
        nodes.append(helper.make_node("Clip", [f"{tag}p", lo, hi], [f"{tag}c"]))
        nodes.append(helper.make_node("Mul", [x, f"{tag}c"], [f"{tag}xc"]))
        nodes.append(helper.make_node("Div", [f"{tag}xc", const(f"{tag}6", 6.0)], [f"{tag}h"]))
        return f"{tag}h"

    def conv(x: str, out: str, shape: tuple[int, ...], **attrs) -> str:
        w, b = weight(f"{out}w", shape), weight(f"{out}b", shape[:1])
        nodes.append(helper.make_node("Conv", [x, w, b], [out], **attrs))
        return out

    h = hard_swish(affine(conv("x", "c1", (8, 3, 3, 3), pads=[1] * 4), "s1", 2.1, 0.8), "h1")
    h = hard_swish(
        affine(conv(affine(h, "s2", 0.4, -0.3), "c2", (8, 8, 1, 1)), "s3", 1.7, 0.2), "h2"
    )
    conv(affine(h, "s4", 0.6, -0.5), "y", (8, 1, 3, 3), pads=[1] * 4, group=8)
    graph = helper.make_graph(
        nodes,
        "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, "h", "w"])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], ir_version=8)
    return model.SerializeToString()


def _ops(source: bytes) -> list[str]:
    return [n.op_type for n in onnx.load_from_string(source).graph.node if n.op_type != "Constant"]


def test_a_block_folds_to_convolutions_and_hard_swish_with_the_same_output():
    source = _block(np.random.default_rng(0))
    folded = fold_graph(source)
    assert _ops(folded) == ["Conv", "HardSwish", "Conv", "HardSwish", "Mul", "Add", "Conv"]
    before, after = create_session(source), create_session(folded)
    for shape in ((1, 3, 5, 7), (1, 3, 32, 48)):
        x = np.random.default_rng(1).uniform(-3, 3, shape).astype(np.float32)
        want = before.run(None, {"x": x})[0]
        np.testing.assert_allclose(after.run(None, {"x": x})[0], want, rtol=1e-4, atol=1e-4)


@pytest.fixture(scope="module")
def frame():
    return card_scene(TEST_CARD)


def test_the_folded_detector_sees_the_same_text(frame):
    shipped = resolve_file(Role.OCR_DET)
    folded = fold_graph(shipped.read_bytes())
    assert len(_ops(folded)) < 0.6 * len(_ops(shipped.read_bytes()))
    maps = [TextDetector(create_session(m)).probability(frame, 960) for m in (shipped, folded)]
    np.testing.assert_allclose(maps[1], maps[0], atol=1e-4)


def test_the_folded_recogniser_reads_the_same(frame):
    shipped = resolve_file(Role.OCR_REC)
    folded = fold_graph(shipped.read_bytes())
    assert "Clip" not in _ops(folded) and "HardSwish" in _ops(folded)
    quads = TextDetector(create_session(resolve_file(Role.OCR_DET))).detect(frame, 1280)
    crops = [crop_line(frame, q) for q in quads]
    sessions = [create_session(m) for m in (shipped, folded)]
    for crop in crops:
        batch = TextRecognizer.tensor([crop])
        probs = [s.run(None, {"x": batch})[0] for s in sessions]
        np.testing.assert_allclose(probs[1], probs[0], atol=1e-4)
    text = "".join(r.text for r in TextRecognizer(create_session(folded)).recognize(crops))
    assert TEST_CARD in "".join(c for c in text if c.isdigit())
