"""The Consent service over real gRPC: a user acts only on their own data, chosen by
their device token; delete-my-data leaves nothing; export-my-data holds everything."""

from __future__ import annotations

import io
import json
import time
import zipfile

import grpc
import pytest

from core.frames import Hello, Query, RawImage, Scope, Stamp
from edge.uplink import ConverseSession, bearer
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.config import ServerConfig
from tests.conftest import card_scene
from tests.contract.stores import everything_in
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving

POLICY = "2026-11"


async def converse(channel, token: str, device: str, redactor, n: int = 2) -> list[str]:
    """Ask ``n`` questions about a frame; return the logged sample ids."""
    ids = []
    async with ConverseSession(channel, bearer(token)) as session:
        await session.open(Hello(device, ASSIST_HISTORY))
        session.send_frame(redactor.redact(RawImage(1, card_scene(seed=len(device)), Stamp.wall())))
        await session.wait_ack(1)
        for k in range(n):
            events = [e async for e in session.ask(Query(10 + k, f"what is {k}?", (1,), 0, 3))]
            ids.append(events[-1].sample_id)
    return ids


async def export(stub, token: str) -> zipfile.ZipFile:
    chunks = [c async for c in stub.ExportMyData(pb.ExportMyDataRequest(), metadata=bearer(token))]
    assert chunks[-1].last and [c.offset for c in chunks][0] == 0
    return zipfile.ZipFile(io.BytesIO(b"".join(c.data for c in chunks)))


def test_each_token_reads_and_changes_only_its_own_consent(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            alice, bob = enrol(store, "dev-a", grant=()), enrol(store, "dev-b", grant=())
            stub = pb_grpc.ConsentStub(channel)
            granted = await stub.Update(
                pb.UpdateConsentRequest(
                    grant=[pb.SCOPE_TRAINING, pb.SCOPE_HISTORY],
                    policy_version=POLICY,
                    reason="settings",
                ),
                metadata=bearer(alice),
            )
            bob_state = await stub.Get(pb.GetConsentRequest(), metadata=bearer(bob))
            revoked = await stub.Revoke(pb.RevokeRequest(), metadata=bearer(alice))
            return granted, bob_state, revoked

    granted, bob_state, revoked = run(scenario())
    assert set(granted.snapshot.scopes) == {pb.SCOPE_ASSIST, pb.SCOPE_HISTORY, pb.SCOPE_TRAINING}
    assert granted.snapshot.ledger_entry_id and list(granted.training_regions) == ["US", "CA"]
    assert list(bob_state.snapshot.scopes) == [pb.SCOPE_ASSIST]  # untouched by alice's change
    assert list(revoked.snapshot.scopes) == [pb.SCOPE_ASSIST]


def test_bad_or_missing_tokens_and_bad_changes_are_refused_clearly(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            token = enrol(store, "dev-a", grant=())
            stub = pb_grpc.ConsentStub(channel)
            calls = {
                "no token": stub.Get(pb.GetConsentRequest()),
                "forged": stub.Get(pb.GetConsentRequest(), metadata=bearer("x" * 43)),
                "old policy": stub.Update(
                    pb.UpdateConsentRequest(grant=[pb.SCOPE_HISTORY], policy_version="2020-01"),
                    metadata=bearer(token),
                ),
                "training in DE": stub.Update(
                    pb.UpdateConsentRequest(
                        grant=[pb.SCOPE_TRAINING], region="DE", policy_version=POLICY
                    ),
                    metadata=bearer(token),
                ),
                "unconfirmed delete": stub.DeleteMyData(
                    pb.DeleteMyDataRequest(), metadata=bearer(token)
                ),
            }
            out = {}
            for name, call in calls.items():
                with pytest.raises(grpc.aio.AioRpcError) as info:
                    await call
                out[name] = (info.value.code(), info.value.details())
            return out

    out = run(scenario())
    assert out["no token"][0] == out["forged"][0] == grpc.StatusCode.UNAUTHENTICATED
    assert "Bearer" in out["no token"][1] and "not known" in out["forged"][1]
    assert out["old policy"][0] == grpc.StatusCode.INVALID_ARGUMENT
    assert "policy version '2026-11'" in out["old policy"][1]
    assert "not offered in region DE" in out["training in DE"][1]
    assert "confirm=true" in out["unconfirmed delete"][1]


def test_export_and_delete_my_data_touch_only_the_callers_data(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            alice, bob = enrol(store, "dev-alice"), enrol(store, "dev-bob")
            alice_ids = await converse(channel, alice, "dev-alice", redactor)
            bob_ids = await converse(channel, bob, "dev-bob", redactor)
            stub = pb_grpc.ConsentStub(channel)
            archive = await export(stub, alice)
            deleted = await stub.DeleteMyData(
                pb.DeleteMyDataRequest(confirm=True), metadata=bearer(alice)
            )
            with pytest.raises(grpc.aio.AioRpcError) as after:
                await stub.Get(pb.GetConsentRequest(), metadata=bearer(alice))
            bob_archive = await export(stub, bob)
            blob_files = store.blob_digests()
            users = [s.user_id for s in store.get_many(alice_ids + bob_ids) if s]
            dump = everything_in(store)
            return (
                alice_ids,
                bob_ids,
                archive,
                deleted,
                after.value,
                bob_archive,
                dump,
                blob_files,
                users,
            )

    alice_ids, bob_ids, archive, deleted, after, bob_archive, dump, blob_files, users = run(
        scenario()
    )
    names = archive.namelist()
    assert {f"samples/{i}/sample.json" for i in alice_ids} <= set(names)
    assert not any(i in n for i in bob_ids for n in names)  # nothing of bob's
    meta = json.loads(archive.read(f"samples/{alice_ids[0]}/sample.json"))
    assert meta["query_text"] == "what is 0?" and meta["consent"]["scopes"] == ["assist", "history"]
    assert archive.read(f"samples/{alice_ids[0]}/frame.jpg")[:2] == b"\xff\xd8"
    ledger = json.loads(archive.read("consent_ledger.json"))
    assert [e["scopes"] for e in ledger] == [["assist", "history"]]

    assert (deleted.samples_deleted, deleted.blobs_deleted) == (2, 1)  # two answers, one frame
    assert after.code() == grpc.StatusCode.UNAUTHENTICATED  # her token went with her data
    assert len(users) == 2 and len(set(users)) == 1  # bob's two samples, untouched
    alice_user = ledger[0]["user_id"]
    assert alice_user not in users
    assert alice_user not in dump and "dev-alice" not in dump and alice_ids[0] not in dump
    assert len(blob_files) == 1  # bob's frame only: alice's is gone
    assert {f"samples/{i}/sample.json" for i in bob_ids} <= set(bob_archive.namelist())


def test_revoking_history_and_training_lets_retention_remove_the_samples(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            token = enrol(store, "dev-r")
            ids = await converse(channel, token, "dev-r", redactor, n=1)
            await pb_grpc.ConsentStub(channel).Revoke(
                pb.RevokeRequest(scopes=[pb.SCOPE_HISTORY]), metadata=bearer(token)
            )
            purged = store.purge_expired(time.time_ns())
            return ids, purged, store.count()

    ids, purged, left = run(scenario())
    assert ids[0] and purged == (1, 1) and left == 0


def test_a_retention_window_keeps_unconsented_samples_only_that_long(tmp_path, vlm, redactor):
    config = ServerConfig(port=0, retention={"transient_s": 3600})

    async def scenario():
        async with serving(tmp_path, vlm, redactor, config) as (channel, store):
            token = enrol(store, "dev-t", grant=())  # assist only
            ids = await converse(channel, token, "dev-t", redactor, n=1)
            return store.get(ids[0])

    sample = run(scenario())
    assert sample.consent.scopes == {Scope.ASSIST}
    assert sample.expires_at_ns - sample.created_at_ns == pytest.approx(3600e9, rel=1e-3)
