"""Activation: false activations on speech without the wake phrase, wake-phrase
recall on spoken questions, and the on-device ASR's real-time factor.

    python -m bench.activation [--minutes 10] [--questions 40] [--seed 0]
                               [--holdout | --calibrate] [--primed] [--json out.json]

Speech is synthesised (espeak-ng voices, or flite's with ``--calibrate``) at
several speeds and pitches, with noise mixed in (white, pink, brown, mains
hum, babble of reversed speech, or clean; 30, 20 or 10 dB SNR for the
wearer's questions, 20, 10 or 5 dB for speech around the wearer), all drawn
from ``--seed``. It goes through the edge's own VAD and Whisper
(``edge.components``) and ``edge.activation.Activation`` with the config's
``edge.activation`` section, Whisper's second opinion included (asked, as in
the runtime, only about speech the transcript alone would drop):

- **Speech without the wake phrase**: at least ``--minutes`` of everyday
  sentences, near misses ("hey guys", "his glasses", "a glass of water") and
  questions a bystander asks without the wake phrase, as one stream with
  pauses, through one segmenter and one ``Activation``. Every utterance sent
  is a false activation (target 0).
- **Spoken questions**: ``--questions`` questions, each after the wake phrase
  (with a comma, run on, after a full stop, or said alone before a pause),
  each a stream of its own. Recall: the share whose question was sent
  (target 95 %).

Baselines, in the same run and on the same transcripts: the transcript alone
(no second opinion), the wake phrase matched exactly, and a keyword spotter
("glasses" anywhere); with ``--primed``, Whisper primed with the wake phrase
too (``ActivationConfig.prime_asr``). The second opinions' scores are
printed with a sweep of ``heard_min_log_prob`` (from this run's scores).

``--calibrate`` speaks the development sentences in flite's voices, a
synthesiser the espeak-ng sets never use: thresholds are chosen there.
``--holdout`` speaks the held-out fifth of the sentences and questions
(``bench.activation_corpus``) in espeak-ng voices the development set never
uses, from seed 900,000 on: score each seed once, and report it apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import partial

import numpy as np

from bench.activation_corpus import NEAR_MISS, ORDINARY, QUESTIONS, WAKE_FORMS, split
from bench.activation_report import report
from core.frames import AudioChunk, Stamp
from edge.activation import Activation, Decision
from edge.asr import Heard, WakeHeard
from edge.components import build_segmenter, build_transcriber
from edge.config import ActivationConfig
from edge.sources import CHUNK
from glasses.config import load_config
from scenes.speech import Speaker, Spoken, join

RATE = 16000
HOLDOUT_SEED = 900_000
DEV_VOICES = [
    "en-us",
    "en-gb",
    "en-us+f3",
    "en-gb-scotland",
    "en-029",
    "en-gb-x-rp+f2",
    "en-us+m3",
    "en-gb+f4",
]
HELD_OUT_VOICES = ["en-us-nyc", "en-gb-x-gbcwmd", "en-gb-x-gbclan+f1", "en-us+m5", "en-gb-x-rp"]
# --calibrate: another synthesiser altogether, to choose heard_min_log_prob on
CALIBRATION_VOICES = ["flite:kal16", "flite:awb", "flite:rms", "flite:slt", "flite:kal"]
CALIBRATION_SEED = 500_000
# The wearer speaks 5-10 cm from the glasses' microphone, well above the room
# (15-30 dB); bystanders and a TV arrive at about the room's level.
WEARER_SNR_DB = [30, 20, 10]
ROOM_SNR_DB = [20, 10, 5]


class Listener:
    """The edge's path: VAD segments, then Whisper, primed with the wake phrase
    or not (the two transcribers hear the same segments)."""

    def __init__(self, segmenter_factory, transcribers: dict) -> None:  # noqa: ANN001
        self.segmenter_factory = segmenter_factory
        self.transcribers = transcribers
        self.asr_s = dict.fromkeys(transcribers, 0.0)
        self.audio_s = 0.0

    def listen(self, audio: np.ndarray) -> dict[str, list[Heard]]:
        segmenter = self.segmenter_factory()
        segments = []
        for i, at in enumerate(range(0, len(audio), CHUNK)):
            chunk = AudioChunk(i, audio[at : at + CHUNK], RATE, Stamp.media(at / RATE))
            segments += segmenter.feed(chunk)
        segments += segmenter.flush()
        self.audio_s += sum(len(s.samples) for s in segments) / RATE
        heard = {}
        for name, transcriber in self.transcribers.items():
            t0 = time.perf_counter()
            heard[name] = [transcriber.hear(s) for s in segments]
            self.asr_s[name] += time.perf_counter() - t0
        return heard


@dataclass
class Decided:
    """One VAD segment: what the ASR made of it and what activation decided."""

    start_s: float
    end_s: float
    text: str
    decision: Decision
    utterance: int  # index of the spoken utterance it overlaps most; -1 for none
    second: WakeHeard | None  # Whisper's second opinion, where activation asked for it


def decide_all(heard: list[Heard], activation: Activation, spans, clock=None) -> list[Decided]:  # noqa: ANN001
    out = []
    for h in heard:
        s, e = h.transcript.started_at.seconds, h.transcript.ended_at.seconds
        overlaps = [max(0.0, min(e, b) - max(s, a)) for a, b in spans]
        best = int(np.argmax(overlaps)) if overlaps and max(overlaps) > 0 else -1
        decision, second = activation.decide(h.transcript.text, s, e), None
        if activation.wants_second_opinion(decision):
            t0 = time.perf_counter()
            second = h.wake(activation.config.wake_phrase)
            if clock is not None:
                clock.append(time.perf_counter() - t0)
            decision = activation.decide(h.transcript.text, s, e, second)
        out.append(Decided(s, e, h.transcript.text, decision, best, second))
    return out


def keyword_baseline(text: str) -> bool:
    return "glasses" in re.sub(r"[^a-z ]", " ", text.lower()).split()


def sweep(
    negatives: list[float], rescued: list[float], base_uploads: int, base_sent: int, questions: int
) -> list[dict]:
    """Uploads and recall for other heard_min_log_prob values, from the second
    opinions of this run: ``negatives`` on speech without the wake phrase,
    ``rescued`` on questions the transcript alone missed (with a question after)."""
    return [
        {
            "heard_min_log_prob": t,
            "uploads": base_uploads + sum(x >= t for x in negatives),
            "recall": round((base_sent + sum(x >= t for x in rescued)) / questions, 3),
        }
        for t in (-6.0, -7.0, -8.0, -9.0, -10.0, -11.0, -12.0, -14.0)
    ]


def breakdown(rows: list[tuple[Spoken, bool]], key) -> dict[str, str]:  # noqa: ANN001
    totals, hits = Counter(), Counter()
    for said, hit in rows:
        totals[key(said)] += 1
        hits[key(said)] += hit
    return {k: f"{hits[k]}/{totals[k]}" for k in sorted(totals)}


VARIANTS = {
    "kind": lambda s: s.kind,
    "voice": lambda s: s.voice,
    "speed": Spoken.speed,
    "noise": lambda s: s.noise if s.snr_db is None else f"{s.noise} {s.snr_db} dB",
}


def run(args: argparse.Namespace) -> dict:
    config = load_config()
    if args.calibrate:
        seed, voices, held_out, name = (
            CALIBRATION_SEED + args.seed,
            CALIBRATION_VOICES,
            False,
            "calibration",
        )
    elif args.holdout:
        seed, voices, held_out, name = HOLDOUT_SEED + args.seed, HELD_OUT_VOICES, True, "held-out"
    else:
        seed, voices, held_out, name = args.seed, DEV_VOICES, False, "development"
    section = config.edge.activation
    # same-run baselines on the same transcripts: the transcript alone, matched fuzzily / exactly
    alone = ActivationConfig(**{**section.model_dump(), "heard_min_log_prob": None})
    exact = ActivationConfig(**{**alone.model_dump(), "tolerance": 0.0})
    transcribers = {"unprimed": build_transcriber(config.models, config.edge.asr)}
    if args.primed:
        transcribers["primed"] = build_transcriber(
            config.models, config.edge.asr, section.wake_phrase
        )
    listener = Listener(partial(build_segmenter, config.models, config.edge.vad), transcribers)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    checks_s: list[float] = []  # decisions that asked Whisper for its second opinion

    # 1. speech without the wake phrase: one long stream
    pools = {
        "ordinary": split(ORDINARY, held_out),
        "near_miss": split(NEAR_MISS, held_out),
        "bystander_question": [q[0].upper() + q[1:] for q in split(QUESTIONS, held_out)],
    }
    weights = {"ordinary": 0.55, "near_miss": 0.3, "bystander_question": 0.15}
    speaker = Speaker(seed + 1000, voices, ROOM_SNR_DB, ORDINARY)
    clips, speech_s = [], 0.0
    order = {k: list(rng.permutation(len(v))) for k, v in pools.items()}
    while speech_s < args.minutes * 60:
        kind = str(rng.choice(list(weights), p=list(weights.values())))
        if not order[kind]:
            order[kind] = list(rng.permutation(len(pools[kind])))
        said, clip = speaker.say(kind, pools[kind][order[kind].pop()])
        clips.append((said, clip))
        speech_s += said.end_s - said.start_s
    spoken, stream = join(clips)
    spans = [(s.start_s, s.end_s) for s in spoken]
    no_wake = {}
    for asr, heard in listener.listen(stream).items():
        timed = checks_s if asr == "unprimed" else None
        ours = decide_all(heard, Activation(section), spans, timed)
        sent = [h for h in ours if h.decision.send]
        by_utterance = [
            (s, any(h.decision.send for h in sent if h.utterance == i))
            for i, s in enumerate(spoken)
        ]
        opinions = sorted(
            ((h.second.log_prob, h.text, spoken[h.utterance].text) for h in ours if h.second),
            reverse=True,
        )
        no_wake[asr] = {
            "vad_segments": len(heard),
            "uploads": len(sent),
            "wake_only": sum(h.decision.reason == "wake_only" for h in ours),
            "baseline_transcript_alone_uploads": sum(
                h.decision.send for h in decide_all(heard, Activation(alone), spans)
            ),
            "baseline_exact_uploads": sum(
                h.decision.send for h in decide_all(heard, Activation(exact), spans)
            ),
            "baseline_keyword_uploads": sum(keyword_baseline(h.transcript.text) for h in heard),
            "false": [
                {"heard": h.text, "said": spoken[h.utterance].text, "reason": h.decision.reason}
                for h in sent
            ],
            "second_opinions": [round(x[0], 2) for x in opinions],
            "likeliest": [
                {"log_prob": round(p, 2), "heard": t, "said": said} for p, t, said in opinions[:8]
            ],
            "sent_by_variant": {k: breakdown(by_utterance, f) for k, f in VARIANTS.items()},
        }

    # 2. spoken questions after the wake phrase: a stream each
    questions = split(QUESTIONS, held_out)
    forms = list(WAKE_FORMS.items())
    asker = Speaker(seed + 2000, voices, WEARER_SNR_DB, ORDINARY)
    asked, alone_hits, exact_hits = defaultdict(list), Counter(), Counter()
    missed, rescued = defaultdict(list), defaultdict(list)
    for n in range(args.questions):
        form, template = forms[n % len(forms)]
        question = questions[int(rng.integers(len(questions)))]
        said, clip = asker.say(f"wake:{form}", template.format(q=question))
        span = [(said.start_s, said.end_s)]
        for asr, heard in listener.listen(clip).items():
            timed = checks_s if asr == "unprimed" else None
            decided = decide_all(heard, Activation(section), span, timed)
            hit = any(h.decision.send and h.decision.question for h in decided)
            asked[asr].append((said, hit))
            by_text = decide_all(heard, Activation(alone), span)
            alone_hit = any(h.decision.send and h.decision.question for h in by_text)
            alone_hits[asr] += alone_hit
            exact_hits[asr] += any(
                h.decision.send for h in decide_all(heard, Activation(exact), span)
            )
            if not alone_hit:  # what the second opinion made of it
                best = max(
                    (h.second for h in decided if h.second), default=None, key=lambda w: w.log_prob
                )
                rescued[asr].append(
                    {
                        "log_prob": None if best is None else round(best.log_prob, 2),
                        "said": question,
                        "sent": [h.decision.question for h in decided if h.decision.send],
                    }
                )
            if not hit:
                missed[asr].append({**asdict(said), "heard": [h.text for h in decided]})
    wake = {
        asr: {
            "sent": sum(hit for _, hit in rows),
            "recall": round(sum(hit for _, hit in rows) / len(rows), 3),
            "baseline_transcript_alone_recall": round(alone_hits[asr] / len(rows), 3),
            "baseline_exact_recall": round(exact_hits[asr] / len(rows), 3),
            "sent_by_variant": {k: breakdown(rows, f) for k, f in VARIANTS.items()},
            "missed": missed[asr],
            "second_opinion_on_missed_by_transcript": rescued[asr],
            "sweep": sweep(
                no_wake[asr]["second_opinions"],
                [r["log_prob"] for r in rescued[asr] if r["log_prob"] is not None],
                no_wake[asr]["baseline_transcript_alone_uploads"],
                alone_hits[asr],
                len(rows),
            ),
        }
        for asr, rows in asked.items()
    }

    return {
        "machine": f"{platform.machine()} {os.cpu_count()} cpu(s), Python "
        f"{platform.python_version()}, threads per model {config.models.threads}",
        "set": name,
        "voices": voices,
        "seed": seed,
        "config": section.model_dump(),
        "speech_without_wake_minutes": round(speech_s / 60, 2),
        "utterances_without_wake": len(spoken),
        "questions": args.questions,
        "no_wake": no_wake,
        "wake": wake,
        "asr": {
            "audio_s": round(listener.audio_s, 1),
            **{
                f"real_time_factor_{asr}": round(t / max(listener.audio_s, 1e-9), 3)
                for asr, t in listener.asr_s.items()
            },
            "second_opinions": len(checks_s),
            "second_opinion_ms_p50": round(1e3 * float(np.median(checks_s)), 1)
            if checks_s
            else None,
            "second_opinion_ms_p95": round(1e3 * float(np.percentile(checks_s, 95)), 1)
            if checks_s
            else None,
        },
        "wall_s": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="speech without the phrase")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--holdout", action="store_true", help="the held-out set: score once")
    parser.add_argument(
        "--calibrate", action="store_true", help="flite voices (not espeak-ng): choose thresholds"
    )
    parser.add_argument("--primed", action="store_true", help="also Whisper primed (prime_asr)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    result = run(args)
    report(result)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)


if __name__ == "__main__":
    main()
