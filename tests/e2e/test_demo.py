"""`glasses demo` end to end, through the real command line."""

import os
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
