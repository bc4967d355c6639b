"""The term lists behind the prompt categories, and the patterns that read
ages, clothes taken off, wounds and hate codes.

The lists are data, in files shipped with the package (``datafiles``), read
once at import; each file's comments say what its lists mean and how to edit
them:

- ``data/terms.toml``: English, Spanish, French, German, Portuguese and Italian
  (``EXPLICIT``, ``NUDITY``, ``SUGGESTIVE``, ``MINORS``, ``REAL_PERSON``,
  ``GORE``, ``ACTS``, ``BLOOD``, ``BODY``, ``MAIM``, ``SPREAD``, ``DEVOUR``,
  ``INNER_PARTS``, ``OUTER_PARTS``, ``SAFE_PHRASES``, the negation words and
  the number words of ages);
- ``data/hate.toml``: hate symbols beyond the block list (``HATE_*`` and the
  lists the hate rules read);
- ``data/languages.toml``: the further languages, matched exactly
  (``EXTRA_*``).

Terms are written as people write them; they are normalised like prompts
(``normalise.term_words``). A term ending in ``*`` is a stem. Each list is one
kind of evidence; ``prompts.PromptFilter`` combines them into categories.
"""

from __future__ import annotations

import re

from server.imagine.safety.datafiles import DataFile
from server.imagine.safety.normalise import plain

_terms = DataFile("terms.toml")
EXPLICIT = _terms.terms("explicit")
# nudity adjectives that also describe things: see ``context.nudity_applies``
NUDITY = _terms.terms("nudity")
SUGGESTIVE = _terms.terms("suggestive")
MINORS = _terms.terms("minors")
REAL_PERSON = _terms.terms("real_person")
GORE = _terms.terms("gore")
ACTS = _terms.terms("acts")
BLOOD = _terms.terms("blood")
BODY = _terms.terms("body")
# graphic violence by kinds of meaning, combined by ``context.maimed``
MAIM = _terms.terms("maim")
SPREAD = _terms.terms("spread")
DEVOUR = _terms.terms("devour")
INNER_PARTS = _terms.terms("inner_parts")
OUTER_PARTS = _terms.terms("outer_parts")
SAFE_PHRASES = _terms.terms("safe_phrases")
NUDE_COLOUR_NEXT = _terms.words("nude_colour_next")
SEX_OF_NEXT = _terms.words("sex_of_next")
NEGATORS = _terms.words("negators")
NEGATABLE = _terms.words("negatable")
NEGATION_FILLERS = _terms.words("negation_fillers")


def _number_words(table: dict) -> dict[str, int]:
    """``[number_words]``: per language the words for 1 to 17 in order, and ``more``
    (further spellings, each with its number)."""
    out: dict[str, int] = {}
    for language, words in table.items():
        if language == "more":
            continue
        if not isinstance(words, list) or len(words) != 17:
            raise _terms.error(f"number_words.{language}", "expected the 17 words for 1 to 17")
        out.update(zip(words, range(1, 18), strict=True))
    more = table.get("more", {})
    for word, value in more.items():
        if not isinstance(value, int) or not 0 < value < 18:
            raise _terms.error(f"number_words.more.{word}", "expected a number from 1 to 17")
        out[word] = value
    return out


NUMBER_WORDS = _number_words(_terms.table("number_words"))
_terms.finish()

_hate = DataFile("hate.toml")
HATE_SYMBOLS = _hate.terms("hate_symbols")
SWASTIKA = _hate.terms("swastika")
HATE_CONTEXT = _hate.terms("hate_context")
HATE_CARRIERS = _hate.terms("hate_carriers")
SS_CARRIERS = _hate.terms("ss_carriers")
RELIGIOUS = _hate.terms("religious")
KLAN_GARB = _hate.terms("klan_garb")
KLAN_SCENE = _hate.terms("klan_scene")
PROCESSION = _hate.terms("procession")
NUMBER_CONTEXT = _hate.terms("number_context")
CODE_DISPLAYS = _hate.terms("code_displays")
_hate.finish()

_extra = DataFile("languages.toml")
EXTRA_MINORS = _extra.terms("extra_minors")
EXTRA_MINORS_MORE = _extra.terms("extra_minors_more")
EXTRA_SEXUAL = _extra.terms("extra_sexual")
EXTRA_EXPLICIT = _extra.terms("extra_explicit")
EXTRA_NUDITY = _extra.terms("extra_nudity")
EXTRA_PERSONS = _extra.terms("extra_persons")
EXTRA_GORE = _extra.terms("extra_gore")
EXTRA_BLOOD = _extra.terms("extra_blood")
EXTRA_BODY = _extra.terms("extra_body")
EXTRA_ACTS = _extra.terms("extra_acts")
EXTRA_REAL_PERSON = _extra.terms("extra_real_person")
_extra.finish()

# "kind" is German for child but an everyday English word: it counts as a minor
# only when no English use is in sight ("a kind man", "some kind of").
ENGLISH_KIND = re.compile(
    r"\b(?:a|an|some|any|what|this|that|these|those|every|one|same|be|so|very|how|too|"
    r"is|are|was|most|more|really|my|your|his|her|our|their)\s+kind\b|\bkind\s+(?:of|"
    r"hearted|words|man|woman|person|people|face|eyes|smile|gesture|heart|regards)\b"
)

# Without clothes, in the six languages ("with no clothes on", "sin ropa").
CLOTHES_OFF = re.compile(
    r"\b(?:without|no|not wearing|wearing no|sans|sin|sem|ohne|senza|remove|removes|"
    r"removing|removed|erase|erasing|delete|take off|takes off|taking off|took off|"
    r"strip off|stripping off|pull off|pulling off|quitale|quitando|enleve|enlever|"
    r"tire|tirando|togli|togliere)\s+"
    r"(?:(?:any|her|his|their|the|all|a|la|les|de|nada|jede|alcun|qualquer|sa|ses|su|sus|"
    r"ihre|seine|le|i|os|as)\s+){0,2}"
    r"(?:clothes|clothing|garments|ropa|roupa|roupas|vetements?|habits|kleidung|kleider|"
    r"vestiti|bra|panties|knickers|underwear|lingerie|bikini|swimsuit|nightgown|"
    r"sujetador|bragas|soutien gorge|culotte|bh|slip|reggiseno|mutandine|calcinha|sutia)\b"
)
# Someone shot or stabbed in a part of the body ("shot in the face").
WOUNDED_IN = re.compile(
    r"\b(?:shot|stabbed|stabbing|slashed|knifed)\s+(?:\w+\s+)?(?:in|through)\s+"
    r"(?:the|his|her|their|a)\s+(?:head|face|neck|throat|chest|heart|eye|eyes|stomach|"
    r"belly|back|skull|mouth|groin)\b"
)

_NUMBER = r"(\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
AGE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(_NUMBER + r"[\s-]*(?:years?|yrs?|yr)[\s-]*old\b"),
    re.compile(r"\b" + _NUMBER + r"\s*(?:yo|y/o|y\.o\.?|yrs?)\b"),
    re.compile(r"\baged?\s+" + _NUMBER + r"\b"),
    re.compile(r"\b" + _NUMBER + r"\s+(?:anos|ans|jahre|jahren|anni)\b"),
    re.compile(r"\b(?:de|di)\s+" + _NUMBER + r"\s+(?:anos|ans|anni)\b"),
    # the further languages: Vietnamese, Hindi and Urdu, Arabic (in Latin letters),
    # Indonesian, Turkish, Polish and Russian, Dutch, Swedish
    re.compile(
        r"\b(\d{1,2})\s*-?\s*(?:tuoi|saal|sal|sala|baras|sana|sanawat|sanah|tahun|yasinda|"
        r"yasindaki|yas|lat|let|goda|jaar|ar|" + plain("лет|года").lower() + r")\b"
    ),
    # Chinese, Japanese and Korean ("12歳", "12岁", "12살")
    re.compile(r"(\d{1,2})\s*(?:" + plain("歳|才|岁|살|세") + r")"),
)
ADULT_AGE = 18
# School years up to the eighth ("a sixth-grade girl", "5th graders").
SCHOOL_GRADE = re.compile(
    r"\b(?:1st|2nd|3rd|[4-8]th|first|second|third|fourth|fifth|sixth|seventh|eighth)"
    r"[\s-]*grade(?:rs?)?\b"
)


def minor_age(text: str) -> bool:
    """Whether lower-case plain ``text`` gives someone an age under 18 (or a
    school year up to the eighth)."""
    if SCHOOL_GRADE.search(text):
        return True
    for pattern in AGE_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(1)
            age = int(value) if value.isdigit() else NUMBER_WORDS.get(value, ADULT_AGE)
            if age < ADULT_AGE:
                return True
    return False


# Numbers of hate codes (read in the plain text: numbers are no tokens).
HATE_NUMBERS = re.compile(r"\b(?:14\s*/?\s*88|1488|88|14)\b")
# 1488, 14/88 or 14 and 88 shown on something (no hate context needed); "14 words" named.
HATE_CODE_SHOWN = re.compile(r"\b(?:14\s*/?\s*88|1488)\b|\b14\b.*\b88\b|\b88\b.*\b14\b")
HATE_NAMED_NUMBERS = re.compile(r"\b14\s+words\b|\b88\s+precepts\b")

# Porn slang written with numbers (read in the plain text): "rule 34", "r34", "R-18",
# but not the Nissan Skyline R34 or a road.
SLANG = re.compile(r"\brule\s*[-_#]?\s*34\b|\br\s*-?\s*(?:34|18)\b")
SLANG_NOT = re.compile(r"\b(?:skyline|gt\s*-?\s*r|nissan|road|route|highway|motorway|exit)\b")
