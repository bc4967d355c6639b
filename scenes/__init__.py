"""Synthetic scenes with known ground truth: demo recordings, int8 calibration
frames, the redaction benchmark and tests draw their pictures here.

Production code does not import it at run time; the one exception is the
one-time calibration of the int8 model copies (``edge.redaction.calibration``).
It imports nothing of the project but ``core``.
"""
