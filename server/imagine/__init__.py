"""Imagine: text-to-image and riffs, with safety, watermark and provenance."""
