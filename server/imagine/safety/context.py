"""Rules that read a term's neighbours, for words whose sense depends on them.

- Nudity adjectives also describe things: "a naked flame", "the naked eye",
  "a bottomless pit", "des arbres nus", "patatas peladas". One counts as
  explicit only when it applies to a person or a picture of one ("a naked
  dancing woman", "nude photo"), or to nothing at all ("naked, on a bed",
  "Beyonce nude", "dancing naked"): :func:`nudity_applies`. A list of person
  nouns is finite; a list of everything else that can be bare is not, so
  the rule reads the words after the adjective (English order) and, when none
  follow, the words before it (Romance order), up to a function word or a
  punctuation mark.
- Graphic violence by meaning: a tearing or eating act beside an inner part
  of a body, or beside an outer part that is someone's ("a wolf tearing out a
  hiker's throat", "la gorge d'un enfant"): :func:`maimed`. "A dog chewing a
  bone", "a girl ripping a paper heart" and "a man eating with his hands" pass.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

# Words that end a phrase: articles, prepositions, conjunctions, auxiliaries,
# in the six languages.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """a an the of in on at with and or for to from by under over near next into onto
    inside outside behind beside above below against through while as but no not this
    that these those its it some all only just then so is are was were be being been
    very completely fully totally entirely almost half semi who which where when while
    el la los las un una unos unas de del en con y o por para sin sobre entre al lo
    le les des du au aux et ou avec dans sous pour par sur d l s
    der die das den dem ein eine einer einem einen eines und oder mit im am auf unter
    fur von zu vom beim ist zum zur ins
    os as um uma umas uns e com em no na nos nas do da dos das pelo pela pelos pelas
    num numa aos
    il gli i di della dello delle degli su per tra fra nel nella nei al alla col sul
    sulla sulle sui sugli nello negli dal dalla dai dagli alle allo agli ai coi
    both also still stark nearly partially barely get gets getting got go goes went
    going lies sits stands poses posed totalmente completamente entierament tout toute
    ganz vollig tutto tutta""".split()
)

# People, and the words that make a nudity adjective about one.
PERSON_WORDS: frozenset[str] = frozenset(
    """man men woman women girl girls boy boys guy guys lady ladies gentleman person
    people persons human humans couple couples female females male males bride groom
    wife wives husband girlfriend boyfriend mother mom mum mommy mama father dad daddy
    sister sisters brother brothers daughter son aunt uncle cousin niece nephew grandma
    grandmother grandpa grandfather teacher student students nurse doctor maid
    secretary model models actress actor dancer dancers stripper athlete bodybuilder
    wrestler soldier cheerleader cowboy cowgirl princess prince queen king goddess
    nymph nymphs mermaid fairy elf witch sunbather sunbathers bather bathers swimmer
    swimmers surfer runner runners hiker hikers jogger friend friends neighbor
    neighbour coworker colleague boss classmate roommate stepmom stepsister
    stepdaughter stepson milf babe babes blonde blondes brunette redhead twins lovers
    partner wrestlers crowd everyone everybody someone somebody anyone family she he
    prisoner prisoners hostage hostages captive captives civilian civilians villager
    villagers refugee refugees inmate inmates worker workers tourist tourists passenger
    passengers pedestrian pedestrians driver patient camper campers victim victims
    policeman officer guard guards fighter fighters warrior warriors knight knights
    her him his they them their me myself herself himself themselves you yourself
    mujer mujeres hombre hombres chica chicas chico chicos senora senorita esposa novia
    novio madre padre hermana hermano pareja ella ellas ellos modelo modelos
    femme femmes homme hommes fille filles garcon dame epouse copine elle elles
    frau frauen mann manner madchen junge dame ehefrau freundin sie paar
    mulher mulheres homem homens moca rapaz garota garoto namorada ela ele eles casal
    donna donne uomo uomini ragazza ragazze ragazzo ragazzi signora moglie fidanzata
    lei lui coppia kind kinder reina rey reine roi konigin konig rainha rei regina re
    presidente presidenta president""".split()
)

# Pictures, poses, places and parts of a body: "nude photo", "naked beach",
# "a naked torso" are about a person too.
CONTENT_WORDS: frozenset[str] = frozenset(
    """photo photos photograph photographs photography photoshoot shoot pic pics
    picture pictures image images selfie selfies portrait portraits painting drawing
    sketch art artwork pose poses posing scene scenes video videos clip film movie
    footage webcam cam livestream beach beaches party parties resort camp colony
    yoga sunbathing swim swimming bath bathing shower showers sauna dance dancing show
    calendar magazine centerfold pinup body bodies torso chest breast breasts bust
    butt buttocks bottom thighs hips belly skin flesh figure silhouette
    foto fotos fotografia imagen retrato dibujo playa fiesta bano ducha cuerpo
    photographie dessin plage fete douche corps
    bild bilder aufnahme zeichnung strand dusche korper
    imagem desenho praia festa banho corpo
    immagine ritratto disegno spiaggia doccia bagno""".split()
)

# Ages ("naked 12 year old"): the number itself is not a token.
AGE_WORDS: frozenset[str] = frozenset(
    "year years yr yrs yo old age aged ano anos ans jahre jahr alt anni".split()
)

# First names common enough to mark a name when written in lower case
# ("taylor swift in lingerie"); names that are also everyday words (rose,
# mark, will, grace) are left out.
FIRST_NAMES: frozenset[str] = frozenset(
    """emma olivia sophia sophie isabella mia charlotte amelia evelyn abigail emily
    elizabeth sofia madison ella scarlett chloe camila penelope layla zoe hannah natalie
    leah audrey claire lucy anna samantha caroline sarah allison gabriella alice eva
    serena hailey jennifer jessica ashley amanda stephanie nicole melissa michelle
    kimberly lisa laura rachel rebecca kate katy kim kylie kendall selena ariana miley
    britney megan margot natalie angelina kristen keira anne jennifer gal zendaya
    billie dua beyonce rihanna shakira madonna adele gigi bella hailee millie sydney
    james john robert michael david richard joseph thomas charles christopher daniel
    matthew anthony donald steven andrew joshua kevin brian george edward ronald
    timothy jason jeffrey ryan jacob nicholas eric jonathan stephen justin scott
    brandon benjamin samuel gregory alexander patrick dennis tyler aaron jose adam henry
    nathan zachary peter kyle ethan jeremy keith christian noah sean dylan bryan joe
    elon barack taylor brad tom leonardo chris cristiano lionel kanye keanu harry
    emmanuel vladimir xi narendra joe kamala hillary boris angela olaf giorgia pedro
    justin jair luiz""".split()
)

# Relations: "my best friend's mom", "your sister" name a real person.
RELATIONS: frozenset[str] = frozenset(
    """mom mum mother mommy wife sister daughter girlfriend boyfriend husband aunt cousin
    niece teacher boss neighbor neighbour coworker colleague classmate roommate friend
    stepmom stepmother stepsister stepdaughter stepson son brother dad father ex
    crush babysitter nanny student""".split()
)
RELATION_OWNERS: frozenset[str] = frozenset("my your our s".split())


# Possessives before a part of the body ("his arm", "sa gorge").
POSSESSIVES: frozenset[str] = frozenset(
    """his her their my your someone somebody human victim victims sus su sa son ses
    leur sein seine seinen seiner ihr ihre ihren ihrer seu sua seus suas suo suoi
    humano humana humain humaine menschliche menschlichen umano umana""".split()
)
# "the throat of a man", "la gorge d'un homme": these, then a person.
OWNER_AFTER: frozenset[str] = frozenset(
    "of de d di du des do da dos das del della a al alla".split()  # "a un uomo": dative
)
# Acts that sever a part: beside it ("legs blown off") with a person in the
# prompt, the part is taken for that person's.
SEVERING = ("blown off", "blew off", "cut off", "ripped off", "torn off", "chopped off")
# Instruments, not objects: "eating with his hands", "a dog eating from his hand".
NOT_OBJECT: frozenset[str] = frozenset("with from con avec mit com".split())
# How far apart an act and the part it tears may be.
MAIM_WINDOW = 8
# How many words a nudity adjective's phrase may hold.
PHRASE_WORDS = 3
# Romance and English participles of activity ("dancing naked", "posando desnuda").
ACTIVITY_ENDINGS = ("ing", "ando", "iendo", "endo")


def phrase_after(tokens: Sequence[str], breaks: Collection[int], i: int) -> list[str]:
    """Up to PHRASE_WORDS words after ``tokens[i]``, stopping at a function word
    or a punctuation mark."""
    words: list[str] = []
    j = i
    while j not in breaks and j + 1 < len(tokens) and len(words) < PHRASE_WORDS:
        j += 1
        if tokens[j] in FUNCTION_WORDS:
            break
        words.append(tokens[j])
    return words


def phrase_before(tokens: Sequence[str], breaks: Collection[int], i: int) -> list[str]:
    """Up to PHRASE_WORDS words before ``tokens[i]``, nearest first, stopping at a
    function word or a punctuation mark."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and j not in breaks and len(words) < PHRASE_WORDS:
        if tokens[j] in FUNCTION_WORDS:
            break
        words.append(tokens[j])
        j -= 1
    return words


def nudity_applies(
    tokens: Sequence[str],
    breaks: Collection[int],
    position: int,
    is_person: Callable[[str], bool],
    is_word: Callable[[str], bool],
    capitalised: Collection[int] = (),
) -> bool:
    """Whether the nudity adjective at ``position`` applies to a person (or to
    nothing at all) rather than to a thing; see the module docstring.
    ``is_person`` tells person words (those above, minors, real-person terms),
    ``is_word`` everyday words (not names); ``capitalised`` holds the indexes
    of the tokens written with a capital, the first word of the prompt aside
    ("the queen of England nude", "la reina Letizia desnuda", "nude Joe Biden")."""
    after = phrase_after(tokens, breaks, position)
    if any(is_person(w) or w in CONTENT_WORDS or w in AGE_WORDS for w in after):
        return True
    if after and position + 1 in capitalised and (after[0] in FIRST_NAMES or not is_word(after[0])):
        return True  # "naked Donald Trump and Joe Biden": a name follows (not "nackte Bäume")
    if after:
        # "naked dancing": an activity, someone doing it
        return all(w.endswith(ACTIVITY_ENDINGS) for w in after)
    before = phrase_before(tokens, breaks, position)
    if not before:
        return True
    if any(position - k in capitalised for k in range(1, len(before) + 2)):
        return True
    for word in before:
        if is_person(word) or word in CONTENT_WORDS or word in AGE_WORDS:
            return True
        if word.endswith(ACTIVITY_ENDINGS) or word in FIRST_NAMES or not is_word(word):
            return True  # "dancing naked", "Beyonce nude"
    return False


def real_person(tokens: Sequence[str]) -> bool:
    """Whether the words name someone the user knows ("my best friend's mom")
    or a person by a lower-case first name and surname ("taylor swift")."""
    for i, token in enumerate(tokens):
        if token in RELATIONS and (
            (i and tokens[i - 1] in RELATION_OWNERS) or (i > 1 and tokens[i - 2] == "my")
        ):
            return True
        if (
            token in FIRST_NAMES
            and i + 1 < len(tokens)
            and len(tokens[i + 1]) > 2
            and tokens[i + 1] not in FUNCTION_WORDS
        ):
            return True
    return False


def _owned(tokens: Sequence[str], j: int, is_person: Callable[[str], bool]) -> bool:
    """Whether the part of the body at ``j`` is someone's: "his arm", "a man's
    arm" (not "its mother's ear"), "the throat of a man"."""
    before = tokens[j - 1] if j else ""
    if before in POSSESSIVES:
        return True
    if before == "s" and j >= 2:
        owner = tokens[j - 2]
        animal = j >= 3 and tokens[j - 3] == "its"
        return not animal and (is_person(owner) or owner in FIRST_NAMES)
    following = tokens[j + 1 : j + 4]
    if following and following[0] in OWNER_AFTER:
        rest = [w for w in following[1:] if w not in FUNCTION_WORDS]
        return bool(rest) and is_person(rest[0])
    return False


def owned_part(
    tokens: Sequence[str],
    kinds: Sequence[frozenset[str]],
    outer: str,
    is_person: Callable[[str], bool],
) -> bool:
    """Whether an outer part of a body is someone's ("someone's eye")."""
    return any(outer in k and _owned(tokens, j, is_person) for j, k in enumerate(kinds))


def maimed(
    tokens: Sequence[str],
    kinds: Sequence[frozenset[str]],
    inner: bool,
    is_person: Callable[[str], bool],
    maim: str,
    devour: str,
    spread: str,
    outer: str,
) -> bool:
    """Whether a tearing or eating act meets a part of a body; ``kinds[i]`` are
    the evidence kinds of ``tokens[i]`` (phrases mark each of their words),
    ``inner`` whether an inner part (guts, brains) is named anywhere."""
    acts = [i for i, k in enumerate(kinds) if maim in k or devour in k]
    if inner and (acts or any(spread in k for k in kinds)):
        return True
    for i in acts:
        tearing = maim in kinds[i]
        low = i - MAIM_WINDOW if tearing else i + 1
        for j in range(max(low, 0), min(i + MAIM_WINDOW + 1, len(tokens))):
            if j == i or outer not in kinds[j]:
                continue
            between = tokens[min(i, j) + 1 : max(i, j)]
            if not tearing and any(w in NOT_OBJECT for w in between):
                continue
            if _owned(tokens, j, is_person):
                return True
            if _severed(tokens, i, j) and any(is_person(w) for w in tokens):
                return True
    return False


def _severed(tokens: Sequence[str], i: int, j: int) -> bool:
    """Whether the act at ``i`` severs the part just before it at ``j`` ("legs
    blown off"), the part not an animal's or a thing's ("its legs")."""
    around = {" ".join(tokens[k : k + 2]) for k in (i - 1, i) if k >= 0}
    return (
        0 < i - j <= 2
        and bool(around.intersection(SEVERING))
        and (j == 0 or tokens[j - 1] != "its")
    )
