"""A spoken request to imagine, through the whole edge runtime to the real
Imagine service on loopback (gRPC, TLS, the tiny diffusion model, NudeNet,
watermark, C2PA): the real VAD on the bundled recording, the view redacted by
the real redactor. Fake: the transcriber (it "hears" the request; ASR is not
under test) and the question-answering model (it must not be asked)."""

from __future__ import annotations

from edge.components import build_segmenter
from edge.config import EdgeConfig, VoiceImagineConfig
from edge.imagine_client import ImagineClient
from edge.link import open_uplink
from edge.redaction import Redactor
from edge.runtime import EdgeRuntime
from edge.uplink import bearer
from glasses.assets import DEMO_CARD_NUMBER
from tests.conftest import decode, readable_digit_runs
from tests.fakes import FakeDetector, FakeVisionLanguageBackend
from tests.integration.serving import enrol, run, serving
from tests.integration.test_question_outcomes import SaidTranscriber, _sources


def _ask(tmp_path, models_config, imagine, said: str, edge_redactor, images: int = 0):  # noqa: ANN001, ANN202
    """Say ``said`` over the demo recording: (the interaction, the VLM's calls,
    the server's re-check calls, the server's samples)."""
    backend, recheck = FakeVisionLanguageBackend(), FakeDetector()
    config = EdgeConfig(imagine=VoiceImagineConfig(images=images))

    async def scenario():
        async with serving(tmp_path, backend, Redactor([recheck]), imagine=imagine) as (
            channel,
            store,
        ):
            token = bearer(enrol(store, config.device_id))
            segmenter = build_segmenter(models_config, config.vad)
            runtime = EdgeRuntime(config, segmenter, SaidTranscriber(said), edge_redactor)
            client = ImagineClient(channel, token, config.device_id)
            link = open_uplink(channel, token, config.uplink, tmp_path / "outbox.sqlite")
            async with link:
                (item,) = await runtime.run(*_sources(), link, imagine=client)
            ids = {image.sample_id for image in item.images}
            return item, [store.get(i) for i in ids], store.count()

    item, samples, count = run(scenario())
    return item, backend.calls, recheck.calls, samples, count


def test_imagine_a_lighthouse_gives_four_images_and_sends_no_frame(
    tmp_path, models_config, imagine
):
    item, asked, rechecked, samples, count = _ask(
        tmp_path, models_config, imagine, "Hey glasses, imagine a lighthouse at dusk.", Redactor([])
    )
    assert item.outcome == "imagined", item.error
    assert item.imagine.prompt == "a lighthouse at dusk" and not item.imagine.riff
    assert [i.index for i in item.images] == [0, 1, 2, 3]
    assert len({i.watermark_id for i in item.images}) == 4
    assert item.answer == "Imagined 4 pictures."
    # the view was not needed, so none of it went up: no frame re-checked or kept
    assert item.redacted is None and rechecked == []
    assert asked == []  # a request to imagine is not a question for the model
    (sample,) = samples
    assert count == 1 and sample.frame_jpeg is None
    assert sample.query_text == "a lighthouse at dusk"
    assert sample.redaction["imagine"]["kind"] == "generated"


def test_imagine_this_as_riffs_on_the_view_with_the_card_masked_first(
    tmp_path, models_config, imagine, redactor, strong_reader
):
    said = "Hey glasses, imagine this as a watercolour painting"
    item, asked, rechecked, samples, _ = _ask(
        tmp_path, models_config, imagine, said, redactor, images=1
    )
    assert item.outcome == "imagined", item.error
    assert item.imagine.riff and item.imagine.prompt == "a watercolour painting"
    assert len(item.images) == 1 and item.answer == "Imagined 1 picture."
    assert item.redacted.report.counts().get("card_number")  # masked on the device
    assert len(rechecked) == 1  # the server re-checked the view before the model saw it
    assert asked == []
    # what the server kept of the view: the card is unreadable to an independent reader
    (sample,) = samples
    assert sample.redaction["imagine"]["kind"] == "riff"
    assert DEMO_CARD_NUMBER not in readable_digit_runs(strong_reader, decode(sample.frame_jpeg))


def test_a_blocked_spoken_prompt_fails_clearly_and_nothing_is_kept(
    tmp_path, models_config, imagine
):
    said = "Hey glasses, imagine Elmo from Sesame Street waving"
    item, asked, _, samples, count = _ask(tmp_path, models_config, imagine, said, Redactor([]))
    assert item.outcome == "failed" and item.images == []
    assert item.error == "INVALID_ARGUMENT: blocked: a protected commercial character"
    assert count == 0 and samples == [] and asked == []


def test_with_imagine_off_the_same_words_are_a_question_about_the_view(
    tmp_path, models_config, imagine
):
    config = EdgeConfig(imagine=VoiceImagineConfig(enabled=False))
    backend = FakeVisionLanguageBackend()

    async def scenario():
        async with serving(tmp_path, backend, Redactor([]), imagine=imagine) as (channel, store):
            token = bearer(enrol(store, config.device_id))
            runtime = EdgeRuntime(
                config,
                build_segmenter(models_config, config.vad),
                SaidTranscriber("Hey glasses, imagine this as a castle"),
                Redactor([]),
            )
            link = open_uplink(channel, token, config.uplink, tmp_path / "outbox.sqlite")
            async with link:
                client = ImagineClient(channel, token, config.device_id)
                (item,) = await runtime.run(*_sources(), link, imagine=client)
            return item

    item = run(scenario())
    assert item.imagine is None and item.outcome == "answered"
    assert backend.calls == [("imagine this as a castle", True)]
