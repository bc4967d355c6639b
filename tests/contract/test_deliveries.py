"""The deliveries table (which questions were answered, by idempotency key), run
against SQLite and PostgreSQL alike: written with the answer's sample in one
transaction, first answer wins, purged with retention, deleted with the user."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import StoreError
from core.frames import ConsentSnapshot, Scope
from server.domain import Delivery, Sample
from server.store import AlreadyDelivered
from tests.contract.stores import everything_in, tamper

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e1")
T0 = 1_700_000_000_000_000_000


def sample(sample_id: str, user: str = "u-1", answer: str = "a table") -> Sample:
    return Sample(
        sample_id=sample_id,
        created_at_ns=T0,
        user_id=user,
        device_id=f"dev-{user}",
        session_id="sess",
        consent=CONSENT,
        query_text="what is this?",
        answer_text=answer,
        model_id="tiny",
        frame_jpeg=b"\xff\xd8jpeg",
    )


def delivery(key: str, sample_id: str = "", user: str = "u-1", expires: int = T0 + 100) -> Delivery:
    return Delivery(user, key, sample_id, T0, expires, "tiny", 3)


def test_a_delivery_is_recorded_with_its_sample(store):
    store.put(sample("s1"), delivery("k1", "s1"))
    assert store.delivery("u-1", "k1") == delivery("k1", "s1")
    assert store.get("s1").answer_text == "a table"
    assert store.delivery("u-1", "k2") is None
    assert store.delivery("u-2", "k1") is None  # keys are the user's own


def test_the_first_answer_wins_and_a_second_is_not_stored(store):
    store.put(sample("s1"), delivery("k1", "s1"))
    with pytest.raises(AlreadyDelivered, match="answered already"):
        store.put(sample("s2", answer="another answer"), delivery("k1", "s2"))
    assert store.count() == 1 and store.get("s2") is None
    assert store.delivery("u-1", "k1").sample_id == "s1"
    # another user's question may carry the same key
    store.put(sample("s3", user="u-2"), delivery("k1", "s3", user="u-2"))
    assert store.count() == 2


def test_a_sample_that_fails_leaves_no_delivery_behind(store):
    store.put(sample("s1"))
    with pytest.raises(StoreError, match="not acknowledged") as info:
        store.put(sample("s1"), delivery("k1", "s1"))  # the sample id is taken
    assert not isinstance(info.value, AlreadyDelivered)
    assert store.delivery("u-1", "k1") is None  # both or neither


def test_concurrent_deliveries_of_one_question_store_one_sample(store):
    # the group committer puts them in batches; the loser fails alone
    def put(i: int) -> str:
        key = "shared" if i % 10 == 0 else f"k{i}"
        try:
            return store.put(sample(f"s{i}"), delivery(key, f"s{i}"))
        except AlreadyDelivered:
            return ""

    with ThreadPoolExecutor(8) as pool:
        acked = [sid for sid in pool.map(put, range(80)) if sid]
    assert len(acked) == 73 and store.count() == 73  # 72 own keys, 1 of the 8 sharing one
    assert store.delivery("u-1", "shared").sample_id in acked


def test_an_answer_without_a_sample_is_recorded_once(store):
    first = store.record_delivery(delivery("k1"))
    assert first == delivery("k1")
    later = Delivery("u-1", "k1", "", T0 + 5, T0 + 105, "tiny", 9)
    assert store.record_delivery(later) == first  # the earlier one stays on record
    assert store.count() == 0


def test_deliveries_expire_with_retention(store):
    store.put(sample("s1"), delivery("old", "s1", expires=T0 + 10))
    store.record_delivery(delivery("young", expires=T0 + 20))
    store.purge_expired(now_ns=T0 + 9)
    assert store.delivery("u-1", "old") is not None
    store.purge_expired(now_ns=T0 + 10)
    assert store.delivery("u-1", "old") is None and store.delivery("u-1", "young") is not None
    assert store.get("s1") is not None  # the sample's own retention is its own


def test_deleting_a_user_deletes_their_deliveries(store):
    store.put(sample("s1", user="alice"), delivery("k-alice", "s1", user="alice"))
    store.record_delivery(delivery("k-alice-2", user="alice"))
    store.record_delivery(delivery("k-bob", user="bob"))
    store.delete_user("alice")
    dump = everything_in(store)
    assert "alice" not in dump and "k-alice" not in dump
    assert store.delivery("bob", "k-bob") is not None


def reopen(store, request, tmp_path):
    """Close the contract fixture's store and open the same database again."""
    from server.store import PostgresSampleStore, SqliteSampleStore

    store.close()
    if isinstance(store, SqliteSampleStore):
        return SqliteSampleStore(tmp_path / "store")
    return PostgresSampleStore(request.getfixturevalue("fresh_pg"), tmp_path / "blobs")


def test_a_store_from_before_the_deliveries_table_gets_it(store, request, tmp_path):
    store.put(sample("s1"))
    tamper(store, "DROP TABLE deliveries")
    reopened = reopen(store, request, tmp_path)
    try:
        assert reopened.get("s1") is not None  # kept, not refused
        reopened.put(sample("s2"), delivery("k1", "s2"))
        assert reopened.delivery("u-1", "k1").sample_id == "s2"
    finally:
        reopened.close()


def test_a_deliveries_table_missing_a_column_is_refused(store, request, tmp_path):
    tamper(store, "ALTER TABLE deliveries DROP COLUMN tokens")
    with pytest.raises(StoreError, match="older version.*deliveries has no tokens"):
        reopen(store, request, tmp_path)
