"""The SampleStore contract, run against SQLite and PostgreSQL alike."""

import pytest

from edge.errors import StoreError
from edge.frames import ConsentSnapshot, Scope
from server.domain import Sample

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e1")


def sample(k: int, frame: bytes | None = b"\xff\xd8jpeg") -> Sample:
    return Sample(
        sample_id=f"s{k}",
        created_at_ns=1_700_000_000_000_000_000 + k,
        device_id="dev-1",
        session_id="sess-1",
        consent=CONSENT,
        query_text=f"what is this {k}?",
        answer_text="a table",
        model_id="tiny",
        timings_ms={"answer_ms": 12.5},
        frame_jpeg=frame,
        redaction={"card_number": 1},
    )


def test_a_stored_sample_comes_back_whole(store):
    store.put(sample(1))
    back = store.get("s1")
    assert back.consent == CONSENT
    assert (back.query_text, back.answer_text, back.frame_jpeg) == (
        "what is this 1?",
        "a table",
        b"\xff\xd8jpeg",
    )
    assert back.timings_ms == {"answer_ms": 12.5} and back.redaction == {"card_number": 1}
    assert back.created_at_ns == 1_700_000_000_000_000_001
    assert store.get("missing") is None


def test_identical_frames_share_one_blob(store):
    store.put(sample(1))
    store.put(sample(2))
    store.put(sample(3, frame=None))
    assert store.count() == 3
    files = [p for p in store.blobs.root.rglob("*") if p.is_file()]
    assert len(files) == 1  # content-addressed: the same frame is kept once
    assert store.get("s2").frame_jpeg == b"\xff\xd8jpeg"
    assert store.get("s3").frame_jpeg is None


def test_a_duplicate_id_is_refused_and_nothing_is_lost(store):
    store.put(sample(1))
    with pytest.raises(StoreError, match="not acknowledged"):
        store.put(sample(1))
    assert store.count() == 1 and store.get("s1") is not None
