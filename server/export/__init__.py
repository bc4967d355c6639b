"""``glasses export``: consented, re-scanned samples as a training dataset.

:mod:`~server.export.batch` is the pure per-sample work, :mod:`~server.export.dataset`
what gets written, :mod:`~server.export.run` the driver.
"""

from server.export.run import Exporter, ExportResult, ExportSpec

__all__ = ["ExportResult", "ExportSpec", "Exporter"]
