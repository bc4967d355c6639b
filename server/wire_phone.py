"""The server's converter for the phone app's calls: the consent ledger's
history, History and Devices (``server/wire.py`` holds the rest; these two
are the only server modules that touch a generated message)."""

from __future__ import annotations

from edge.wire import consent_to_pb
from protos import glasses_pb2 as pb
from server.consent import LedgerEntry
from server.history import Detail, Page, kind_of
from server.store.base import HistoryRow
from server.wire import wall_stamp


def encode_ledger_entry(e: LedgerEntry) -> pb.LedgerEntry:
    return pb.LedgerEntry(
        seq=e.seq,
        entry_id=e.entry_id,
        prev_id=e.prev_id,
        at=wall_stamp(e.at_ns),
        scopes=sorted(int(s) for s in e.scopes),
        region=e.region,
        policy_version=e.policy_version,
        actor=e.actor,
        reason=e.reason,
        user_id=e.user_id,
    )


def encode_ledger_history(
    entries: list[LedgerEntry], chain_entries: int, chain_error: str
) -> pb.LedgerHistory:
    return pb.LedgerHistory(
        entries=[encode_ledger_entry(e) for e in entries],
        chain_valid=not chain_error,
        chain_entries=chain_entries,
        chain_error=chain_error,
    )


# ------------------------------------------------------------------ History and Devices


def encode_history_entry(row: HistoryRow) -> pb.HistoryEntry:
    r = row.redaction
    return pb.HistoryEntry(
        sample_id=row.sample_id,
        created_at=wall_stamp(row.created_at_ns),
        device_id=row.device_id,
        kind=kind_of(r),
        query_text=row.query_text,
        answer_text=row.answer_preview,
        answer_cut=row.answer_cut,
        masked={k: int(v) for k, v in r.get("counts", {}).items()},
        view_fraction=float(r.get("view_fraction", 1.0)) if row.has_frame else 0.0,
        sent_pixel_fraction=float(r.get("sent_pixel_fraction", 1.0)) if row.has_frame else 0.0,
        has_frame=row.has_frame,
        images=row.images,
        consent=consent_to_pb(row.consent),
    )


def encode_history_page(page: Page) -> pb.HistoryPage:
    return pb.HistoryPage(
        entries=[encode_history_entry(r) for r in page.rows],
        next_page_token=page.next_token,
        total=page.total,
    )


def encode_blob(data: bytes) -> pb.SampleBlob:
    media_type = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return pb.SampleBlob(data=data, media_type=media_type)


def encode_sample_detail(detail: Detail, blobs: bool = True) -> pb.SampleDetail:
    """One sample in full; without ``blobs``, its entry and report only."""
    sample, r = detail.sample, detail.sample.redaction
    findings = [
        pb.RedactionFinding(
            label=f["label"],
            box=pb.Box(**f["box"]),
            confidence=f.get("confidence", 0.0),
            signals=f.get("signals", []),
            detector=f.get("detector", ""),
        )
        for f in r.get("findings", [])
    ]
    return pb.SampleDetail(
        entry=encode_history_entry(detail.row),
        frame_jpeg=(sample.frame_jpeg or b"") if blobs else b"",
        images=list(sample.images) if blobs else [],
        transcript=sample.transcript,
        consent_entry=encode_ledger_entry(detail.consent_entry) if detail.consent_entry else None,
        report=pb.RedactionReport(
            findings=findings,
            sent_pixel_fraction=r.get("sent_pixel_fraction", 0.0),
            fully_masked=r.get("fully_masked", False),
            view_fraction=r.get("view_fraction", 0.0),
        ),
        model_id=sample.model_id,
    )


def encode_sample_deleted() -> pb.DeleteSampleResponse:
    return pb.DeleteSampleResponse()


def encode_revoked(tokens: int) -> pb.RevokeDeviceResponse:
    return pb.RevokeDeviceResponse(tokens_revoked=tokens)


def encode_paired(token: str, device_id: str) -> pb.PairResponse:
    return pb.PairResponse(token=token, device_id=device_id)


def encode_devices(devices: list[tuple[str, int]], this_device: str) -> pb.DeviceList:
    return pb.DeviceList(
        devices=[
            pb.Device(device_id=d, enrolled_at=wall_stamp(at), this_device=d == this_device)
            for d, at in devices
        ]
    )
