"""Imagine's safety layer: the prompt filter, the output-image classifier and
their configuration."""

from server.imagine.lazy import lazy_exports

# loaded on first use (server/imagine/lazy.py)
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


__getattr__ = lazy_exports(__name__, _EXPORTS)
