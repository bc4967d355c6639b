"""The safety layer's data files: shipped with the package, read once, and a
malformed one stops the filter with an error that names the file and the key."""

from __future__ import annotations

from importlib import resources

import pytest

from server.imagine.safety import characters, descriptions, lexicon
from server.imagine.safety.datafiles import DataFile, DataFileError, cues

FILES = ("terms.toml", "hate.toml", "languages.toml", "characters.toml", "descriptions.toml")


@pytest.mark.parametrize("name", FILES)
def test_each_data_file_ships_in_the_package(name):
    assert resources.files("server.imagine.safety").joinpath("data", name).is_file()


def test_the_modules_read_the_lists_from_the_files():
    assert "hentai" in lexicon.EXPLICIT and lexicon.NUMBER_WORDS["diciassette"] == 17
    assert "pikachu" in characters.DEFAULT_PROTECTED_CHARACTERS
    assert "goofy" in characters.DEFAULT_CAPITALISED_CHARACTERS
    sponge = next(d for d in descriptions.DEFAULT_DESCRIPTIONS if d["name"] == "spongebob")
    assert "yellow" in sponge["traits"][0] and "amarela" in sponge["traits"][0]  # $yellow


def test_a_missing_or_mistyped_key_is_named():
    file = DataFile("terms.toml", {"explicit": ["porn", 3], "explict": ["x"]})
    with pytest.raises(DataFileError, match=r"terms\.toml: explicit: item 2"):
        file.terms("explicit")
    with pytest.raises(DataFileError, match="nudity: missing"):
        file.terms("nudity")
    with pytest.raises(DataFileError, match="unknown key.*explict"):
        file.finish()


def test_a_missing_file_and_an_unknown_shared_name_are_named():
    with pytest.raises(DataFileError, match="nothing.toml: cannot be read"):
        DataFile("nothing.toml")
    with pytest.raises(DataFileError, match=r"\$pinkk is not a name of \[shared\]"):
        cues("$pinkk, round", "descriptions.toml: kirby", {"pink": ["pink", "rosa"]})
    assert cues("$pink, round\n ears", "x", {"pink": ["pink", "rosa"]}) == [
        "pink",
        "rosa",
        "round ears",
    ]
