"""From token-level mentions to canonical actors.

Within a document, coreference has already linked each mention to the named
mention it refers to ("Mr Chen", "Secretary Chen", "he" → "Chen Min'er").  Here
each such entity gets a canonical actor id, the same in every document that
names the same actor (docs/actors.md, "How mentions become actors"):

* a person the knowledge base knows keeps the KB id — found by the NLP, or here
  from the name folded for romanisation (``names.person_key``: Sergei/Sergey,
  Min'er/Miner), or from a near spelling ("Vladimor Norov": one letter off in
  one word, same surname) *when the context agrees*: an office of that person
  is stated for the mention, or its country, or the document states one of the
  person's offices with its organisation;
* a lone surname ("Norov", "Secretary-General Norov") is a KB person only when
  exactly one KB person has that surname and an office stated for the mention
  is one that person held at the document's date;
* an unknown person named in full gets ``person:<folded full name>``, so the
  same name merges across documents, in any of the spellings the folding joins;
* an unknown person named only by one word ("Mr Khan") gets an id scoped to the
  document (``person:khan@<doc>``): two Khans in two documents stay apart;
* states, sub-national governments and collectives get ids from their codes
  ("state:CHN", "group:KEN:COP:police").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable, NamedTuple

from unidecode import unidecode

from communique.actors.kb import KnowledgeBase, PersonEntry, PersonRole, name_key
from communique.actors.names import person_key, surname_key, within_one_edit
from communique.model import Actor, ActorMention, Participant, Role, Span

_SLUG = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Prefixes that leave the office the same ("Acting Foreign Minister" is the Foreign Minister).
_SAME_OFFICE_PREFIXES = frozenset({"acting", "interim", "caretaker"})
_MIN_FUZZY_WORD = 5  # shorter words are different names when one letter differs (Ali/Ari)


def slug(text: str) -> str:
    return _SLUG.sub("-", unidecode(text).lower()).strip("-")


@dataclass
class Resolved:
    actor_id: str
    name: str | None  # name for output (None for unnamed actors)
    label: str  # display label for the actor table (never empty)
    kind: str
    country: str | None
    sector: str | None


# --- the knowledge base, indexed by folded names --------------------------------

class _PersonIndex(NamedTuple):
    by_key: dict[str, PersonEntry | None]  # None: two KB persons share the key
    by_surname: dict[str, tuple[PersonEntry, ...]]


@lru_cache(maxsize=8)
def _person_index(kb: KnowledgeBase) -> _PersonIndex:
    by_key: dict[str, PersonEntry | None] = {}
    by_surname: dict[str, list[PersonEntry]] = {}
    for person in kb.persons():
        for name in (person.name,) + person.aliases:
            key = person_key(name, kb)
            if "-" not in key:
                continue  # a one-word alias ("Lavrov") is the NLP's business
            if by_key.get(key, person) is not person:
                by_key[key] = None
            else:
                by_key[key] = person
            bucket = by_surname.setdefault(key.rsplit("-", 1)[-1], [])
            if person not in bucket:
                bucket.append(person)
    return _PersonIndex(by_key, {k: tuple(v) for k, v in by_surname.items()})


def _day_range(value: str | None) -> tuple[date, date] | None:
    m = _DATE.fullmatch(value or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = date(year, int(month), int(day))
            return d, d
        if month:
            first = date(year, int(month), 1)
            last = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, date.fromordinal(last.toordinal() - 1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def held_on(role: PersonRole, when: str | None) -> bool:
    """Whether an office was held at some time of a date of any precision (yes when the date is unknown)."""
    days = _day_range(when)
    return days is None or (role.first_day <= days[1] and role.last_day >= days[0])


@lru_cache(maxsize=4096)
def office_of(kb: KnowledgeBase, role: str) -> tuple[str, str] | None:
    """The office a role phrase names, ignoring "Acting": ('minister-of-foreign-affairs', 'deputy')."""
    title = kb.title(role)
    if title is None:
        return None
    prefix = " ".join(w for w in (title.prefix or "").lower().split() if w not in _SAME_OFFICE_PREFIXES)
    return title.id, prefix


@lru_cache(maxsize=4096)
def _org_entries(kb: KnowledgeBase, org: str) -> tuple[frozenset[str], frozenset[str]]:
    """The KB ids an organisation's name has, and the countries of those entries."""
    entries = [m.entry for m in kb.match(org)]
    return (frozenset(e.kb_id for e in entries),
            frozenset(c for e in entries if (c := getattr(e, "country", None)) and c != "IGO"))


def same_org(kb: KnowledgeBase, a: str | None, b: str | None) -> bool | None:
    """Whether two organisations (of an office) are one: True or False when the text
    decides, None when either is missing or unknown and nothing links them."""
    if not a or not b:
        return None
    key_a, key_b = name_key(a), name_key(b)
    if key_a == key_b:
        return True
    (ids_a, countries_a), (ids_b, countries_b) = _org_entries(kb, a), _org_entries(kb, b)
    if ids_a & ids_b:
        return True
    if not ids_a and not ids_b:
        return None
    if not ids_a or not ids_b:
        # a known name inside the unknown one: "Uzbekistan", "Ministry of Foreign Affairs of Uzbekistan"
        known, other = (key_a, key_b) if ids_a else (key_b, key_a)
        return True if f" {known} " in f" {other} " else None
    national = any(i.startswith("country:") for i in ids_a | ids_b)
    return bool(national and countries_a & countries_b)


def _office_agrees(kb: KnowledgeBase, person: PersonEntry, stated: Iterable[tuple[str, str | None]],
                   when: str | None, need_org: bool = False) -> bool:
    """An office stated in the text is one the person held at ``when`` (and at the
    same organisation, when both name one; ``need_org``: both must name it)."""
    for role, org in stated:
        office = office_of(kb, role)
        if office is None:
            continue
        for held in person.roles:
            if not held_on(held, when) or office_of(kb, held.role) != office:
                continue
            same = same_org(kb, org, held.org)
            if same is False or (need_org and same is None):
                continue
            return True
    return False


def _near_spellings(kb: KnowledgeBase, key: str) -> list[PersonEntry]:
    """KB persons whose folded name is ``key`` but for one letter in one word
    (long words only), with the same surname."""
    words = key.split("-")
    found = []
    for person in _person_index(kb).by_surname.get(words[-1], ()):
        for name in (person.name,) + person.aliases:
            other = person_key(name, kb).split("-")
            if len(other) != len(words) or other[-1] != words[-1]:
                continue
            diffs = [(a, b) for a, b in zip(words, other) if a != b]
            if len(diffs) == 1 and min(len(diffs[0][0]), len(diffs[0][1])) >= _MIN_FUZZY_WORD \
                    and within_one_edit(*diffs[0]):
                found.append(person)
                break
    return found


# --- identity -------------------------------------------------------------------

class PersonContext(NamedTuple):
    """What a document says about one person entity, for deciding who it is."""

    stated: tuple[tuple[str, str | None], ...]  # (role, org) stated for the entity
    countries: frozenset[str]
    document: tuple[tuple[str, str | None], ...]  # (role, org) stated anywhere in the document
    when: str | None  # the document's date


def person_id(name: str | None, kb: KnowledgeBase, doc_id: str, context: PersonContext | None = None) -> str:
    """The actor id of a person the NLP did not find in the knowledge base."""
    key = person_key(name, kb) or slug(name or "") or "unnamed"
    index = _person_index(kb)
    if "-" in key:  # a full name
        known = index.by_key.get(key)
        if known is not None:
            return known.kb_id
        if context is not None:
            near = _near_spellings(kb, key)
            if len(near) == 1 and _near_spelling_agrees(kb, near[0], context):
                return near[0].kb_id
        return f"person:{key}"
    if context is not None and context.stated:
        same_surname = index.by_surname.get(key, ())
        if len(same_surname) == 1 and _office_agrees(kb, same_surname[0], context.stated, context.when):
            return same_surname[0].kb_id
    return f"person:{key}@{doc_id[:10]}"


def _near_spelling_agrees(kb: KnowledgeBase, person: PersonEntry, context: PersonContext) -> bool:
    if _office_agrees(kb, person, context.stated, context.when):
        return True
    own = {person.country} | {r.country for r in person.roles}
    if context.countries & (own - {None, "IGO"}):
        return True
    return _office_agrees(kb, person, context.document, context.when, need_org=True)


def resolve(m, doc_id: str, kb: KnowledgeBase | None = None, person_ids: dict[int, str] | None = None) -> Resolved | None:
    """Canonical identity of a (coreference-resolved) mention."""
    r = m.resolved
    kind = r.kind
    if kind in ("pronoun", "facility"):
        return None
    kb = kb or KnowledgeBase.default()
    if kind == "person":
        name = r.name or ""
        if r.kb_id:
            actor_id = r.kb_id if r.kb_id.startswith("person:") else f"person:{r.kb_id}"
        else:
            actor_id = (person_ids or {}).get(id(r)) or person_id(name, kb, doc_id)
        entry = kb.get(actor_id)
        country, sector = r.country, r.sector or ("IGO" if r.country == "IGO" else None)
        label = name
        if isinstance(entry, PersonEntry):
            label = entry.name
            country = country or entry.country
        return Resolved(actor_id, name, label or actor_id, "person", country, sector)
    if kind == "organisation":
        name = r.name or ""
        actor_id = r.kb_id if r.kb_id else f"org:{slug(name)}" + (f":{r.country}" if r.country else "")
        return Resolved(actor_id, name, name, "organisation", r.country, r.sector)
    if kind in ("state", "subnational", "place"):
        name = r.name or ""
        label = name
        if kind == "state" and r.country:
            actor_id = f"state:{r.country}"
            country = kb.country(r.country)
            label = country.name if country else name  # "Beijing" said: the actor is China
        else:
            actor_id = r.kb_id or f"place:{slug(name)}" + (f":{r.country}" if r.country else "")
            label = (kb.display_name(r.kb_id) if r.kb_id else None) or name
        return Resolved(actor_id, name, label, "state" if kind == "state" else "subnational",
                        r.country, r.sector or "GOV")
    # unnamed: collectives and unresolved descriptions
    role = r.role or ""
    label = role or "unnamed actor"
    org_part = slug(r.org) if r.org else ""
    actor_id = f"group:{r.country or 'UNK'}:{r.sector or 'UNK'}:{slug(role) or 'actor'}" + (f":{org_part}" if org_part else "")
    return Resolved(actor_id, None, label, "collective", r.country, r.sector)


class ActorRegistry:
    """Collects the actors, mentions and roles of one document.

    Mentions are collected first and resolved together when the actors, the
    mentions or a participant are first asked for: who an unknown name is may
    depend on what the rest of the document says about it."""

    def __init__(self, doc_id: str, kb: KnowledgeBase | None = None) -> None:
        self.doc_id = doc_id
        self.kb = kb or KnowledgeBase.default()
        self._seen: list[tuple[object, Span, Span | None, str | None]] = []
        self._person_ids: dict[int, str] | None = None
        self._actors: dict[str, Actor] = {}
        self._mentions: list[ActorMention] = []
        self._built = 0  # how many of the collected mentions _actors and _mentions cover

    # -- collecting ---------------------------------------------------------------

    def add_mention(self, m, span: Span, role_span: Span | None, published: str | None) -> None:
        self._seen.append((m, span, role_span, published))
        self._person_ids = None

    @property
    def actors(self) -> dict[str, Actor]:
        self._build()
        return self._actors

    @property
    def mentions(self) -> list[ActorMention]:
        self._build()
        return self._mentions

    def participant(self, m, span: Span, rule: str, role_override: str | None = None) -> Participant | None:
        res = resolve(m, self.doc_id, self.kb, self._ids())
        if res is None:
            return None
        r = m.resolved
        # the role as stated at this mention, else at the named mention
        role = m.role if m.role else r.role
        org = m.org if m.role else r.org
        if role_override and not role:
            role = role_override
        country = res.country or m.country
        sector = res.sector or m.sector
        if res.kind == "person" and m.sector and m.sector != sector and m.role:
            sector = m.sector
        return Participant(actor_id=res.actor_id, name=res.name, kind=res.kind, country=country,
                           sector=sector, role=role, org=org, span=span, rule=rule)

    # -- resolving ------------------------------------------------------------------

    def _ids(self) -> dict[int, str]:
        """Actor ids of the person entities the knowledge base did not give one."""
        if self._person_ids is not None:
            return self._person_ids
        entities: dict[int, object] = {}
        stated: dict[int, list[tuple[str, str | None]]] = {}
        countries: dict[int, set[str]] = {}
        document: list[tuple[str, str | None]] = []
        when = None
        for m, _, _, published in self._seen:
            when = when or published
            if m.role:
                document.append((m.role, m.org))
            r = m.resolved
            if r.kind != "person" or r.kb_id:
                continue
            entities[id(r)] = r
            if m.role:
                stated.setdefault(id(r), []).append((m.role, m.org))
            if m.country and m.country != "IGO":
                countries.setdefault(id(r), set()).add(m.country)
        ids = {}
        for key, r in entities.items():
            own = list(stated.get(key, ()))
            if r.role:
                own.append((r.role, r.org))
            context = PersonContext(tuple(dict.fromkeys(own)), frozenset(countries.get(key, ())),
                               tuple(dict.fromkeys(document)), when)
            ids[key] = person_id(r.name, self.kb, self.doc_id, context)
        self._person_ids = ids
        return ids

    def _build(self) -> None:
        if self._built == len(self._seen):
            return
        ids = self._ids()
        self._actors, self._mentions = {}, []
        for m, span, role_span, published in self._seen:
            res = resolve(m, self.doc_id, self.kb, ids)
            if res is not None:
                self._record(m, res, span, role_span, published)
        self._built = len(self._seen)

    def _record(self, m, res: Resolved, span: Span, role_span: Span | None, published: str | None) -> None:
        r = m.resolved
        actor = self._actors.get(res.actor_id)
        if actor is None:
            country, sector, qid = res.country, res.sector, None
            known = self.kb.get(res.actor_id) if res.kind == "person" else None
            if isinstance(known, PersonEntry):  # the person's own country, not the office's
                country, sector, qid = known.country, known.sector, known.qid
            actor = Actor(actor_id=res.actor_id, name=res.label, kind=res.kind, country=country,
                          sector=sector, qid=qid)
            self._actors[res.actor_id] = actor
        for name in (m.name, res.name):
            if name and name != actor.name and name not in actor.aliases:
                actor.aliases.append(name)
        if m.role and all(x.role != m.role for x in actor.roles):
            actor.roles.append(Role(role=m.role, org=m.org, country=m.country, sector=m.sector,
                                    first_seen=published, last_seen=published, doc_id=self.doc_id,
                                    span=role_span))
        self._mentions.append(ActorMention(span=span, name=res.name, actor_id=res.actor_id, kind=res.kind,
                                           country=res.country, sector=res.sector, role=m.role or r.role,
                                           org=m.org if m.role else r.org, rule=m.rule))
