"""The store's history pages, one-sample deletion, device revocation and
pairing codes: the SampleStore contract, run against SQLite and PostgreSQL."""

from dataclasses import replace

from tests.contract.stores import everything_in
from tests.contract.test_sample_store import sample

T0 = 1_700_000_000_000_000_000


def _put(store, k: int, user: str = "u-1", at: int | None = None, **changes):  # noqa: ANN001, ANN202
    s = replace(sample(k), user_id=user, created_at_ns=T0 + (k if at is None else at), **changes)
    store.put(s)
    return s


def test_history_pages_newest_first_without_gaps_or_repeats(store):
    for k in range(1, 8):
        _put(store, k)
    _put(store, 8, at=7)  # two samples in the same nanosecond: the id breaks the tie
    _put(store, 99, user="u-2")  # another user's sample never shows
    seen, before = [], None
    while page := store.history("u-1", before, limit=3):
        seen += [row.sample_id for row in page]
        before = (page[-1].created_at_ns, page[-1].sample_id)
    assert seen == ["s8", "s7", "s6", "s5", "s4", "s3", "s2", "s1"]


def test_a_history_row_says_what_was_sent_but_not_the_blobs(store):
    long_answer = "oak " * 200
    _put(store, 1, answer_text=long_answer, images=(b"png-a", b"png-b"))
    _put(store, 2, frame_jpeg=None)
    first, second = store.history("u-1")
    assert (first.sample_id, first.has_frame, first.images) == ("s2", False, 0)
    assert second.has_frame and second.images == 2
    assert second.answer_cut and long_answer.startswith(second.answer_preview)
    assert len(second.answer_preview) == 280
    assert second.redaction == {"counts": {"card_number": 1}}
    assert second.consent == sample(1).consent and second.query_text == "what is this 1?"


def test_deleting_one_sample_keeps_the_rest_and_only_its_owner_can(store):
    _put(store, 1, frame_jpeg=b"\xff\xd8only-mine")
    _put(store, 2)
    assert not store.delete_sample("u-2", "s1")  # not theirs: nothing happens
    assert store.get("s1") is not None
    assert store.delete_sample("u-1", "s1")
    assert store.get("s1") is None and store.get("s2") is not None
    assert b"only-mine" not in everything_in(store).encode()  # its own blob went too
    assert not store.delete_sample("u-1", "s1")  # already gone


def test_revoking_a_device_stops_its_token_only(store):
    store.device_add("hash-glasses", "u-1", "glasses", T0)
    store.device_add("hash-phone", "u-1", "phone", T0 + 1)
    store.device_add("hash-other", "u-2", "phone", T0 + 2)
    assert store.device_revoke("u-2", "glasses") == 0  # not their device
    assert store.device_revoke("u-1", "phone") == 1
    assert store.device_lookup("hash-phone") is None
    assert store.device_lookup("hash-glasses") == ("u-1", "glasses")
    assert store.device_lookup("hash-other") == ("u-2", "phone")


def test_a_pairing_code_works_once_and_not_after_it_expires(store):
    store.pairing_add("code-a", "u-1", expires_at_ns=T0 + 100)
    store.pairing_add("code-b", "u-1", expires_at_ns=T0 + 100)
    assert store.pairing_take("code-a", now_ns=T0) == "u-1"
    assert store.pairing_take("code-a", now_ns=T0) is None  # used
    assert store.pairing_take("code-b", now_ns=T0 + 100) is None  # expired
    assert store.pairing_take("unknown", now_ns=T0) is None


def test_deleting_a_users_data_takes_their_pairing_codes_too(store):
    store.pairing_add("code-a", "u-1", expires_at_ns=T0 + 100)
    store.delete_user("u-1")
    assert store.pairing_take("code-a", now_ns=T0) is None
