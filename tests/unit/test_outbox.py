"""The device's outbox: kept on disk, bounded, oldest first, redacted data only."""

from __future__ import annotations

import numpy as np
import pytest

from core.frames import Query, RawImage, Stamp, Transcript
from edge.outbox import Outbox, OutboxLimits
from edge.redaction import redact_transcript
from protos import glasses_pb2 as pb

NOW = Stamp.now()


def _said(text: str, seq: int):  # noqa: ANN202
    return redact_transcript(Transcript(text, NOW, NOW, "en", 0.9), seq)


def _put(outbox: Outbox, k: int) -> str:
    said = _said(f"question {k}", 2 * k)
    return outbox.put(None, said, Query(2 * k + 1, said.text, (), said.seq, 8, f"key-{k}"))


def test_a_kept_question_survives_a_restart_and_goes_oldest_first(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite")
    for k in range(3):
        _put(outbox, k)
    outbox.close()
    again = Outbox(tmp_path / "o.sqlite")  # the edge started again
    assert len(again) == 3
    first = again.oldest()
    assert first.key == "key-0"
    query = pb.ClientEvent.FromString(first.events[-1]).query
    assert query.text == "question 0" and query.idempotency_key == "key-0"
    again.remove("key-0")
    assert again.oldest().key == "key-1"


def test_what_does_not_fit_drops_the_oldest_and_is_counted(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite", OutboxLimits(max_questions=3))
    for k in range(5):
        _put(outbox, k)
    assert len(outbox) == 3 and outbox.dropped == 2
    assert outbox.oldest().key == "key-2"
    outbox.close()
    assert Outbox(tmp_path / "o.sqlite").dropped == 2  # the count is kept too


def test_the_same_question_put_twice_is_kept_once(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite")
    _put(outbox, 1)
    _put(outbox, 1)
    assert len(outbox) == 1


def test_only_redacted_data_can_be_kept(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite")
    raw = RawImage(1, np.zeros((8, 8, 3), np.uint8), NOW, "test")
    said = _said("what is this?", 2)
    with pytest.raises(TypeError, match="only a RedactedImage"):
        outbox.put(raw, said, Query(3, said.text, (1,), 2))
    transcript = Transcript("my card is 4111 1111 1111 1111", NOW, NOW, "en", 0.9)
    with pytest.raises(TypeError, match="only a redacted Utterance"):
        outbox.put(None, transcript, Query(3, "x", (), 2))
    assert len(outbox) == 0


def test_a_damaged_outbox_says_what_to_do(tmp_path):
    path = tmp_path / "o.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception, match="move it aside"):
        Outbox(path)
