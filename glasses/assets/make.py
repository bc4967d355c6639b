"""Regenerate the demo recordings: ``python -m glasses.assets.make``.

Video: drawn with OpenCV (a wooden table, a mug, a payment card). Audio:
spoken by espeak-ng (Debian package), resampled to 16 kHz, padded with
silence. Both are deterministic for a given espeak-ng version.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import cv2
import numpy as np

from edge.sources import read_wav, resample
from glasses.assets import DEMO_AUDIO, DEMO_QUESTION, DEMO_VIDEO
from scenes.objects import draw_card, wood_table

W, H, FPS, SECONDS = 1280, 720, 10, 5.0


def make_video(path: Path, number: str = "4111111111111111", seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    table = wood_table(rng, W + 200, H + 100)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (W, H))
    for i in range(int(SECONDS * FPS)):
        dx, dy = int(60 + 40 * np.sin(i / 15)), int(30 + 15 * np.cos(i / 20))  # camera drift
        frame = table[dy : dy + H, dx : dx + W].copy()
        cv2.circle(frame, (1030, 220), 95, (235, 235, 240), -1, cv2.LINE_AA)  # a mug
        cv2.circle(frame, (1030, 220), 70, (30, 50, 70), -1, cv2.LINE_AA)
        draw_card(frame, 420 - dx // 2, 260 - dy // 2, 430, number)
        writer.write(frame)
    writer.release()


def make_audio(path: Path, text: str = DEMO_QUESTION) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spoken = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(spoken), text], check=True
        )
        samples, rate = read_wav(spoken)
    speech = resample(samples, rate)
    silence = np.zeros(int(0.8 * 16000), np.float32)
    audio = np.concatenate([silence, speech, silence, silence])
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm.tobytes())


if __name__ == "__main__":
    make_video(DEMO_VIDEO)
    make_audio(DEMO_AUDIO)
    for p in (DEMO_VIDEO, DEMO_AUDIO):
        print(f"wrote {p} ({p.stat().st_size} bytes)")
