"""Factories that build the edge's model-backed components from config."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from edge.asr import WhisperTranscriber
from edge.config import AsrConfig, EdgeConfig, RedactionConfig, VadConfig
from edge.redaction import Redactor, calibration
from edge.redaction.faces import (
    CenterFaceDetector,
    FaceDetector,
    YuNetDetector,
    YuNetTuning,
    dynamic_centerface,
    dynamic_yunet,
)
from edge.redaction.text.ppocr import TextDetector, TextOrientation, TextRecognizer
from edge.redaction.text.scanner import TextScanner
from edge.redaction.text.tuning import TextTuning
from edge.redaction.text_detector import SensitiveTextDetector
from edge.runtime import EdgeRuntime
from edge.vad import SileroVad, VadSegmenter
from models.config import ModelsConfig
from models.fold import fold_graph
from models.int8 import int8_model
from models.onnx import create_session
from models.registry import Role, resolve, resolve_file


def onnx_model(role: Role, models: ModelsConfig, config: RedactionConfig) -> Path | bytes:
    """The role's ONNX model as the edge runs it (the text models folded,
    ``models/fold.py``), or its int8 copy (built once into the cache) when asked."""
    path = resolve_file(role, **models.where())
    if role is Role.FACE:
        source = dynamic_centerface(path)
    elif role is Role.FACE_SECOND:
        return dynamic_yunet(path)  # 0.23 MB: no int8 copy
    else:
        source = fold_graph(path.read_bytes())
    if role.value not in config.int8:
        return source
    tensors, input_name = calibration.inputs(role, config.face_input_width)
    size = f"{config.face_input_width} px wide" if role is Role.FACE else ""
    return int8_model(source, role.value, models.cache_dir, tensors, input_name, size)


def onnx_session(
    role: Role, models: ModelsConfig, config: RedactionConfig, threads: int | None = None
) -> ort.InferenceSession:
    """The one place the redaction models' sessions are built (``threads``:
    ``models.threads`` unless given)."""
    model = resolve_file(role, **models.where()) if role is Role.OCR_CLS else None
    source = model or onnx_model(role, models, config)
    return create_session(source, threads=models.threads if threads is None else threads)


def build_scanner(models: ModelsConfig, config: RedactionConfig) -> TextScanner:
    """The text cascade on the bundled PP-OCRv4 weights."""
    return TextScanner(
        TextDetector(onnx_session(Role.OCR_DET, models, config)),
        TextRecognizer(
            onnx_session(Role.OCR_REC, models, config),
            orientation=TextOrientation(onnx_session(Role.OCR_CLS, models, config)),
        ),
        TextTuning(coarse_side=config.coarse_side),
        fine=config.fine_pass,
    )


def build_redactor(models: ModelsConfig, config: RedactionConfig) -> Redactor:
    """Card numbers, other personal text and faces, as the config's policy says."""
    policy = config.policy()
    scanner = build_scanner(models, config)
    detectors: list = [SensitiveTextDetector(scanner, config.rules(), policy.fill_bgr)]
    if config.faces:
        # it runs beside the text cascade (Redactor.find): one thread fewer
        threads = max(1, models.threads - 1)
        face_models: list = [
            CenterFaceDetector(
                onnx_session(Role.FACE, models, config, threads),
                input_width=config.face_input_width,
            )
        ]
        if config.face_second_scale > 0:
            face_models.append(
                YuNetDetector(
                    onnx_session(Role.FACE_SECOND, models, config, threads),
                    YuNetTuning(scale=config.face_second_scale),
                )
            )
        detectors.append(FaceDetector(face_models))
    return Redactor(detectors, policy)


def build_segmenter(models: ModelsConfig, config: VadConfig) -> VadSegmenter:
    session = create_session(resolve_file(Role.VAD, **models.where()), threads=1)
    return VadSegmenter(SileroVad(session), config)


def build_transcriber(
    models: ModelsConfig, config: AsrConfig, hotwords: str | None = None
) -> WhisperTranscriber:
    """Whisper on the CPU; ``hotwords``: ``ActivationConfig.hotwords()``."""
    return WhisperTranscriber(resolve(Role.ASR, **models.where()), config, models.threads, hotwords)


def build_edge_runtime(models: ModelsConfig, edge: EdgeConfig) -> EdgeRuntime:
    """The whole edge: VAD, on-device ASR and the redactor, wired together."""
    return EdgeRuntime(
        edge,
        build_segmenter(models, edge.vad),
        build_transcriber(models, edge.asr, edge.activation.hotwords()),
        build_redactor(models, edge.redaction),
    )
