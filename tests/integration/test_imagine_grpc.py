"""Imagine over real gRPC (port 0, TLS): generate, riff, verify, the safety
blocks, bad input, and what is logged, with the real tiny diffusion model,
NudeNet, watermark and C2PA signing."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading

import cv2
import grpc
import numpy as np
import pytest
import webdataset as wds
from grpc_health.v1 import health_pb2, health_pb2_grpc

from core.frames import RawImage, Scope, Stamp
from edge.domain import ImagineOptions
from edge.imagine_client import ImagineClient
from edge.uplink import bearer
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.consent import ConsentLedger
from server.export import Exporter, ExportSpec
from server.imagine.build import build_parts
from server.imagine.config import ImagineConfig
from server.imagine.finishing import WITHHELD_NOTICE
from server.imagine.provenance import ProvenanceConfig
from tests.conftest import card_scene
from tests.fakes import FakeImageClassifier
from tests.integration.serving import enrol, run, serving
from tests.support.tamper import repaint_keeping_the_manifest

SIDE = 512  # the tiny model's default output side


async def collect(images) -> list:  # noqa: ANN001 - an async iterator of GeneratedImage
    return [image async for image in images]


def bgr_of(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def rgb_of(data: bytes) -> np.ndarray:
    return cv2.cvtColor(bgr_of(data), cv2.COLOR_BGR2RGB)


def test_a_prompt_gives_four_images_each_watermarked_signed_and_logged(
    tmp_path, vlm, redactor, imagine
):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-1")))
            made = await collect(client.generate(ImagineOptions("a lighthouse at dusk", seed=7)))
            checks = [await client.verify(image.data) for image in made]
            return made, checks, store.get(made[0].sample_id), store.blob_digests()

    made, checks, sample, digests = run(scenario())
    assert [m.index for m in made] == [0, 1, 2, 3]  # four, each its own message
    assert all(m.media_type == "image/png" and (m.width, m.height) == (SIDE, SIDE) for m in made)
    assert len({m.watermark_id for m in made}) == 4 and all(m.seed == 7 for m in made)
    for image, check in zip(made, checks, strict=True):
        assert check.watermark_found and check.watermark_id == image.watermark_id
        assert check.manifest_valid and check.manifest_trusted
        assert check.agreement == "agree" and check.soft_binding == image.watermark_id
        assert "c2pa.created" in check.actions
    # logged once, under the consent that covered it, images by content hash
    assert sample.query_text == "a lighthouse at dusk" and sample.answer_text == ""
    assert Scope.HISTORY in sample.consent.scopes and sample.consent.ledger_entry_id
    assert [hashlib.sha256(i).hexdigest() for i in sample.images] == [
        hashlib.sha256(m.data).hexdigest() for m in made
    ]
    assert {hashlib.sha256(m.data).hexdigest() for m in made} <= digests
    assert sample.redaction["imagine"]["watermark_ids"] == [m.watermark_id for m in made]


def test_the_server_redacts_a_prompt_a_client_did_not(tmp_path, vlm, redactor, imagine):
    prompt = "a postcard to jo@example.org paid with 4111 1111 1111 1111"

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            stub = pb_grpc.ImagineStub(channel)
            metadata = bearer(enrol(store, "dev-raw"))
            request = pb.GenerateRequest(
                prompt=prompt, num_images=1, width=256, height=256, format="jpeg"
            )
            replies = [r async for r in stub.Generate(request, metadata=metadata)]
            check = await ImagineClient(channel, metadata).verify(replies[0].image)
            return replies[0], check, store.get(replies[0].sample_id)

    reply, check, sample = run(scenario())
    assert reply.media_type == "image/jpeg" and reply.image[:2] == b"\xff\xd8"
    assert check.agreement == "agree" and check.manifest_valid
    assert "jo@example.org" not in sample.query_text and "4111" not in sample.query_text
    assert sample.query_text.startswith("a postcard to [")


def test_a_blocked_prompt_is_refused_with_its_reason_and_nothing_is_kept(
    tmp_path, vlm, redactor, imagine
):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-2")))
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await collect(client.generate(ImagineOptions("3lmo eating cookies")))
            return refused.value, store.count()

    error, kept = run(scenario())
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "protected" in error.details() and "lmo" not in error.details().lower()
    assert kept == 0


def test_a_blocked_image_is_replaced_by_a_notice_never_sent_nor_kept(
    tmp_path, vlm, redactor, imagine, models_config
):
    checked = []

    def second_is_explicit(rgb):  # noqa: ANN001, ANN202
        checked.append(rgb.copy())
        return [("FEMALE_GENITALIA_EXPOSED", 0.9)] if len(checked) == 2 else []

    fake = FakeImageClassifier(second_is_explicit)
    parts = build_parts(ImagineConfig(), models_config, tmp_path / "state", imagine.generator, fake)

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=parts) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-3")))
            made = await collect(client.generate(ImagineOptions("a beach", width=256, height=256)))
            return made, store.get(made[0].sample_id)

    made, sample = run(scenario())
    assert len(made) == 4 and len(checked) == 4
    blocked = made[1]
    assert blocked.safety_blocked and blocked.data == b"" and blocked.notice == WITHHELD_NOTICE
    assert blocked.watermark_id == ""
    sent = [m for m in made if not m.safety_blocked]
    assert len(sent) == 3 and len(sample.images) == 3
    assert sample.redaction["imagine"]["withheld"] == 1
    # nothing sent or kept is the withheld image (marking it would move it ~2 levels)
    withheld = checked[1].astype(np.int16)
    for data in [*sample.images, *(m.data for m in sent)]:
        assert np.abs(rgb_of(data).astype(np.int16) - withheld).mean() > 6


def test_a_riff_edits_a_redacted_photo_and_names_it_as_parent(tmp_path, vlm, redactor, imagine):
    photo = redactor.redact(RawImage(1, card_scene(), Stamp.wall(), source="test"))

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-4")))
            options = ImagineOptions("as a watercolour", count=1)
            made = await collect(client.riff(photo, options, strength=0.5))
            check = await client.verify(made[0].data)
            return made, check, store.get(made[0].sample_id)

    made, check, sample = run(scenario())
    assert photo.report.counts().get("card_number")  # the edge masked the card first
    assert len(made) == 1 and (made[0].width, made[0].height) == (1280, 720)
    assert check.manifest_valid and check.agreement == "agree"
    assert check.actions[:2] == ("c2pa.opened", "c2pa.edited")
    assert len(check.ingredients) == 1 and "parentOf" in check.ingredients[0]
    assert "compositeWithTrainedAlgorithmicMedia" in check.summary
    assert sample.frame_jpeg and sample.redaction["imagine"]["kind"] == "riff"
    assert sample.redaction["imagine"]["parent_watermark_id"] == ""  # a camera photo


def test_a_riff_on_our_own_image_keeps_its_lineage(tmp_path, vlm, redactor, imagine):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            metadata = bearer(enrol(store, "dev-5"))
            client = ImagineClient(channel, metadata)
            [parent] = await collect(client.generate(ImagineOptions("a red fox", count=1)))
            # through the device: redaction re-encodes it, the manifest is gone, the mark stays
            photo = redactor.redact(RawImage(2, bgr_of(parent.data), Stamp.wall()))
            [riff] = await collect(client.riff(photo, ImagineOptions("at night", count=1)))
            through_the_device = await client.verify(riff.data)
            # a client that sends our signed file as it is: its manifest comes along
            stub = pb_grpc.ImagineStub(channel)
            request = pb.RiffRequest(image_jpeg=parent.data, prompt="in snow", num_images=1)
            [direct] = [r async for r in stub.Riff(request, metadata=metadata)]
            check = await client.verify(direct.image)
            return parent, store.get(riff.sample_id), through_the_device, check

    parent, riffed, through_the_device, check = run(scenario())
    assert riffed.redaction["imagine"]["parent_watermark_id"] == parent.watermark_id
    # the riff's manifest names its parent by the watermark its pixels still carried
    assert through_the_device.manifest_valid and len(through_the_device.ingredients) == 1
    assert f"watermark {parent.watermark_id}" in through_the_device.ingredients[0]
    assert check.manifest_valid and len(check.ingredients) == 1
    assert f"watermark {parent.watermark_id}" in check.ingredients[0]


def test_a_file_changed_after_signing_fails_its_manifest_but_keeps_its_watermark(
    tmp_path, vlm, redactor, imagine
):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-6")))
            [image] = await collect(client.generate(ImagineOptions("a kite", count=1)))
            tampered = repaint_keeping_the_manifest(image.data, "image/png")
            return image, await client.verify(tampered)

    image, check = run(scenario())
    assert check.manifest_found and not check.manifest_valid
    assert "the image data changed after signing" in check.failures
    assert check.watermark_found and check.watermark_id == image.watermark_id
    assert "changed after signing, but the watermark survives" in check.verdict


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"prompt": ""}, "the prompt is empty"),
        ({"prompt": "a cat " * 300}, "at most 1000 are accepted"),
        ({"prompt": "a cat", "width": 1300}, "width 1300 is not supported"),
        ({"prompt": "a cat", "height": 516}, "multiple of 8"),
        ({"prompt": "a cat", "num_images": 9}, "ask for 1 to 8"),
        ({"prompt": "a cat", "format": "gif"}, "use png or jpeg"),
    ],
)
def test_bad_requests_get_a_clear_status_and_message(
    tmp_path, vlm, redactor, imagine, fields, says
):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            stub = pb_grpc.ImagineStub(channel)
            metadata = bearer(enrol(store, "dev-7"))
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                [r async for r in stub.Generate(pb.GenerateRequest(**fields), metadata=metadata)]
            with pytest.raises(grpc.aio.AioRpcError) as photo:
                request = pb.RiffRequest(image_jpeg=b"not a photo", prompt="a cat")
                [r async for r in stub.Riff(request, metadata=metadata)]
            return refused.value, photo.value, store.count()

    refused, photo, kept = run(scenario())
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT and says in refused.details()
    assert photo.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "not a decodable" in photo.details()
    assert kept == 0


def test_imagine_needs_a_token_and_the_assist_consent(tmp_path, vlm, redactor, imagine):
    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            health = health_pb2_grpc.HealthStub(channel)
            asked = health_pb2.HealthCheckRequest(service="glasses.v1.Imagine")
            codes = [(await health.Check(asked)).status]
            for metadata in ((), bearer(enrol(store, "dev-8", grant=(), revoke=(Scope.ASSIST,)))):
                client = ImagineClient(channel, metadata)
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await collect(client.generate(ImagineOptions("a cat")))
                codes.append(refused.value.code())
            return codes

    assert run(scenario()) == [
        health_pb2.HealthCheckResponse.SERVING,
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.PERMISSION_DENIED,
    ]


def exported(store, out) -> tuple[dict, list[dict]]:
    result = Exporter(store, ConsentLedger(store), out, ExportSpec(rescan=False)).run(
        progress=False
    )
    shards = sorted(str(p) for p in (out / "shards").glob("*.tar"))
    rows = list(wds.WebDataset(shards, shardshuffle=False)) if shards else []
    return dict(result.excluded), rows


def test_the_export_takes_a_riffs_photo_and_honours_do_not_train(tmp_path, vlm, redactor, imagine):
    photo = redactor.redact(RawImage(3, card_scene(), Stamp.wall(), source="test"))

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            grant = (Scope.HISTORY, Scope.TRAINING)
            client = ImagineClient(channel, bearer(enrol(store, "dev-9", grant=grant)))
            [made] = await collect(client.generate(ImagineOptions("a tram", count=1)))
            [riff] = await collect(client.riff(photo, ImagineOptions("in pastel", count=1)))
            return made, riff, *exported(store, tmp_path / "dataset")

    made, riff, excluded, rows = run(scenario())
    # the plain generation is signed do-not-train (the default): it stays out
    assert excluded == {"do-not-train declared in its manifest": 1}
    [row] = rows
    assert row["__key__"] == riff.sample_id and b"in pastel" in row["txt"]
    assert json.loads(row["json"])["kind"] == "riff"
    assert hashlib.sha256(row["jpg"]).hexdigest() != hashlib.sha256(riff.data).hexdigest()


def test_a_withheld_image_never_reaches_the_dataset(
    tmp_path, vlm, redactor, imagine, models_config
):
    seen = []

    def first_is_explicit(rgb):  # noqa: ANN001, ANN202
        seen.append(rgb)
        return [("ANUS_EXPOSED", 0.8)] if len(seen) == 1 else []

    config = ImagineConfig(provenance=ProvenanceConfig(do_not_train=False))
    fake = FakeImageClassifier(first_is_explicit, blocked=("ANUS_EXPOSED",))
    parts = build_parts(config, models_config, tmp_path / "state", imagine.generator, fake)

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=parts) as (channel, store):
            grant = (Scope.HISTORY, Scope.TRAINING)
            client = ImagineClient(channel, bearer(enrol(store, "dev-10", grant=grant)))
            options = ImagineOptions("a quiet street", count=2, width=256, height=256)
            made = await collect(client.generate(options))
            return made, *exported(store, tmp_path / "dataset")

    made, excluded, rows = run(scenario())
    assert [m.safety_blocked for m in made] == [True, False]
    assert excluded == {}
    [row] = rows
    assert row["png"] == made[1].data  # the image that was allowed, as it was sent


def test_each_image_is_sent_as_soon_as_it_is_finished(
    tmp_path, vlm, redactor, imagine, models_config
):
    first_received = threading.Event()
    waited = []

    def hold_the_rest(rgb):  # noqa: ANN001, ANN202 - the second image waits for the first's arrival
        if waited or len(fake.seen) > 1:
            waited.append(first_received.wait(timeout=30))
        return []

    fake = FakeImageClassifier(hold_the_rest)
    parts = build_parts(ImagineConfig(), models_config, tmp_path / "st", imagine.generator, fake)

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=parts) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-11")))
            options = ImagineOptions("a bridge", count=3, width=256, height=256)
            made = []
            async for image in client.generate(options):
                made.append(image)
                first_received.set()
            return made

    made = run(scenario())
    assert len(made) == 3 and waited == [True, True]  # the client had image 0 while 1 and 2 waited


def test_a_request_over_the_bound_is_told_busy_at_once(
    tmp_path, vlm, redactor, imagine, models_config
):
    release = threading.Event()
    fake = FakeImageClassifier(lambda rgb: [] if release.wait(timeout=30) else [])
    config = ImagineConfig(max_pending=1)
    parts = build_parts(config, models_config, tmp_path / "st", imagine.generator, fake)

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=parts) as (channel, store):
            client = ImagineClient(channel, bearer(enrol(store, "dev-12")))
            options = ImagineOptions("a harbour", count=1, width=256, height=256)
            first = asyncio.create_task(collect(client.generate(options)))
            while not fake.seen:  # the first request is being finished, held there
                await asyncio.sleep(0.05)
            with pytest.raises(grpc.aio.AioRpcError) as busy:
                await collect(client.generate(options))
            release.set()
            return busy.value, await first, await collect(client.generate(options))

    busy, first, after = run(scenario())
    assert busy.code() == grpc.StatusCode.UNAVAILABLE and "try again" in busy.details()
    assert len(first) == 1 and len(after) == 1  # the held one finished; the next is served


def test_a_file_larger_than_grpcs_default_message_verifies(tmp_path, vlm, redactor, imagine):
    noise = np.random.default_rng(0).integers(0, 256, (1600, 1600, 3), np.uint8)
    big = cv2.imencode(".png", noise, [cv2.IMWRITE_PNG_COMPRESSION, 0])[1].tobytes()

    async def scenario():
        async with serving(tmp_path, vlm, redactor, imagine=imagine) as (channel, store):
            return await ImagineClient(channel, bearer(enrol(store, "dev-13"))).verify(big)

    assert len(big) > 4 << 20  # over gRPC's default 4 MB
    check = run(scenario())
    assert not check.watermark_found and check.agreement == "neither"
