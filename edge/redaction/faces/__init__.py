"""Faces: two face models (CenterFace, YuNet) whose boxes are unioned and grown
to the whole head (``detector.py``)."""

from edge.redaction.faces.boxes import FaceBox
from edge.redaction.faces.centerface import (
    CENTERFACE,
    CenterFaceDetector,
    CenterFaceTuning,
    dynamic_centerface,
)
from edge.redaction.faces.detector import FACES, FaceDetector, FaceModel, FaceTuning
from edge.redaction.faces.yunet import YUNET, YuNetDetector, YuNetTuning, dynamic_yunet

__all__ = [
    "CENTERFACE",
    "FACES",
    "YUNET",
    "CenterFaceDetector",
    "CenterFaceTuning",
    "FaceBox",
    "FaceDetector",
    "FaceModel",
    "FaceTuning",
    "YuNetDetector",
    "YuNetTuning",
    "dynamic_centerface",
    "dynamic_yunet",
]
