"""Generated code is never edited by hand: it must match a fresh protoc run."""

from protos.generate import GENERATED, ROOT, generate


def test_generated_code_is_up_to_date(tmp_path):
    for fresh in generate(tmp_path):
        committed = ROOT / "protos" / fresh.name
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"protos/{fresh.name} is stale or was edited by hand; run `make protos`"
        )
    assert {p.name for p in (ROOT / "protos").glob("glasses_pb2*")} == set(GENERATED)


def test_contract_has_every_service_and_method():
    from protos import glasses_pb2 as pb

    services = {
        name: {m.name for m in svc.methods} for name, svc in pb.DESCRIPTOR.services_by_name.items()
    }
    assert services == {
        "Assistant": {"Converse"},
        "Imagine": {"Generate", "Riff", "Verify"},
        "Consent": {"Get", "Update", "Revoke", "DeleteMyData", "ExportMyData", "Ledger"},
        "History": {"List", "Get", "GetBlob", "Delete"},
        "Devices": {"List", "Revoke", "Pair"},
    }
    client = set(pb.ClientEvent.DESCRIPTOR.oneofs_by_name["event"].fields)
    assert {f.name for f in client} == {
        "hello",
        "frame",
        "utterance",
        "audio",
        "query",
        "ack",
        "goodbye",
    }
    server = set(pb.ServerEvent.DESCRIPTOR.oneofs_by_name["event"].fields)
    assert {f.name for f in server} == {"ready", "delta", "done", "error", "ack"}
