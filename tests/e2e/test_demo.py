"""`glasses demo` end to end, through the real command line."""

import os
import re
import signal
import subprocess
import sys

import cv2
import pytest

from glasses.assets import DEMO_CARD_NUMBER
from tests.conftest import readable_digit_runs

pytestmark = pytest.mark.slow  # the whole demo through the command line (~20 s)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "GLASSES__MODELS__CACHE_DIR": str(out / "models")}
    proc = subprocess.run(
        [sys.executable, "-m", "glasses", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    return proc, out


def test_demo_prints_the_whole_story(demo_run):
    proc, _ = demo_run
    assert proc.returncode == 0, proc.stderr
    report = proc.stdout
    assert "utterance 1: wake_phrase" in report
    assert "question (redacted on device): 'what is this table made" in report
    assert "card_number=1" in report
    assert "answer (streamed): '" in report and "answer (streamed): ''" not in report
    assert "sample id: " in report and "(not kept" not in report
    assert "-> 4 image(s) 512x512" in report  # Imagine, the app's other job
    assert "verify imagine_0: watermark 0001" in report and "both name the same image" in report
    assert "samples in store: 2" in report  # the question and the generation
    for stage in ("asr_ms", "redact_ms", "frame_ready_ms", "first_token_ms", "server_recheck_ms"):
        assert stage in report
    assert DEMO_CARD_NUMBER not in report and "4111" not in report


def test_the_card_number_is_legible_in_the_original_and_not_in_what_was_sent(
    demo_run, strong_reader
):
    _, out = demo_run
    original = cv2.imread(str(out / "frame0_original.jpg"))
    redacted = cv2.imread(str(out / "frame0_redacted.jpg"))
    assert DEMO_CARD_NUMBER in readable_digit_runs(strong_reader, original)
    assert readable_digit_runs(strong_reader, redacted) == []


def test_only_what_the_model_looks_at_is_sent(demo_run):
    proc, out = demo_run
    sent = cv2.imread(str(out / "frame0_sent.jpg"))
    whole = cv2.imread(str(out / "frame0_redacted.jpg"))
    # the demo's tiny model looks at 64 px a side: that is what went up
    assert max(sent.shape[:2]) == 64 and max(whole.shape[:2]) == 1280
    assert "view sent 100% at 0.2% of its pixels (model side 64 px)" in proc.stdout


def test_then_the_phone_app_shows_the_demos_question(demo_run, chromium, tmp_path):
    """The newcomer's path: after the demo, `glasses app --demo` prints an address
    and a pairing code; paired with it, the history shows the demo's question
    with the frame as it was sent."""
    _, out = demo_run
    env = {
        **os.environ,
        "GLASSES__MODELS__CACHE_DIR": str(out / "models"),
        "GLASSES__APP__SESSIONS": str(tmp_path / "app.sqlite"),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "glasses", "app", "--demo", str(out), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = code = ""
        for line in app.stdout:
            if line.startswith("companion app: "):
                address = line.split()[2]
            if line.startswith("pairing code for the phone app: "):
                code = line.split(": ")[1].split()[0]
                break
        assert address and code, app.stderr.read()
        page = chromium.new_page(viewport={"width": 375, "height": 812})
        page.goto(address)
        page.get_by_label("Pairing code").fill(code)
        page.get_by_role("button", name="Pair").click()
        page.wait_for_url("**/history")
        card = page.locator(".card").filter(has_text="what is this table made")
        assert "1 card number masked" in card.inner_text()
        card.get_by_role("link").click()
        frame = page.get_by_role("img", name=re.compile("exactly as it left the device"))
        assert frame.evaluate("img => img.complete && img.naturalWidth > 0")
        page.close()
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(timeout=60)
    assert "Traceback" not in app.stderr.read()
