"""A hostile client over the real gRPC server: it sends hand-built wire messages
(an unredacted frame, a raw transcript and query), bypassing the edge's
redaction. The model (a fake that keeps what it is given) and the store get
only the server's re-check of them: the real redaction engine's."""

from __future__ import annotations

import cv2

from core.frames import Hello
from edge import wire
from edge.uplink import bearer
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.store import SqliteSampleStore
from tests.conftest import TEST_CARD, card_scene, decode, readable_digit_runs
from tests.fakes import RecordingVisionLanguageBackend
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving

CARD_TEXT = "my card is 4111 1111 1111 1111, mail jo@example.org"


def test_the_model_is_given_the_re_checked_frame_and_text_that_the_store_keeps(
    tmp_path, redactor, strong_reader
):
    scene = card_scene()
    assert TEST_CARD in readable_digit_runs(strong_reader, scene)  # what the edge "missed"
    upload = cv2.imencode(".jpg", scene)[1].tobytes()
    events = [
        wire.encode_hello(Hello("evil-2", ASSIST_HISTORY)),
        pb.ClientEvent(frame=pb.RedactedFrame(seq=1, jpeg=upload, width=1280, height=720)),
        pb.ClientEvent(utterance=pb.Utterance(seq=2, text=f"hey glasses {CARD_TEXT}")),
        pb.ClientEvent(
            query=pb.Query(seq=3, text=CARD_TEXT, frame_seqs=[1], utterance_seq=2, max_tokens=4)
        ),
        wire.encode_goodbye(),
    ]
    backend = RecordingVisionLanguageBackend()

    async def scenario():
        async with serving(tmp_path, backend, redactor) as (channel, store):
            call = pb_grpc.AssistantStub(channel).Converse(
                aiter_of(events), metadata=bearer(enrol(store, "evil-2"))
            )
            return [wire.decode_server_event(m) async for m in call]

    done = run(scenario())[-1]
    stored = SqliteSampleStore(tmp_path / "store").get(done.sample_id)

    (given,) = backend.images
    assert given != upload and given == stored.frame_jpeg
    seen = decode(given)
    assert readable_digit_runs(strong_reader, seen) == []
    (card,) = [f for f in stored.redaction["findings"] if f["label"] == "card_number"]
    box = card["box"]
    where = slice(box["y"], box["y"] + box["h"]), slice(box["x"], box["x"] + box["w"])
    assert scene[where].mean() > 60  # the card and its digits were there
    assert seen[where].mean() < 20  # filled solid (black), up to JPEG ringing at the edges

    (question,) = backend.questions
    assert question == stored.query_text
    for text in (question, stored.transcript):
        assert "[card number]" in text and "[email]" in text
        assert "4111" not in text and "jo@example.org" not in text
    assert stored.redaction["text_recheck"] == {"query": 2, "transcript": 2}


async def aiter_of(items):  # noqa: ANN001, ANN201
    for item in items:
        yield item
