"""The one place ONNX Runtime sessions are built (injected into model classes)."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def create_session(model_path: Path, threads: int = 2) -> ort.InferenceSession:
    """A CPU session limited to ``threads`` intra-op threads (the edge has 2 cores)."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(
        str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
    )
