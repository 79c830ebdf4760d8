"""Infer a firm's focus areas from its award texts with transparent keyword rules.

Each seeded focus area (orgs/taxonomy.py) has a list of phrases. An award supports an area
when its title and abstract together score at least `AWARD_SCORE`: one point per distinct
phrase found, two when the phrase is in the title. A firm gets the area when the supporting
awards are at least half of its awards, or at least two and `MIN_SHARE` of them, so that
one passing mention in a firm with a hundred awards is not enough.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

AWARD_SCORE = 2
MIN_SHARE = 0.15
MAX_AREAS = 4

# slug -> phrases, matched as whole words in lower case; hyphens and slashes count as spaces
# ("air-to-air" is "air to air"), and a phrase's last word also matches its plural.
RULES: dict[str, tuple[str, ...]] = {
    "air-combat": (
        "fighter", "combat aircraft", "air to air", "air superiority", "air to ground",
        "avionics", "f 35", "f 22", "f a 18", "f 16", "f 15", "joint strike fighter", "jsf",
        "air defense", "air defence", "cockpit", "pilot", "targeting pod", "electronic warfare",
        "missile warning", "stealth", "radar cross section",
    ),
    "land-mobility": (
        "ground vehicle", "tactical vehicle", "tactical wheeled", "military vehicle", "truck",
        "off road", "terrain", "convoy", "hmmwv", "humvee", "unmanned ground vehicle", "ugv",
        "drivetrain", "powertrain", "suspension", "vehicle mobility", "soldier mobility",
        "tire", "hybrid electric vehicle", "logistics vehicle",
    ),
    "isr": (
        "surveillance", "reconnaissance", "intelligence", "isr", "target detection",
        "target tracking", "target recognition", "atr", "imagery", "hyperspectral",
        "multispectral", "synthetic aperture radar", "sar", "electro optical", "eo ir",
        "focal plane array", "situational awareness", "sensor fusion", "geospatial", "sigint",
        "signals intelligence", "persistent surveillance", "infrared sensor", "infrared imaging",
        "infrared imager", "infrared camera", "infrared search", "swir", "mwir", "lwir",
    ),
    "munitions": (
        "munition", "warhead", "explosive", "energetic", "energetic material", "propellant",
        "fuze", "fuzing", "ordnance", "insensitive munition", "detonation", "projectile",
        "penetrator", "ammunition", "guided bomb", "blast effect", "lethality",
    ),
    "undersea": (
        "undersea", "underwater", "submarine", "sonar", "uuv", "unmanned undersea vehicle",
        "autonomous underwater vehicle", "auv", "torpedo", "torpedoes", "hydrophone", "seabed",
        "seafloor", "sea floor", "diver", "anti submarine", "asw", "mine countermeasure",
        "towed array", "undersea warfare", "acoustic communication",
    ),
    "jet-propulsion": (
        "turbine engine", "gas turbine", "jet engine", "turbofan", "turbojet", "turboshaft",
        "compressor", "combustor", "afterburner", "augmentor", "turbine blade", "scramjet",
        "ramjet", "thermal barrier coating", "hot section", "fan blade", "engine component",
        "aero engine", "aeroengine", "jet fuel",
    ),
    "artillery": (
        "artillery", "howitzer", "mortar", "cannon", "gun barrel", "gun tube", "fire control",
        "indirect fire", "long range fires", "155mm", "155 mm", "105mm", "105 mm", "120mm",
        "120 mm", "counter battery", "muzzle", "breech", "rocket artillery", "guided projectile",
    ),
    "armoured-vehicles": (
        "armored vehicle", "armoured vehicle", "combat vehicle", "infantry fighting vehicle",
        "bradley", "abrams", "stryker", "main battle tank", "vehicle armor", "vehicle armour",
        "reactive armor", "reactive armour", "applique armor", "applique armour", "add on armor",
        "underbody blast", "mine resistant", "mrap", "crew survivability",
        "vehicle survivability", "armor plate", "armour plate", "armor system", "armor material",
        "ceramic armor", "ceramic armour",
    ),
    "maritime-domain-awareness": (
        "maritime", "vessel tracking", "ship tracking", "ship detection", "ais",
        "automatic identification system", "coastal", "littoral", "harbor", "harbour",
        "port security", "small boat", "sea surface", "surface search",
        "over the horizon radar", "shipboard radar", "maritime surveillance", "naval surface",
    ),
    "space": (
        "satellite", "spacecraft", "space based", "on orbit", "orbital", "launch vehicle",
        "space situational awareness", "cubesat", "microsatellite", "smallsat",
        "radiation hardened", "radiation hardening", "radiation hard", "rad hard",
        "rad hardened", "star tracker", "geosynchronous", "low earth orbit", "leo",
        "space vehicle", "space system",
    ),
    "cyber": (
        "cyber", "cybersecurity", "cyberspace", "cyber attack", "cyberattack",
        "intrusion detection", "intrusion", "malware", "network security", "encryption",
        "cryptography", "cryptographic", "information assurance", "computer network defense",
        "insider threat", "firewall", "anti tamper", "trusted computing",
        "secure communication", "authentication", "vulnerability", "vulnerabilities",
    ),
    "ai-autonomy": (
        "artificial intelligence", "machine learning", "neural network", "autonomous",
        "autonomy", "deep learning", "reinforcement learning", "intelligent agent",
        "agent based", "robot", "robotic", "robotics", "computer vision",
        "natural language processing", "pattern recognition", "cognitive architecture",
        "unmanned aerial", "unmanned air vehicle", "uav", "swarm", "swarming",
    ),
}


@dataclass(frozen=True, slots=True)
class AwardText:
    title: str
    abstract: str = ""


_TOKEN = re.compile(r"[a-z0-9]+")


def _plurals(word: str) -> list[str]:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return [word, word[:-1] + "ies"]
    return [word, word + "s", word + "es"]


# first word -> (the phrase's words, index of the phrase in _PHRASES)
_PHRASES = [(slug, phrase) for slug, phrases in RULES.items() for phrase in phrases]
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _i, (_, _phrase) in enumerate(_PHRASES):
    *_head, _last = _TOKEN.findall(_phrase)
    for _form in _plurals(_last):
        _words = (*_head, _form)
        _BY_FIRST.setdefault(_words[0], []).append((_words, _i))


def _found(text: str) -> set[int]:
    """Return the indexes of the phrases that occur in a text: one pass over its words."""
    words = _TOKEN.findall(text.lower())
    found = set()
    for i, word in enumerate(words):
        for phrase, index in _BY_FIRST.get(word, ()):
            if len(phrase) == 1 or tuple(words[i:i + len(phrase)]) == phrase:
                found.add(index)
    return found


def award_scores(award: AwardText) -> dict[str, int]:
    """Return each area's score for one award (title phrases count twice); zeros left out."""
    in_title = _found(award.title)
    in_body = _found(award.abstract) - in_title
    scores: dict[str, int] = {}
    for found, points in ((in_title, 2), (in_body, 1)):
        for i in found:
            slug = _PHRASES[i][0]
            scores[slug] = scores.get(slug, 0) + points
    return scores


def infer_focus(awards: Sequence[AwardText], known: Iterable[str] | None = None) -> list[str]:
    """Return the focus-area slugs a firm's awards support, strongest first (at most 4)."""
    allowed = set(RULES if known is None else known)
    support: dict[str, int] = {}
    for award in awards:
        for slug, score in award_scores(award).items():
            if score >= AWARD_SCORE and slug in allowed:
                support[slug] = support.get(slug, 0) + 1
    total = len(awards)
    chosen = [
        slug for slug, n in support.items()
        if n * 2 >= total or (n >= 2 and n >= MIN_SHARE * total)
    ]
    chosen.sort(key=lambda slug: (-support[slug], slug))
    return chosen[:MAX_AREAS]
