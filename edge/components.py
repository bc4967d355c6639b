"""Factories that build the edge's model-backed components from config."""

from __future__ import annotations

from edge.asr import WhisperTranscriber
from edge.config import AsrConfig, EdgeConfig, RedactionConfig, VadConfig
from edge.onnx import create_session
from edge.redaction import RedactionPolicy, Redactor
from edge.redaction.detectors import OcrCardNumberDetector
from edge.redaction.ocr import RapidOcrReader
from edge.runtime import EdgeRuntime
from edge.vad import SileroVad, VadSegmenter
from models.config import ModelsConfig
from models.registry import Role, resolve, resolve_file


def build_redactor(models: ModelsConfig, config: RedactionConfig) -> Redactor:
    """The card-number redactor on the bundled PP-OCR weights."""
    where = models.where()
    reader = RapidOcrReader(
        resolve_file(Role.OCR_DET, **where),
        resolve_file(Role.OCR_REC, **where),
        threads=models.threads,
    )
    policy = RedactionPolicy(
        max_side=config.max_side,
        jpeg_quality=config.jpeg_quality,
        time_budget_ms=config.time_budget_ms,
        on_failure=config.on_failure,
    )
    return Redactor([OcrCardNumberDetector(reader, config.min_digits)], policy)


def build_segmenter(models: ModelsConfig, config: VadConfig) -> VadSegmenter:
    session = create_session(resolve_file(Role.VAD, **models.where()), threads=1)
    return VadSegmenter(SileroVad(session), config)


def build_transcriber(models: ModelsConfig, config: AsrConfig) -> WhisperTranscriber:
    return WhisperTranscriber(resolve(Role.ASR, **models.where()), config, models.threads)


def build_edge_runtime(models: ModelsConfig, edge: EdgeConfig) -> EdgeRuntime:
    """The whole edge: VAD, on-device ASR and the redactor, wired together."""
    return EdgeRuntime(
        edge,
        build_segmenter(models, edge.vad),
        build_transcriber(models, edge.asr),
        build_redactor(models, edge.redaction),
    )
