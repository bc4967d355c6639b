"""Imagine's safety layer: the prompt filter on the shipped red-team and benign
sets, and NudeNet's time per image.

For each set pair (the four dev pairs, then hold-out, reported apart) it prints the block
rate of the red-team prompts (target 100 %) and the false-block rate of the
benign ones (target at most 2 %), per category, and how often a blocked
red-team prompt got its intended category. The baseline, measured in the same
run on the same prompts, is the same filter without fuzzy matching (exact
terms after normalisation). Timing: the filter's time per prompt, and
NudeNet's per 1280x1280 image (one and two threads).

    python -m bench.imagine_safety --json docs/figures/imagine-safety.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import skimage.data

from models.registry import Role, resolve_file
from server.imagine.safety import PromptFilter, PromptFilterConfig
from server.imagine.safety.images import OnnxNudityClassifier
from server.imagine.safety.matching import known_words

PROMPTS = Path(__file__).resolve().parent / "imagine_prompts"
SETS = {
    "dev": ("redteam.txt", "benign.txt"),
    "dev2": ("redteam_more.txt", "benign_more.txt"),
    # written before the third round's code, for the kinds the second hold-out showed
    # (characters described, hate symbols, further languages, two people named)
    "dev3": ("redteam_dev3.txt", "benign_dev3.txt"),
    # written after the third hold-out, before the fourth round's code, for the kinds
    # it showed (Vietnamese, Hinglish, Arabizi, names translated into further languages
    # and scripts, more described characters, hate symbols described or translated,
    # violence without a listed verb, porn slang)
    "dev4": ("redteam_dev4.txt", "benign_dev4.txt"),
    # hold-outs, each scored once when written: the first before the filter existed
    # (issue 25, day 1), the second by someone who never saw the filter (day 1, after
    # the filter's second round); both are spent now and report how far a new one
    # may fall, not a target to tune to
    "holdout": ("holdout_redteam.txt", "holdout_benign.txt"),
    "holdout2": ("holdout2_redteam.txt", "holdout2_benign.txt"),
    # the third, by another red-teamer who saw neither the filter nor any set, scored
    # once after the filter's third round (described characters, hate symbols, languages)
    "holdout3": ("holdout3_redteam.txt", "holdout3_benign.txt"),
    # the fourth, by a red-teamer who saw neither the filter nor any set, asked for many
    # languages and scripts; scored once after the filter's fourth round (issue 25, day 2)
    "holdout4": ("holdout4_redteam.txt", "holdout4_benign.txt"),
}
IMAGE_SIDE = 1280
IMAGE_RUNS = 20


def prompt_set(name: str) -> list[tuple[str, str]]:
    """(category, prompt) of each line of a shipped prompt file."""
    lines = (PROMPTS / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip() and line[0] != "#"]


def score(prompt_filter: PromptFilter, redteam: list, benign: list) -> dict:
    """Block and false-block rates, overall and per category, and the misses."""
    red: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # blocked, right category, all
    good: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # blocked, all
    missed, false_blocks = [], []
    for category, prompt in redteam:
        verdict = prompt_filter.check(prompt)
        red[category][2] += 1
        if not verdict.allowed:
            red[category][0] += 1
            red[category][1] += verdict.category == category
        else:
            missed.append([category, prompt])
    for category, prompt in benign:
        verdict = prompt_filter.check(prompt)
        good[category][1] += 1
        if not verdict.allowed:
            good[category][0] += 1
            false_blocks.append([category, str(verdict.category), prompt])
    blocked, right, total = (sum(v[i] for v in red.values()) for i in range(3))
    false, benign_total = (sum(v[i] for v in good.values()) for i in range(2))
    return {
        "redteam_prompts": total,
        "block_rate": round(blocked / total, 4),
        "category_agreement": round(right / max(blocked, 1), 4),
        "benign_prompts": benign_total,
        "false_block_rate": round(false / benign_total, 4),
        "redteam_by_category": {
            c: {"blocked": b, "of": n, "rate": round(b / n, 4), "right_category": r}
            for c, (b, r, n) in sorted(red.items())
        },
        "benign_by_category": {
            c: {"blocked": b, "of": n, "rate": round(b / n, 4)}
            for c, (b, n) in sorted(good.items())
        },
        "missed": missed,
        "false_blocks": false_blocks,
    }


def prompt_timing(prompts: list[str]) -> dict:
    """Milliseconds per prompt: a fresh filter's first pass (each word looked up
    for the first time; the dictionaries loaded beforehand, as at start-up), then
    a second pass (words seen before are cached)."""
    known_words()
    prompt_filter = PromptFilter()
    passes = {}
    for name in ("first_pass", "second_pass"):
        times = []
        for prompt in prompts:
            start = time.perf_counter()
            prompt_filter.check(prompt)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        passes[name] = {
            "mean_ms": round(statistics.fmean(times), 3),
            "p50_ms": round(times[len(times) // 2], 3),
            "p95_ms": round(times[int(len(times) * 0.95)], 3),
            "max_ms": round(times[-1], 3),
        }
    return passes


def image_timing(threads: int) -> dict:
    """NudeNet's milliseconds per 1280x1280 RGB image (the astronaut, tiled)."""
    classifier = OnnxNudityClassifier.load(resolve_file(Role.IMAGE_SAFETY), threads=threads)
    tiles = -(-IMAGE_SIDE // 512)
    image = np.ascontiguousarray(
        np.tile(skimage.data.astronaut(), (tiles, tiles, 1))[:IMAGE_SIDE, :IMAGE_SIDE]
    )
    classifier.check(image)
    times = []
    for _ in range(IMAGE_RUNS):
        start = time.perf_counter()
        classifier.check(image)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"threads": threads, "p50_ms": round(times[len(times) // 2], 2), "runs": IMAGE_RUNS}


def _print_set(name: str, result: dict, baseline: dict) -> None:
    print(
        f"\n[{name}] red-team {result['redteam_prompts']}: blocked "
        f"{result['block_rate']:.1%} (baseline, no fuzzy: {baseline['block_rate']:.1%}); "
        f"right category {result['category_agreement']:.1%}"
    )
    for category, row in result["redteam_by_category"].items():
        base = baseline["redteam_by_category"][category]
        print(
            f"  {category:<22} {row['blocked']:>3}/{row['of']:<3} {row['rate']:>7.1%}"
            f"   baseline {base['rate']:>7.1%}"
        )
    print(
        f"[{name}] benign {result['benign_prompts']}: falsely blocked "
        f"{result['false_block_rate']:.1%} (baseline: {baseline['false_block_rate']:.1%})"
    )
    for category, row in result["benign_by_category"].items():
        print(f"  {category:<22} {row['blocked']:>3}/{row['of']:<3} {row['rate']:>7.1%}")
    for category, prompt in result["missed"]:
        print(f"  missed      {category:<20} {prompt!r}")
    for category, got, prompt in result["false_blocks"]:
        print(f"  false block {category:<20} as {got}: {prompt!r}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    args = parser.parse_args()

    machine = (
        f"{platform.machine()} {os.cpu_count()} cpu(s), {_cpu_model()}, "
        f"Python {platform.python_version()}"
    )
    print(f"machine: {machine}")
    prompt_filter = PromptFilter()
    exact = PromptFilter(PromptFilterConfig(fuzzy=False))
    figures: dict = {"machine": machine, "baseline": "the same filter, fuzzy matching off"}
    everything: list[str] = []
    for name in args.sets:
        redteam, benign = (prompt_set(f) for f in SETS[name])
        everything += [p for _, p in redteam + benign]
        result = score(prompt_filter, redteam, benign)
        baseline = score(exact, redteam, benign)
        _print_set(name, result, baseline)
        figures[name] = {
            **result,
            "baseline": {k: baseline[k] for k in ("block_rate", "false_block_rate")},
        }
    figures["prompt_time"] = prompt_timing(everything)
    print(f"\nprompt filter: {figures['prompt_time']}")
    figures["nudenet_1280"] = [image_timing(threads) for threads in (1, 2)]
    for row in figures["nudenet_1280"]:
        side = f"{IMAGE_SIDE}x{IMAGE_SIDE}"
        print(f"NudeNet 320n, {side}, {row['threads']} thread(s): {row['p50_ms']} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
