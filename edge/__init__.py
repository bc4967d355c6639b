"""The edge runtime: capture, on-device ASR, redaction and uplink.

Never imports torch, transformers or diffusers: it runs on ONNX Runtime,
OpenCV, numpy and CTranslate2 on a weak 2-core CPU.
"""
