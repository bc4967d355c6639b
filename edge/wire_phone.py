"""The edge's converter for the phone app's calls: History, Devices, and the
consent ledger, deletion and export of the wearer's data (``edge/wire.py``
holds the rest; these two are the only edge modules that touch a generated
message)."""

from __future__ import annotations

from core.frames import Scope
from edge.domain import (
    DeviceInfo,
    HistoryItem,
    HistoryPage,
    LedgerRecord,
    LedgerView,
    SampleView,
)
from protos import glasses_pb2 as pb


def _scope_names(values) -> tuple[str, ...]:  # noqa: ANN001 - repeated pb.Scope
    return tuple(sorted(Scope(v).name.lower() for v in values if v in Scope._value2member_map_))


def _wall_ns(msg, field: str) -> int:  # noqa: ANN001 - a message with a Timestamp field
    return getattr(msg, field).nanos if msg.HasField(field) else 0


def decode_history_item(msg: pb.HistoryEntry) -> HistoryItem:
    return HistoryItem(
        sample_id=msg.sample_id,
        created_at_ns=_wall_ns(msg, "created_at"),
        device_id=msg.device_id,
        kind=msg.kind,
        query_text=msg.query_text,
        answer_text=msg.answer_text,
        answer_cut=msg.answer_cut,
        masked=dict(msg.masked),
        view_fraction=msg.view_fraction,
        sent_pixel_fraction=msg.sent_pixel_fraction,
        has_frame=msg.has_frame,
        images=msg.images,
        scopes=_scope_names(msg.consent.scopes),
        region=msg.consent.region,
        policy_version=msg.consent.policy_version,
        ledger_entry_id=msg.consent.ledger_entry_id,
    )


def encode_history_request(page_size: int, token: str) -> pb.ListHistoryRequest:
    return pb.ListHistoryRequest(page_size=page_size, page_token=token)


def decode_history_page(msg: pb.HistoryPage) -> HistoryPage:
    return HistoryPage(
        tuple(decode_history_item(e) for e in msg.entries), msg.next_page_token, msg.total
    )


def decode_ledger_record(msg: pb.LedgerEntry) -> LedgerRecord:
    known = Scope._value2member_map_
    return LedgerRecord(
        seq=msg.seq,
        entry_id=msg.entry_id,
        prev_id=msg.prev_id,
        at_ns=_wall_ns(msg, "at"),
        # a scope newer than this app keeps its number: the entry cannot be re-hashed here
        scopes=tuple(sorted(Scope(v).name.lower() if v in known else f"#{v}" for v in msg.scopes)),
        region=msg.region,
        policy_version=msg.policy_version,
        actor=msg.actor,
        reason=msg.reason,
        user_id=msg.user_id,
    )


def decode_ledger_view(msg: pb.LedgerHistory) -> LedgerView:
    return LedgerView(
        tuple(decode_ledger_record(e) for e in msg.entries),
        msg.chain_valid,
        msg.chain_entries,
        msg.chain_error,
    )


def encode_sample_request(sample_id: str, with_blobs: bool = True) -> pb.GetSampleRequest:
    return pb.GetSampleRequest(sample_id=sample_id, without_blobs=not with_blobs)


def encode_blob_request(sample_id: str, kind: str, index: int) -> pb.GetBlobRequest:
    return pb.GetBlobRequest(sample_id=sample_id, kind=kind, index=index)


def encode_delete_sample(sample_id: str) -> pb.DeleteSampleRequest:
    return pb.DeleteSampleRequest(sample_id=sample_id)


def decode_sample_view(msg: pb.SampleDetail) -> SampleView:
    return SampleView(
        decode_history_item(msg.entry),
        msg.frame_jpeg,
        tuple(msg.images),
        msg.transcript,
        tuple((f.label, (f.box.x, f.box.y, f.box.w, f.box.h)) for f in msg.report.findings),
        decode_ledger_record(msg.consent_entry) if msg.HasField("consent_entry") else None,
        msg.model_id,
    )


def decode_devices(msg: pb.DeviceList) -> tuple[DeviceInfo, ...]:
    return tuple(
        DeviceInfo(d.device_id, _wall_ns(d, "enrolled_at"), d.this_device) for d in msg.devices
    )


def encode_pair(code: str, device_id: str) -> pb.PairRequest:
    return pb.PairRequest(code=code, device_id=device_id)


def encode_revoke_device(device_id: str) -> pb.RevokeDeviceRequest:
    return pb.RevokeDeviceRequest(device_id=device_id)


def encode_delete_my_data(confirm: bool) -> pb.DeleteMyDataRequest:
    return pb.DeleteMyDataRequest(confirm=confirm)


def encode_ledger_request() -> pb.LedgerHistoryRequest:
    return pb.LedgerHistoryRequest()


def encode_export_request() -> pb.ExportMyDataRequest:
    return pb.ExportMyDataRequest()


def encode_list_devices() -> pb.ListDevicesRequest:
    return pb.ListDevicesRequest()
