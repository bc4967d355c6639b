"""Streamed answers are spoken sentence by sentence, as each one completes."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from edge.speaker import Speaker, sentences


def test_sentences_are_cut_where_they_end_and_the_rest_waits():
    assert sentences("It is oak. It looks old") == (["It is oak."], "It looks old")
    assert sentences("Is it? Yes! Maybe") == (["Is it?", "Yes!"], "Maybe")
    assert sentences("Version 2.5 is out") == ([], "Version 2.5 is out")  # no space after '.'
    assert sentences("line one\nline two") == (["line one"], "line two")


def test_each_sentence_is_spoken_once_complete_and_in_order(tmp_path):
    # a stand-in espeak-ng that records what it was asked to say (the device's speaker)
    fake = tmp_path / "espeak-ng"
    log = tmp_path / "said.txt"
    fake.write_text(f'#!/bin/sh\nfor last; do :; done\necho "$last" >> {log}\n')
    fake.chmod(0o755)

    async def scenario():
        speaker = Speaker(program=str(fake))
        for delta in ["It looks", " like oak.", " The grain", " is fine", "."]:
            speaker.feed(delta)
        spoken_before_end = list(speaker.spoken)
        await asyncio.sleep(0.2)
        speaker.end()
        await speaker.close()
        return spoken_before_end, speaker.spoken

    before, spoken = asyncio.run(scenario())
    assert spoken == ["It looks like oak.", "The grain is fine."]
    assert log.read_text().splitlines() == spoken
    assert before == []  # queued, spoken by the task (the answer is not held up)


def test_without_espeak_nothing_is_spoken_and_nothing_fails():
    async def scenario():
        speaker = Speaker(program="no-such-espeak")
        speaker.feed("It is oak. ")
        speaker.end()
        await speaker.close()
        return speaker

    speaker = asyncio.run(scenario())
    assert not speaker.available and speaker.spoken == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_real_espeak_speaks_to_a_null_sink():
    async def scenario():
        speaker = Speaker()
        speaker.feed("Ok.")
        speaker.end()
        await speaker.close()
        return speaker.spoken

    assert asyncio.run(scenario()) == ["Ok."]
