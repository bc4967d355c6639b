"""The server's re-check as a conversation applies it, whatever a client sent:
the model is given, and the store keeps, the server's own redaction of the
upload (its pixels re-encoded, its text re-checked). A real SQLite store and
ledger and the real ``Redactor``; its detectors and the model are fakes, so
no model is loaded."""

from __future__ import annotations

import asyncio
import io
import logging

import cv2
import pytest
from PIL import Image

from core.frames import (
    AnswerDone,
    ConsentSnapshot,
    Hello,
    Query,
    RedactionReport,
    Scope,
    Stamp,
)
from edge.redaction import RedactionPolicy, Redactor
from server.accounts import Accounts
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.conversation import Conversation, Conversations
from server.domain import UploadedFrame, UploadedUtterance
from server.store import SqliteSampleStore
from tests.conftest import card_scene, decode
from tests.fakes import FakeDetector, RecordingVisionLanguageBackend, box_detection

POLICY = "2026-11"
CARD, EMAIL = "4111 1111 1111 1111", "jo@example.org"
SPOKEN_CARD = "four one one one, one one one one, one one one one, one one one one"
# the re-check's fake detector "finds" this box (x, y, w, h) in every frame
FOUND = (427, 367, 386, 51)  # where the card's number is


class Server:
    """A conversation's surroundings: one enrolled device with history consent, the
    store's folder, a model that keeps what it was given, the re-check's detector."""

    def __init__(self, tmp_path, policy: RedactionPolicy | None = None) -> None:  # noqa: ANN001
        self.folder = tmp_path / "store"
        self.store = SqliteSampleStore(self.folder)
        ledger = ConsentLedger(self.store)
        self.caller, _ = Accounts(self.store).enrol("dev-1")
        ledger.update(
            self.caller.user_id, grant=(Scope.HISTORY,), policy_version=POLICY, actor="test"
        )
        self.detector = FakeDetector()
        self.backend = RecordingVisionLanguageBackend()
        config = ServerConfig(port=0)
        self.conversations = Conversations(
            config, self.backend, self.store, Redactor([self.detector], policy), ledger
        )

    def open(self) -> Conversation:
        hello = Hello(
            "dev-1", ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", POLICY)
        )
        return asyncio.run(self.conversations.open(self.caller, hello))

    def stored_bytes(self) -> bytes:
        """Every byte the store wrote (database, journal, blobs)."""
        return b"".join(p.read_bytes() for p in sorted(self.folder.rglob("*")) if p.is_file())


@pytest.fixture
def server(tmp_path):
    made = Server(tmp_path)
    yield made
    made.store.close()


def send(conversation: Conversation, *events) -> list:  # noqa: ANN002
    async def collect():  # noqa: ANN202
        return [r for e in events async for r in conversation.handle(e)]

    return asyncio.run(collect())


def uploaded(seq: int, jpeg: bytes) -> UploadedFrame:
    """A frame as a client that claims to have redacted it (and found nothing) sends it."""
    h, w = decode(jpeg).shape[:2]
    return UploadedFrame(seq, jpeg, w, h, Stamp.media(seq), RedactionReport(()))


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def gps_exif() -> bytes:
    """An EXIF block with a camera make and a GPS position (Paris)."""
    exif = Image.Exif()
    exif[0x010F] = "GlassesCo"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.6), 3: "E", 4: (2.0, 17.0, 40.2)}  # GPS IFD
    return exif.tobytes()


TRAILER = b"TRAILING-BYTES-AFTER-EOI home=48.8584N,2.2945E"
COMMENT = b"owner: Jo Example, 12 Rue de la Paix"
IPTC = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00\x00\x00\x00\x0ccaption=home"


def with_metadata(clean: bytes) -> bytes:
    """``clean`` (a cv2 JPEG: SOI, APP0, ...) with EXIF and GPS (APP1), IPTC
    (APP13) and a comment spliced in after APP0, and bytes after the end of image."""
    app0_end = 4 + int.from_bytes(clean[4:6], "big")
    extra = segment(0xE1, gps_exif()) + segment(0xED, IPTC) + segment(0xFE, COMMENT)
    return clean[:app0_end] + extra + clean[app0_end:] + TRAILER


def header_markers(jpeg: bytes) -> list[int]:
    """The markers of the segments before the image data (start of scan)."""
    assert jpeg[:2] == b"\xff\xd8"
    pos, markers = 2, []
    while jpeg[pos + 1] != 0xDA:
        markers.append(jpeg[pos + 1])
        pos += 2 + int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
    return markers


def test_a_clean_upload_is_re_encoded_from_pixels_without_metadata_or_trailing_bytes(server):
    pixels = card_scene()
    upload = with_metadata(cv2.imencode(".jpg", pixels)[1].tobytes())
    # the upload carries what it should: the GPS block, IPTC, a comment, a trailer
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)[1] == "N"
    assert {0xE1, 0xED, 0xFE} <= set(header_markers(upload))

    conversation = server.open()
    send(conversation, uploaded(1, upload))
    done = send(conversation, Query(2, "what is this made of?", (1,), 0))[-1]

    stored = server.store.get(done.sample_id).frame_jpeg
    assert stored == server.backend.images[0]  # what the model saw is what was kept
    assert set(header_markers(stored)) <= {0xE0, 0xDB, 0xC0, 0xC4}  # JFIF, tables, frame
    assert stored.endswith(b"\xff\xd9")
    kept = Image.open(io.BytesIO(stored))
    assert not kept.getexif() and not kept.info.get("comment")
    everything = server.stored_bytes()
    for leaked in (b"Exif", b"GlassesCo", b"Photoshop", COMMENT, TRAILER):
        assert leaked not in everything
    # the same picture, re-encoded (a wood grain at JPEG quality 85: about 35 dB)
    assert cv2.PSNR(decode(stored), decode(upload)) > 30


def test_card_numbers_and_personal_text_reach_neither_the_model_nor_the_store(server, caplog):
    conversation = server.open()
    utterance = UploadedUtterance(1, f"hey glasses my card is {SPOKEN_CARD}, mail {EMAIL}", 0)
    query = Query(2, f"my card is {CARD}, mail {EMAIL}", (), 1)
    with caplog.at_level(logging.DEBUG):
        *_, done = send(conversation, utterance, query)

    assert isinstance(done, AnswerDone) and done.sample_id
    (question,) = server.backend.questions
    assert "[card number]" in question and "[email]" in question
    assert not any(c.isdigit() for c in question)
    sample = server.store.get(done.sample_id)
    assert sample.query_text == question
    assert sample.transcript == "hey glasses my card is [card number], mail [email]"
    assert sample.redaction["text_recheck"] == {"query": 2, "transcript": 2}
    everything = server.stored_bytes()
    for secret in (CARD, "4111111111111111", EMAIL, "one one one one"):
        assert secret.encode() not in everything
    # what the server redacted is logged as counts, never as text
    logged = [r.getMessage() for r in caplog.records if r.name == "server.recheck"]
    assert logged == [
        "re-check redacted 2 span(s) in utterance seq=1",
        "re-check redacted 2 span(s) in query seq=2",
    ]
    for secret in ("4111", "example.org", "one one"):
        assert not any(secret in r.getMessage() for r in caplog.records)


def test_the_model_is_given_the_re_checked_frame_not_the_upload(server):
    x, y, w, h = FOUND
    server.detector.detections = [box_detection(x, y, w, h)]  # what the edge "missed"
    pixels = card_scene()
    assert pixels[y : y + h, x : x + w].mean() > 60  # the card is there, not black
    upload = cv2.imencode(".jpg", pixels)[1].tobytes()

    conversation = server.open()
    send(conversation, uploaded(1, upload))
    done = send(conversation, Query(2, "read this", (1,), 0))[-1]

    (given,) = server.backend.images
    assert given != upload
    assert decode(given)[y + 2 : y + h - 2, x + 2 : x + w - 2].max() < 16  # filled solid
    sample = server.store.get(done.sample_id)
    assert sample.frame_jpeg == given
    assert sample.redaction["counts"] == {"card_number": 1}


def test_the_re_check_does_not_crop_again_what_the_edge_already_cropped(tmp_path):
    server = Server(tmp_path, RedactionPolicy(crop="centre"))  # the edge's policy too
    sent = card_scene()[144:576, 256:1024]  # the edge's centre crop of a 1280x720 view
    upload = cv2.imencode(".jpg", sent)[1].tobytes()
    try:
        conversation = server.open()
        send(conversation, uploaded(1, upload))
        done = send(conversation, Query(2, "what is this made of?", (1,), 0))[-1]
        sample = server.store.get(done.sample_id)
    finally:
        server.store.close()
    assert decode(sample.frame_jpeg).shape == sent.shape
    assert cv2.PSNR(decode(sample.frame_jpeg), decode(upload)) > 30
