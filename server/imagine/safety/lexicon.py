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
    "nudes", "nudity", "nudist*", "nudify", "nakedness", "noods",
    "unclothed", "undressed", "porn", "porno*", "pornograph*",
    "pron", "xxx", "nsfw", "hentai", "sex", "sexual*", "have sex", "having sex",
    "intercourse", "erotic*", "genital*", "penis", "vagina", "vulva", "clitoris",
    "testicles", "genitaux", "boobs", "tits", "titties", "nipple", "nipples", "bare breasts",
    "exposed breasts", "masturbat*", "orgasm*", "orgy", "blowjob", "handjob", "cumshot",
    "fetish*", "bdsm", "onlyfans", "striptease", "stripper", "strip naked",
    "in the buff", "birthday suit", "x rated", "adult film", "adult video", "adult movie",
    "wearing nothing", "clothes off", "lewd",
    "making love", "make love", "makes love", "made love", "lovemaking", "love making",
    "fornicat*", "upskirt", "downblouse", "camgirl", "cam girl", "dick pic", "dick pics",
    "sex tape", "sextape", "sexting", "sex toy", "dildo", "bondage", "strip club",
    "nothing on", "nothing else on", "with nothing on", "clothing optional",
    "breasts exposed", "breasts out", "boobs out", "tits out", "bare breasted",
    "bare chested woman", "in the altogether", "full frontal", "stark naked",
    "buck naked", "butt naked", "in the nude", "exposing himself", "exposing herself",
    "nothing but a smile", "only a smile",
    # Spanish
    "desnudez", "desnudar*", "desnudand*", "semidesnud*", "en pelotas", "en bolas",
    "en cueros", "sexo", "pornografia", "tetas", "pechos desnudos", "coito", "follando",
    "follar", "lenceria erotica",
    # French
    "tout nu", "toute nue", "seins nus", "sexe", "sexuel*", "erotique*", "deshabill*",
    "a poil", "faire l amour", "font l amour",
    # German
    "nacktbild*", "nacktfoto*", "nacktheit", "nacktbad*", "nacktmodel*", "nacktaufnahme*",
    "nacktszene*", "nacktselfie*", "aktfoto*", "aktbild*", "aktmodel*", "aktaufnahme*",
    "aktzeichnung*", "sexuell*", "erotisch*", "erotik", "pornografie", "oben ohne",
    "entkleidet*", "unbekleidet*", "ficken",
    # Portuguese
    "nudez", "erotico*", "seios nus", "transando", "fazendo amor",
    # Italian
    "sesso", "sessuale", "spogliarell*", "senza veli", "nudo integrale", "fare l amore",
)  # fmt: skip

# Nudity adjectives that also describe things ("a naked flame", "a bottomless
# pit", "arbres nus", "patatas peladas"): explicit only when applied to a person,
# a picture of one, or to nothing at all (``context.nudity_applies``).
NUDITY: tuple[str, ...] = (
    "naked", "nude", "nekkid", "nood", "nakey", "topless", "bottomless",
    "nu", "nue", "nus", "nues", "nackt", "nackte", "nackter", "nacktes", "nackten",
    "nacktem", "desnudo", "desnuda", "desnudos", "desnudas", "nua", "nuas", "nuda", "nudi",
    "nude", "pelado", "pelada", "pelados", "peladas", "spogliato", "spogliata",
    "spogliati", "spogliate",
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
    "nudo", "posa sexy", "lenceria", "lencaria", "aroused", "arousal", "horny",
    "kinky", "au naturel", "g string", "undies", "seductive", "erotica", "sousvetement*",
    "sexy pose", "posing sexy", "sensuel*", "sensuell*", "shirtless and",
)  # fmt: skip

MINORS: tuple[str, ...] = (
    # English
    "child", "children", "childs", "kid", "kids", "kiddie", "kiddy", "kidz", "kiddo",
    "kiddos", "minor", "minors", "underage", "under age", "preteen", "preteens", "pre teen",
    "tween",
    "teen", "teens", "teenage", "teenager", "teenagers", "toddler", "toddlers",
    "infant", "infants", "baby", "babies", "newborn", "little girl", "little boy",
    "young girl", "young boy", "small girl", "small boy", "lil girl", "lil boy",
    "lil kid", "schoolgirl", "schoolboy", "school girl", "school boy", "high school",
    "middle school", "elementary school", "kindergarten*", "juvenile", "adolescent*",
    "pubescent", "prepubescent", "loli", "lolita", "lolicon", "shota", "shotacon",
    "jailbait", "middle schooler", "middle schoolers", "grade schooler", "high schooler",
    "high schoolers", "preschooler", "preschoolers", "schoolkid", "schoolkids",
    "school kid", "school kids", "girl scout", "boy scout", "cub scout", "childlike",
    "child like", "young teen", "young teens", "little one", "little ones", "tot", "tots",
    "grader", "graders", "first grader", "second grader", "third grader", "fourth grader",
    "fifth grader", "sixth grader", "seventh grader", "eighth grader", "kindergartener",
    "kindergartner", "barely legal", "underaged", "schoolchild", "schoolchildren",
    # Spanish
    "nino", "nina", "ninos", "ninas", "menor", "menores", "menor de edad", "colegiala",
    "nene", "nena", "bebe", "infantil", "chiquilla", "chiquillo", "adolescente",
    "adolescentes", "jovencita", "jovencito", "chica de secundaria", "escolar",
    # French
    "enfant*", "fillette", "petite fille", "petit garcon", "mineur", "mineure",
    "mineurs", "ado", "ados", "ecoliere", "ecolier", "gamin", "gamine", "collegienne",
    "adolescente", "petite fille",
    # German
    "kind", "kinder", "kindes", "kleinkind", "madchen", "kleines madchen", "schulmadchen",
    "minderjahrig*", "teenager", "schuler", "schulerin",
    # Portuguese
    "crianca", "criancas", "menina", "menino", "meninas", "meninos", "menor de idade",
    "garotinha", "garotinho", "novinha", "adolescente",
    # Italian
    "bambino", "bambina", "bambini", "bambine", "bimba", "ragazzin*",
    "minorenne", "minorenni", "neonato", "infantile", "adolescente", "scolaretta",
)  # fmt: skip

# Beyond the six languages, for the most severe category only: a minor term of
# these lists counts beside any sexual term, and a sexual term of these lists
# beside any minor term; alone they count for nothing, and they are matched
# exactly (no dictionaries guard misspellings in these languages). Dutch,
# Polish, Turkish, Japanese (romaji), Russian (Cyrillic and transliterated).
EXTRA_MINORS: tuple[str, ...] = (
    # Dutch
    "kinderen", "meisje", "meisjes", "jongen", "jongetje", "tiener", "tieners",
    "minderjarig", "minderjarige", "kleuter", "peuter",
    # Polish
    "dziecko", "dzieci", "dziewczynka", "dziewczynki", "chlopiec", "chlopca", "chlopcy",
    "nastolatka", "nastolatek", "nieletnia", "nieletni", "nieletnie", "uczennica",
    # Turkish
    "cocuk", "cocugu", "cocuklar", "kiz cocugu", "kucuk kiz", "erkek cocuk", "bebek",
    "ogrenci", "resit olmayan",
    # Japanese (romaji)
    "shoujo", "shojo", "shounen", "shonen", "kodomo", "youjo", "yojo", "joshi shougakusei",
    "shougakusei", "shogakusei", "chuugakusei", "chugakusei", "joshikousei",
    "rori", "shota", "shotakon", "lolicon", "roricon",
    # Russian, transliterated and Cyrillic
    "rebenok", "rebyonok", "rebenka", "deti", "detey", "detmi", "det mi", "devochka",
    "devochki", "malchik", "malchiki", "shkolnitsa", "shkolnik", "podrostok",
    "nesovershennoletnyaya", "ребенок", "ребёнок", "дети", "детей", "детьми", "девочка",
    "девочки", "мальчик", "школьница", "школьник", "подросток", "малолетка",
)  # fmt: skip

EXTRA_SEXUAL: tuple[str, ...] = (
    # Dutch
    "naakt", "naakte", "bloot", "blote", "seks", "erotisch", "erotische", "ontkleed",
    # Polish
    "naga", "nagi", "nagie", "nago", "nagiej", "seks", "seksowna", "seksowny",
    "erotyczne", "erotyczny", "erotyczna", "rozebrana", "bielizna",
    # Turkish
    "ciplak", "seks", "seksi", "mustehcen", "erotik", "porno", "soyunmus", "ic camasiri",
    # Japanese (romaji)
    "hadaka", "zenra", "ecchi", "etchi", "ero manga", "ero shoujo", "ero loli", "hentai",
    "oppai", "sekkusu", "shitagi",
    # Russian, transliterated and Cyrillic
    "golaya", "golaja", "golyy", "golyj", "golye", "golyi", "obnazhennaya", "seks",
    "eroticheskoe", "erotika", "porno", "nizhnee bele", "голая", "голый", "голые",
    "голенькая", "обнаженная", "обнажённая", "секс", "порно", "эротика", "эротическое",
    "нижнее белье", "сексуальная",
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
    "gaping wound", "guts spilling", "gouged out", "gouge out", "gouging out", "eyes gouged",
    "head on a spike", "heads on spikes", "head on a pike", "heads on pikes",
    "hanging himself", "hanging herself", "hanged himself", "hanged herself",
    "hang himself", "hang herself", "slit wrists", "slitting wrists", "slit her wrists",
    "slit his wrists", "lynching", "lynched", "brain matter", "exit wound", "torn limb",
    "human remains", "melting flesh", "flesh melting", "skin melting", "cannibalism",
    "body horror gore", "splattered brains", "brains splattered", "skull crushed",
    "crushed skull", "smashed skull", "head smashed", "ripped to shreds", "ripped open",
    "torn open", "disembowel*", "gedarme", "guts out", "guts hanging", "tripas fuera",
    "tripas afuera", "tripes a l air", "budella di fuori", "tripas de fora",
    # Spanish
    "desmembr*", "descuartiz*", "mutilad*", "visceras", "degollad*", "masacre",
    "sangre por todas partes", "destripad*", "despedazad*", "entranas",
    # French
    "demembr*", "mutile", "mutilee", "visceres", "egorge*", "du sang partout", "eventr*",
    "dechiquete*", "entrailles",
    # German
    "enthaupt*", "zerstuckel*", "verstummel*", "eingeweide", "gemetzel",
    "kopf abgetrennt", "blut uberall", "ausgeweid*", "aufgeschlitzt*", "zerfetzt*",
    # Portuguese
    "esquartej*", "sangue por todo lado", "estripad*", "dilacerad*", "entranhas",
    # Italian
    "smembrat*", "viscere", "budella", "sgozzat*", "sangue ovunque", "sventrat*",
    "dilaniat*", "sbudellat*",
)  # fmt: skip

ACTS: tuple[str, ...] = (
    # English
    "shot", "shooting", "shoot", "stabbed", "stabbing", "stab", "killed", "killing",
    "murder*", "slaughter*", "executed", "execution", "executing", "hanged",
    "strangled", "beaten", "beating", "attacked", "mauled", "massacre", "tortur*",
    "exploded", "explosion", "blown up", "bombing", "crash", "splatter*", "slit",
    "slashed", "hacked", "firing squad", "victim", "victims", "hanging", "cannibal",
    "cannibals", "chainsaw", "shot through", "mauling", "mutilating", "ahorcad*", "pendu",
    "erhangt*", "enforcad*", "impiccat*",
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
    "cadaveri", "entrails", "organs", "innards", "flesh", "severed",
)  # fmt: skip

# Graphic violence by kinds of meaning, combined by ``context.maimed``: a tearing
# or crushing act (``MAIM``), or an eating one (``DEVOUR``), beside an inner part
# of a body (``INNER_PARTS``: enough alone), or beside an outer part
# (``OUTER_PARTS``) that is someone's ("a man's throat", "his arm", "la gorge
# d'un homme"): "a dog chewing a bone" and "a girl ripping a paper heart" pass.
MAIM: tuple[str, ...] = (
    # English
    "tearing", "tore", "torn", "tear out", "tear off", "tear open", "ripping", "ripped",
    "gouge*", "pull out", "pulls out", "pulling out", "pulled out", "cut off",
    "cut open", "cutting open", "sliced open", "slicing open", "split open", "hacked off",
    "chopped off", "chopping off", "blown off", "blew off", "crushed", "crushing",
    "smashed", "peeled off", "peeling off", "skinned", "flaying", "severed", "mangled",
    "cutting off", "cuts off", "cut in half", "sliced in half", "slicing", "slashing",
    "slits", "slit", "hacking off", "ripping out", "tearing out", "tearing open",
    "mauled", "shredded", "exploded", "splattered",
    # Spanish
    "arrancand*", "arrancad*", "arranca", "desgarrand*", "desgarrad*", "aplastad*",
    "abierto en canal",
    # French
    "arrachant", "arrache*", "dechirant", "dechire*", "ecrase*",
    # German
    "reisst", "herausgerissen*", "ausgerissen*", "abgerissen*", "zerrissen*",
    "zerquetscht*", "abgehackt*",
    # Portuguese
    "rasgand*", "rasgad*", "esmagad*",
    # Italian
    "strappand*", "strappat*", "strappa", "schiacciat*",
)  # fmt: skip

# Inner parts spread about ("guts everywhere", "intestins partout").
SPREAD: tuple[str, ...] = (
    "everywhere", "all over", "spilling", "spilled", "spilt", "hanging out", "dangling",
    "oozing", "exposed", "por todas partes", "colgando", "saliendo", "partout", "uberall",
    "heraushang*", "por todo lado", "ovunque", "penzolant*",
)  # fmt: skip

DEVOUR: tuple[str, ...] = (
    "eat", "eats", "eating", "ate", "eaten", "devour*", "feast", "feasts", "feasting",
    "feeding on", "feeds on", "chew", "chews", "chewing", "gnaw*", "biting", "munching",
    "nibbling", "comiendo", "devorand*", "devorad*", "devora", "masticand*", "mordiend*",
    "mangeant", "mange", "devorant", "devore", "devoree", "machant", "mordant",
    "frisst", "fressen", "fressend", "verschling*", "kaut", "beisst",
    "comendo", "mastigand*", "mordend*",
    "mangia", "mangiand*", "divora", "divorand*", "divorat*", "masticand*", "mordend*",
)  # fmt: skip

INNER_PARTS: tuple[str, ...] = (
    "intestines", "intestine", "guts", "entrails", "innards", "viscera", "organs",
    "internal organs", "brains", "eyeballs", "human flesh", "spinal cord", "bowels",
    "intestinos", "sesos", "carne humana", "organos", "intestins", "cervelle",
    "chair humaine", "organes", "boyaux", "darme", "gedarme", "gehirnmasse",
    "menschenfleisch", "miolos", "carne umana", "intestini", "interiora", "organi",
)  # fmt: skip

OUTER_PARTS: tuple[str, ...] = (
    "head", "face", "arm", "arms", "leg", "legs", "hand", "hands", "finger", "fingers",
    "foot", "feet", "eye", "eyes", "throat", "neck", "heart", "skin", "jaw",
    "ear", "ears", "nose", "chest", "stomach", "belly", "torso", "limb", "limbs",
    "scalp", "brain", "flesh", "liver", "skull", "spine", "ribs", "tripas", "tripes",
    "body",
    "cabeza", "cara", "brazo", "pierna", "mano", "dedos", "ojos", "garganta", "cuello",
    "corazon", "piel", "cerebro", "carne", "vientre",
    "tete", "visage", "jambe", "doigts", "yeux", "gorge", "cou", "coeur", "peau",
    "cerveau", "ventre",
    "kopf", "gesicht", "bein", "augen", "kehle", "hals", "herz", "haut",
    "gehirn", "hirn", "fleisch", "bauch",
    "cabeca", "rosto", "braco", "perna", "mao", "olhos", "pescoco", "coracao", "pele",
    "cerebro", "barriga",
    "testa", "faccia", "viso", "braccio", "gamba", "occhi", "gola", "collo", "cuore",
    "pelle", "cervello", "pancia",
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
    "ironman triathlon",
    "ironman race",
    "sex on the beach",
    "flesh eating bacteria",
    "drawing blood",
    "draws blood",
    "blood sample",
    "blood samples",
    "giving blood",
    "donating blood",
    # "a white power strip": power as electricity
    "power strip",
    "power strips",
    "power cable",
    "power cables",
    "power cord",
    "power outlet",
    "power socket",
    "power bank",
    "power supply",
    "power adapter",
    "power button",
    "power line",
    "power lines",
    "power station",
    "power washer",
    "power board",
    "power steering",
    "power nap",
    "power lifting",
    "power pose",
    # bare feet and the naked eye in the further languages
    "ciplak ayak",
    "ciplak ayakla",
    "ciplak ayaklarla",
    "ciplak ayaklari",
    "ciplak goz",
    "ciplak gozle",
    "blote voeten",
    "telanjang kaki",
    "ketsueki gata",
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


# --- hate symbols beyond the block list (``PromptFilterConfig.hate_symbols``), all
# reported as BLOCK_LIST. ``HATE_SYMBOLS`` block alone; ``SWASTIKA`` blocks unless
# a religious or older context (``RELIGIOUS``: Hindu, Buddhist, Jain; a Navajo
# whirling log, an ancient mosaic) is named and no hate context is; a hate
# context (``HATE_CONTEXT``) blocks beside something that carries a symbol
# (``HATE_CARRIERS``: a flag, a tattoo, an eagle, runes, a rally, the numbers 14
# and 88); "SS" only beside its own symbols (``SS_CARRIERS``: "the SS
# Great Britain" is a ship); Klan robes and pointed hoods (``KLAN_GARB``) beside a
# cross, a torch or a rally (``KLAN_SCENE``), not in a Holy Week procession.
HATE_SYMBOLS: tuple[str, ...] = (
    "ss rune", "ss runes", "sig rune", "sig runes", "sieg rune", "sieg runes", "sigrune*",
    "sowilo runes", "wolfsangel", "sonnenrad", "schwarze sonne", "black sun symbol",
    "fourteen words", "white pride worldwide", "blood and soil", "blut und boden",
    "stormfront", "rahowa", "racial holy war", "klansman", "klansmen", "klanswoman",
    "ku klux", "klan robe", "klan robes", "klan hood", "klan hoods", "klan rally",
    "cross burning", "burning crosses", "nazi eagle", "reichsadler", "parteiadler",
    "nazi banner", "nazi armband", "nazi symbol", "nazi symbols", "nazi insignia",
    "nazi emblem", "nazi tattoo", "neo nazi flag", "ss insignia", "ss symbol", "ss logo",
    "ss lightning", "ss bolts", "ss totenkopf", "totenkopf ss", "hitler salute",
    "roman salute", "hitlergruss", "hitlergruß", "white power", "aryan brotherhood",
    "aryan nations", "aryan race", "aryan supremacy", "hakenkruis", "hakkors",
    "croix gammee", "cruz gamada", "klan member", "klan members", "klan march",
    "croce uncinata", "gamali hac", "gamalı haç", "hooked cross", "hooked crosses",
    "crooked cross", "gammadion",
)  # fmt: skip
SWASTIKA: tuple[str, ...] = (
    "swastika", "swastikas", "esvastica", "esvasticas", "svastika", "svastica", "svastiche",
    "suastica", "swastyka", "swastyki", "swastike", "свастика", "свастики", "svastica",
    "swastik",
)  # fmt: skip
HATE_CONTEXT: tuple[str, ...] = (
    "nazi", "nazis", "neonazi", "neonazis", "neo nazi", "neo nazis", "nazism", "nazismo",
    "nazista", "naziste", "nazie", "third reich", "3rd reich", "drittes reich",
    "tercer reich", "troisieme reich", "terzo reich", "hitler", "hitlerjugend",
    "hitler youth", "waffen ss", "schutzstaffel", "white supremacist", "white supremacists",
    "white supremacy", "white nationalist", "white nationalists", "white nationalism",
    "white pride", "aryan race", "aryan supremacy", "klan", "kkk", "nationalsozialist*",
    "neo fascist", "neofascist*",
)  # fmt: skip
HATE_CARRIERS: tuple[str, ...] = (
    "flag", "flags", "banner", "banners", "eagle", "eagles", "armband", "armbands",
    "insignia", "symbol", "symbols", "emblem", "emblems", "tattoo", "tattoos", "tattooed",
    "logo", "logos", "patch", "patches", "badge", "badges", "pin", "rune", "runes",
    "lightning bolt", "lightning bolts", "skull", "skulls", "death s head", "deaths head",
    "totenkopf", "cross", "crosses", "celtic cross", "graffiti", "poster", "posters",
    "sticker", "stickers", "salute", "saluting", "shirt", "t shirt", "sign", "slogan",
    "hood", "hoods", "robe", "robes", "sun wheel", "bandera", "drapeau", "fahne", "flagge",
    "bandiera", "bandeira", "simbolo", "symbole", "tatuaje", "tatouage", "tatuaggio",
    "adler", "aguila", "aigle", "aquila", "aguia", "brassard", "armbinde", "brazalete",
    "croix", "cruz", "kreuz", "croce", "wreath", "rally", "rallies", "march", "marching",
    "parade", "propaganda", "meeting", "members", "member", "gathering",
)  # fmt: skip
SS_CARRIERS: tuple[str, ...] = (
    "rune", "runes", "lightning bolt", "lightning bolts", "bolts", "totenkopf", "skull",
    "skulls", "death s head", "deaths head", "insignia", "collar tabs", "collar tab",
    "emblem", "symbol", "logo", "badge", "tattoo", "armband", "flag", "banner",
)  # fmt: skip
RELIGIOUS: tuple[str, ...] = (
    "hindu", "hindus", "hinduism", "hinduismo", "hindou", "buddhist", "buddhists",
    "buddhism", "budista", "bouddhiste", "buddha", "jain", "jains", "jainism", "jaina",
    "temple", "temples", "templo", "tempel", "tempio", "mandir", "diwali", "deepavali",
    "rangoli", "kolam", "puja", "pooja", "sanskrit", "auspicious", "ganesh", "ganesha",
    "lakshmi", "vedic", "shrine", "monastery", "manji", "tibetan", "religious",
    "religion", "sacred", "spiritual", "indian wedding", "hindu wedding",
    # older and indigenous uses: a Navajo whirling log, a Roman mosaic
    "navajo", "whirling log", "hopi", "native american", "ancient", "neolithic", "mosaic",
    "meander", "greek key", "byzantine", "etruscan",
)  # fmt: skip
KLAN_GARB: tuple[str, ...] = (
    "pointed hood", "pointed hoods", "pointy hood", "pointy hoods", "conical hood",
    "conical hoods", "peaked hood", "peaked hoods", "white robes and hoods",
    "white robes and pointed hoods", "hooded white robes", "white hooded robes",
    "white hoods and robes", "klan hood", "klan hoods",
)  # fmt: skip
KLAN_SCENE: tuple[str, ...] = (
    "cross", "crosses", "torch", "torches", "torchlit", "burning", "rally", "march",
    "marching", "lynching", "noose",
)  # fmt: skip
# Holy Week processions wear pointed hoods too ("nazarenos en Semana Santa").
PROCESSION: tuple[str, ...] = (
    "semana santa", "holy week", "procession", "processions", "procesion", "nazareno",
    "nazarenos", "penitent", "penitents", "penitente", "penitentes", "capirote",
    "capirotes", "cofradia", "easter", "good friday",
)  # fmt: skip
# Numbers of hate codes (read in the plain text: numbers are no tokens).
HATE_NUMBERS = re.compile(r"\b(?:14\s*/?\s*88|1488|88|14)\b")
# 1488, 14/88 or 14 and 88 shown on something (no hate context needed); "14 words" named.
HATE_CODE_SHOWN = re.compile(r"\b(?:14\s*/?\s*88|1488)\b|\b14\b.*\b88\b|\b88\b.*\b14\b")
HATE_NAMED_NUMBERS = re.compile(r"\b14\s+words\b|\b88\s+precepts\b")
# Who shows a hate number beside ones of HATE_CONTEXT ("a skinhead with an 88 tattoo").
NUMBER_CONTEXT: tuple[str, ...] = ("skinhead", "skinheads", "heil", "sieg")
CODE_DISPLAYS: tuple[str, ...] = (
    "tattoo", "tattoos", "tattooed", "banner", "flag", "sticker", "shirt", "t shirt",
    "graffiti", "patch", "sign", "poster", "hoodie", "jacket", "neck", "knuckles",
)  # fmt: skip

# A violence word after a negation is no violence ("a battle painting without
# gore", "no blood, no gore", "sin sangre"): the negators, and the words they
# drop (with "or", "and", "nor" or "," between several).
NEGATORS: frozenset[str] = frozenset(
    "without no not non zero minus sin sans ohne kein keine keinerlei senza sem".split()
)
NEGATABLE: frozenset[str] = frozenset(
    """gore gory blood bloody bloodshed violence violent graphic wounds wound injuries
    injury corpses corpse death deaths dead killing sangre sang blut sangue
    violencia violence gewalt violenza""".split()
)
# Words that may stand between a negator and what it negates ("without any gore").
NEGATION_FILLERS: frozenset[str] = frozenset(
    "any visible explicit real actual graphic much excessive or and nor de la of".split()
)

# Beyond the six languages, matched exactly (no dictionaries guard misspellings
# in these languages): sexual content and nudity (``EXTRA_EXPLICIT``, enough
# alone) and graphic violence (``EXTRA_GORE`` alone; ``EXTRA_BLOOD``,
# ``EXTRA_BODY`` and ``EXTRA_ACTS`` two of them, as in English), in Turkish, Dutch,
# Polish, Swedish, Indonesian, Japanese (romaji) and Russian (transliterated and
# Cyrillic). Words that also mean something harmless are left out or given as
# phrases ("naga" is a serpent deity: "naga kobieta"; "blote voeten" are bare feet).
EXTRA_EXPLICIT: tuple[str, ...] = (
    # Turkish
    "ciplak kadin", "ciplak kiz", "ciplak adam", "ciplak erkek", "ciplak kadinlar",
    "ciplak foto*", "ciplak resim*", "ciplak poz", "seks", "sevisen", "sevisme",
    "sevisiyor", "mustehcen", "soyunmus", "soyunan", "gogusler", "memeler",
    # Dutch
    "naakt", "naakte", "naaktfoto*", "naaktmodel*", "neuken", "neukend*", "tieten",
    "blote borsten", "ontkleed*", "uitgekleed*", "seksfoto*", "vrijen", "vrijend*",
    # Polish
    "nagie", "nago", "nagi mezczyzna", "nagiej", "nagich", "naga kobieta",
    "naga dziewczyna", "naga modelka", "naga pani", "nagosc", "seksu", "erotyczn*",
    "rozebran*", "cycki", "uprawiaja seks", "uprawiajacy seks",
    # Swedish
    "naken", "nakna", "naket", "nakenbild*", "nakenfoto*", "nakenmodell*", "porr",
    "porrfilm*", "knulla*", "knullar", "erotisk", "erotiska", "avkladd*", "bara brost",
    # Indonesian
    "telanjang", "bugil", "bersetubuh", "ngentot", "payudara", "toket", "mesum", "cabul",
    "tanpa busana", "tanpa pakaian", "berhubungan seks", "bercinta",
    # Japanese (romaji)
    "hadaka", "zenra", "sekkusu", "ecchi", "etchi", "oppai", "ratai", "chikubi",
    "manko", "chinko", "ero gazou", "ero manga",
    # Russian, transliterated and Cyrillic
    "golaya", "golaja", "golaia", "golyy", "golyj", "golye", "golyi", "obnazhennaya",
    "obnazhennyy", "obnazhennye", "nagishom", "razdetaya", "siski", "sisyki",
    "trakhayutsya", "trakhaet", "eroticheskoe", "eroticheskaya", "erotika",
    "голая", "голый", "голые", "голенькая", "обнаженная", "обнажённая", "обнаженный",
    "обнажённый", "обнаженные", "нагишом", "раздетая", "секс", "порно", "эротика",
    "эротическое", "эротическая", "сиськи", "трахаются",
)  # fmt: skip
# Nudity words of the further languages that also describe things ("çıplak
# ağaç", a bare tree; "naga", a serpent deity): explicit only beside a person
# word of those languages (``EXTRA_PERSONS``): "a naga warrior" is no nude.
EXTRA_NUDITY: tuple[str, ...] = (
    "ciplak", "naga", "nagi", "nagiej", "nagim", "naken", "bloot", "blote", "bugil",
    "golaya", "golyy", "голая", "голый",
)  # fmt: skip
EXTRA_PERSONS: tuple[str, ...] = (
    "kadin", "kadinlar", "kadini", "kiz", "kizlar", "erkek", "erkekler", "adam", "adamlar",
    "vrouw", "vrouwen", "meisje", "jongen", "kobieta", "kobiety", "kobiete", "dziewczyna",
    "dziewczyny", "mezczyzna", "mezczyzni", "chlopak", "pani", "modelka", "kvinna",
    "kvinnor", "flicka", "pojke", "wanita", "perempuan", "gadis", "pria", "laki laki",
    "cewek", "josei", "onna", "otoko", "zhenshchina", "devushka", "muzhchina",
    "женщина", "девушка", "мужчина", "парень",
)  # fmt: skip
EXTRA_GORE: tuple[str, ...] = (
    # Turkish
    "kafasi kesilmis", "kafasi kopmus", "kesik bas", "kesik kafa", "parcalanmis ceset*",
    "parcalanmis beden*", "parcalanmis vucut*",
    "bagirsaklar*", "kan golu", "kan golunde", "kan icinde", "her yer kan", "katliam",
    "vahset", "kanli ceset*",
    # Dutch
    "onthoofd*", "bloedbad", "ingewanden", "verminkt*", "in stukken gehakt",
    "plas bloed", "onder het bloed", "afgehakt hoofd",
    # Polish
    "odcieta glowa", "rzez", "rzezi", "wnetrznosci", "pocwiartowan*", "okaleczon*",
    "kaluza krwi", "kaluzy krwi", "masakra", "masakry",
    # Swedish
    "halshugg*", "styckad*", "sonderstyckad*", "inalvor", "blodbad", "lemlast*",
    "blodpol", "pol av blod",
    # Indonesian
    "dipenggal", "terpenggal", "kepala terpenggal", "mutilasi", "dimutilasi",
    "pembantaian", "usus terburai", "isi perut", "genangan darah", "bersimbah darah",
    "mandi darah", "dicincang",
    # Japanese (romaji)
    "kubikiri", "zanshitai", "barabara shitai", "ero guro", "chidarake",
    "chi darake", "chimamire", "gyakusatsu", "harawata",
    # Russian, transliterated and Cyrillic
    "obezglavlen*", "raschlenen*", "rasschlenen*", "kishki", "reznya", "luzha krovi",
    "krovavaya reznya", "обезглавлен*", "расчленен*", "расчленён*", "кишки", "резня",
    "лужа крови", "кровь повсюду",
)  # fmt: skip
EXTRA_BLOOD: tuple[str, ...] = (
    "kanli", "kanlar", "bloed", "bloedend*", "bloederig*", "bebloed*", "krew", "krwi",
    "zakrwawion*", "krwaw*", "blod", "blodig*", "blodande", "darah", "berdarah",
    "ketsueki", "krov", "krovi", "krovav*", "кровь", "крови", "кровав*",
)  # fmt: skip
EXTRA_BODY: tuple[str, ...] = (
    "ceset", "cesetler*", "lijk", "lijken", "zwloki", "trup", "trupy", "liket", "mayat",
    "jenazah", "shitai", "трупы", "труп", "трупа",
)  # fmt: skip
EXTRA_ACTS: tuple[str, ...] = (
    "oldurulmus", "bicaklanmis", "vurulmus", "vermoord*", "neergeschoten", "doodgestoken",
    "zamordowan*", "zastrzelon*", "mordad*", "skjuten", "knivhuggen", "dibunuh",
    "ditembak", "ditikam", "pembunuhan", "satsujin", "ubit", "ubita", "ubity", "ubiystvo",
    "zastrelen*", "убит*", "убийство", "застрелен*",
)  # fmt: skip
# A few more minors terms (Swedish, Indonesian) for ``EXTRA_MINORS``.
EXTRA_MINORS_MORE: tuple[str, ...] = (
    "flicka", "flickor", "pojke", "pojkar", "smabarn", "tonaring", "tonaringar",
    "anak", "anak anak", "anak kecil", "gadis kecil", "bocah", "balita", "remaja",
)  # fmt: skip
