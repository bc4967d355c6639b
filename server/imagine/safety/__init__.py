"""Imagine's safety layer: the prompt filter, the output-image classifier and
their configuration."""

from server.imagine.safety.config import ImageSafetyConfig, PromptFilterConfig, SafetyConfig
from server.imagine.safety.prompts import PromptFilter
from server.imagine.safety.verdicts import Category, ImageVerdict, PromptVerdict

__all__ = [
    "Category",
    "ImageSafetyConfig",
    "ImageVerdict",
    "PromptFilter",
    "PromptFilterConfig",
    "PromptVerdict",
    "SafetyConfig",
]
