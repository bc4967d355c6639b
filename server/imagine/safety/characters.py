"""The default list of protected commercial characters (trademarked, well known),
and the forms their names are written in.

The names are data (``data/characters.toml``, read once at import; its comments
say how to edit it): ``protected`` names, matched misspelt too, and
``capitalised`` ones, whose names are also everyday words ("a goofy dog") and
are blocked only when written with capitals. Names that are also ordinary words
or first names ("Mario", "Elsa") are listed in the forms that name the character
("super mario", "elsa from frozen"). Operators replace or extend the lists in
``PromptFilterConfig.protected_characters`` and ``capitalised_characters``.

Each name is also matched in the forms people write it in (:func:`variants`):
"elsa from frozen" as "frozen elsa" and "frozen's elsa", "tom and jerry" as
"tom y jerry", "tom et jerry", "tom und jerry" and "tom & jerry".
"""

from __future__ import annotations

from server.imagine.safety.datafiles import DataFile

_names = DataFile("characters.toml")
DEFAULT_PROTECTED_CHARACTERS: tuple[str, ...] = _names.terms("protected")
# names that are also everyday words: blocked only when written with capitals
DEFAULT_CAPITALISED_CHARACTERS: tuple[str, ...] = _names.terms("capitalised")
_names.finish()


# "and" in the six languages and the further ones (Polish, Swedish, Turkish,
# Indonesian, Dutch, Russian, Vietnamese; "n", "&" read as nothing).
_AND = ("and", "y", "et", "und", "e", "n", "i", "och", "ve", "dan", "en", "и", "va")


def variants(names: list[str] | tuple[str, ...]) -> list[str]:
    """``names`` and the other forms a character's name is written in: "A from
    B" as "B A" and "B's A", "A and B" with "and" in the other languages."""
    out: list[str] = list(names)
    for name in names:
        words = name.lower().split()
        if "from" in words[1:-1]:
            at = words.index("from")
            character, work = " ".join(words[:at]), " ".join(words[at + 1 :])
            out += [f"{work} {character}", f"{work}'s {character}", f"{character} {work}"]
        if "and" in words[1:-1]:
            at = words.index("and")
            left, right = " ".join(words[:at]), " ".join(words[at + 1 :])
            out += [f"{left} {word} {right}" for word in _AND[1:]] + [f"{left} {right}"]
    return out
