"""The SampleStore contract, run against SQLite and PostgreSQL alike."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import StoreError
from core.frames import ConsentSnapshot, Scope
from server.consent import ConsentLedger
from server.domain import Sample
from tests.contract.stores import everything_in

sha = lambda data: hashlib.sha256(data).hexdigest()  # noqa: E731

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e1")


def sample(k: int, frame: bytes | None = b"\xff\xd8jpeg") -> Sample:
    return Sample(
        sample_id=f"s{k}",
        created_at_ns=1_700_000_000_000_000_000 + k,
        user_id="u-1",
        device_id="dev-1",
        session_id="sess-1",
        consent=CONSENT,
        query_text=f"what is this {k}?",
        answer_text="a table",
        model_id="tiny",
        timings_ms={"answer_ms": 12.5},
        frame_jpeg=frame,
        redaction={"counts": {"card_number": 1}},
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
    assert back.timings_ms == {"answer_ms": 12.5}
    assert back.redaction == {"counts": {"card_number": 1}} and back.user_id == "u-1"
    assert back.created_at_ns == 1_700_000_000_000_000_001
    assert store.get("missing") is None


def test_identical_frames_share_one_blob(store):
    store.put(sample(1))
    store.put(sample(2))
    store.put(sample(3, frame=None))
    assert store.count() == 3
    assert store.blob_digests() == {sha(b"\xff\xd8jpeg")}  # the same frame is kept once
    assert store.get("s2").frame_jpeg == b"\xff\xd8jpeg"
    assert store.get("s3").frame_jpeg is None


def test_a_duplicate_id_is_refused_and_nothing_is_lost(store):
    store.put(sample(1))
    with pytest.raises(StoreError, match="not acknowledged"):
        store.put(sample(1))
    assert store.count() == 1 and store.get("s1") is not None


def of(user: str, k: int, frame: bytes | None = None, **fields) -> Sample:
    return Sample(
        sample_id=f"{user}-{k}",
        created_at_ns=1_700_000_000_000_000_000 + k,
        user_id=user,
        device_id=f"dev-{user}",
        session_id="sess",
        consent=CONSENT,
        query_text="q",
        answer_text="a",
        model_id="tiny",
        frame_jpeg=frame,
        **fields,
    )


def test_concurrent_puts_are_all_acknowledged_and_kept(store):
    def worker(t: int) -> list[str]:
        return [store.put(of(f"w{t}", k, frame=f"frame {t} {k}".encode())) for k in range(40)]

    with ThreadPoolExecutor(8) as pool:
        acked = [sid for ids in pool.map(worker, range(8)) for sid in ids]
    assert len(acked) == 320 and store.count() == 320
    assert all(s is not None and s.frame_jpeg for s in store.get_many(acked))


def test_deleting_a_user_leaves_nothing_of_them_and_keeps_what_others_share(store):
    ledger = ConsentLedger(store)
    ledger.update("alice", grant=[Scope.HISTORY], policy_version="2026-11", actor="t")
    ledger.update("bob", grant=[Scope.HISTORY], policy_version="2026-11", actor="t")
    store.device_add("hash-a", "alice", "dev-alice", 1)
    store.put(of("alice", 1, frame=b"alice only", images=(b"png-a",)))
    store.put(of("alice", 2, frame=b"same view"))
    store.put(of("bob", 1, frame=b"same view"))

    assert store.delete_user("alice") == (2, 2)  # her 'same view' copy is bob's too

    dump = everything_in(store)
    assert "alice" not in dump and "dev-alice" not in dump and "hash-a" not in dump
    assert store.blob_digests() == {sha(b"same view")}
    assert store.get("bob-1").frame_jpeg == b"same view"
    assert ledger.verify() == 2  # alice's entry is erased in place; the chain still holds
    assert ledger.current("alice").scopes == {Scope.ASSIST}


def test_large_blobs_go_to_the_blob_store_and_are_deleted_with_their_sample(store):
    big = bytes(range(256)) * 1024  # 256 KiB: over the inline limit
    store.put(of("u", 1, frame=big))
    assert store.blobs.exists(sha(big)) and store.get("u-1").frame_jpeg == big
    assert store.delete_user("u") == (1, 1)
    assert not store.blobs.exists(sha(big)) and store.blob_digests() == set()


def test_retention_purges_expired_samples_and_their_blobs(store):
    store.put(of("u", 1, frame=b"short-lived", expires_at_ns=100))
    store.put(of("u", 2, frame=b"kept"))
    store.put(of("v", 1, frame=b"kept too"))
    assert store.purge_expired(now_ns=99) == (0, 0)
    assert store.purge_expired(now_ns=100) == (1, 1)
    assert store.expire_user("u", 500) == 1
    assert store.purge_expired(now_ns=500) == (1, 1)
    assert [h.sample_id for h in store.heads()] == ["v-1"]


def test_a_blob_left_by_a_crash_is_collected(store):
    store.put(of("u", 1, frame=b"kept"))
    orphan = store.blobs.put(b"written, then the process died before its row committed")
    assert store.collect_garbage(min_age_s=0) == 1
    assert not store.blobs.exists(orphan) and store.get("u-1").frame_jpeg == b"kept"


_OLD_SCHEMA = (  # the first one: no user, no training consent per sample
    "CREATE TABLE samples (sample_id TEXT PRIMARY KEY, created_at_ns BIGINT NOT NULL, "
    "device_id TEXT NOT NULL, query_text TEXT NOT NULL)",
    "INSERT INTO samples VALUES ('s1', 1, 'glasses-1', 'what is this table made of?')",
)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_store_from_an_older_version_is_refused_clearly_and_left_as_it_is(
    kind, tmp_path, request
):
    # its rows cannot be carried over, and must not be dropped or half-migrated
    import sqlite3
    from contextlib import closing

    import psycopg

    from server.store import PostgresSampleStore, SqliteSampleStore

    if kind == "sqlite":
        (tmp_path / "store").mkdir()

        def connect():
            return closing(sqlite3.connect(tmp_path / "store" / "samples.db", isolation_level=None))

        def open_store():
            return SqliteSampleStore(tmp_path / "store")

        setting = "server.store.path"
    else:
        dsn = request.getfixturevalue("fresh_pg")

        def connect():
            return psycopg.connect(dsn, autocommit=True)

        def open_store():
            return PostgresSampleStore(dsn, tmp_path / "blobs")

        setting = "server.store.dsn"
    with connect() as db:
        for sql in _OLD_SCHEMA:
            db.execute(sql)
    with pytest.raises(StoreError, match=f"older version.*samples has no user_id.*{setting}"):
        open_store()
    with connect() as db:
        assert db.execute("SELECT sample_id, query_text FROM samples").fetchall() == [
            ("s1", "what is this table made of?")
        ]
