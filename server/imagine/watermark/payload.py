"""What the watermark says, and the error-correcting code that carries it.

A payload is a 16-bit generator id and a 48-bit image serial (64 bits). On
the channel it travels as a *message* of 80 bits: the 64 payload bits then a
CRC-16 over them, XOR-ed with a mask derived from the key (so that on an
unmarked image the decoded message is uniformly random and passes the CRC
with probability exactly 2**-16; see ``detect``). The message plus 6 zero tail
bits is encoded with the rate-1/3, constraint-length-7 convolutional code
(generators 133, 171, 165 octal, as in LTE); the terminated code has free
distance 15, so maximum-likelihood (Viterbi) decoding corrects any
``CORRECTABLE_ERRORS`` = 7 wrong hard bits among the 258 coded bits, and far
more when given soft values (what the detector does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

GENERATOR_BITS = 16
SERIAL_BITS = 48
PAYLOAD_BITS = GENERATOR_BITS + SERIAL_BITS
CRC_BITS = 16
MESSAGE_BITS = PAYLOAD_BITS + CRC_BITS
# The convolutional code: constraint length 7 (64 states), three generator
# polynomials (rate 1/3); the register's newest bit is its lowest.
CONSTRAINT = 7
GENERATORS = (0o133, 0o171, 0o165)
TAIL_BITS = CONSTRAINT - 1
CODED_BITS = (MESSAGE_BITS + TAIL_BITS) * len(GENERATORS)
FREE_DISTANCE = 15
CORRECTABLE_ERRORS = (FREE_DISTANCE - 1) // 2
CRC_POLY = 0x1021  # CRC-16/CCITT
_HEX = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class WatermarkPayload:
    """Which generator made an image, and the image's serial there."""

    generator: int
    serial: int

    def __post_init__(self) -> None:
        if not 0 <= self.generator < 1 << GENERATOR_BITS:
            raise ValueError(f"generator must fit {GENERATOR_BITS} bits, got {self.generator}")
        if not 0 <= self.serial < 1 << SERIAL_BITS:
            raise ValueError(f"serial must fit {SERIAL_BITS} bits, got {self.serial}")

    def hex(self) -> str:
        """16 lowercase hex digits: 4 for the generator, then 12 for the serial."""
        return f"{self.generator:04x}{self.serial:012x}"

    @classmethod
    def from_hex(cls, text: str) -> WatermarkPayload:
        """The inverse of ``hex``; raises ValueError for anything else."""
        if not isinstance(text, str) or not _HEX.match(text):
            raise ValueError(f"a watermark id is 16 lowercase hex digits, got {text!r}")
        return cls(int(text[:4], 16), int(text[4:], 16))

    def bits(self) -> np.ndarray:
        """The 64 payload bits, most significant first (uint8 0/1)."""
        value = (self.generator << SERIAL_BITS) | self.serial
        return _to_bits(value, PAYLOAD_BITS)

    @classmethod
    def from_bits(cls, bits: np.ndarray) -> WatermarkPayload:
        value = _from_bits(bits)
        return cls(value >> SERIAL_BITS, value & ((1 << SERIAL_BITS) - 1))


def _to_bits(value: int, n: int) -> np.ndarray:
    return np.array([(value >> (n - 1 - i)) & 1 for i in range(n)], np.uint8)


def _from_bits(bits: np.ndarray) -> int:
    value = 0
    for b in np.asarray(bits, np.uint8):
        value = (value << 1) | int(b)
    return value


def crc16(bits: np.ndarray) -> np.ndarray:
    """CRC-16/CCITT (initial value 0xFFFF) of a bit sequence, as 16 bits."""
    reg = 0xFFFF
    for b in np.asarray(bits, np.uint8):
        top = ((reg >> 15) & 1) ^ int(b)
        reg = (reg << 1) & 0xFFFF
        if top:
            reg ^= CRC_POLY
    return _to_bits(reg, CRC_BITS)


def message_bits(payload: WatermarkPayload, mask: np.ndarray) -> np.ndarray:
    """The 80-bit channel message: payload bits, their CRC, XOR the key's mask."""
    bits = payload.bits()
    return np.concatenate([bits, crc16(bits)]) ^ mask


def read_message(message: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, bool]:
    """Unmask a decoded message: the 64 payload bits and whether their CRC holds."""
    plain = np.asarray(message, np.uint8) ^ mask
    bits = plain[:PAYLOAD_BITS]
    return bits, bool(np.array_equal(crc16(bits), plain[PAYLOAD_BITS:]))


def _parity(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    for shift in (4, 2, 1):
        x ^= x >> shift
    return x & 1


# Trellis tables: from state s (the last 6 inputs) with input b, the register is
# r = (s << 1 | b) & 127, the next state r & 63, and the outputs parity(r & g).
_STATES = 1 << (CONSTRAINT - 1)
_REG = np.arange(1 << CONSTRAINT, dtype=np.int64)
_OUT = np.stack([_parity(_REG & g) for g in GENERATORS], axis=1).astype(np.int8)  # [reg, 3]
_OUT_PM = (2 * _OUT - 1).astype(np.float64)


def conv_encode(message: np.ndarray) -> np.ndarray:
    """The zero-terminated convolutional codeword of a message (0/1 bits)."""
    bits = np.concatenate([np.asarray(message, np.uint8), np.zeros(TAIL_BITS, np.uint8)])
    out = np.empty((len(bits), len(GENERATORS)), np.uint8)
    state = 0
    for i, b in enumerate(bits):
        reg = ((state << 1) | int(b)) & ((1 << CONSTRAINT) - 1)
        out[i] = _OUT[reg]
        state = reg & (_STATES - 1)
    return out.reshape(-1)


def viterbi_decode(soft: np.ndarray) -> np.ndarray:
    """Maximum-likelihood message for soft coded values (positive means bit 1).

    ``soft`` has ``CODED_BITS`` entries; any scale works (the metric is a
    correlation). Hard ±1 input makes this a minimum-Hamming-distance decoder.
    """
    y = np.asarray(soft, np.float64).reshape(-1, len(GENERATORS))
    steps = y.shape[0]
    # next state ns has predecessors s = (ns >> 1) | (t << 5), t in {0, 1}; input ns & 1
    ns = np.arange(_STATES)
    preds = np.stack([(ns >> 1), (ns >> 1) | (_STATES >> 1)], axis=1)  # [ns, 2]
    regs = ((preds << 1) | (ns[:, None] & 1)) & ((1 << CONSTRAINT) - 1)  # [ns, 2]
    metric = np.full(_STATES, -np.inf)
    metric[0] = 0.0
    choice = np.empty((steps, _STATES), np.int8)
    for t in range(steps):
        branch = _OUT_PM[regs] @ y[t]  # [ns, 2]
        cand = metric[preds] + branch
        pick = np.argmax(cand, axis=1)
        choice[t] = pick
        metric = cand[ns, pick]
        if t >= steps - TAIL_BITS:  # the tail is zeros: only even next states survive
            metric[ns & 1 == 1] = -np.inf
    state = 0
    bits = np.empty(steps, np.uint8)
    for t in range(steps - 1, -1, -1):
        bits[t] = state & 1
        state = int(preds[state, choice[t, state]])
    return bits[: steps - TAIL_BITS]


def list_viterbi_decode(soft: np.ndarray, size: int) -> list[np.ndarray]:
    """The ``size`` most likely messages for soft coded values, best first (a parallel
    list Viterbi: every state keeps its ``size`` best paths). The first is
    ``viterbi_decode``'s; the detector tries them against the CRC in this order."""
    y = np.asarray(soft, np.float64).reshape(-1, len(GENERATORS))
    steps = y.shape[0]
    ns = np.arange(_STATES)
    preds = np.stack([(ns >> 1), (ns >> 1) | (_STATES >> 1)], axis=1)  # [ns, 2]
    regs = ((preds << 1) | (ns[:, None] & 1)) & ((1 << CONSTRAINT) - 1)
    metric = np.full((_STATES, size), -np.inf)
    metric[0, 0] = 0.0
    choice = np.empty((steps, _STATES, size), np.int32)  # p * size + rank at the predecessor
    for t in range(steps):
        branch = _OUT_PM[regs] @ y[t]  # [ns, 2]
        cand = (metric[preds] + branch[:, :, None]).reshape(_STATES, 2 * size)
        pick = np.argsort(-cand, axis=1, kind="stable")[:, :size]
        choice[t] = pick
        metric = np.take_along_axis(cand, pick, axis=1)
        if t >= steps - TAIL_BITS:
            metric[ns & 1 == 1] = -np.inf
    out = []
    for rank in range(size):
        if not np.isfinite(metric[0, rank]):
            break
        state, r = 0, rank
        bits = np.empty(steps, np.uint8)
        for t in range(steps - 1, -1, -1):
            bits[t] = state & 1
            p, r = divmod(int(choice[t, state, r]), size)
            state = int(preds[state, p])
        out.append(bits[: steps - TAIL_BITS])
    return out
