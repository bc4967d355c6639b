"""Int8 copies of the edge's ONNX models, built once into the cache folder.

Static quantisation with ONNX Runtime's own tools: QDQ format, int8 weights
per output channel, uint8 activations with ranges measured (min/max) on a
calibration set. On a CPU with VNNI the text detector, the recogniser and
CenterFace run 1.5-2x faster at the same recall (``bench/redaction.py``
compares). The caller supplies the calibration tensors; the edge draws its
own (``edge/redaction/calibration.py``), so building needs no download.

The built file is named after the SHA-256 of the source, the recipe, the
calibration and the ONNX Runtime version, so any change gets a new copy. It
is written to a temporary name and renamed: two processes building at once
each end with a whole file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from models.onnx import INT8_TAG

log = logging.getLogger(__name__)

RECIPE = (
    "qdq u8 activations, s8 per-channel weights, min-max, float heads, tagged"  # part of the key
)
WEIGHTED = {"Conv", "ConvTranspose", "MatMul", "Gemm"}


def int8_model(
    source: bytes,
    name: str,
    cache_dir: Path,
    inputs: Callable[[], Iterator[np.ndarray]],
    input_name: str,
    calibration: str = "",
) -> Path:
    """The cached int8 copy of the serialised model ``source``, built if missing.

    ``inputs`` yields the model's own input tensors for calibration;
    ``calibration`` names what decides them (an input size), so that a copy
    calibrated otherwise is not taken for this one.
    """
    import onnxruntime as ort

    recipe = f"{RECIPE} onnxruntime {ort.__version__} calibrated {calibration}".encode()
    digest = hashlib.sha256(recipe + source).hexdigest()[:16]
    target = Path(cache_dir).expanduser() / "int8" / f"{name}-{digest}.onnx"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("building the int8 copy of %s (once, a few seconds)", name)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp, _quiet():
        built = _quantize(source, Path(tmp), inputs, input_name)
        fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
        with os.fdopen(fd, "wb") as fh:
            fh.write(built.read_bytes())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    return target


def _heads(model) -> list[str]:  # noqa: ANN001 - onnx.ModelProto
    """The nodes from each output back to its last weighted layer: they stay float.

    A head's output range is only seen on inputs that have the thing it
    detects; calibrated on others (a face model on frames without faces) it
    would clip every detection to nothing.
    """
    producer = {out: node for node in model.graph.node for out in node.output}
    heads = []
    for output in model.graph.output:
        node = producer.get(output.name)
        while node is not None:
            heads.append(node.name)
            if node.op_type in WEIGHTED or not node.input:
                break
            node = producer.get(node.input[0])
    return heads


@contextmanager
def _quiet() -> Iterator[None]:
    """The quantiser warns about every unused initialiser and 1-D weight; none matters."""
    import onnxruntime as ort

    ort.set_default_logger_severity(3)
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _quantize(
    data: bytes, tmp: Path, inputs: Callable[[], Iterator[np.ndarray]], input_name: str
) -> Path:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = ({input_name: x} for x in inputs())

        def get_next(self) -> dict | None:
            return next(self.feeds, None)

    model = onnx.load_from_string(data)
    if model.opset_import[0].version < 13:  # per-channel QDQ needs opset 13
        model = version_converter.convert_version(model, 17)
    for k, node in enumerate(model.graph.node):
        node.name = node.name or f"node{k}"
    onnx.save(model, str(tmp / "source.onnx"))
    quant_pre_process(str(tmp / "source.onnx"), str(tmp / "pre.onnx"), skip_symbolic_shape=True)
    quantize_static(
        str(tmp / "pre.onnx"),
        str(tmp / "int8.onnx"),
        Reader(),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=_heads(model),
    )
    built = onnx.load(str(tmp / "int8.onnx"))
    tag = built.metadata_props.add()  # how the session knows it runs an int8 copy
    tag.key, tag.value = INT8_TAG, RECIPE
    onnx.save(built, str(tmp / "int8.onnx"))
    return tmp / "int8.onnx"
