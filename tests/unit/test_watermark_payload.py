"""The watermark's payload: its wire form, and the code that carries it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from server.imagine.watermark import PAYLOAD_BITS, WatermarkPayload
from server.imagine.watermark.detect import BUDGET, HYPOTHESES, LIST_SIZE, thresholds
from server.imagine.watermark.payload import (
    CODED_BITS,
    CORRECTABLE_ERRORS,
    MESSAGE_BITS,
    conv_encode,
    list_viterbi_decode,
    message_bits,
    read_message,
    viterbi_decode,
)

MASK = np.random.default_rng(3).integers(0, 2, MESSAGE_BITS).astype(np.uint8)


def test_the_hex_form_round_trips_and_is_stable():
    p = WatermarkPayload(0xBEEF, 0x0123456789AB)
    assert PAYLOAD_BITS == 64
    assert p.hex() == "beef0123456789ab"
    assert WatermarkPayload.from_hex(p.hex()) == p
    assert WatermarkPayload.from_bits(p.bits()) == p


@pytest.mark.parametrize("text", ["", "beef", "BEEF0123456789AB", "beef0123456789ax", "1" * 17])
def test_a_malformed_watermark_id_is_refused(text):
    with pytest.raises(ValueError):
        WatermarkPayload.from_hex(text)


def test_fields_out_of_range_are_refused():
    with pytest.raises(ValueError):
        WatermarkPayload(1 << 16, 0)
    with pytest.raises(ValueError):
        WatermarkPayload(0, 1 << 48)


def test_any_seven_wrong_coded_bits_are_corrected():
    rng = np.random.default_rng(0)
    assert CORRECTABLE_ERRORS == 7
    for _ in range(100):
        payload = WatermarkPayload(int(rng.integers(1 << 16)), int(rng.integers(1 << 48)))
        coded = conv_encode(message_bits(payload, MASK))
        assert coded.size == CODED_BITS
        wrong = rng.choice(CODED_BITS, CORRECTABLE_ERRORS, replace=False)
        coded[wrong] ^= 1
        bits, ok = read_message(viterbi_decode(2.0 * coded - 1.0), MASK)
        assert ok and WatermarkPayload.from_bits(bits) == payload


def test_soft_values_carry_a_noisy_channel_through():
    """Coded bits at amplitude 1.5 in unit noise (7 % of hard bits wrong) decode whole."""
    rng = np.random.default_rng(1)
    for _ in range(50):
        payload = WatermarkPayload(int(rng.integers(1 << 16)), int(rng.integers(1 << 48)))
        coded = conv_encode(message_bits(payload, MASK))
        soft = 1.5 * (2.0 * coded - 1.0) + rng.normal(size=coded.size)
        bits, ok = read_message(viterbi_decode(soft), MASK)
        assert ok and WatermarkPayload.from_bits(bits) == payload


def test_garbage_fails_the_check():
    rng = np.random.default_rng(2)
    passed = sum(
        read_message(viterbi_decode(rng.normal(size=CODED_BITS)), MASK)[1] for _ in range(300)
    )
    assert passed == 0  # expected 300 / 65536


def test_thresholds_meet_the_stated_bound():
    alpha = 1e-6
    assert HYPOTHESES == 5 * 3 * 8 * 64 * 64  # the figure detect's docstring derives
    t = thresholds(alpha)
    assert (round(t.crc, 2), round(t.crc_list, 2), round(t.ref, 2)) == (5.75, 6.31, 7.52)
    assert LIST_SIZE == 16 and sum(BUDGET) == pytest.approx(1.0)
    first = HYPOTHESES * math.exp(-(t.crc**2) / 2) * 2.0**-16
    listed = HYPOTHESES * math.exp(-(t.crc_list**2) / 2) * 2.0**-16 * (LIST_SIZE - 1)
    ref = HYPOTHESES * math.exp(-(t.ref**2) / 2)
    assert (first, listed, ref) == pytest.approx((alpha / 2, alpha / 4, alpha / 4))
    assert first + listed + ref == pytest.approx(alpha)


def test_the_list_decoder_starts_with_the_viterbi_message_and_finds_more():
    """Its first message is the Viterbi decoder's; its messages are distinct; on a noisy
    channel the right one is in a list of 16 more often than first."""
    rng = np.random.default_rng(4)
    first = listed = 0
    for _ in range(60):
        payload = WatermarkPayload(int(rng.integers(1 << 16)), int(rng.integers(1 << 48)))
        truth = message_bits(payload, MASK)
        soft = 0.8 * (2.0 * conv_encode(truth) - 1.0) + rng.normal(size=CODED_BITS)
        messages = list_viterbi_decode(soft, 16)
        assert np.array_equal(messages[0], viterbi_decode(soft))
        assert len({m.tobytes() for m in messages}) == 16
        first += np.array_equal(messages[0], truth)
        listed += any(np.array_equal(m, truth) for m in messages)
    assert listed >= first + 5
