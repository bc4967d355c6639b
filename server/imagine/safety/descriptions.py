"""Protected characters described instead of named: cues that co-occur.

"A square yellow sea sponge who lives in a pineapple" names no one, yet it is
SpongeBob. Each described character (:data:`DEFAULT_DESCRIPTIONS`, one entry
per character of the default list in ``characters.py`` that people describe)
carries four kinds of cue:

- ``kind``: what the character is ("sponge", "plumber", "ogre"); any one
  found counts 1;
- ``traits``: its distinctive attributes, each a group of synonyms and
  translations ("red shorts", "pantalones cortos rojos"); each group found
  counts 1. Generic looks that often go together ("grey" and "carrot" for a
  rabbit, "fat" and "orange" for a cat) share one group, so that together
  they still count 1;
- ``signatures``: attributes that all but name the character ("lives in a
  pineapple", "to infinity and beyond"); each group found counts 2;
- ``context``: the franchise, studio, creator or setting ("Nintendo",
  "DreamWorks", "Bikini Bottom"); any one found counts 1.

A character is described (``PromptFilter`` reports ``PROTECTED_CHARACTER``)
when its cues score at least ``description_score`` (3), at least one of them
a trait or a signature, and its kind or its context is among them, or the
score reaches ``description_score_unanchored`` (4) without either. So "a
yellow kitchen sponge" (kind 1 + trait 1), "a plumber fixing a sink" (kind 1)
and "a farmer with a mustache, a red cap and overalls" (three traits, no kind)
pass, while "an Italian plumber with a red cap and a mustache" (kind 1 +
three traits) and "a mouse with round ears and a polka dot bow, Disney"
(kind + two traits + context) are blocked.

Cues are matched in the filter's normalised token space, each word exactly,
as a stem (``*``) or misspelt (``matching.TermIndex``; everyday words are
never taken for misspellings), the words of a cue in order with at most
:data:`GAP` other words between them ("big round black ears" holds "round
ears"); a cue of digits ("95") matches a number of the prompt. A description
applies only while its ``name`` is among the configured protected (or
capitalised) characters. Operators replace or extend the list in
``PromptFilterConfig.described_characters``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from server.imagine.safety.matching import TermIndex
from server.imagine.safety.normalise import Normalised, term_words

# At most this many other words between two words of one cue.
GAP = 2
_DIGITS = re.compile(r"\d+")


class CharacterDescription(BaseModel):
    """The cues that describe one protected character (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="the protected character described: a name of protected_characters "
        "or capitalised_characters (the description applies only while it is listed)"
    )
    kind: list[str] = Field(
        default_factory=list,
        description='what the character is ("sea sponge", "plumber"); any one found counts 1',
    )
    traits: list[list[str]] = Field(
        default_factory=list,
        description="distinctive attributes, each a group of synonyms and translations; "
        "each group found counts 1 (generic looks that go together share one group)",
    )
    signatures: list[list[str]] = Field(
        default_factory=list,
        description='attributes that all but name the character ("lives in a pineapple"); '
        "each group found counts 2",
    )
    context: list[str] = Field(
        default_factory=list,
        description="franchise, studio, creator or setting; any one found counts 1",
    )


def _d(name: str, kind: str, traits: str, signatures: str = "", context: str = "") -> dict:
    """A description written compactly: cues split at ",", groups at "|"."""

    def cues(text: str) -> list[str]:
        return [c.strip() for c in text.split(",") if c.strip()]

    def groups(text: str) -> list[list[str]]:
        return [cues(g) for g in text.split("|") if g.strip()]

    return {
        "name": name,
        "kind": cues(kind),
        "traits": groups(traits),
        "signatures": groups(signatures),
        "context": cues(context),
    }


_MOUSE = "mouse, mice, raton, souris, maus, topo, rato, topolino"
_BEAR = "bear, teddy bear, oso, osito, ours, ourson, orso, urso"
_DOG = "dog, puppy, perro, chien, hund, cane, cachorro"
_CAT = "cat, kitten, kitty, gato, chat, katze, gatto, gatinho, neko"
_PLUMBER = "plumber, plumbers, fontanero, plombier, klempner, installateur, idraulico, encanador"
_DISNEY = "disney, walt disney, disneyland, disney world"
_STAR_WARS = "star wars, lucasfilm, galactic empire, death star, jedi, sith, tatooine"
_MARIO = "nintendo, mushroom kingdom, super nintendo"
_YELLOW = "yellow, amarillo, amarilla, jaune, gelb, gelbe, gelber, giallo, gialla, amarelo, amarela"
_BLUE = "blue, azul, bleu, bleue, blau, blaue, blauer, blu"
_GREEN = "green, verde, vert, verte, grun, grune, gruner"
_PINK = "pink, rosa, rose, rosado, rosada"
_RED = "red, rojo, roja, rouge, rot, rote, roter, rosso, rossa, vermelho, vermelha"
_SPONGE_CONTEXT = "nickelodeon, bikini bottom, krusty krab, krabby patty, krabby patties"

DEFAULT_DESCRIPTIONS: tuple[dict, ...] = (
    # SpongeBob and his neighbours
    _d(
        "spongebob",
        "sponge, sponges, sea sponge, esponja, eponge, schwamm, schwammfigur, spugna",
        f"{_YELLOW}, square, rectangular, cuadrada, cuadrado, carree, carre, quadratisch, "
        "quadratische, quadrata, quadrado"
        "| square pants, squarepants, brown shorts, brown pants, brown trousers, "
        "pantalones cuadrados, pantalon carre"
        "| buck teeth, bucktoothed, two big teeth, two front teeth"
        "| fry cook, flipping burgers, flipping patties, burger flipper"
        "| jellyfishing, catching jellyfish, jellyfish net"
        "| pineapple, ananas, pina, abacaxi",
        "in a pineapple, pineapple house, pineapple under the sea, dans un ananas, "
        "en una pina, in einer ananas, in un ananas",
        _SPONGE_CONTEXT,
    ),
    _d(
        "patrick star",
        "starfish, star fish, sea star, estrella de mar, etoile de mer, seestern, "
        "stella marina, estrela do mar",
        f"{_PINK}| green shorts, green trunks, flowered shorts, floral shorts, green swim trunks"
        "| dim witted, dimwitted, dumb, lives under a rock, under a rock",
        "yellow sponge, square sponge, friend of a sponge, sponge friend",
        _SPONGE_CONTEXT,
    ),
    _d(
        "squidward",
        "squid, octopus, calamar, pulpo, calmar, pieuvre, tintenfisch, krake, calamaro, polvo",
        "grumpy, grouchy, cranky, gruñon, grincheux, griesgramig"
        "| clarinet, clarinete, clarinette, klarinette, clarinetto"
        "| neighbour, neighbor, neighbours, neighbors, vecino, voisin, nachbar, vicino"
        "| cashier, cash register",
        "yellow sponge, sponge neighbour, sponge neighbor",
        _SPONGE_CONTEXT,
    ),
    # Nintendo
    _d(
        "super mario",
        _PLUMBER,
        "red cap, red hat, red capped, red baseball cap, gorra roja, casquette rouge, rote mutze, "
        "rote kappe, cappello rosso, berretto rosso, bone vermelho"
        "| mustache, moustache, mustachioed, moustachioed, bigote, bigotes, schnurrbart, "
        "baffi, baffuto, bigode"
        "| overalls, blue overalls, dungarees, peto, salopette, latzhose, macacao"
        "| an m, letter m, m on his cap, m on his hat, m logo, m emblem, una m, une m, ein m"
        "| italian, italiano, italien, italienischer"
        "| mushroom, mushrooms, power up, warp pipe, green pipe, green pipes, goomba, goombas"
        "| jumping on turtles, stomping turtles, stomping on turtles, jumping on mushrooms",
        "mushroom kingdom, princess peach, saves princess, saving princess, rescuing princess, "
        "rescues princess, rescue princess",
        _MARIO,
    ),
    _d(
        "luigi from mario",
        _PLUMBER,
        "green cap, green hat, gorra verde, casquette verte, grune mutze, cappello verde"
        "| an l, letter l, l on it, l on his cap, l on his hat"
        "| tall, taller, lanky, alto, grand"
        "| brother, brothers, hermano, frere, bruder, fratello, irmao"
        "| mustache, moustache, mustachioed, bigote, schnurrbart, baffi, bigode"
        "| overalls, dungarees, salopette, latzhose",
        "haunted mansion, ghost vacuum, poltergust",
        _MARIO,
    ),
    _d(
        "kirby",
        "puffball, puff ball, pink ball, pink blob, round pink, pink round, pink creature, "
        "pink hero",
        f"{_PINK}| inhales enemies, inhales, inhaling, sucks in enemies, swallows enemies, "
        "copy ability, copy abilities, copies powers"
        "| red shoes, red feet, big red feet"
        "| warp star, rides a star, riding a star",
        "",
        f"{_MARIO}, dream land, dreamland, hal laboratory",
    ),
    _d(
        "yoshi",
        "dinosaur, dino, dinosaurio, dinosaure, dinosaurier, dinosauro",
        f"{_GREEN}| saddle, red saddle, silla de montar, selle, sattel, sella, sela"
        "| long tongue, sticky tongue, lengua larga, longue langue, lange zunge"
        "| eats fruit, eating fruit, eats apples, fruit"
        "| spotted egg, spotted eggs, throws eggs, lays eggs"
        "| red boots, orange boots, red shoes",
        "",
        f"{_MARIO}, yoshi island",
    ),
    _d(
        "bowser",
        "turtle king, koopa, king koopa, koopa king, spiked turtle, spiky turtle, "
        "dragon turtle, tortuga gigante, tortue geante",
        "spiky shell, spiked shell, caparazon con pinchos, carapace a pointes"
        "| horns, cuernos, cornes, horner, corna"
        "| breathing fire, breathes fire, fire breathing, breathing flames, escupe fuego, "
        "crache du feu, feuer speiend"
        "| red hair, orange hair, flaming hair, red mane"
        "| kidnaps princess, kidnapping a princess, kidnapped princess, princess"
        "| plumber, plumbers",
        "",
        _MARIO,
    ),
    _d(
        "pac man",
        "yellow circle, yellow ball, yellow disc, yellow disk, yellow pie, yellow sphere, "
        "yellow dot, yellow pizza",
        "wedge shaped mouth, wedge mouth, pie shaped, chomping, chomps, open mouth"
        "| eating dots, eats dots, eating pellets, eats pellets, power pellets, pellets, dots"
        "| maze, labyrinth, laberinto, labyrinthe, labyrinth"
        "| ghosts, ghost, chased by ghosts, fantasmas, fantomes, geister",
        "",
        "namco, arcade, arcade game, retro arcade",
    ),
    # Pokémon
    _d(
        "pikachu",
        f"electric mouse, {_MOUSE}, rodent, raedor, rongeur",
        # "electric" is in the kind: "a yellow electric mouse" alone is an original design
        f"{_YELLOW}| red cheeks, rosy cheeks, red circles on its cheeks, red cheek, "
        "mejillas rojas, joues rouges, rote backen, rote wangen, guance rosse"
        "| lightning bolt tail, lightning tail, zigzag tail, zig zag tail, bolt shaped tail, "
        "tail shaped like a lightning bolt, cola de rayo, queue en eclair"
        "| black tipped ears, ears with black tips, long pointy ears",
        "pokemon trainer, pika pika, pocket monster",
        "nintendo, game freak, pokemon, pokeball, poke ball",
    ),
    # Disney
    _d(
        "mickey mouse",
        _MOUSE,
        "round ears, round black ears, big black ears, big round ears, black round ears, "
        "circle ears, orejas redondas, oreilles rondes, runde ohren, orecchie rotonde, "
        "orelhas redondas"
        "| red shorts, red pants, red trousers, pantalones cortos rojos, pantalones rojos, "
        "short rouge, culotte rouge, rote hose, rote shorts, pantaloncini rossi, "
        "calcoes vermelhos, shorts vermelhos"
        "| white gloves, guantes blancos, gants blancs, weisse handschuhe, weissen handschuhen, "
        "guanti bianchi, luvas brancas"
        "| yellow shoes, big yellow shoes, zapatos amarillos, chaussures jaunes"
        "| two buttons, two yellow buttons, two white buttons, yellow buttons, white buttons",
        "steamboat willie, steamboat",
        _DISNEY,
    ),
    _d(
        "minnie mouse",
        _MOUSE,
        "round ears, round black ears, big black ears, big round ears, orejas redondas, "
        "oreilles rondes, runde ohren, orecchie rotonde"
        "| polka dot bow, polka dots, polka dot, red bow, pink bow, bow on her head, big bow, "
        "lunares, lazo, a pois, noeud, tupfen, schleife, pois, fiocco"
        "| white gloves, guantes blancos, gants blancs, guanti bianchi"
        "| high heels, yellow shoes",
        "girlfriend of a mouse, mouse girlfriend",
        _DISNEY,
    ),
    _d(
        "donald duck",
        "duck, cartoon duck, pato, canard, ente, papero, anatra, pato",
        "sailor shirt, sailor suit, sailor hat, sailor cap, sailor top, marinero, marinera, "
        "marin, matrosen, marinaio"
        "| no pants, without pants, pantsless, sin pantalones, sans pantalon, ohne hose"
        "| temper, angry, short tempered, tantrum, furious, quacking angrily, enojado, colere"
        "| three nephews, nephews, sobrinos, neveux, neffen, nipoti",
        "huey dewey louie, girlfriend daisy, daisy duck",
        _DISNEY,
    ),
    _d(
        "winnie the pooh",
        _BEAR,
        f"{_YELLOW}, golden, chubby yellow, plump yellow"
        "| red shirt, red crop top, red t shirt, red top, tiny red shirt, short red shirt, "
        "camiseta roja, t shirt rouge, rotes hemd, maglietta rossa, camiseta vermelha"
        "| honey, honey pot, hunny, miel, honig, miele, mel, tarro de miel, pot de miel",
        "piglet, tigger, eeyore, christopher robin, silly old bear",
        f"hundred acre wood, {_DISNEY}, a a milne, milne, bosque de los cien acres",
    ),
    _d(
        "tigger",
        "tiger, tigre, tiger, tigre",
        "orange and black, striped, stripes, rayas, rayures, streifen"
        "| bouncing, bounces, bouncy, spring tail, springy tail, bouncing on his tail, "
        "bouncing tail, saltando, rebondit, hupfend"
        "| bear friend, honey bear",
        "piglet, eeyore, winnie",
        f"hundred acre wood, {_DISNEY}, milne",
    ),
    _d(
        "eeyore",
        "donkey, grey donkey, gray donkey, stuffed donkey, burro, ane, esel, asino",
        "gloomy, sad, depressed, melancholy, glum, triste, deprime, traurig"
        "| pinned tail, tail pinned, nail in his tail, pink bow on his tail, tail with a bow",
        "piglet, tigger, winnie",
        f"hundred acre wood, {_DISNEY}, milne",
    ),
    _d(
        "elsa from frozen",
        "ice queen, snow queen, ice princess, snow princess, reina del hielo, "
        "reina de las nieves, reine des glaces, eiskonigin, schneekonigin, regina delle nevi, "
        "regina dei ghiacci, rainha do gelo",
        "blue dress, blue gown, ice blue dress, sparkly blue dress, vestido azul, robe bleue, "
        "blaues kleid, "
        "vestito azzurro, vestido azul"
        "| white braid, platinum braid, blonde braid, side braid, silver braid, trenza, "
        "tresse, zopf, treccia, tranca"
        "| ice powers, ice magic, freezing powers, magic ice, ice palace, poderes de hielo, "
        "pouvoirs de glace"
        "| sister anna, little sister anna, princess anna",
        "let it go, libre soy, liberee delivree, lass jetzt los, all alone",
        f"{_DISNEY}, frozen, arendelle",
    ),
    _d(
        "olaf the snowman",
        "snowman, snow man, muneco de nieve, bonhomme de neige, schneemann, pupazzo di neve, "
        "boneco de neve",
        "talking, talks, talkative, chatty, habla, parle, sprechend, parlante"
        "| one tooth, single tooth, buck tooth"
        "| twig arms, stick arms, twigs for arms",
        "warm hugs, loves warm hugs, dreams of summer, abrazos calidos, calins chauds",
        f"{_DISNEY}, frozen, arendelle",
    ),
    _d(
        "stitch from lilo",
        "alien, koala, blue koala, alien koala, experiment, extraterrestre, alien, ausserirdischer",
        f"{_BLUE}| big ears, large ears, floppy ears, huge ears, orejas grandes"
        "| hawaiian, hawaii, hawai, hawaiano, hawaien"
        "| mischievous, destructive, chaotic",
        "experiment 626, 626, ohana",
        f"{_DISNEY}, lilo",
    ),
    _d(
        "simba",
        "lion cub, lion, cub, leon, cachorro de leon, lion, lionceau, lowe, lowenjunges, "
        "leone, leoncino, leao, filhote de leao",
        "mandrill, baboon, mandril, babouin, pavian, babbuino"
        "| held up, lifted up, raised up, presented, holding up, sostenido, souleve"
        "| warthog, meerkat, jabali, suricata, phacochere, suricate, warzenschwein, erdmannchen"
        "| future king, heir, rightful king, king of the pride lands",
        "pride rock, circle of life, hakuna matata, roca del rey, rocher de la fierte",
        f"{_DISNEY}, pride lands, lion king",
    ),
    _d(
        "nemo the clownfish",
        "clownfish, clown fish, pez payaso, poisson clown, clownfisch, pesce pagliaccio, "
        "peixe palhaco",
        "lost in the ocean, lost at sea, lost, searching for his son, perdido, perdu"
        "| worried father, overprotective father, his father",
        "one small fin, small fin, lucky fin, little fin, tiny fin, one fin smaller, "
        "aleta pequena, petite nageoire",
        f"pixar, {_DISNEY}, finding nemo, great barrier reef, sydney dentist",
    ),
    _d(
        "dory the fish",
        "blue tang, blue tang fish, regal tang, surgeonfish, pez cirujano, poisson chirurgien, "
        "paletten doktorfisch",
        "forgetful, memory loss, short term memory loss, short term memory, forgets, "
        "keeps forgetting, olvidadiza, pierde la memoria"
        "| just keep swimming, keep swimming, speaks whale",
        "",
        "pixar, disney, finding nemo, finding dory",
    ),
    _d(
        "buzz lightyear",
        "space ranger, space ranger toy, astronaut toy, toy astronaut, spaceman toy, "
        "space toy, astronaut action figure, guardian espacial, ranger de l espace",
        "purple hood, purple and green, green and purple, white and green spacesuit, "
        "white purple and green"
        "| wrist laser, wrist communicator, laser on his wrist"
        "| pop out wings, retractable wings, spring loaded wings",
        "to infinity and beyond, hasta el infinito, vers l infini, bis zur unendlichkeit, "
        "verso l infinito",
        "pixar, toy story, star command",
    ),
    _d(
        "sheriff woody",
        "cowboy doll, cowboy toy, toy cowboy, sheriff doll, sheriff toy, cowboy puppet, "
        "muneco vaquero, poupee cowboy",
        "pull string, pullstring, string in his back, cuerda en la espalda"
        "| sheriff badge, sheriff star, tin star"
        "| andy on his boot, name on his boot, andy written",
        "snake in my boot, there s a snake in my boot",
        "pixar, toy story",
    ),
    _d(
        "lightning mcqueen",
        "race car, racecar, racing car, race cars, coche de carreras, auto de carreras, "
        "voiture de course, rennwagen, rennauto, auto da corsa, carro de corrida",
        f"{_RED}| lightning bolt, lightning bolt decal, lightning decal, bolt decal, rayo"
        "| 95"
        "| eyes on the windshield, eyes for a windshield, windshield eyes, talking car, "
        "car with eyes, cars with eyes",
        "kachow, ka chow, piston cup",
        "pixar, radiator springs",
    ),
    # Star Wars
    _d(
        "darth vader",
        "sith, sith lord, dark lord of the sith, lord of the sith, lord sith, senor sith, "
        "seigneur sith, dark lord, villain, masked villain, cyborg, senor oscuro, seigneur noir",
        "black helmet, black mask, casco negro, mascara negra, casque noir, masque noir, "
        "schwarzer helm, schwarze maske, elmo nero, maschera nera, capacete preto"
        "| breathing heavily, heavy breathing, breathes heavily, mechanical breathing, "
        "respirator, breathing apparatus, respiracion, respiration mecanique"
        "| black cape, black cloak, capa negra, cape noire, schwarzer umhang, mantello nero"
        "| red lightsaber, lightsaber, laser sword, light saber, sable laser, sable de luz, "
        "sabre laser, lichtschwert, spada laser"
        "| chest panel, control panel on his chest, chest control panel",
        "i am your father, yo soy tu padre, je suis ton pere, ich bin dein vater",
        _STAR_WARS,
    ),
    _d(
        "yoda",
        "jedi master, jedi, old jedi, maestro jedi, maitre jedi",
        f"{_GREEN}, small green, tiny green, little green"
        "| pointy ears, pointed ears, long ears, big ears, orejas puntiagudas, "
        "oreilles pointues, spitze ohren"
        "| walking stick, cane, gimer stick, baston, canne"
        "| 900 years, nine hundred years",
        "speaks backwards, backwards speech, talks backwards, inverted sentences, "
        "strong with the force, do or do not",
        "star wars, lucasfilm, dagobah",
    ),
    _d(
        "grogu",
        "baby alien, alien baby, baby, the child, bebe alien, bebe extraterrestre",
        f"{_GREEN}, small green, tiny green"
        "| big ears, large ears, huge ears, pointy ears, orejas grandes, grandes oreilles"
        "| brown robe, brown cloak, tunica marron",
        "floating pram, floating crib, hover pram, floating cradle, hovering pram, "
        "cuna flotante, landau flottant",
        "the mandalorian, mandalorian, din djarin, star wars, lucasfilm",
    ),
    _d(
        "chewbacca",
        "wookiee, wookie, walking carpet, tall furry, furry giant, ape like, apelike",
        "bandolier, ammo belt, cartridge belt| crossbow, bowcaster| roars, growls, roaring",
        "millennium falcon, han solo",
        _STAR_WARS,
    ),
    # films, TV and comics
    _d(
        "shrek",
        "ogre, ogres, ogro, ogresse, oger, orco, ogre",
        f"{_GREEN}| swamp, pantano, marais, sumpf, palude, pantano"
        "| talking donkey, donkey, burro, burro parlanchin, ane, esel, asino, burro falante"
        "| trumpet ears, trumpet shaped ears, tube ears, ear stalks, ears like trumpets"
        "| onion, onions, layers"
        "| scottish accent",
        "princess fiona, fiona, far far away, lord farquaad",
        "dreamworks",
    ),
    _d(
        "donkey from shrek",
        "donkey, burro, ane, esel, asino",
        "talking, talkative, chatty, parlanchin, bavard, sprechend, parlante"
        "| grey, gray, gris, grau, grigio",
        "ogre, ogro, oger, orco",
        "dreamworks",
    ),
    _d(
        "peppa pig",
        "pig, piglet, piggy, cartoon pig, pig girl, cerdita, cerdito, cerda, cochon, cochonne, "
        "schwein, schweinchen, maiale, maialina, porca, porquinha",
        f"{_PINK}| red dress, vestido rojo, robe rouge, rotes kleid, vestito rosso"
        "| muddy puddles, jumping in puddles, puddles, charcos de barro, charcos, "
        "flaques de boue, flaques, matschpfutzen, pozzanghere"
        "| george, brother george, hermano george, frere george, bruder schorsch"
        "| toy dinosaur, mister dinosaur, mr dinosaur, dinosaurio de juguete",
        "daddy pig, mummy pig, grandpa pig, suzy sheep",
        "british preschool, preschool cartoon, british cartoon, british kids show, "
        "british children s show, nick jr, entertainment one, peppa",
    ),
    _d(
        "bluey",
        "heeler, blue heeler, heeler puppy, cattle dog, australian cattle dog, heeler dog",
        f"{_BLUE}| sister bingo, little sister bingo, bingo",
        "",
        "australian kids show, australian cartoon, australian children s show, "
        "australian preschool, abc kids, ludo studio",
    ),
    _d(
        "sonic the hedgehog",
        "hedgehog, erizo, herisson, igel, riccio, ourico",
        f"{_BLUE}| red sneakers, red shoes, red trainers, red running shoes, "
        "zapatillas rojas, zapatos rojos, baskets rouges, chaussures rouges, rote schuhe, "
        "rote turnschuhe, scarpe rosse, tenis vermelhos"
        "| golden rings, gold rings, collecting rings, rings, anillos dorados, anillos, "
        "anneaux dores, anneaux, goldene ringe, anelli d oro"
        "| fast, speed, supersonic, running fast, super fast, speedy, sound barrier, "
        "rapido, rapide, schnell, veloce"
        "| white gloves, guantes blancos, gants blancs",
        "chili dog, chili dogs, green hill zone, dr eggman, eggman",
        "sega, green hill",
    ),
    _d(
        "homer simpson",
        "yellow cartoon dad, yellow cartoon man, yellow man, yellow dad, yellow father, "
        "yellow skinned man, yellow skinned dad, yellow guy",
        "bald, calvo, chauve, glatze, glatzkopfig, calvo, careca"
        "| donut, donuts, doughnut, doughnuts, rosquilla, rosquillas, beignet, donas"
        "| beer, duff, cerveza, biere, bier, birra, cerveja"
        "| nuclear power plant, nuclear plant, power plant, central nuclear, "
        "centrale nucleaire, atomkraftwerk, kernkraftwerk, centrale nucleare"
        "| two hairs, strands of hair, three hairs, stubble"
        "| overweight, fat, potbelly, belly, beer belly, gordo, gros",
        "d oh, doh, strangling his son, strangles his son, choking his son",
        "springfield, matt groening, groening, moe s tavern, moes tavern",
    ),
    _d(
        "the simpsons",
        "yellow family, yellow cartoon family, yellow skinned family, family of yellow",
        "cartoon, animated, animacion, dessin anime, zeichentrick"
        "| blue beehive, tall blue hair, blue beehive hair"
        "| baby with a pacifier, pacifier"
        "| couch, sofa",
        "",
        "springfield, matt groening, groening",
    ),
    _d(
        "captain jack sparrow",
        "pirate, pirate captain, pirata, capitan pirata, pirate, piratenkapitan",
        "dreadlocks, braided beard, beads in his hair, kohl, eyeliner, red bandana, rum, "
        "drunken swagger, rastas, tresses"
        "| compass that doesn t point north, magic compass",
        "black pearl, perla negra, why is the rum gone, captain jack",
        f"pirates of the caribbean, piratas del caribe, pirates des caraibes, tortuga, {_DISNEY}",
    ),
    _d(
        "bart simpson",
        "yellow cartoon boy, yellow boy, yellow cartoon kid, yellow kid, yellow skinned boy",
        "spiky hair, spiky, pelo de punta, cheveux en pointe"
        "| skateboard, skateboarding, skate, monopatin, planche a roulettes"
        "| slingshot, tirachinas, lance pierre, steinschleuder"
        "| prankster, troublemaker, prank calls, prank call"
        "| red shirt, red t shirt, camiseta roja, t shirt rouge",
        "eat my shorts, ay caramba",
        "springfield, matt groening, groening",
    ),
    _d(
        "spider man",
        "superhero, super hero, hero, vigilante, superheroe, superheros, superheld, "
        "supereroe, heroi",
        "red and blue suit, red and blue costume, red and blue spandex, red and blue outfit, "
        "traje rojo y azul, costume rouge et bleu, rot blauen anzug, red blue suit"
        "| swinging on webs, web slinging, web shooters, shoots webs, webs, web, swinging, "
        "telarana, telaranas, toile, toiles, netz, netze, ragnatela, teia"
        "| wall crawling, climbing walls, clings to walls, trepando paredes"
        "| masked, mask, mascara, masque, maske, maschera",
        "spider emblem, spider logo, spider symbol, spider on his chest, spider on the chest, "
        "arana en el pecho, araignee sur la poitrine, spider sense, "
        "friendly neighborhood, friendly neighbourhood, bitten by a spider, "
        "bitten by a radioactive spider",
        "marvel, daily bugle, queens new york, avengers",
    ),
    _d(
        "batman",
        "vigilante, masked vigilante, superhero, super hero, hero, masked man, "
        "billionaire vigilante, justiciero, justicier, superheld",
        "bat costume, bat suit, batsuit, bat ears, bat cowl, bat mask, bat emblem, "
        "bat symbol, bat signal, bat logo, bat shaped, dressed as a bat, bat themed, "
        "disfraz de murcielago, "
        "costume de chauve souris, fledermauskostum"
        "| utility belt, cinturon de herramientas, ceinture utilitaire"
        "| black cape, dark cape, cape, capa, umhang, mantello"
        "| billionaire, playboy, orphan",
        "caped crusader, dark knight, batmobile, batcave, bat cave, wayne manor, bruce wayne, "
        "caballero oscuro, chevalier noir",
        "gotham, gotham city, dc comics, joker",
    ),
    _d(
        "superman",
        "superhero, super hero, hero, caped hero, alien hero, superheroe, superheld, supereroe",
        "red s, s on his chest, s emblem, s logo, s symbol, s shield, s on the chest, "
        "s en el pecho, s sur la poitrine"
        "| red cape, capa roja, cape rouge, roter umhang, mantello rosso"
        "| blue suit, blue costume, blue tights, blue spandex, traje azul, costume bleu"
        "| flying, flies, volando, vole, fliegend, volando"
        "| x ray vision, heat vision, laser eyes",
        "man of steel, krypton, kryptonian, kryptonite, kriptonita, clark kent, "
        "hombre de acero, homme d acier, daily planet",
        "metropolis, dc comics, smallville",
    ),
    _d(
        "wonder woman",
        "amazon warrior, amazon princess, amazonian, amazon, warrior princess, superheroine, "
        "heroine, amazona, amazone, princesa guerrera",
        "golden lasso, lasso of truth, lasso, lazo dorado, lasso d or"
        "| tiara, gold tiara, tiara with a star, star tiara, diadema, diademe"
        "| silver bracelets, bracelets, bulletproof bracelets, gauntlets, brazaletes"
        "| eagle breastplate, golden eagle, red and blue, star spangled",
        "invisible jet, diana prince",
        "dc comics, themyscira, paradise island",
    ),
    _d(
        "captain america",
        "super soldier, supersoldier, soldier, superhero, patriotic hero, soldado, soldat",
        "round shield, star shield, shield with a star, circular shield, vibranium shield, "
        "escudo redondo, bouclier rond, runder schild"
        "| star spangled, stars and stripes, red white and blue, patriotic suit, "
        "american flag suit"
        "| a on his helmet, a on the helmet, winged helmet",
        "steve rogers, super soldier serum",
        "marvel, avengers",
    ),
    _d(
        "the hulk",
        "green giant, giant, green man, green monster, brute, gigante verde, geant vert, "
        "gruner riese, gigante verde",
        f"{_GREEN}, green skinned, green skin"
        "| torn purple shorts, purple shorts, purple pants, torn purple pants, "
        "ripped purple pants, ripped purple shorts, pantalones morados, short violet, "
        "lila hose"
        "| smash, smashing, smashes, rage, angry, enraged, furious"
        "| muscular, muscles, huge muscles, musculoso, musclé, muskulos",
        "bruce banner, gamma radiation, gamma rays, hulk smash",
        "marvel, avengers",
    ),
    _d(
        "iron man",
        "armored suit, armoured suit, suit of armor, suit of armour, armor suit, armour suit, "
        "robot suit, power armor, power armour, exosuit, mech suit, armadura, armure, "
        "rustung, armatura",
        "red and gold, red and yellow, gold and red, red gold, rojo y dorado, rouge et or, "
        "rot gold, rosso e oro"
        "| arc reactor, glowing chest, chest reactor, glowing reactor, reactor in his chest, "
        "glowing chest reactor, reactor"
        "| repulsors, hand repulsors, repulsor, repulsor beams"
        "| jet boots, rocket boots, flying, flies",
        "tony stark, stark industries",
        "marvel, avengers",
    ),
    # other cartoons and games
    _d(
        "hello kitty",
        f"white cat, white kitten, {_CAT}",
        "red bow, pink bow, bow on her ear, hair bow, lazo rojo, noeud rouge, rote schleife, "
        "fiocco rosso"
        "| no mouth, without a mouth, mouthless, sin boca, sans bouche, ohne mund, senza bocca",
        "",
        "sanrio",
    ),
    _d(
        "kermit",
        "frog, frog puppet, rana, grenouille, frosch, sapo",
        f"{_GREEN}| puppet, muppet, marioneta, titere, marionnette, handpuppe, pupazzo"
        "| banjo"
        "| pointed collar, spiky collar, collar with points",
        "miss piggy, pig girlfriend, rainbow connection",
        "muppets, the muppets, muppet show, jim henson, henson",
    ),
    _d(
        "elmo",
        "monster, monster puppet, puppet, muppet, monstruo, monstre, monster, mostro",
        f"{_RED}, furry red, red furry"
        "| orange nose, nariz naranja, nez orange"
        "| tickle, ticklish, tickled, cosquillas, chatouilles"
        "| goldfish dorothy, dorothy",
        "",
        "sesame street, jim henson, muppets, barrio sesamo, plaza sesamo, sesamstrasse",
    ),
    _d(
        "cookie monster",
        "monster, monster puppet, puppet, muppet, monstruo, monstre, mostro",
        f"{_BLUE}| cookies, cookie, eats cookies, eating cookies, galletas, biscuits, "
        "kekse, biscotti"
        "| googly eyes, ojos saltones",
        "me want cookie, om nom nom",
        "sesame street, jim henson, muppets, barrio sesamo, plaza sesamo, sesamstrasse",
    ),
    _d(
        "scooby doo",
        "great dane, great danes, gran danes, dogue allemand, deutsche dogge, alano",
        "solves mysteries, solving mysteries, mystery solving, mysteries, mystery, misterios, "
        "mysteres"
        "| cowardly, scared, afraid of ghosts, frightened, cobarde, peureux"
        "| talking, talks, habla, parle",
        "shaggy, mystery machine, scooby snacks, scooby snack, mystery inc",
        "hanna barbera",
    ),
    _d(
        "bugs bunny",
        "rabbit, bunny, hare, conejo, lapin, hase, kaninchen, coniglio, coelho",
        "grey, gray, gris, grau, grigio, cinza, carrot, carrots, zanahoria, carotte, karotte, "
        "carota, cenoura"
        "| white gloves, guantes blancos, gants blancs"
        "| wisecracking, smart aleck, leaning on a tree",
        "what s up doc, whats up doc, que hay de nuevo viejo, quoi de neuf docteur",
        "looney tunes, warner bros, warner brothers, merrie melodies",
    ),
    _d(
        "garfield",
        f"tabby, tabby cat, {_CAT}",
        "orange, ginger, naranja, roux, orangene, arancione, laranja, lazy, fat, chubby, "
        "perezoso, gordo, paresseux, faul, pigro"
        "| lasagna, lasagne, lasana",
        "hates mondays, hate mondays, odia los lunes, deteste le lundi, odie the dog, jon arbuckle",
        "jim davis",
    ),
    _d(
        "snoopy",
        "beagle, beagles",
        "white, black ears, blanco, blanc, weiss"
        "| doghouse, dog house, red doghouse, caseta, niche"
        "| flying ace, aviator goggles, red baron, ww1 pilot, world war one pilot",
        "roof of doghouse, on top of doghouse, on his doghouse, woodstock, charlie brown",
        "peanuts, charles schulz, schulz",
    ),
    _d(
        "harry potter",
        "boy wizard, young wizard, teen wizard, wizard boy, wizard, nino mago, mago, "
        "jeune sorcier, sorcier, zauberer, zauberlehrling, maghetto",
        "round glasses, round spectacles, gafas redondas, lunettes rondes, runde brille, "
        "occhiali rotondi"
        "| snowy owl, white owl, owl, lechuza, chouette, eule, gufo"
        "| red and gold scarf, scarlet and gold scarf, striped scarf",
        "lightning scar, lightning bolt scar, scar on his forehead, forehead scar, "
        "cicatriz de rayo, cicatrice en eclair, blitznarbe, "
        "quidditch, hogwarts, gryffindor, boy who lived, diagon alley, platform nine and",
        "j k rowling, rowling, wizarding world",
    ),
    _d(
        "doraemon",
        "robot cat, cat robot, robotic cat, gato robot, chat robot, roboterkatze, gatto robot",
        f"{_BLUE}| from the future, future, del futuro, du futur"
        "| magic pocket, pocket, bolsillo magico, poche magique"
        "| no ears, without ears, earless, sin orejas"
        "| bell, golden bell, collar with a bell, cascabel, grelot",
        "dorayaki, nobita, 4d pocket, four dimensional pocket",
        "fujiko",
    ),
    _d(
        "minions",
        "henchman, henchmen, creature, creatures, sidekick, sidekicks, esbirro, esbirros, "
        "sbire, sbires, handlanger, scagnozzi",
        f"{_YELLOW}, small yellow, tiny yellow, little yellow, capsule shaped, pill shaped, "
        "bean shaped"
        "| goggles, gafas, lunettes, schutzbrille, occhialoni"
        "| overalls, denim overalls, blue overalls, dungarees, peto, salopette, latzhose"
        "| one eye, one eyed, single eye, un ojo, un oeil, einaugig"
        "| banana, bananas, platano, banane",
        "gru, bello, despicable",
        "illumination, despicable me",
    ),
    _d(
        "minecraft steve",
        "blocky man, blocky guy, blocky character, pixelated man, cube head, square head, "
        "block man, voxel man, blocky, pixel man",
        "cyan shirt, teal shirt, turquoise shirt, light blue shirt, aqua shirt, "
        "camiseta cian, camiseta turquesa"
        "| pickaxe, diamond pickaxe, pico, pioche, spitzhacke, piccone"
        "| purple pants, indigo pants, blue pants, dark blue pants",
        "",
        "minecraft, mojang",
    ),
    _d(
        "minecraft creeper",
        "block monster, blocky monster, pixelated monster, green monster, exploding monster, "
        "mob, monstruo verde, monstre vert",
        f"{_GREEN}, pixelated green, green pixelated"
        "| explodes, exploding, explosive, blows up, boom, explota, explose"
        "| hisses, hissing, hiss, sisea, siffle"
        "| four legs, four legged, no arms, sad face, frowning face",
        "",
        "minecraft, mojang",
    ),
    _d(
        "totoro",
        "forest spirit, spirit, troll, giant creature, big creature, furry creature, "
        "espiritu del bosque, esprit de la foret, waldgeist",
        "big grey, grey, gray, gris, grau, spotted belly, grey and white"
        "| leaf umbrella, leaf as an umbrella, umbrella, paraguas, parapluie, regenschirm, "
        "ombrello"
        "| bus stop, parada de autobus, arret de bus, bushaltestelle"
        "| camphor tree, giant tree",
        "catbus, cat bus, gatobus, chat bus",
        "studio ghibli, ghibli, miyazaki, hayao miyazaki",
    ),
    _d(
        "thomas the tank engine",
        "tank engine, steam engine, locomotive, train, engine, locomotora, locomotive, "
        "lokomotive, dampflok, locomotiva",
        f"{_BLUE}| face, smiling face, grey face, with a face, cara, visage, gesicht",
        "fat controller, island of sodor, sodor",
        "",
    ),
    _d(
        "gandalf",
        "wizard, old wizard, grey wizard, white wizard, mago, sorcier, magier, zauberer",
        "grey robes, grey cloak, pointed hat, grey hat, long white beard, long grey beard, "
        "beard, staff, barba, baton, bart, bastone"
        "| balrog, hobbit, hobbits",
        "you shall not pass, no pasaras, vous ne passerez pas, du kannst nicht vorbei",
        "lord of the rings, middle earth, tolkien, the shire, mordor",
    ),
    _d(
        "gollum",
        "creature, pale creature, skinny creature, hobbit, criatura, creature",
        "pale, grey, bald, emaciated, skinny, palido, chauve, big eyes, huge eyes, "
        "bulging eyes, ojos saltones"
        "| ring, gold ring, golden ring, one ring, anillo, anneau",
        "my precious, mi tesoro, mon precieux, mein schatz",
        "lord of the rings, middle earth, tolkien, mordor, misty mountains",
    ),
    _d(
        "goku",
        "saiyan, martial artist, fighter, warrior, luchador, guerrero, combattant, kampfer",
        "spiky black hair, spiky hair, golden spiky hair, spiky golden hair"
        "| orange gi, orange and blue gi, orange uniform, orange martial arts uniform"
        "| power pole, flying nimbus, nimbus cloud, flying cloud, monkey tail",
        "kamehameha, super saiyan, spirit bomb",
        "akira toriyama, toriyama, dragon balls",
    ),
    _d(
        "naruto",
        "ninja, boy ninja, teen ninja, young ninja",
        "orange jumpsuit, orange tracksuit, orange outfit, orange and black jumpsuit"
        "| whisker marks, whiskers on his cheeks, whisker scars, whiskers"
        "| spiky blonde hair, spiky blond hair, blonde spiky hair, blond spiky hair"
        "| leaf headband, forehead protector, hidden leaf headband, headband"
        "| ramen",
        "nine tailed fox, nine tails, kyuubi, hidden leaf village, hokage",
        "konoha, masashi kishimoto, kishimoto",
    ),
)


class DescriptionIndex:
    """The descriptions of the enabled characters, matched together."""

    def __init__(
        self,
        descriptions: Iterable[CharacterDescription],
        names: Iterable[str],
        fuzzy: bool = True,
    ):
        enabled = {term_words(n) for n in names}
        # one entry per (character, role, group): (cue words, numbers), per character
        self._cues: dict[str, list[tuple[str, int, tuple[str, ...]]]] = defaultdict(list)
        self._numbers: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        words: set[str] = set()
        for described in descriptions:
            if term_words(described.name) not in enabled:
                continue
            roles = [("kind", 0, described.kind), ("context", 0, described.context)]
            roles += [("trait", i, group) for i, group in enumerate(described.traits)]
            roles += [("signature", i, group) for i, group in enumerate(described.signatures)]
            for role, group, cues in roles:
                for cue in cues:
                    if cue.strip().isdigit():
                        self._numbers[cue.strip()].append((described.name, role, group))
                        continue
                    cue_words = tuple(_cue_word(w) for w in cue.lower().split())
                    cue_words = tuple(w for w in cue_words if w)
                    if not cue_words:
                        continue
                    words.update(cue_words)
                    self._cues[cue_words[0]].append((described.name, role, group, cue_words))
        self.index = TermIndex({w: [w] for w in words}, fuzzy=fuzzy)

    def described(self, words: Normalised, text: str, score: int, unanchored: int) -> bool:
        """Whether ``words`` (and the digits of ``text``) describe a character."""
        if not self._cues and not self._numbers:
            return False
        marks = self.index.marks(words)
        positions: dict[str, list[int]] = defaultdict(list)
        for i, names in enumerate(marks):
            for name in names:
                positions[name].append(i)
        found: dict[str, set[tuple[str, int]]] = defaultdict(set)
        anchors: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for first in list(positions):
            for character, role, group, cue in self._cues.get(first, ()):
                anchor = role in ("kind", "context")
                if (role, group) in found[character] and not anchor:
                    continue
                if not all(w in positions for w in cue):
                    continue
                spans = _spans(cue, positions)
                if spans:
                    found[character].add((role, group))
                    if anchor:
                        anchors[character][role] += spans
        for number in _DIGITS.findall(text):
            for character, role, group in self._numbers.get(number, ()):
                found[character].add((role, group))
        for character, spans in anchors.items():
            if _linked(spans["kind"], spans["context"], words.tokens):
                found[character].add(("signature", -1))  # "the Nintendo plumber"
        return any(_scores(cues, score, unanchored) for cues in found.values())


def _cue_word(word: str) -> str:
    """A cue's word in the token form (accents and case dropped; "*" kept)."""
    stem = word.endswith("*")
    tokens = term_words(word.rstrip("*"))
    if not tokens:
        return ""
    return "".join(tokens) + ("*" if stem else "")


def _spans(cue: Sequence[str], positions: dict[str, list[int]]) -> list[tuple[int, int]]:
    """(first, last) token of each place the words of ``cue`` stand in order, at
    most GAP words apart."""
    spans = []
    for start in positions[cue[0]]:
        end = start
        for word in cue[1:]:
            end = next((j for j in positions[word] if 0 < j - end <= GAP + 1), -1)
            if end < 0:
                break
        if end >= 0:
            spans.append((start, end))
    return spans


# A kind named as the franchise's ("the Nintendo plumber", "Disney's mouse", "the
# mouse from Disney"), not in its style ("a bear in Disney style"): the words that
# may stand between a context and a kind after it, and between a kind and a
# context after it.
STYLE_WORDS = frozenset(
    "style styled inspired like esque art animation animated artwork look looking type "
    "version fan fanart in with and or".split()
)
LINK_WORDS = frozenset("from of by the a an famous de del la le von di du des do da".split())


def _linked(kinds: list[tuple[int, int]], contexts: list[tuple[int, int]], tokens) -> bool:
    """Whether a kind stands right after a context, or after it with "from",
    "of" or "by" (see LINK_WORDS)."""
    for k_start, k_end in kinds:
        for c_start, c_end in contexts:
            if c_end < k_start:
                between = tokens[c_end + 1 : k_start]
                if len(between) <= GAP and not STYLE_WORDS.intersection(between):
                    return True
            elif k_end < c_start:
                between = tokens[k_end + 1 : c_start]
                if 0 < len(between) <= GAP + 1 and set(between) <= LINK_WORDS:
                    return True
    return False


def _scores(cues: set[tuple[str, int]], score: int, unanchored: int) -> bool:
    """Whether one character's cues found are enough (see the module docstring)."""
    roles = [role for role, _ in cues]
    distinctive = roles.count("trait") + 2 * roles.count("signature")
    if not distinctive:
        return False
    anchored = "kind" in roles or "context" in roles
    total = distinctive + roles.count("kind") + roles.count("context")
    return total >= (score if anchored else unanchored)
