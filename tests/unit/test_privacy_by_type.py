import numpy as np
import pytest

from core.frames import (
    RawImage,
    RedactedImage,
    RedactionReport,
    Stamp,
    Transcript,
    Utterance,
)
from edge import wire
from edge.domain import ImagineOptions


def test_a_redacted_image_cannot_be_built_outside_the_redactor():
    with pytest.raises(TypeError, match="edge.redaction"):
        RedactedImage(1, b"\xff\xd8", 1, 1, Stamp.media(0), RedactionReport(()))


def test_an_utterance_cannot_be_built_outside_text_redaction():
    with pytest.raises(TypeError, match="edge.redaction"):
        Utterance(1, "4111 1111 1111 1111", Stamp.media(0), Stamp.media(1), "en", 1.0, 0)


def test_a_raw_frame_cannot_be_serialised_for_upload():
    raw = RawImage(1, np.zeros((8, 8, 3), np.uint8), Stamp.media(0))
    with pytest.raises(TypeError, match="only a RedactedImage"):
        wire.encode_frame(raw)
    transcript = Transcript("secret", Stamp.media(0), Stamp.media(1), "en", 1.0)
    with pytest.raises(TypeError, match="redacted Utterance"):
        wire.encode_utterance(transcript)


def test_frames_print_sizes_never_payloads():
    raw = RawImage(7, np.full((4, 6, 3), 200, np.uint8), Stamp.media(1.5))
    assert str(raw) == "RawImage(seq=7 6x4 t=1.500)"
    transcript = Transcript("my pin is 1234", Stamp.media(0), Stamp.media(1), "en", 1.0)
    assert "1234" not in str(transcript)


def test_an_imagine_prompt_leaves_the_device_redacted():
    prompt = "a cat on my card 4111 1111 1111 1111, mail jo@example.org"
    request = wire.encode_generate(ImagineOptions(prompt))
    assert "4111" not in request.prompt and "jo@example.org" not in request.prompt
    assert request.prompt.startswith("a cat on my card [card number]")
