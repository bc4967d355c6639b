"""The one place ONNX Runtime sessions are built (injected into model classes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

INT8_TAG = "glasses.int8"  # metadata key that models/int8.py writes into its copies


def create_session(model: Path | bytes, threads: int = 2) -> ort.InferenceSession:
    """A CPU session limited to ``threads`` intra-op threads (the edge has 2 cores),
    which sleep rather than spin between runs. ``model`` is a file or a
    serialised model."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Threads that spin waiting for work hold a core: the text cascade and the
    # face detector run side by side on the edge's two, and each session's
    # spinning slowed the other (an interleaved A/B: 0.90x the mean frame time)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])


def model_version(session: ort.InferenceSession, base: str) -> str:
    """``base``, marked ``-int8`` when the session runs an int8 copy."""
    return f"{base}-int8" if INT8_TAG in session.get_modelmeta().custom_metadata_map else base


def planar(image: np.ndarray, scale: float = 1.0, shift: float = 0.0) -> np.ndarray:
    """An HxWxC uint8 image as a model's 1xCxHxW float32 input, ``image * scale +
    shift``, written plane by plane into one contiguous array. The transposed
    view that ``astype(...).transpose(...)`` gives is copied again by ONNX
    Runtime, and for a 1280x704 mosaic cost four times as long (values alike
    to the bit)."""
    height, width, channels = image.shape
    out = np.empty((1, channels, height, width), np.float32)
    for c in range(channels):
        np.multiply(image[:, :, c], np.float32(scale), out=out[0, c], dtype=np.float32)
        if shift:
            out[0, c] += np.float32(shift)
    return out


def symbolic_dims(path: Path, dims: dict[str, list[int | str]]) -> bytes:
    """The ONNX model at ``path`` with the shapes of the inputs and outputs named
    in ``dims`` rewritten (a string is a symbolic dimension), serialised.

    Fully convolutional models are often exported for one input size (CenterFace
    10x3x32x32, YuNet 1x3x640x640); made symbolic, one session runs any size.
    Initialisers listed as graph inputs (an old exporter's habit) are dropped
    from the inputs, so ONNX Runtime can fold them as constants.
    """
    import onnx

    model = onnx.load(str(path))
    initialisers = {init.name for init in model.graph.initializer}
    kept = [i for i in model.graph.input if i.name not in initialisers]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    for value in [*model.graph.input, *model.graph.output]:
        if value.name in dims:
            shape = value.type.tensor_type.shape.dim
            for dim, new in zip(shape, dims[value.name], strict=True):
                dim.Clear()
                if isinstance(new, str):
                    dim.dim_param = new
                else:
                    dim.dim_value = new
    return model.SerializeToString()
