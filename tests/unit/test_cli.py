import json
import subprocess
import sys

import cv2
import pytest

from core.errors import AuthError
from glasses.cli import build_parser, main
from server.accounts import Accounts
from server.store import SqliteSampleStore
from tests.conftest import TEST_CARD, card_scene

SUBCOMMANDS = ["demo", "server", "certs", "edge", "redact", "imagine", "consent", "export"]


def test_help_lists_every_subcommand():
    text = build_parser().format_help()
    for name in SUBCOMMANDS:
        assert name in text


def test_every_subcommand_has_help(capsys):
    for name in SUBCOMMANDS:
        try:
            main([name, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert "usage: glasses " + name in capsys.readouterr().out


def test_a_bad_config_value_is_a_clear_error_not_a_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "glasses", "redact", "x.jpg", "--out", "o"],
        capture_output=True,
        text=True,
        env={"GLASSES__EDGE__REDACTION__MAX_SIDE": "huge", "PATH": ""},
    )
    assert proc.returncode == 2
    assert "edge.redaction.max_side" in proc.stderr and "'huge'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_redact_writes_same_names_and_a_json_report(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    cv2.imwrite(str(src / "desk.png"), card_scene())
    cv2.imwrite(str(src / "plain.jpg"), card_scene()[:200, :200])
    report_file = tmp_path / "report.json"
    assert (
        main(["redact", str(src), "--out", str(tmp_path / "out"), "--report", str(report_file)])
        == 0
    )
    assert (tmp_path / "out" / "desk.png").is_file() and (tmp_path / "out" / "plain.jpg").is_file()
    report = json.loads(report_file.read_text())
    by_name = {entry["file"]: entry for entry in report["images"]}
    assert by_name["desk.png"]["counts"] == {"card_number": 1}
    assert by_name["plain.jpg"]["counts"] == {}
    assert by_name["desk.png"]["latency_ms"] > 0
    text = report_file.read_text()  # findings never hold the content
    assert TEST_CARD not in text and "5500 0055" not in text


def test_redact_on_a_missing_input_says_so(tmp_path, capsys):
    assert main(["redact", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "neither a file nor a folder" in capsys.readouterr().err


def test_an_operator_enrols_a_device_and_changes_its_consent(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GLASSES__SERVER__STORE__PATH", str(tmp_path / "store"))
    monkeypatch.setenv("GLASSES__APP__SESSIONS", str(tmp_path / "app" / "app.sqlite"))
    assert main(["consent", "enrol", "dev-cli"]) == 0
    out = capsys.readouterr().out
    user = out.split("user: ")[1].split()[0]
    assert len(out.split("token: ")[1].split()[0]) >= 40
    # the phone's pairing code, and a QR code of the app's pairing page that an
    # independent reader (OpenCV's) reads back
    code = out.split("pairing code for the phone app: ")[1].split()[0]
    qr = cv2.imread(str(tmp_path / "app" / "pairing.png"))
    read, _, _ = cv2.QRCodeDetector().detectAndDecode(qr)
    assert read.endswith(f"/pair?code={code}")
    assert main(["consent", "grant", "training", "--user", user]) == 0
    assert "scopes: assist,training" in capsys.readouterr().out
    assert main(["consent", "grant", "training", "--user", user, "--region", "FR"]) == 2
    assert "not offered in region FR" in capsys.readouterr().err
    assert main(["consent", "revoke", "training", "--user", user]) == 0
    assert main(["consent", "verify"]) == 0
    assert "verifies: 2 entries" in capsys.readouterr().out
    assert main(["consent", "get"]) == 2
    assert "--token TOKEN" in capsys.readouterr().err
    store = SqliteSampleStore(tmp_path / "store")
    try:  # the code enrols a phone for the same user, once
        phone, _ = Accounts(store).pair(code, "phone-app")
        assert phone.user_id == user
        with pytest.raises(AuthError):
            Accounts(store).pair(code, "phone-app")
    finally:
        store.close()
