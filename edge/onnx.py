"""The one place ONNX Runtime sessions are built (injected into model classes)."""

from __future__ import annotations

from pathlib import Path

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
