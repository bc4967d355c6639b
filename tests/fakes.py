"""Hand-written fakes of the project's ports, for fast tests (no mocks, no models).

- :class:`FakeClock`: ``core.clock.Clock`` that moves only when told to.
- :class:`FakeDetector`: returns the detections it is given; records each call.
- :class:`BlockingDetector`: blocks until released (a detector stuck past the budget).
- :class:`FailingDetector`: raises (a crashed model).
- :class:`FakeScanner`: the text cascade's reader, reading what it is given
  (for the text detector's rules and control flow, without the OCR models).
- :class:`FakeVisionLanguageBackend`: streams a fixed answer word by word;
  :class:`RecordingVisionLanguageBackend` also keeps the questions and images.
- :class:`FakeCameraDevice`: a camera device behind ``cv2.VideoCapture``'s
  interface that opens, streams and drops as scripted (the device path's
  ``capture_factory``); :class:`FakeInputStream` the same for a microphone.
- :class:`FakeImageClassifier`: Imagine's output-image check, flagging images
  by a rule the test sets (default: a mostly red image is "explicit").

Detectors follow ``edge.redaction.detection.Detector``: ``name``, ``version`` and
``detect(bgr, windows=None) -> list[Detection]``. The redactor calls them from
its worker threads, so the fakes' records are safe to read once ``redact`` returned.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.frames import Label
from core.geometry import Rect
from edge.redaction.detection import Detection
from server.imagine.safety.verdicts import ImageVerdict

# --- clock ----------------------------------------------------------------------------------


class FakeClock:
    """A ``Clock`` that stands still unless told to move.

    ``monotonic()`` is ``start`` plus every ``advance``; ``wall_ns()`` moves with
    it from ``wall_start_ns``. With ``tick``, every ``monotonic()`` read moves
    the clock on by that many seconds (a machine so slow that any wait overruns).
    Thread-safe: the redactor reads it from its detector threads too.
    """

    def __init__(
        self, start: float = 0.0, wall_start_ns: int = 1_767_225_600 * 10**9, tick: float = 0.0
    ) -> None:
        self._start, self._now = float(start), float(start)
        self._wall_start_ns = int(wall_start_ns)
        self.tick = float(tick)
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            now = self._now
            self._now += self.tick
            return now

    def wall_ns(self) -> int:
        with self._lock:
            return self._wall_start_ns + round((self._now - self._start) * 1e9)

    def advance(self, seconds: float) -> None:
        """Move the clock on (both readings)."""
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        with self._lock:
            self._now += seconds

    def set(self, seconds: float) -> None:
        """Set ``monotonic()`` to ``seconds`` (not earlier than now)."""
        with self._lock:
            if seconds < self._now:
                raise ValueError("a monotonic clock does not go back")
            self._now = float(seconds)


# --- detectors ------------------------------------------------------------------------------


def box_detection(
    x: float,
    y: float,
    w: float,
    h: float,
    label: Label = Label.CARD_NUMBER,
    confidence: float = 0.9,
    signals: tuple[str, ...] = (),
    detector: str = "fake/1",
) -> Detection:
    """A detection whose polygon is the rectangle (x, y, w, h)."""
    polygon = np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    return Detection(label, polygon, confidence, signals, detector)


@dataclass(frozen=True)
class DetectCall:
    """What a fake detector was asked: the frame's shape and the windows (None: all of it)."""

    shape: tuple[int, ...]
    windows: list[Rect] | None


class FakeDetector:
    """Returns ``detections`` for every frame (change the attribute between frames to
    change what it "sees") and records each call in ``calls``.

    ``clock`` and ``takes_s``: each call moves that fake clock on by ``takes_s``,
    so the time the redactor measures for this detector is exact.
    """

    def __init__(
        self,
        detections: Sequence[Detection] = (),
        name: str = "fake",
        version: str = "fake/1",
        clock: FakeClock | None = None,
        takes_s: float = 0.0,
    ) -> None:
        self.name, self.version = name, version
        self.detections = list(detections)
        self.clock, self.takes_s = clock, takes_s
        self.calls: list[DetectCall] = []

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        self.calls.append(DetectCall(bgr.shape, None if windows is None else list(windows)))
        if self.clock is not None and self.takes_s:
            self.clock.advance(self.takes_s)
        return list(self.detections)

    @property
    def full_calls(self) -> int:
        """Calls that looked at the whole frame."""
        return sum(c.windows is None for c in self.calls)

    @property
    def partial_calls(self) -> list[list[Rect]]:
        """The windows of each call that looked at part of the frame."""
        return [c.windows for c in self.calls if c.windows is not None]


class BlockingDetector:
    """Blocks in ``detect`` until :meth:`release` (or ``timeout_s``), then returns
    ``detections`` (a detector stuck past the budget). With ``after``, the first
    ``after`` calls answer at once and only later ones block. ``started`` is set
    once a call blocks; after the release every call answers at once. Use it as
    a context manager so a test that fails still releases the redactor's worker
    thread."""

    def __init__(
        self,
        detections: Sequence[Detection] = (),
        after: int = 0,
        name: str = "blocking",
        version: str = "fake/1",
        timeout_s: float = 10.0,
    ) -> None:
        self.name, self.version = name, version
        self.detections, self.after = list(detections), after
        self.timeout_s = timeout_s
        self.started, self._released = threading.Event(), threading.Event()
        self.calls = 0

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        self.calls += 1
        if self.calls > self.after:
            self.started.set()
            self._released.wait(self.timeout_s)
        return list(self.detections)

    def release(self) -> None:
        self._released.set()

    def __enter__(self) -> BlockingDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class FailingDetector:
    """Raises ``error`` (a crashed model). With ``after``, the first ``after`` calls
    return ``detections`` and only later ones raise."""

    def __init__(
        self,
        error: Exception | None = None,
        after: int = 0,
        detections: Sequence[Detection] = (),
        name: str = "failing",
        version: str = "fake/1",
    ) -> None:
        self.name, self.version = name, version
        self.error = error if error is not None else RuntimeError("model crashed")
        self.after, self.detections = after, list(detections)
        self.calls = 0

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        self.calls += 1
        if self.calls > self.after:
            raise self.error
        return list(self.detections)


# --- text reader ----------------------------------------------------------------------------


class FakeScanner:
    """``edge.redaction.text.scanner.TextScanner`` as the text detector uses it,
    reading the given ``lines`` everywhere and the given chip ``bands`` ((band
    quad, lines read there) pairs); lines are never read again longer."""

    version = "fake-reads"

    def __init__(self, lines: Sequence = (), bands: Sequence = (), tuning: object = None) -> None:
        from edge.redaction.text.tuning import TEXT

        self.lines, self.bands, self.tuning = list(lines), list(bands), tuning or TEXT
        self.windows: list = []  # the windows of each scan

    def scan(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list:
        self.windows.append(windows)
        return list(self.lines)

    def read_cut_again(self, bgr: np.ndarray, lines: list, cut: object) -> list:
        return lines

    def read_quads(self, bgr: np.ndarray, quads: list) -> list:
        return [None] * len(quads)  # nothing more is read where a line is followed

    def read_card_bands(
        self, bgr: np.ndarray, done: list, windows: list | None = None, fills: list = ()
    ) -> list:
        return list(self.bands)


# --- vision-language backend ----------------------------------------------------------------


class FakeVisionLanguageBackend:
    """Streams a fixed answer word by word; for fast unit tests of the servicer."""

    model_id = "fake-vlm"
    image_side = 512

    def __init__(self, answer: str = "It looks like oak wood.") -> None:
        self.answer = answer
        self.calls: list[tuple[str, bool]] = []

    async def stream(
        self, question: str, image_jpeg: bytes | None, max_tokens: int
    ) -> AsyncIterator[str]:
        self.calls.append((question, image_jpeg is not None))
        for i, word in enumerate(self.answer.split()[:max_tokens]):
            await asyncio.sleep(0)
            yield word if i == 0 else " " + word


class RecordingVisionLanguageBackend(FakeVisionLanguageBackend):
    """A :class:`FakeVisionLanguageBackend` that also keeps what it was given:
    ``questions`` and ``images`` (the JPEG bytes, or None), one per call."""

    def __init__(self, answer: str = "It looks like oak wood.") -> None:
        super().__init__(answer)
        self.questions: list[str] = []
        self.images: list[bytes | None] = []

    async def stream(
        self, question: str, image_jpeg: bytes | None, max_tokens: int
    ) -> AsyncIterator[str]:
        self.questions.append(question)
        self.images.append(image_jpeg)
        async for text in super().stream(question, image_jpeg, max_tokens):
            yield text


# --- capture devices -----------------------------------------------------------------------


class FakeCapture:
    """One opened (or refused) ``cv2.VideoCapture``: ``frames`` reads, then a failed read."""

    def __init__(self, opened: bool, frames: int, first_value: int) -> None:
        self.opened = opened
        self.left = frames
        self.value = first_value
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self.opened and not self.released

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.released or self.left <= 0:
            return False, None
        self.left -= 1
        self.value += 1
        return True, np.full((6, 8, 3), self.value % 256, np.uint8)

    def get(self, prop: int) -> float:
        return 0.0

    def release(self) -> None:
        self.released = True


class FakeCameraDevice:
    """A camera device as a ``capture_factory``; each open takes the next script entry.

    An entry is the number of frames that open delivers before the device
    drops (a failed read), or ``None`` for an open that fails (unplugged,
    busy). Opens past the script fail. ``opens`` records each call's
    ``(target, api, params)``; frame pixels count up across opens.
    """

    def __init__(self, script: Sequence[int | None]) -> None:
        self.script = list(script)
        self.opens: list[tuple[int | str, int, tuple[int, ...]]] = []
        self.captures: list[FakeCapture] = []
        self._value = 0

    def __call__(self, target: int | str, api: int, params: Sequence[int]) -> FakeCapture:
        self.opens.append((target, api, tuple(params)))
        entry = self.script.pop(0) if self.script else None
        capture = FakeCapture(entry is not None, entry or 0, self._value)
        self._value += entry or 0
        self.captures.append(capture)
        return capture


class FakeInputStream:
    """A started microphone stream (``edge.sources.microphones.InputStream``)."""

    def __init__(self, callback) -> None:  # noqa: ANN001
        self.callback = callback
        self.closed = False

    def feed(self, samples: np.ndarray) -> None:
        """Deliver one chunk the way PortAudio does, from another thread."""
        thread = threading.Thread(
            target=self.callback, args=(samples.reshape(-1, 1), len(samples), None, None)
        )
        thread.start()
        thread.join()

    def close(self) -> None:
        self.closed = True


# --- Imagine's output-image classifier ------------------------------------------------------


class FakeImageClassifier:
    """``server.imagine.safety.images.ImageClassifier`` that flags images by a rule you set.

    ``rule(rgb)`` returns the labels found, as ``(class, score)`` pairs; an image
    is blocked when one of them is in ``blocked``. The default rule flags images
    whose mean red is above 200 as ``FEMALE_BREAST_EXPOSED`` (a red image is
    "explicit"), so a test makes one with ``np.full((h, w, 3), (255, 0, 0), np.uint8)``.
    ``fail=True`` acts as a broken model: every image is blocked (fail closed).
    Every image checked is kept in ``seen``.
    """

    def __init__(
        self,
        rule: Callable[[np.ndarray], Sequence[tuple[str, float]]] | None = None,
        blocked: Sequence[str] = ("FEMALE_BREAST_EXPOSED", "FEMALE_GENITALIA_EXPOSED"),
        fail: bool = False,
    ) -> None:
        self.rule = rule or _red_is_explicit
        self.blocked = frozenset(blocked)
        self.fail = fail
        self.seen: list[np.ndarray] = []

    def check(self, rgb: np.ndarray) -> ImageVerdict:
        self.seen.append(rgb)
        if self.fail:
            return ImageVerdict(False, (), "blocked: the classifier failed (RuntimeError)")
        labels = tuple(self.rule(rgb))
        hits = [name for name, _ in labels if name in self.blocked]
        if hits:
            return ImageVerdict(False, labels, f"blocked: {', '.join(hits)}")
        return ImageVerdict(True, labels, "allowed")


def _red_is_explicit(rgb: np.ndarray) -> list[tuple[str, float]]:
    return [("FEMALE_BREAST_EXPOSED", 0.9)] if rgb[..., 0].mean() > 200 else []
