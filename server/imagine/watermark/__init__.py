"""The robust invisible watermark on every Imagine output."""

from server.imagine.watermark.config import WatermarkConfig
from server.imagine.watermark.payload import PAYLOAD_BITS, WatermarkPayload
from server.imagine.watermark.watermarker import Watermarker, WatermarkReading

__all__ = [
    "PAYLOAD_BITS",
    "WatermarkConfig",
    "WatermarkPayload",
    "WatermarkReading",
    "Watermarker",
]
