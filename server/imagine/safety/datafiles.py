"""The safety layer's data files: term lists, character names and descriptions.

The data lives in TOML files shipped with the package
(``server/imagine/safety/data/*.toml``), each commented for the operator who
edits it; the modules that use it (``lexicon``, ``characters``,
``descriptions``) read it once, at import, through :class:`DataFile`. A file
that is missing, is not valid TOML, lacks a key, holds a key nobody reads (a
typo) or a value of the wrong type raises :class:`DataFileError`, naming the
file and the key, so a bad edit stops the server at start-up instead of
silently weakening the filter.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

PACKAGE = "server.imagine.safety"
FOLDER = "data"


class DataFileError(ValueError):
    """A safety data file is missing or malformed (the message names file and key)."""


class DataFile:
    """One data file, parsed; its values are taken out by key, type-checked."""

    def __init__(self, name: str, data: dict[str, Any] | None = None):
        self.name = name
        self.path = f"server/imagine/safety/{FOLDER}/{name}"
        self.data = _parse(name, self.path) if data is None else data
        self._read: set[str] = set()

    def error(self, key: str, problem: str) -> DataFileError:
        return DataFileError(f"{self.path}: {key}: {problem}")

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise self.error(key, "missing")
        self._read.add(key)
        return self.data[key]

    def terms(self, key: str) -> tuple[str, ...]:
        """An array of non-empty strings (terms, phrases or names), in order."""
        value = self.get(key)
        if not isinstance(value, list):
            raise self.error(key, f"expected an array of strings, found {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(key, f"item {i + 1} ({item!r}) is not a non-empty string")
        return tuple(value)

    def words(self, key: str) -> frozenset[str]:
        """An array of strings, as a set."""
        return frozenset(self.terms(key))

    def table(self, key: str) -> dict[str, Any]:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, found {type(value).__name__}")
        return value

    def tables(self, key: str) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]``)."""
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, "expected an array of tables ([[" + key + "]])")
        return value

    def finish(self) -> None:
        """Fail on keys nobody read (most likely a misspelt key)."""
        unread = sorted(set(self.data) - self._read)
        if unread:
            raise DataFileError(f"{self.path}: unknown key(s): {', '.join(unread)}")


def cues(text: Any, where: str, shared: dict[str, list[str]] | None = None) -> list[str]:
    """A string of comma-separated cues as a list; line breaks count as spaces, and
    ``$name`` stands for the cues of ``shared[name]``."""
    if not isinstance(text, str):
        raise DataFileError(f"{where}: expected a string of comma-separated cues")
    out: list[str] = []
    for cue in " ".join(text.split()).split(","):
        cue = cue.strip()
        if not cue:
            continue
        if cue.startswith("$"):
            if shared is None or cue[1:] not in shared:
                raise DataFileError(f"{where}: {cue} is not a name of [shared]")
            out += shared[cue[1:]]
        else:
            out.append(cue)
    return out


def _parse(name: str, path: str) -> dict[str, Any]:
    try:
        raw = resources.files(PACKAGE).joinpath(FOLDER, name).read_bytes()
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error})") from error
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(f"{path}: not valid TOML: {error}") from error
