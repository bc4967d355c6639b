"""The phone app's contract over real gRPC (TLS, port 0): pairing with a
one-time code, the history of what was sent (the redacted frame as kept,
what was masked, the consent then), deleting one entry, the consent ledger
with a chain the caller can check, and devices. Two users side by side:
neither can reach the other's samples."""

from __future__ import annotations

import hashlib
import json

import grpc
import pytest

from core.errors import AuthError, InvalidInputError
from core.frames import Hello, Query, RawImage, Stamp
from edge.uplink import ConverseSession, bearer
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.accounts import Accounts
from tests.conftest import card_scene, decode, readable_digit_runs
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving

SCOPE_NAMES = {1: "assist", 2: "history", 3: "training", 4: "audio"}


async def _ask(channel, token: str, redactor, question: str, device: str = "glasses") -> str:  # noqa: ANN001
    """One question with a redacted card scene, as the glasses ask it: its sample id."""
    async with ConverseSession(channel, bearer(token)) as session:
        await session.open(Hello(device, ASSIST_HISTORY))
        session.send_frame(redactor.redact(RawImage(1, card_scene(), Stamp.media(0.5))))
        await session.wait_ack(1)
        events = [e async for e in session.ask(Query(2, question, (1,), 0, 8))]
    return events[-1].sample_id


async def _code(call) -> grpc.StatusCode:  # noqa: ANN001
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value.code()


def test_a_paired_phone_sees_what_its_glasses_sent_and_can_delete_it(
    tmp_path, vlm, redactor, strong_reader
):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            glasses = enrol(store, "glasses")
            user = Accounts(store).caller(glasses).user_id
            first = await _ask(channel, glasses, redactor, "what is this table made of?")
            second = await _ask(channel, glasses, redactor, "and the card?")
            code = Accounts(store).pairing_code(user)
            devices = pb_grpc.DevicesStub(channel)
            paired = await devices.Pair(pb.PairRequest(code=code.lower(), device_id="phone"))
            again = await _code(devices.Pair(pb.PairRequest(code=code, device_id="phone-2")))
            phone = bearer(paired.token)
            history = pb_grpc.HistoryStub(channel)
            page1 = await history.List(pb.ListHistoryRequest(page_size=1), metadata=phone)
            page2 = await history.List(
                pb.ListHistoryRequest(page_size=1, page_token=page1.next_page_token),
                metadata=phone,
            )
            detail = await history.Get(pb.GetSampleRequest(sample_id=first), metadata=phone)
            await history.Delete(pb.DeleteSampleRequest(sample_id=second), metadata=phone)
            after = await history.List(pb.ListHistoryRequest(), metadata=phone)
            listed = await devices.List(pb.ListDevicesRequest(), metadata=phone)
            return first, second, again, page1, page2, detail, after, listed

    first, second, again, page1, page2, detail, after, listed = run(scenario())
    assert again == grpc.StatusCode.UNAUTHENTICATED  # a pairing code works once
    # newest first, a page at a time
    assert [e.sample_id for e in page1.entries] == [second] and page1.next_page_token
    assert [e.sample_id for e in page2.entries] == [first] and not page2.next_page_token
    entry = detail.entry
    assert entry.kind == "question" and entry.query_text == "what is this table made of?"
    assert entry.has_frame and dict(entry.masked) == {"card_number": 1}
    assert 0 < entry.view_fraction <= 1 and entry.answer_text
    # the frame exactly as kept: the card unreadable to an independent reader
    assert readable_digit_runs(strong_reader, decode(detail.frame_jpeg)) == []
    assert [f.label for f in detail.report.findings] == ["card_number"]
    # the consent in force then, from the ledger
    assert entry.consent.ledger_entry_id == detail.consent_entry.entry_id
    assert SCOPE_NAMES[2] in [SCOPE_NAMES[s] for s in detail.consent_entry.scopes]
    assert [e.sample_id for e in after.entries] == [first]  # the deleted one is gone
    assert {(d.device_id, d.this_device) for d in listed.devices} == {
        ("glasses", False),
        ("phone", True),
    }


def test_one_user_cannot_reach_anothers_samples(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            alice, bob = enrol(store, "alice-glasses"), enrol(store, "bob-glasses")
            hers = await _ask(channel, alice, redactor, "what is this?", "alice-glasses")
            history = pb_grpc.HistoryStub(channel)
            as_bob = bearer(bob)
            her_image = pb.GetBlobRequest(sample_id=hers, kind="frame", index=0)
            codes = [
                await _code(history.Get(pb.GetSampleRequest(sample_id=hers), metadata=as_bob)),
                await _code(history.GetBlob(her_image, metadata=as_bob)),
                await _code(
                    pb_grpc.DevicesStub(channel).Revoke(
                        pb.RevokeDeviceRequest(device_id="alice-glasses"), metadata=as_bob
                    )
                ),
                await _code(
                    history.Delete(pb.DeleteSampleRequest(sample_id=hers), metadata=as_bob)
                ),
                await _code(history.Get(pb.GetSampleRequest(sample_id="nope"), metadata=as_bob)),
            ]
            bobs = await history.List(pb.ListHistoryRequest(), metadata=as_bob)
            return codes, bobs, store.get(hers)

    codes, bobs, kept = run(scenario())
    # "not found" for another's sample exactly as for one that does not exist
    assert codes == [grpc.StatusCode.NOT_FOUND] * 5
    assert list(bobs.entries) == [] and kept is not None


def test_the_ledger_history_grows_with_each_change_and_its_hashes_check(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            phone = bearer(enrol(store, "phone"))
            consent = pb_grpc.ConsentStub(channel)
            before = await consent.Ledger(pb.LedgerHistoryRequest(), metadata=phone)
            change = pb.UpdateConsentRequest(grant=[3], policy_version="2026-11", reason="app")
            await consent.Update(change, metadata=phone)
            await consent.Revoke(pb.RevokeRequest(scopes=[3]), metadata=phone)
            after = await consent.Ledger(pb.LedgerHistoryRequest(), metadata=phone)
            return before, after

    before, after = run(scenario())
    assert len(after.entries) == len(before.entries) + 2
    assert after.chain_valid and after.chain_entries >= len(after.entries)
    on, off = after.entries[-2:]
    assert 3 in on.scopes and 3 not in off.scopes and off.prev_id == on.entry_id
    for e in after.entries:  # recomputed here, from the documented canonical form
        body = {
            "seq": e.seq,
            "user": e.user_id,
            "at_ns": e.at.nanos,
            "scopes": sorted(SCOPE_NAMES[s] for s in e.scopes),
            "region": e.region,
            "policy": e.policy_version,
            "actor": e.actor,
            "reason": e.reason,
            "prev": e.prev_id,
        }
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        assert hashlib.sha256(canonical).hexdigest() == e.entry_id


def test_revoking_the_glasses_from_the_phone_stops_their_token(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            glasses = enrol(store, "glasses")
            user = Accounts(store).caller(glasses).user_id
            _, phone = Accounts(store).enrol("phone", user)
            devices = pb_grpc.DevicesStub(channel)
            revoked = await devices.Revoke(
                pb.RevokeDeviceRequest(device_id="glasses"), metadata=bearer(phone)
            )
            history = pb_grpc.HistoryStub(channel)
            refused = await _code(history.List(pb.ListHistoryRequest(), metadata=bearer(glasses)))
            missing = await _code(
                devices.Revoke(pb.RevokeDeviceRequest(device_id="glasses"), metadata=bearer(phone))
            )
            return revoked, refused, missing

    revoked, refused, missing = run(scenario())
    assert revoked.tokens_revoked == 1
    assert refused == grpc.StatusCode.UNAUTHENTICATED and missing == grpc.StatusCode.NOT_FOUND


def test_a_pairing_code_past_its_time_pairs_nothing(tmp_path):
    from server.store import SqliteSampleStore

    store = SqliteSampleStore(tmp_path / "store")
    try:
        accounts = Accounts(store)
        glasses, _ = accounts.enrol("glasses")
        late = accounts.pairing_code(glasses.user_id, ttl_s=0.0)
        with pytest.raises(AuthError, match="older than"):
            accounts.pair(late, "phone-app")
        with pytest.raises(InvalidInputError, match="device id"):
            accounts.pair(accounts.pairing_code(glasses.user_id), "a phone with spaces")
        assert [d for d, _ in store.devices(glasses.user_id)] == ["glasses"]
    finally:
        store.close()
