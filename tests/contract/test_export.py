"""``glasses export`` on both stores: only what training consent covers (when logged
*and* now) leaves, re-scanned and deduped, deterministically and resumably."""

from __future__ import annotations

import hashlib
import json

import cv2
import numpy as np
import pyarrow.parquet as pq
import pytest
import webdataset as wds

from core.frames import ConsentSnapshot, Scope
from scenes.objects import table_with_objects
from server.consent import ConsentLedger
from server.domain import Sample
from server.export import Exporter, ExportSpec
from server.export import run as export_run
from server.export.batch import redaction_scan
from tests.conftest import card_scene

POLICY = "2026-11"


def picture(k: int) -> bytes:
    """A distinct little scene per k: a table with a few objects on it."""
    img = table_with_objects(k, 1000 + k, 320, 240, count=3, max_radius=70)
    return cv2.imencode(".jpg", img)[1].tobytes()


class World:
    """Users, their ledger and their logged samples, on a real store."""

    def __init__(self, store) -> None:
        self.store, self.ledger, self.k = store, ConsentLedger(store), 0

    def consent(self, user: str, **change) -> ConsentSnapshot:
        self.ledger.update(user, policy_version=POLICY, actor="test", **change)
        return self.ledger.current(user)

    def log(self, user: str, consent: ConsentSnapshot, n: int = 1, **fields) -> list[str]:
        ids = []
        for _ in range(n):
            self.k += 1
            values = {"frame_jpeg": picture(self.k), "answer_text": "oak", **fields}
            self.store.put(
                Sample(
                    sample_id=f"s{self.k:04d}",
                    created_at_ns=1_800_000_000_000_000_000 + self.k,
                    user_id=user,
                    device_id=f"dev-{user}",
                    session_id="s",
                    consent=consent,
                    query_text="what is this?",
                    model_id="tiny",
                    **values,
                )
            )
            ids.append(f"s{self.k:04d}")
        return ids


def export(world: World, out, **spec) -> export_run.ExportResult:
    spec = {"rescan": False, "shard_size": 4, **spec}
    return Exporter(world.store, world.ledger, out, ExportSpec(**spec)).run(progress=False)


def exported_keys(out) -> list[str]:
    shards = sorted(str(p) for p in (out / "shards").glob("*.tar"))
    return [s["__key__"] for s in wds.WebDataset(shards, shardshuffle=False)] if shards else []


def test_only_samples_with_training_consent_then_and_now_are_exported(store, tmp_path):
    w = World(store)
    alice = w.log("alice", w.consent("alice", grant=[Scope.TRAINING]), n=3)
    w.log("bob", w.consent("bob", grant=[Scope.HISTORY]), n=2)
    w.log("carol", w.consent("carol", grant=[Scope.TRAINING]), n=2)
    w.consent("carol", revoke=[Scope.TRAINING])  # revoked after logging
    w.log("erin", w.consent("erin", grant=[Scope.TRAINING]))
    w.consent("erin", region="DE")  # moved: training no longer offered
    w.consent("dave", grant=[Scope.TRAINING])
    w.log("dave", ConsentSnapshot(frozenset({Scope.ASSIST, Scope.TRAINING}), "DE", POLICY, "x"))
    w.log("fred", ConsentSnapshot(frozenset({Scope.TRAINING}), "US", "2025-01", "y"))
    w.consent("fred", grant=[Scope.TRAINING])
    w.log("gina", w.consent("gina", grant=[Scope.TRAINING]), frame_jpeg=None)

    result = export(w, tmp_path / "ds", min_policy="2026-01")

    assert exported_keys(tmp_path / "ds") == alice
    assert dict(result.excluded) == {
        "no training consent when logged": 2,
        "training consent revoked since": 3,  # carol's two, and erin who moved to DE
        "region not allowed when logged": 1,
        "policy version older than 2026-01": 1,
        "no image": 1,
    }
    index = pq.read_table(tmp_path / "ds" / "index.parquet").to_pylist()
    assert [r["key"] for r in index] == alice
    entry = w.ledger.current("alice").ledger_entry_id
    assert all(r["ledger_entry_id"] == entry and r["consent_region"] == "US" for r in index)
    card = json.loads((tmp_path / "ds" / "card.json").read_text())
    assert card["included"] == 3 and card["considered"] == 11
    assert card["excluded"]["training consent revoked since"] == 3
    readme = (tmp_path / "ds" / "README.md").read_text()
    assert "| excluded: no image | 1 |" in readme and "policy 2026-11: 3" in readme
    sample = next(
        iter(
            wds.WebDataset(str(tmp_path / "ds" / "shards" / "shard-000000.tar"), shardshuffle=False)
        )
    )
    meta = json.loads(sample["json"])
    assert "user_id" not in meta and "device_id" not in meta  # nothing identifies the user
    assert meta["image_sha256"] == hashlib.sha256(sample["jpg"]).hexdigest()
    assert sample["txt"].decode() == "Q: what is this?\nA: oak\n"


def test_the_rescan_drops_samples_with_findings_and_near_duplicates(store, tmp_path, redactor):
    w = World(store)
    consent = w.consent("alice", grant=[Scope.TRAINING])
    clean = w.log("alice", consent)
    w.log("alice", consent, frame_jpeg=cv2.imencode(".jpg", card_scene())[1].tobytes())
    w.log("alice", consent, answer_text="write to jane.doe@example.com")
    w.log(
        "alice",
        consent,
        transcript="my card is four one one one one one one one one one one one one one one one",
    )
    again = cv2.imdecode(np.frombuffer(picture(1), np.uint8), cv2.IMREAD_COLOR)
    w.log(
        "alice",
        consent,
        frame_jpeg=cv2.imencode(".jpg", again, [cv2.IMWRITE_JPEG_QUALITY, 60])[1].tobytes(),
    )

    result = Exporter(
        store, w.ledger, tmp_path / "ds", ExportSpec(shard_size=4), redaction_scan(redactor)
    ).run(progress=False)

    assert exported_keys(tmp_path / "ds") == clean
    assert dict(result.excluded) == {
        "re-scan: card number in image": 1,
        "re-scan: email in answer": 1,
        "re-scan: card number in transcript": 1,
        "near duplicate": 1,  # the first picture, re-encoded
    }


def _files(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".state" not in p.parts
    }


def test_an_interrupted_export_resumes_to_the_same_bytes_without_what_was_revoked(
    store, tmp_path, monkeypatch
):
    w = World(store)
    keep = w.log("alice", w.consent("alice", grant=[Scope.TRAINING]), n=6)
    leaving = w.log("bob", w.consent("bob", grant=[Scope.TRAINING]), n=3)
    deleting = w.log("carol", w.consent("carol", grant=[Scope.TRAINING]), n=3)

    real = export_run.write_shard
    calls = []

    def crash_on_second_shard(path, outcomes):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator pressed ctrl-c, or the machine went down
        return real(path, outcomes)

    monkeypatch.setattr(export_run, "write_shard", crash_on_second_shard)
    with pytest.raises(KeyboardInterrupt):
        export(w, tmp_path / "a")
    monkeypatch.setattr(export_run, "write_shard", real)
    assert exported_keys(tmp_path / "a") == keep[:4]  # the first chunk was written

    w.consent("bob", revoke=[Scope.TRAINING])  # while the export was interrupted
    store.delete_user("carol")  # "delete my data": nothing queued may leave either
    resumed = export(w, tmp_path / "a")

    assert exported_keys(tmp_path / "a") == keep
    assert not set(leaving + deleting) & set(exported_keys(tmp_path / "a"))
    assert resumed.excluded == {
        "training consent revoked since": 3,
        "deleted since it was logged": 3,
    }
    fresh = export(w, tmp_path / "b")  # same store and ledger, in one go
    again = export(w, tmp_path / "c")
    assert _files(tmp_path / "b") == _files(tmp_path / "c")  # deterministic, card included
    data = {k: v for k, v in _files(tmp_path / "a").items() if k.endswith((".tar", ".parquet"))}
    assert data == {k: v for k, v in _files(tmp_path / "b").items() if k in data}
    assert fresh.included == again.included == 6 and len(data) == 3  # 2 shards + index


def test_a_revocation_during_the_export_reaches_shards_already_written(store, tmp_path):
    w = World(store)
    w.log("bob", w.consent("bob", grant=[Scope.TRAINING]), n=2)
    alice = w.log("alice", w.consent("alice", grant=[Scope.TRAINING]), n=4)
    exporter = Exporter(store, w.ledger, tmp_path / "ds", ExportSpec(rescan=False, shard_size=4))
    real_chunk = exporter._chunk

    def revoke_after_first(n, ids, dupes):
        record = real_chunk(n, ids, dupes)
        if n == 0:
            w.consent("bob", revoke=[Scope.TRAINING])
        return record

    exporter._chunk = revoke_after_first
    result = exporter.run(progress=False)
    assert exported_keys(tmp_path / "ds") == alice  # bob's two were taken out of shard 0
    assert result.excluded == {"training consent revoked since": 2}
