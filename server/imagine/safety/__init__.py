"""Imagine's safety layer: the prompt filter, the output-image classifier and
their configuration."""

import importlib

# Loaded on first use: the server's config imports this package's config module,
# and every command reads that config; models and native libraries wait until used.
_EXPORTS = {
    "Category": "server.imagine.safety.verdicts",
    "ImageSafetyConfig": "server.imagine.safety.config",
    "ImageVerdict": "server.imagine.safety.verdicts",
    "PromptFilter": "server.imagine.safety.prompts",
    "PromptFilterConfig": "server.imagine.safety.config",
    "PromptVerdict": "server.imagine.safety.verdicts",
    "SafetyConfig": "server.imagine.safety.config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy exports
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
