"""What ``glasses edge`` does with a spoken request's images: each one kept is
saved byte for byte (its watermark and signed manifest intact), a withheld
one is not, and the line printed says what happened without the images."""

from __future__ import annotations

from core.frames import Stamp, Transcript
from edge.activation import Reason
from edge.domain import GeneratedImage
from edge.imagining import imagined_summary
from edge.intent import ImagineRequest
from edge.redaction import redact_transcript
from edge.runtime import Interaction
from glasses.edge_run import describe, save_images

NOW = Stamp.now()


def _image(index: int, blocked: bool = False) -> GeneratedImage:
    data = b"" if blocked else b"\x89PNG\r\n\x1a\n" + bytes([index]) * 64
    return GeneratedImage(index, data, 512, 512, f"wm{index}", blocked, "tiny", sample_id="s1")


def test_kept_images_are_saved_as_sent_and_a_withheld_one_is_not(tmp_path):
    images = [_image(0), _image(1, blocked=True), _image(2)]
    said = redact_transcript(Transcript("imagine a lighthouse", NOW, NOW, "en", 0.9), 7)
    item = Interaction(said, Reason.WAKE_PHRASE, outcome="imagined", key="k1")
    item.imagine, item.images = ImagineRequest("a lighthouse", False), images
    item.answer = imagined_summary(images)
    saved = save_images(item, tmp_path / "pictures")
    assert [p.name for p in saved] == ["imagine_s1_0.png", "imagine_s1_2.png"]
    assert [p.read_bytes() for p in saved] == [images[0].data, images[2].data]
    line = describe(item, timings=False, saved=saved)
    assert line.startswith("imagine, from the words alone: imagined (Imagined 2 pictures.")
    assert "1 was withheld by the safety check" in line and str(saved[0]) in line
