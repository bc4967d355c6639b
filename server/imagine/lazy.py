"""Package exports loaded on first use.

The server's config imports the config modules of ``safety``, ``watermark``
and ``provenance``, and every command (the edge's too) reads that config;
importing the packages' models, native libraries (c2pa) and SciPy waits
until something uses them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A PEP 562 ``__getattr__`` for ``package`` that imports ``exports[name]`` (a
    module) when ``name`` is first asked for."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name]), name)

    return __getattr__
