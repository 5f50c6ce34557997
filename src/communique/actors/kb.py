"""The actor knowledge base: countries, organisations, sub-national governments,
titles and persons, shipped as data (``actors/data``) and extensible by users.

One ``KnowledgeBase`` is built once and answers every lookup with a dict access
on a normalised key:

* multi-word names are matched case-insensitively, ignoring accents, the
  apostrophe style, full stops, hyphens ("Secretary-General" = "Secretary
  General") and a leading "the";
* abbreviations ("US", "UN", "RATS") are matched as written, so the words "us"
  and "un" are not the United States or the United Nations;
* a one-word name written all in lower case ("turkey", "male") matches nothing.

User dictionaries (YAML or CSV, see docs/actors.md) are validated with line
numbers and layered over the shipped data: an entry with the id or the name of a
shipped one updates it, any other entry is added.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Iterator, NamedTuple, Sequence, Union

import yaml
from unidecode import unidecode

from communique.errors import CommuniqueError

__all__ = [
    "CountryEntry", "DictionaryError", "Entry", "KnowledgeBase", "Match", "OrgEntry",
    "PersonEntry", "PersonRole", "SPECIAL_COUNTRY_CODES", "SubnationalEntry", "TitleEntry",
    "name_key",
]

# Codes a dictionary may use where a country is expected, besides ISO alpha-3.
SPECIAL_COUNTRY_CODES = ("IGO", "NGO", "IMG", "MNC")

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# --- names and keys -----------------------------------------------------------

_PUNCT = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ",
})
_HYPHEN = re.compile(r"\s*-\s*")
_SPACE = re.compile(r"\s+")
_ABBREV_CHARS = re.compile(r"[A-Z0-9&/+]+")
# British and American spellings are one key ("Organisation" = "Organization").
_SPELLINGS = {"organisation": "organization", "organisations": "organizations", "programme": "program",
              "programmes": "programs", "defence": "defense", "labour": "labor", "centre": "center",
              "counsellor": "counselor", "councillor": "councilor", "co operation": "cooperation"}
_SPELLING_RX = re.compile(r"\b(" + "|".join(sorted(_SPELLINGS, key=len, reverse=True)) + r")\b")
_SURFACE_SPELLINGS = {**{k.capitalize(): v.capitalize() for k, v in _SPELLINGS.items()}, **_SPELLINGS}
_SURFACE_RX = re.compile(r"\b(" + "|".join(k for k in _SURFACE_SPELLINGS if " " not in k) + r")\b")


def _ascii(text: str) -> str:
    text = text.translate(_PUNCT)
    return text if text.isascii() else unidecode(text)


def name_key(text: str) -> str:
    """The case-insensitive key of a name: 'The Secretary–General ' -> 'secretary general'."""
    t = _HYPHEN.sub(" ", _ascii(text).replace(".", ""))
    t = _SPACE.sub(" ", t).strip().casefold()
    t = _SPELLING_RX.sub(lambda m: _SPELLINGS[m.group()], t)
    return t[4:] if t.startswith("the ") else t


def _other_spelling(phrase: str) -> str | None:
    """'Shanghai Cooperation Organisation' -> 'Shanghai Cooperation Organization' (for phrase matchers)."""
    swapped = _SURFACE_RX.sub(lambda m: _SURFACE_SPELLINGS[m.group()], phrase)
    return swapped if swapped != phrase else None


def abbreviation_key(text: str) -> str | None:
    """The case-sensitive key of an abbreviation ('U.S.' -> 'US'), or None for other names."""
    t = text.strip().translate(_PUNCT).replace(".", "").replace("-", "")
    if 2 <= len(t) <= 10 and _ABBREV_CHARS.fullmatch(t) and any(c.isalpha() for c in t):
        return t
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


# --- dates ----------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date_range(value: str | date | None) -> tuple[date, date]:
    """The first and last day a date of any precision covers ('2022' -> Jan 1 .. Dec 31)."""
    if value is None:
        return date.min, date.max
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value, value
    m = _DATE.fullmatch(str(value).strip())
    if not m:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    month_ = int(month)
    if day is None:
        last = (date(year + (month_ == 12), month_ % 12 + 1, 1) - date.resolution) if 1 <= month_ <= 12 else None
        if last is None:
            raise ValueError(f"{value!r} has no month {month_}")
        return date(year, month_, 1), last
    d = date(year, month_, int(day))
    return d, d


# --- entries --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CountryEntry:
    iso3: str
    name: str
    iso2: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()  # capitals and seats of government, used as metonyms
    qid: str | None = None
    un_status: str = "other"  # member | observer | other
    kind: ClassVar[str] = "state"

    @property
    def id(self) -> str:
        return self.iso3

    @property
    def kb_id(self) -> str:
        return f"country:{self.iso3}"

    @property
    def country(self) -> str:
        return self.iso3

    @property
    def sector(self) -> str:
        return "GOV"


@dataclass(frozen=True, slots=True)
class OrgEntry:
    """An organisation, or an organ of one (``parent`` is then the parent's id)."""

    id: str
    name: str
    abbreviations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    local: tuple[str, ...] = ()  # names that need the parent next to them ("Secretariat")
    country: str = "IGO"
    sector: str = "IGO"
    qid: str | None = None
    parent: str | None = None
    short: str | None = None
    kind: ClassVar[str] = "organisation"

    @property
    def kb_id(self) -> str:
        return f"org:{self.id}"

    @property
    def display(self) -> str:
        """The short name used in output: 'SCO', 'SCO RATS', 'European Commission'."""
        return self.short or (self.abbreviations[0] if self.abbreviations else self.name)

    @property
    def is_igo(self) -> bool:
        return self.country == "IGO"


@dataclass(frozen=True, slots=True)
class SubnationalEntry:
    id: str
    name: str
    country: str
    kind: str  # province, municipality, state, region, oblast, ...
    aliases: tuple[str, ...] = ()
    qid: str | None = None

    @property
    def kb_id(self) -> str:
        return f"subnational:{self.id}"

    @property
    def sector(self) -> str:
        return "GOV"


@dataclass(frozen=True, slots=True)
class TitleEntry:
    """A title with the sector and rank it implies.  ``title()`` returns a copy whose
    ``role`` is the title as stated (with any "Deputy"/"Acting" prefix) and whose
    ``rank`` is adjusted for the prefix."""

    id: str
    title: str
    sector: str
    rank: int
    variants: tuple[str, ...] = ()
    sector_from_org: bool = False
    role: str = ""
    prefix: str | None = None

    @property
    def kb_id(self) -> str:
        return f"title:{self.id}"

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True, slots=True)
class PersonRole:
    role: str
    org: str | None = None
    country: str | None = None  # the country the office acts for (IGO for IGO posts)
    sector: str | None = None
    start: str | None = None
    end: str | None = None
    first_day: date = field(default=date.min, init=False, repr=False, compare=False)
    last_day: date = field(default=date.max, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "first_day", _date_range(self.start)[0])
        object.__setattr__(self, "last_day", _date_range(self.end)[1])


@dataclass(frozen=True, slots=True)
class PersonEntry:
    id: str
    name: str
    country: str | None
    aliases: tuple[str, ...] = ()
    qid: str | None = None
    roles: tuple[PersonRole, ...] = ()
    sector_: str | None = None  # as given by a user; else the sector of the latest role
    kind: ClassVar[str] = "person"

    @property
    def kb_id(self) -> str:
        return f"person:{self.id}"

    @property
    def sector(self) -> str | None:
        if self.sector_:
            return self.sector_
        role = _pick_role(self.roles, None)
        return role.sector if role else None


Entry = Union[CountryEntry, OrgEntry, SubnationalEntry, PersonEntry]


class Match(NamedTuple):
    entry: Entry
    how: str  # name | alias | abbreviation | capital | demonym | organ


class DictionaryError(CommuniqueError, ValueError):
    """A problem in a dictionary file, with the line and field it is at (the CLI prints
    it as one line and exits with code 2)."""

    def __init__(self, path: str | Path, line: int | None, field: str | None, message: str) -> None:
        self.path, self.line, self.field, self.message = str(path), line, field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f" field '{self.field}':" if self.field else ""
        return f"{where}:{what} {self.message}"


def _pick_role(roles: Sequence[PersonRole], on: str | date | None) -> PersonRole | None:
    """The role held on a date: among the roles overlapping it, those covering the whole
    date first, government offices before party posts, then the most recently taken."""
    if not roles:
        return None
    if on is None:
        current = [r for r in roles if r.end is None] or list(roles)
        return max(current, key=lambda r: (r.sector != "PTY", r.last_day, r.first_day))
    lo, hi = _date_range(on)
    best, best_key = None, None
    for r in roles:
        if r.first_day <= hi and r.last_day >= lo:
            key = (r.first_day <= lo and r.last_day >= hi, r.sector != "PTY", r.first_day)
            if best_key is None or key > best_key:
                best, best_key = r, key
    return best


# --- reading YAML and CSV with line numbers ---------------------------------------

class _Map(dict):
    """A YAML mapping that remembers the line of itself and of each value."""

    line: int = 0
    lines: dict


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line, out.lines = node.start_mark.line + 1, {}
        for k, v in node.value:
            key = str(k.value)
            out[key] = _plain(v)
            out.lines[key] = v.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    tag, value = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""))
        except ValueError:
            return value
    return value  # dates stay strings: '2019-01-01', not a date object


def _read_yaml(path: Path, text: str) -> Any:
    try:
        node = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DictionaryError(path, mark.line + 1 if mark else None, None,
                              f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return _plain(node) if node is not None else None


_CSV_LISTS = ("aliases", "abbreviations", "demonyms", "capitals", "variants")
_CSV_ROLE = ("role", "org", "role_country", "role_sector", "start", "end")


def _read_csv(path: Path, text: str) -> dict[str, list]:
    """User CSV: one row per person role (or per entry); rows of one entry are merged."""
    sections: dict[str, list] = {}
    by_entry: dict[tuple[str, str], _Map] = {}
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
        raise DictionaryError(path, 1, "name", "the CSV header must have a 'name' column")
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        kind = row.pop("kind", "") or "person"
        section = {"person": "persons", "organisation": "organisations", "organization": "organisations",
                   "country": "countries", "subnational": "subnational"}.get(kind)
        if section is None:
            raise DictionaryError(path, line, "kind",
                                  f"{kind!r} is not one of person, organisation, country, subnational")
        ident = (section, row.get("id") or name_key(row.get("name", "")) or row.get("iso3", ""))
        entry = by_entry.get(ident)
        if entry is None:
            entry = _Map()
            entry.line, entry.lines = line, {}
            by_entry[ident] = entry
            sections.setdefault(section, []).append(entry)
        for key, value in row.items():
            if not value or key in _CSV_ROLE:
                continue
            entry.lines.setdefault(key, line)
            if key in _CSV_LISTS:
                entry.setdefault(key, []).extend(v.strip() for v in value.split("|") if v.strip())
            else:
                entry[key] = value
        if row.get("role"):
            role = _Map()
            role.line, role.lines = line, {}
            for key in _CSV_ROLE:
                if row.get(key):
                    role[key.removeprefix("role_") if key != "role" else key] = row[key]
                    role.lines[key.removeprefix("role_") if key != "role" else key] = line
            entry.setdefault("roles", []).append(role)
            entry.lines.setdefault("roles", line)
    return sections


# --- validation -------------------------------------------------------------------

class _Checker:
    """Turns raw mappings of one file into entries, raising DictionaryError on bad input."""

    def __init__(self, path: Path, countries: set[str], sectors: set[str]) -> None:
        self.path, self.countries, self.sectors = path, countries, sectors

    def fail(self, m: _Map, key: str | None, message: str) -> DictionaryError:
        line = m.lines.get(key, m.line) if isinstance(m, _Map) and key else getattr(m, "line", None)
        return DictionaryError(self.path, line, key, message)

    def mapping(self, item: Any, what: str, line: int | None = None) -> _Map:
        if not isinstance(item, _Map):
            raise DictionaryError(self.path, line, None, f"each {what} must be a mapping of fields, not {item!r}")
        return item

    def text(self, m: _Map, key: str, required: bool = False) -> str | None:
        value = m.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(m, key, "is required") if key in m else DictionaryError(
                    self.path, m.line, key, "is required")
            return None
        if isinstance(value, (list, dict)):
            raise self.fail(m, key, f"must be a single value, not {value!r}")
        return str(value).strip()

    def names(self, m: _Map, key: str) -> tuple[str, ...]:
        value = m.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(m, key, "must be a list of names")
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))

    def country(self, m: _Map, key: str, required: bool = False) -> str | None:
        value = self.text(m, key, required)
        if value is None:
            return None
        if value not in self.countries:
            raise self.fail(m, key, f"{value!r} is not an ISO 3166 alpha-3 code or IGO/NGO")
        return value

    def sector(self, m: _Map, key: str, default: str | None = None) -> str | None:
        value = self.text(m, key)
        if value is None:
            return default
        if value not in self.sectors:
            raise self.fail(m, key, f"{value!r} is not a sector (one of {' '.join(sorted(self.sectors))})")
        return value

    def date(self, m: _Map, key: str) -> str | None:
        value = self.text(m, key)
        if value is None:
            return None
        try:
            _date_range(value)
        except ValueError as exc:
            raise self.fail(m, key, str(exc)) from None
        return value

    def role(self, m: _Map, default_country: str | None) -> PersonRole:
        country = self.country(m, "country") or default_country
        start, end = self.date(m, "start"), self.date(m, "end")
        if start and end and _date_range(start)[0] > _date_range(end)[1]:
            raise self.fail(m, "end", f"ends ({end}) before it starts ({start})")
        return PersonRole(role=self.text(m, "role", required=True), org=self.text(m, "org"), country=country,
                          sector=self.sector(m, "sector", "IGO" if country == "IGO" else "GOV"), start=start, end=end)

    def roles(self, m: _Map, default_country: str | None) -> tuple[PersonRole, ...] | None:
        value = m.get("roles")
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(m, "roles", "must be a list of roles")
        return tuple(self.role(self.mapping(r, "role", m.lines.get("roles")), default_country) for r in value)


# --- shipped data -------------------------------------------------------------------

_DATA = "communique.actors.data"


def _data_text(name: str) -> tuple[Path, str]:
    ref = resources.files(_DATA).joinpath(name)
    return Path(str(ref)), ref.read_text(encoding="utf-8")


@dataclass
class _Tables:
    """Everything the loader knows before indexing: ordered, keyed by id."""

    sectors: dict[str, str]
    countries: dict[str, CountryEntry]
    orgs: dict[str, OrgEntry]
    subnational: dict[str, SubnationalEntry]
    persons: dict[str, PersonEntry]
    titles: dict[str, TitleEntry]
    modifiers: list[tuple[str, int]]
    forms: dict[str, tuple[str, ...]]
    capitalised_only: frozenset[str] = frozenset()

    def copy(self) -> "_Tables":
        return _Tables(dict(self.sectors), dict(self.countries), dict(self.orgs), dict(self.subnational),
                       dict(self.persons), dict(self.titles), list(self.modifiers), dict(self.forms),
                       self.capitalised_only)

    def country_codes(self) -> set[str]:
        return set(self.countries) | set(SPECIAL_COUNTRY_CODES)


def _shipped_tables() -> _Tables:
    path, text = _data_text("sectors.yaml")
    sectors = {str(k): str(v) for k, v in (_read_yaml(path, text) or {}).items()}
    t = _Tables(sectors, {}, {}, {}, {}, {}, [], {})

    path, text = _data_text("countries.tsv")
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    for line, row in enumerate(rows, 2):
        iso3 = row["iso3"].strip()
        if iso3 in t.countries:
            raise DictionaryError(path, line, "iso3", f"{iso3!r} is listed twice")
        split = lambda v: tuple(x.strip() for x in (v or "").split("|") if x.strip())  # noqa: E731
        t.countries[iso3] = CountryEntry(iso3=iso3, name=row["name"].strip(), iso2=row["iso2"].strip() or None,
                                         aliases=split(row["aliases"]), demonyms=split(row["demonyms"]),
                                         capitals=split(row["capitals"]), qid=row["qid"].strip() or None,
                                         un_status=row["un"].strip() or "other")
    check = lambda p: _Checker(p, t.country_codes(), set(t.sectors))  # noqa: E731

    for name in ("igos.yaml", "organisations.yaml"):
        path, text = _data_text(name)
        _apply_orgs(t, check(path), (_read_yaml(path, text) or {}).get("organisations", []), shipped=True)

    path, text = _data_text("subnational.yaml")
    raw = _read_yaml(path, text) or {}
    t.forms = {str(k): tuple(v or ()) for k, v in raw.get("forms", {}).items()}
    c = check(path)
    for iso3, kinds in raw.get("regions", {}).items():
        if iso3 not in t.countries:
            raise DictionaryError(path, raw["regions"].lines.get(iso3), "country", f"{iso3!r} is not a known country")
        for kind, items in kinds.items():
            if kind not in t.forms:
                raise DictionaryError(path, kinds.lines.get(kind), "kind", f"{kind!r} has no forms")
            for item in items or ():
                item = _Map(name=item) if isinstance(item, str) else item
                if not isinstance(item, _Map):
                    raise DictionaryError(path, kinds.lines.get(kind), "name", f"bad entry {item!r}")
                item.setdefault("country", iso3)
                item.setdefault("kind", kind)
                if not hasattr(item, "lines"):
                    item.line, item.lines = kinds.lines.get(kind, 0), {}
                _apply_subnational(t, c, [item], shipped=True)

    path, text = _data_text("titles.yaml")
    raw = _read_yaml(path, text) or {}
    t.modifiers = sorted(((str(m["prefix"]), int(m.get("rank_delta", 1))) for m in raw.get("modifiers", [])),
                         key=lambda pm: -len(pm[0].split()))
    t.capitalised_only = frozenset(name_key(w) for w in raw.get("capitalised_only", ()))
    _apply_titles(t, check(path), raw.get("titles", []), shipped=True)

    path, text = _data_text("persons.yaml")
    _apply_persons(t, check(path), (_read_yaml(path, text) or {}).get("persons", []), shipped=True)
    return t


# --- applying dictionary entries (shipped first, then user files) --------------------

def _name_index(table: dict) -> dict[str, str]:
    """name key -> id, over names and aliases (the first entry with a name keeps it)."""
    index: dict[str, str] = {}
    for eid, e in table.items():
        for n in (e.name,) + tuple(getattr(e, "aliases", ())):
            index.setdefault(name_key(n), eid)
    return index


def _find(table: dict, index: dict[str, str], ident: str | None, name: str | None) -> str | None:
    """The entry a user entry is about: same id, else same name (or alias)."""
    if ident and ident in table:
        return ident
    return index.get(name_key(name)) if name else None


def _merged_names(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(old + new))


def _duplicate(c: _Checker, seen: set[str], ident: str, m: _Map, key: str) -> None:
    if ident in seen:
        raise c.fail(m, key, f"id {ident!r} is used twice in this file")
    seen.add(ident)


def _apply_orgs(t: _Tables, c: _Checker, items: list, shipped: bool = False,
                parent: OrgEntry | None = None) -> None:
    seen: set[str] = set()
    index = {} if shipped else _name_index(t.orgs)
    for item in items or ():
        m = c.mapping(item, "organisation")
        name = c.text(m, "name", required=True)
        parent_id = c.text(m, "parent") if parent is None else parent.id
        if parent is None and parent_id and parent_id not in t.orgs:
            raise c.fail(m, "parent", f"{parent_id!r} is not a known organisation id")
        own = c.text(m, "id") or _slug(name)
        ident = f"{parent_id}/{own}" if parent_id and not own.startswith(parent_id + "/") else own
        _duplicate(c, seen, ident, m, "id" if "id" in m else "name")
        existing = None if shipped else _find(t.orgs, index, ident if "id" in m else None, name)
        country = c.country(m, "country")
        if parent_id and country is None:
            country = t.orgs[parent_id].country
        entry = OrgEntry(id=existing or ident, name=name, abbreviations=c.names(m, "abbreviations"),
                         aliases=c.names(m, "aliases"), local=c.names(m, "local"),
                         country=country or "IGO",
                         sector=c.sector(m, "sector", "IGO" if (country or "IGO") == "IGO" else None) or "",
                         qid=c.text(m, "qid"), parent=parent_id, short=c.text(m, "short"))
        if not entry.sector:
            raise c.fail(m, "sector", "is required for an organisation that is not an IGO")
        if existing and not m.get("replace"):
            old = t.orgs[existing]
            entry = replace(old, name=name, abbreviations=_merged_names(old.abbreviations, entry.abbreviations),
                            aliases=_merged_names(old.aliases, entry.aliases),
                            local=_merged_names(old.local, entry.local),
                            country=country or old.country,
                            sector=c.sector(m, "sector") or (old.sector if country is None else entry.sector),
                            qid=entry.qid or old.qid, short=entry.short or old.short)
        t.orgs[entry.id] = entry
        if m.get("organs"):
            if not isinstance(m["organs"], list):
                raise c.fail(m, "organs", "must be a list of organisations")
            _apply_orgs(t, c, m["organs"], shipped, parent=entry)


def _apply_subnational(t: _Tables, c: _Checker, items: list, shipped: bool = False) -> None:
    for item in items or ():
        m = c.mapping(item, "sub-national entry")
        name = c.text(m, "name", required=True)
        country = c.country(m, "country", required=True)
        kind = c.text(m, "kind") or "region"
        ident = c.text(m, "id") or f"{country.lower()}/{_slug(name)}"
        stem = c.text(m, "stem") or name
        forms = tuple(f.format(name=stem) for f in t.forms.get(kind, ()))
        aliases = c.names(m, "aliases") + tuple(f for f in forms if name_key(f) != name_key(name))
        existing = None if shipped else (ident if ident in t.subnational else next(
            (k for k, v in t.subnational.items() if v.country == country and name_key(v.name) == name_key(name)), None))
        if shipped and ident in t.subnational:
            raise c.fail(m, "name", f"{name!r} is listed twice for {country}")
        entry = SubnationalEntry(id=existing or ident, name=name, country=country, kind=kind.split(" (")[0],
                                 aliases=tuple(dict.fromkeys(aliases)), qid=c.text(m, "qid"))
        if existing and not m.get("replace"):
            old = t.subnational[existing]
            entry = replace(old, kind=c.text(m, "kind") or old.kind, aliases=_merged_names(old.aliases, entry.aliases),
                            qid=entry.qid or old.qid)
        t.subnational[entry.id] = entry


def _apply_titles(t: _Tables, c: _Checker, items: list, shipped: bool = False) -> None:
    seen: set[str] = set()
    for item in items or ():
        m = c.mapping(item, "title")
        title = c.text(m, "title", required=True)
        ident = c.text(m, "id") or _slug(title)
        _duplicate(c, seen, ident, m, "title")
        rank = m.get("rank", 6)
        if not isinstance(rank, int) or not 1 <= rank <= 9:
            raise c.fail(m, "rank", f"{rank!r} is not a whole number from 1 to 9")
        sector = c.sector(m, "sector")
        if sector is None:
            raise c.fail(m, "sector", "is required")
        entry = TitleEntry(id=ident, title=title, sector=sector, rank=rank, variants=c.names(m, "variants"),
                           sector_from_org=bool(m.get("sector_from_org", False)), role=title)
        titles_by_name = {} if shipped else {name_key(x.title): k for k, x in t.titles.items()}
        existing = None if shipped else _find(t.titles, titles_by_name, ident, title)
        if existing and not m.get("replace"):
            entry = replace(entry, id=existing, variants=_merged_names(t.titles[existing].variants, entry.variants))
        t.titles[entry.id] = entry


def _apply_persons(t: _Tables, c: _Checker, items: list, shipped: bool = False) -> None:
    seen: set[str] = set()
    index = {} if shipped else _name_index(t.persons)
    for item in items or ():
        m = c.mapping(item, "person")
        name = c.text(m, "name", required=True)
        ident = c.text(m, "id") or _slug(name)
        _duplicate(c, seen, ident, m, "id" if "id" in m else "name")
        existing = None if shipped else (_find(t.persons, index, ident if "id" in m else None, name)
                                         or (ident if ident in t.persons else None))
        if shipped and ident in t.persons:
            raise c.fail(m, "id", f"id {ident!r} is used twice")
        country = c.country(m, "country", required=existing is None)
        old = t.persons.get(existing) if existing else None
        roles = c.roles(m, country or (old.country if old else None))
        if old is None or m.get("replace"):
            entry = PersonEntry(id=existing or ident, name=name, country=country or (old.country if old else None),
                                aliases=c.names(m, "aliases"), qid=c.text(m, "qid"), roles=roles or (),
                                sector_=c.sector(m, "sector"))
        else:
            entry = replace(old, name=name, country=country or old.country,
                            aliases=_merged_names(old.aliases + ((old.name,) if old.name != name else ()),
                                                  c.names(m, "aliases")),
                            qid=c.text(m, "qid") or old.qid, roles=roles if roles is not None else old.roles,
                            sector_=c.sector(m, "sector") or old.sector_)
        t.persons[entry.id] = entry
        if not shipped:
            for n in (entry.name,) + entry.aliases:
                index.setdefault(name_key(n), entry.id)


def _apply_countries(t: _Tables, c: _Checker, items: list) -> None:
    for item in items or ():
        m = c.mapping(item, "country")
        iso3 = c.text(m, "iso3", required=True)
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            raise c.fail(m, "iso3", f"{iso3!r} is not three capital letters")
        old = t.countries.get(iso3)
        name = c.text(m, "name", required=old is None)
        lists = {k: c.names(m, k) for k in ("aliases", "demonyms", "capitals")}
        if old is None or m.get("replace"):
            t.countries[iso3] = CountryEntry(iso3=iso3, name=name or old.name, iso2=c.text(m, "iso2"),
                                             qid=c.text(m, "qid"), **lists)
        else:
            t.countries[iso3] = replace(old, name=name or old.name, qid=c.text(m, "qid") or old.qid,
                                        **{k: _merged_names(getattr(old, k), v) for k, v in lists.items()})
        c.countries.add(iso3)


_SECTIONS = ("countries", "organisations", "subnational", "titles", "persons")


def _apply_user_file(t: _Tables, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DictionaryError(path, None, None, f"cannot be read: {exc.strerror or exc}") from None
    raw = _read_csv(path, text) if path.suffix.lower() in (".csv", ".tsv") else _read_yaml(path, text)
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise DictionaryError(path, 1, None, f"must be a mapping with sections {', '.join(_SECTIONS)}")
    aliases = {"organizations": "organisations", "people": "persons", "subnationals": "subnational"}
    raw = {aliases.get(k, k): v for k, v in raw.items()}
    for key in raw:
        if key not in _SECTIONS:
            line = raw.lines.get(key) if isinstance(raw, _Map) else None
            raise DictionaryError(path, line, None, f"unknown section {key!r} (expected {', '.join(_SECTIONS)})")
    c = _Checker(path, t.country_codes(), set(t.sectors))
    for key in _SECTIONS:  # countries first: later sections may use the codes they add
        items = raw.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            line = raw.lines.get(key) if isinstance(raw, _Map) else None
            raise DictionaryError(path, line, key, "must be a list of entries")
        {"countries": _apply_countries, "organisations": _apply_orgs, "subnational": _apply_subnational,
         "titles": _apply_titles, "persons": _apply_persons}[key](t, c, items)


# --- the knowledge base -------------------------------------------------------------

def _plurals(demonym: str) -> tuple[str, ...]:
    """'Uzbek' -> 'Uzbeks'; 'Chinese', 'French', 'Swiss', 'Kyrgyz' have none."""
    if not demonym.isalpha() or not demonym[0].isupper() or demonym.isupper():
        return ()
    if demonym.endswith(("ese", "sh", "ch", "s", "z", "x", "y")):
        return ()
    return (demonym + "s",)


_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.&/][^\W_]+)*\.?|&")
_TEMPLATE_SLOT = "{x}"


class KnowledgeBase:
    """Countries, organisations, sub-national governments, titles and persons, indexed."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables
        self._by_kb_id: dict[str, Any] = {}
        self._folded: dict[str, list[Match]] = {}
        self._abbrev: dict[str, list[Match]] = {}
        self._person_keys: dict[str, PersonEntry] = {}
        self._patterns: list[tuple[str, str, str]] = []
        self._title_grams: dict[tuple[str, ...], tuple[TitleEntry, str | None]] = {}
        self._title_templates: list[tuple[re.Pattern[str], TitleEntry]] = []
        self._title_cache: dict[str, TitleEntry | None] = {}
        self._build()

    # -- construction --------------------------------------------------------------

    @classmethod
    def default(cls) -> "KnowledgeBase":
        """The shipped knowledge base (built once per process)."""
        return _default_kb()

    @classmethod
    def load(cls, user_files: Sequence[Union[str, Path]] = ()) -> "KnowledgeBase":
        """The shipped knowledge base with user dictionaries layered over it, in order."""
        if not user_files:
            return _default_kb()
        stamps = []
        for f in user_files:
            p = Path(f)
            try:
                st = p.stat()
                stamps.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                stamps.append((str(p), 0, 0))
        return _user_kb(tuple(stamps))

    def _add(self, label: str | None, phrase: str, entry: Any, how: str) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        m = Match(entry, how)
        abbr = abbreviation_key(phrase)
        index, key = (self._abbrev, abbr) if abbr else (self._folded, name_key(phrase))
        bucket = index.setdefault(key, [])
        if all(x.entry is not entry for x in bucket):
            bucket.append(m)
        if label:
            self._patterns.append((label, phrase, entry.kb_id))
            for variant in (_ascii(phrase), _other_spelling(phrase)):
                if variant and variant != phrase:
                    self._patterns.append((label, variant, entry.kb_id))

    def _build(self) -> None:
        t = self._t
        for c in t.countries.values():
            self._by_kb_id[c.kb_id] = c
            self._add("STATE", c.name, c, "name")
            for a in c.aliases:
                self._add("STATE", a, c, "abbreviation" if abbreviation_key(a) else "alias")
            for cap in c.capitals:
                self._add("CAPITAL", cap, c, "capital")
            for d in c.demonyms:
                for form in (d,) + _plurals(d):
                    self._add("DEMONYM", form, c, "demonym")
        for o in t.orgs.values():
            self._by_kb_id[o.kb_id] = o
            organ = o.parent is not None
            self._add("IGO", o.name, o, "organ" if organ else "name")
            for a in o.abbreviations:
                self._add("IGO", a, o, "organ" if organ else "abbreviation")
            for a in o.aliases:
                self._add("IGO", a, o, "organ" if organ else "alias")
            if organ:
                parent = t.orgs[o.parent]
                heads = parent.abbreviations + (parent.name,)
                for local in o.local:
                    for head in heads:
                        for form in (f"{head} {local}", f"{local} of the {head}", f"{local} of {head}"):
                            self._add("IGO", form, o, "organ")
        for s in t.subnational.values():
            self._by_kb_id[s.kb_id] = s
            self._add("SUBNATIONAL", s.name, s, "name")
            for a in s.aliases:
                self._add("SUBNATIONAL", a, s, "abbreviation" if abbreviation_key(a) else "alias")
        for p in t.persons.values():
            self._by_kb_id[p.kb_id] = p
            for i, n in enumerate((p.name,) + p.aliases):
                self._add("PERSON", n, p, "name" if i == 0 else "alias")
                self._person_keys.setdefault(name_key(n), p)
        mods = [m for m, _ in t.modifiers]
        for ti in t.titles.values():
            self._by_kb_id[ti.kb_id] = ti
            for v in (ti.title,) + ti.variants:
                if _TEMPLATE_SLOT in v:
                    self._title_templates.append((self._template_regex(v), ti))
                    continue
                self._title_grams.setdefault(tuple(name_key(v).split()), (ti, abbreviation_key(v)))
                self._patterns.append(("TITLE", v, ti.kb_id))
                if ti.rank <= 5 and not abbreviation_key(v):
                    self._patterns.extend(("TITLE", f"{mod} {v}", ti.kb_id) for mod in mods)
        self._title_max = max((len(k) for k in self._title_grams), default=1)
        self._mod_grams = [(tuple(name_key(m).split()), m, d) for m, d in t.modifiers]
        labels = ("STATE", "CAPITAL", "DEMONYM", "IGO", "SUBNATIONAL", "PERSON", "TITLE")
        order = {lab: i for i, lab in enumerate(labels)}
        self._patterns = sorted(set(self._patterns), key=lambda p: (order.get(p[0], 99), p[1], p[2]))

    @staticmethod
    def _template_regex(variant: str) -> re.Pattern[str]:
        left, _, right = variant.partition(_TEMPLATE_SLOT)
        left_k, right_k = name_key(left) if left.strip() else "", name_key(right) if right.strip() else ""
        slot = r"\S+(?: \S+){0,4}?"
        body = " ".join(x for x in (re.escape(left_k), slot, re.escape(right_k)) if x)
        return re.compile(r"(?<!\S)" + body + r"(?!\S)")

    # -- size and iteration -----------------------------------------------------------

    def __len__(self) -> int:
        t = self._t
        return len(t.countries) + len(t.orgs) + len(t.subnational) + len(t.persons)

    def countries(self) -> tuple[CountryEntry, ...]:
        return tuple(self._t.countries.values())

    def organisations(self) -> tuple[OrgEntry, ...]:
        return tuple(self._t.orgs.values())

    def subnationals(self) -> tuple[SubnationalEntry, ...]:
        return tuple(self._t.subnational.values())

    def persons(self) -> tuple[PersonEntry, ...]:
        return tuple(self._t.persons.values())

    def titles(self) -> tuple[TitleEntry, ...]:
        return tuple(self._t.titles.values())

    @property
    def sectors(self) -> dict[str, str]:
        """Sector code -> description."""
        return dict(self._t.sectors)

    # -- lookups -------------------------------------------------------------------

    def country(self, iso3: str) -> CountryEntry | None:
        return self._t.countries.get(iso3)

    def get(self, kb_id: str) -> Any:
        """The entry behind a pattern's kb_id ('country:CHN', 'org:sco/rats', 'person:...')."""
        return self._by_kb_id.get(kb_id)

    def match(self, text: str) -> list[Match]:
        """Every entry that has ``text`` as its name, alias, abbreviation, capital or demonym."""
        text = text.strip()
        if not text:
            return []
        out: list[Match] = []
        abbr = abbreviation_key(text)
        if abbr:
            out.extend(self._abbrev.get(abbr, ()))
        elif " " not in text and "-" not in text and text == text.lower():
            return []  # 'turkey', 'us', 'male': words, not names
        for m in self._folded.get(name_key(text), ()):
            if all(m.entry is not o.entry for o in out):
                out.append(m)
        return out

    def country_by_demonym(self, word: str) -> CountryEntry | None:
        return next((m.entry for m in self.match(word) if m.how == "demonym"), None)

    def country_by_capital(self, name: str) -> CountryEntry | None:
        return next((m.entry for m in self.match(name) if m.how == "capital"), None)

    def person(self, name: str) -> PersonEntry | None:
        name = name.strip()
        if not name or (" " not in name and name == name.lower()):
            return None
        return self._person_keys.get(name_key(name))

    def role_at(self, person: PersonEntry | str, on: str | date | None = None) -> PersonRole | None:
        """The role held on a date (any precision); the current or latest role when ``on`` is None."""
        entry = self.person(person) if isinstance(person, str) else person
        return _pick_role(entry.roles, on) if entry else None

    def title(self, phrase: str) -> TitleEntry | None:
        """The longest known title in a phrase, with a "Deputy"/"Acting"... prefix applied."""
        if phrase in self._title_cache:
            return self._title_cache[phrase]
        found = self._find_title(phrase)
        if len(self._title_cache) > 50_000:
            self._title_cache.clear()
        self._title_cache[phrase] = found
        return found

    def _find_title(self, phrase: str) -> TitleEntry | None:
        toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(phrase)]
        if not toks:
            return None
        keys = [name_key(tok) or tok.lower() for tok, _, _ in toks]
        best: tuple[int, int, int, TitleEntry] | None = None  # (length, -start, start, entry)
        n = len(keys)
        for i in range(n):
            for j in range(min(n, i + self._title_max), i, -1):
                hit = self._title_grams.get(tuple(keys[i:j]))
                if hit is None:
                    continue
                entry, case = hit
                if case and abbreviation_key(toks[i][0]) != case:
                    continue  # 'pm' in '3 pm' is not a Prime Minister
                if j - i == 1 and keys[i] in self._t.capitalised_only and not toks[i][0][0].isupper():
                    continue  # 'in general' is not a General
                if best is None or (j - i, -i) > best[:2]:
                    best = (j - i, -i, i, entry)
                break
        if self._title_templates:
            joined = " ".join(keys)
            starts = {}
            pos = 0
            for idx, k in enumerate(keys):
                starts[pos] = idx
                pos += len(k) + 1
            for rx, entry in self._title_templates:
                for mt in rx.finditer(joined):
                    i = starts.get(mt.start())
                    if i is None:
                        continue
                    length = mt.group().count(" ") + 1
                    if best is None or (length, -i) > best[:2]:
                        best = (length, -i, i, entry)
        if best is None:
            return None
        length, _, i, entry = best
        j = i + length
        rank, prefixes = entry.rank, []
        while i > 0 and len(prefixes) < 3:
            for gram, canon, delta in self._mod_grams:
                if tuple(keys[max(0, i - len(gram)):i]) == gram:
                    prefixes.insert(0, canon)
                    rank += delta
                    i -= len(gram)
                    break
            else:
                break
        role = phrase[toks[i][1]:toks[j - 1][2]].rstrip(",")
        return replace(entry, rank=rank, role=role, prefix=" ".join(prefixes) or None)

    def patterns(self) -> Iterator[tuple[str, str, str]]:
        """(label, phrase, kb_id) for a spaCy phrase matcher, in a fixed order.

        Labels: STATE, CAPITAL, DEMONYM (all pointing to a country), IGO (every
        organisation and organ; ``is_igo`` tells intergovernmental ones from the
        rest), SUBNATIONAL, PERSON, TITLE.  Abbreviations (``is_case_sensitive``)
        should be matched as written, everything else case-insensitively.
        """
        return iter(self._patterns)

    def is_case_sensitive(self, phrase: str) -> bool:
        """Whether a pattern phrase must be matched as written: abbreviations ('US') and
        one-word titles that are also ordinary words ('General')."""
        return abbreviation_key(phrase) is not None or name_key(phrase) in self._t.capitalised_only

    # -- facts about a kb_id (what the NLP components ask) -------------------------------

    def kind_of(self, kb_id: str) -> str | None:
        e = self._by_kb_id.get(kb_id)
        if e is None:
            return None
        return "subnational" if isinstance(e, SubnationalEntry) else "title" if isinstance(e, TitleEntry) else e.kind

    def country_code_for(self, kb_id: str) -> str | None:
        e = self._by_kb_id.get(kb_id)
        return None if e is None or isinstance(e, TitleEntry) else e.country

    def sector_of(self, kb_id: str) -> str | None:
        e = self._by_kb_id.get(kb_id)
        return e.sector if e is not None else None

    def is_igo(self, kb_id: str) -> bool:
        e = self._by_kb_id.get(kb_id)
        return isinstance(e, OrgEntry) and e.is_igo

    def display_name(self, kb_id: str) -> str | None:
        e = self._by_kb_id.get(kb_id)
        if e is None:
            return None
        return e.display if isinstance(e, OrgEntry) else e.name


@lru_cache(maxsize=1)
def _shipped() -> _Tables:
    return _shipped_tables()


@lru_cache(maxsize=1)
def _default_kb() -> KnowledgeBase:
    return KnowledgeBase(_shipped())


@lru_cache(maxsize=16)
def _user_kb(stamps: tuple[tuple[str, int, int], ...]) -> KnowledgeBase:
    tables = _shipped().copy()
    for path, _, _ in stamps:
        _apply_user_file(tables, Path(path))
    return KnowledgeBase(tables)
