"""The term lists behind the prompt categories, in English, Spanish, French,
German, Portuguese and Italian.

Terms are written as people write them; they are normalised like prompts
(``normalise.term_words``), so accents and case do not matter here. A term
ending in ``*`` is a stem: it matches every word that begins with it (stems
are at least five letters, so that they name one thing). Each tuple is one
kind of evidence; ``prompts.PromptFilter`` combines them into categories:

- ``EXPLICIT``: sexual content or nudity, enough alone;
- ``SUGGESTIVE``: sexualised but not explicit, enough only beside a minor or a
  real person;
- ``MINORS`` (and ages under 18, read by ``AGE_PATTERNS``);
- ``REAL_PERSON``: celebrities, office holders, people the user knows;
- ``GORE``: graphic violence, enough alone; ``ACTS`` of violence, enough
  beside ``BLOOD`` or a ``BODY`` (wounds, corpses); blood beside a body is
  enough too ("a bloody corpse").

``CLOTHES_OFF`` reads "without clothes" and its translations as explicit.
``SAFE_PHRASES`` are everyday phrases that contain a term ("bloody mary",
"nude lipstick", "shooting star"): their words are dropped before matching,
and only theirs, so "nude lipstick on a naked child" is still blocked.
"""

from __future__ import annotations

import re

EXPLICIT: tuple[str, ...] = (
    # English
    "nude", "nudes", "nudity", "nudist*", "nudify", "naked", "nakedness", "nekkid",
    "unclothed", "undressed", "topless", "bottomless", "porn", "porno*", "pornograph*",
    "pron", "xxx", "nsfw", "hentai", "sex", "sexual*", "have sex", "having sex",
    "intercourse", "erotic*", "genital*", "penis", "vagina", "vulva", "clitoris",
    "testicles", "genitaux", "boobs", "tits", "titties", "nipple", "nipples", "bare breasts",
    "exposed breasts", "masturbat*", "orgasm*", "orgy", "blowjob", "handjob", "cumshot",
    "fetish*", "bdsm", "onlyfans", "striptease", "stripper", "strip naked",
    "in the buff", "birthday suit", "x rated", "adult film", "adult video", "adult movie",
    "wearing nothing", "clothes off", "lewd",
    # Spanish
    "desnud*", "semidesnud*", "en pelotas", "sexo", "pornografia",
    "tetas", "pechos desnudos", "coito",
    # French
    "nu", "nue", "nus", "nues", "tout nu", "toute nue", "seins nus", "sexe", "sexuel*",
    "erotique*", "deshabill*", "a poil",
    # German
    "nackt*", "sexuell*", "erotisch*", "erotik", "pornografie", "oben ohne",
    "entkleidet*", "unbekleidet*", "nacktbild*",
    # Portuguese
    "nua", "nuas", "nudez", "pelad*", "erotico*", "seios nus",
    # Italian
    "nuda", "nudi", "sesso", "sessuale", "spogliat*", "spogliarell*",
)  # fmt: skip

SUGGESTIVE: tuple[str, ...] = (
    "sexy", "sexi", "seducti*", "seduct*", "seducing", "sensual*", "provocativ*",
    "provocant*", "sultry", "lingerie", "underwear", "panties", "thong", "boudoir",
    "suggestive", "suggestiv*", "explicit", "revealing outfit", "see through",
    "skimpy", "undress", "undressing", "stripping", "leaked", "in his underwear",
    "in her underwear",
    # other languages
    "ropa interior", "provocativa", "seductora", "sous vetements", "seduisant*",
    "unterwasche", "reizwasche", "roupa intima", "sensuale", "biancheria intima",
    "nudo", "posa sexy",
)  # fmt: skip

MINORS: tuple[str, ...] = (
    # English
    "child", "children", "childs", "kid", "kids", "kiddie", "kiddy", "kidz", "minor",
    "minors", "underage", "under age", "preteen", "preteens", "pre teen", "tween",
    "teen", "teens", "teenage", "teenager", "teenagers", "toddler", "toddlers",
    "infant", "infants", "baby", "babies", "newborn", "little girl", "little boy",
    "young girl", "young boy", "small girl", "small boy", "lil girl", "lil boy",
    "lil kid", "schoolgirl", "schoolboy", "school girl", "school boy", "high school",
    "middle school", "elementary school", "kindergarten*", "juvenile", "adolescent*",
    "pubescent", "prepubescent", "loli", "lolita", "lolicon", "shota", "shotacon",
    "jailbait",
    # Spanish
    "nino", "nina", "ninos", "ninas", "menor", "menores", "menor de edad", "colegiala",
    "nene", "nena", "bebe", "infantil", "chiquilla", "chiquillo",
    # French
    "enfant*", "fillette", "petite fille", "petit garcon", "mineur", "mineure",
    "mineurs", "ado", "ados", "ecoliere", "gamin", "gamine",
    # German
    "kind", "kinder", "kindes", "kleinkind", "madchen", "kleines madchen", "schulmadchen",
    "minderjahrig*",
    # Portuguese
    "crianca", "criancas", "menina", "menino", "meninas", "meninos", "menor de idade",
    # Italian
    "bambino", "bambina", "bambini", "bambine", "bimba", "ragazzin*",
    "minorenne", "minorenni", "neonato", "infantile",
)  # fmt: skip

# "kind" is German for child but an everyday English word: it counts as a minor
# only when no English use is in sight ("a kind man", "some kind of").
ENGLISH_KIND = re.compile(
    r"\b(?:a|an|some|any|what|this|that|these|those|every|one|same|be|so|very|how|too|"
    r"is|are|was|most|more|really|my|your|his|her|our|their)\s+kind\b|\bkind\s+(?:of|"
    r"hearted|words|man|woman|person|people|face|eyes|smile|gesture|heart|regards)\b"
)

REAL_PERSON: tuple[str, ...] = (
    # English
    "celebrity", "celebrities", "celeb", "celebs", "famous", "world famous",
    "well known", "actress", "actor", "singer", "pop star", "popstar", "rapper",
    "politician", "president", "prime minister", "senator", "congressman",
    "congresswoman", "governor", "mayor", "chancellor", "first lady", "pope",
    "queen of", "king of", "royal family",
    "real person", "real people", "influencer",
    "youtuber", "streamer", "tiktoker", "athlete", "footballer", "tennis player",
    "news anchor", "deepfake", "deep fake", "lookalike", "look alike", "face swap",
    "faceswap", "nudify", "undress this", "this actress", "this woman", "this man",
    "this person", "this girl", "my coworker", "my co worker", "my colleague",
    "my boss", "my teacher", "my neighbor", "my neighbour", "my classmate", "my ex",
    "my girlfriend", "my boyfriend", "my wife", "my husband", "my sister",
    "my brother", "my friend", "my roommate", "my crush", "my stepmom",
    "my stepsister", "my cousin", "my aunt", "my student", "my mom", "my mother",
    # other languages
    "famoso", "famosa", "famosos", "famosas", "celebridad", "celebridade", "celebre",
    "actriz", "atriz", "attrice", "actrice", "schauspieler*", "cantante", "cantora",
    "chanteuse", "chanteur", "sanger", "sangerin", "politico", "politica",
    "politicien*", "politiker*", "presidente", "prasident*", "primer ministro",
    "premier ministre", "kanzler*", "beruhmt*", "bekannte",
)  # fmt: skip

GORE: tuple[str, ...] = (
    # English
    "gore", "gory", "gorefest", "gruesome", "decapit*", "behead*", "dismember*",
    "disembowel*", "eviscerat*", "mutilat*", "entrails", "innards",
    "severed head", "severed heads", "severed arm", "severed arms", "severed leg",
    "severed legs", "severed limb", "severed limbs", "severed hand", "severed body",
    "head cut off", "cut off head", "head blown off", "blown apart", "torn apart",
    "ripped apart", "torn to pieces", "cut into pieces", "chopped into pieces",
    "bloodbath", "blood bath", "bloodshed", "carnage", "pool of blood",
    "covered in blood", "soaked in blood", "blood soaked", "blood everywhere",
    "skinned alive", "burned alive", "burnt alive", "flayed", "impaled", "slit throat",
    "throat slit", "throat being slit", "slit his throat", "slit her throat",
    "stabbed to death", "beaten to death", "hacked to death", "shot dead",
    "shot in the head", "snuff film", "snuff video", "school shooting", "mass shooting",
    "gaping wound",
    "guts spilling",
    # Spanish
    "desmembr*", "descuartiz*", "mutilad*", "visceras", "degollad*", "masacre",
    "sangre por todas partes",
    # French
    "demembr*", "mutile", "mutilee", "visceres", "egorge*", "du sang partout",
    # German
    "enthaupt*", "zerstuckel*", "verstummel*", "eingeweide", "gemetzel",
    "kopf abgetrennt", "blut uberall",
    # Portuguese
    "esquartej*", "sangue por todo lado",
    # Italian
    "smembrat*", "viscere", "budella", "sgozzat*", "sangue ovunque",
)  # fmt: skip

ACTS: tuple[str, ...] = (
    # English
    "shot", "shooting", "shoot", "stabbed", "stabbing", "stab", "killed", "killing",
    "murder*", "slaughter*", "executed", "execution", "executing", "hanged",
    "strangled", "beaten", "beating", "attacked", "mauled", "massacre", "tortur*",
    "exploded", "explosion", "blown up", "bombing", "crash", "splatter*", "slit",
    "slashed", "hacked", "firing squad", "victim", "victims",
    # Spanish, French, German, Portuguese, Italian
    "apunalad*", "asesinad*", "disparo", "disparad*", "balead*", "tiroteo", "matanza",
    "ejecucion", "ejecutad*", "esfaquead*", "poignard*", "assassin*", "fusill*",
    "abattu", "erstochen", "erschossen", "ermordet", "getotet", "hinrichtung",
    "massaker", "folter*", "abgetrennt", "assassinad*", "execucao", "pugnalat*",
    "sparat*", "uccis*", "massacro", "esecuzione", "morte",
)  # fmt: skip

BLOOD: tuple[str, ...] = (
    "blood", "bloody", "bloodied", "bleeding", "bleed", "bled",
    "sangre", "sangrient*", "sangrando", "sang", "sanglant*", "saignant*", "blut",
    "blutig*", "blutend", "sangue", "sangrent*", "sanguinos*",
)  # fmt: skip

BODY: tuple[str, ...] = (
    "wound", "wounds", "wounded", "corpse", "corpses", "cadaver", "dead body",
    "dead bodies", "bodies", "body parts", "brains", "guts", "intestines", "injuries",
    "gash", "dead children", "dead people", "dead man", "dead woman", "dead victims",
    "herida", "heridas", "cadaveres", "tripas", "blessure*", "cadavre*", "wunde",
    "wunden", "leiche", "leichen", "ferida", "feridas", "ferito", "ferita", "cadavere",
    "cadaveri",
)  # fmt: skip

SAFE_PHRASES: tuple[str, ...] = (
    "bloody mary",
    "blood moon",
    "blood donation",
    "blood donor",
    "blood bank",
    "blood drive",
    "blood test",
    "blood type",
    "blood pressure",
    "shooting star",
    "shooting stars",
    "photo shoot",
    "shoot a photo",
    "naked truth",
    "naked tree",
    "naked trees",
    "naked branches",
    "sex education",
    "sex ed",
    "xxx large",
    "power drill",
    "power tool",
    "power tools",
)

# Without clothes, in the six languages ("with no clothes on", "sin ropa").
CLOTHES_OFF = re.compile(
    r"\b(?:without|no|not wearing|wearing no|sans|sin|sem|ohne|senza)\s+"
    r"(?:(?:any|her|his|their|a|la|les|de|jede|alcun|qualquer)\s+)?"
    r"(?:clothes|clothing|garments|ropa|roupa|vetements?|kleidung|vestiti)\b"
)
# "nude" as a colour ("nude lipstick", "nude colour palette"): before one of
# these words, "nude" alone is dropped.
NUDE_COLOUR_NEXT: frozenset[str] = frozenset(
    "color colour colored coloured tone tones shade shades palette lipstick lip heels "
    "shoes pumps makeup nail nails beige pink stockings tights".split()
)
# "the sex of a chick": the biological sense; "sex" before "of a/an/the" is dropped.
SEX_OF_NEXT: frozenset[str] = frozenset({"a", "an", "the"})

# Ages written out, for the age rule (English, Spanish, French, German,
# Portuguese, Italian number words up to 17).
NUMBER_WORDS: dict[str, int] = {
    **dict(
        zip(
            "one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen".split(),
            range(1, 18),
            strict=True,
        )
    ),
    **dict(
        zip(
            "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
            "quince dieciseis diecisiete".split(),
            range(1, 18),
            strict=True,
        )
    ),
    **dict(
        zip(
            "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
            "quinze seize dix-sept".split(),
            range(1, 18),
            strict=True,
        )
    ),
    **dict(
        zip(
            "ein zwei drei vier funf sechs sieben acht neun zehn elf zwolf dreizehn "
            "vierzehn funfzehn sechzehn siebzehn".split(),
            range(1, 18),
            strict=True,
        )
    ),
    **dict(
        zip(
            "um dois tres quatro cinco seis sete oito nove dez onze doze treze catorze "
            "quinze dezesseis dezessete".split(),
            range(1, 18),
            strict=True,
        )
    ),
    **dict(
        zip(
            "uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
            "quattordici quindici sedici diciassette".split(),
            range(1, 18),
            strict=True,
        )
    ),
    "una": 1,
    "uma": 1,
    "eins": 1,
    "dezasseis": 16,
    "dezassete": 17,
}
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
AGE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(_NUMBER + r"[\s-]*(?:years?|yrs?|yr)[\s-]*old\b"),
    re.compile(r"\b" + _NUMBER + r"\s*(?:yo|y/o|y\.o\.?|yrs?)\b"),
    re.compile(r"\baged?\s+" + _NUMBER + r"\b"),
    re.compile(r"\b" + _NUMBER + r"\s+(?:anos|ans|jahre|jahren|anni)\b"),
    re.compile(r"\b(?:de|di)\s+" + _NUMBER + r"\s+(?:anos|ans|anni)\b"),
)
ADULT_AGE = 18


def minor_age(text: str) -> bool:
    """Whether lower-case plain ``text`` gives someone an age under 18."""
    for pattern in AGE_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(1)
            age = int(value) if value.isdigit() else NUMBER_WORDS.get(value, ADULT_AGE)
            if age < ADULT_AGE:
                return True
    return False
