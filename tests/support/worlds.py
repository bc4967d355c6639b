"""A fixture's factory of test worlds, each with its own store, closed after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path


def worlds(tmp_path: Path, kind: Callable) -> Iterator[Callable]:
    """Yield ``make(**kw)``: a new ``kind(folder, **kw)`` in its own folder; their
    stores are closed when the test ends (``yield from`` it in a fixture)."""
    made = []

    def make(**kw):  # noqa: ANN003, ANN202
        made.append(kind(tmp_path / str(len(made)), **kw))
        return made[-1]

    yield make
    for world in made:
        world.store.close()
