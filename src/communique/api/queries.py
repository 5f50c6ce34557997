"""Every SQL statement of the API and the explorer.

All values reach DuckDB as parameters; the only text put into SQL is chosen from
fixed tables here (sort orders, the WHERE clauses of :class:`EventFilter`).
Functions take an open cursor so that one request reads one snapshot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Callable

import duckdb

from communique.api.database import rows
from communique.ontology import QUAD_CLASS_NAMES
from communique.store.rows import date_bounds

ASSERTED = "NOT (e.negated OR e.future OR e.hypothetical)"
COOPERATION = (1, 2)  # CAMEO quad classes
CONFLICT = (3, 4)

# sort key → ORDER BY; ties are broken by the order rows were stored, so pages never overlap
SORTS = {
    "date": "e.date_first NULLS LAST", "-date": "e.date_first DESC NULLS LAST",
    "type": "e.type", "-type": "e.type DESC",
    "confidence": "e.confidence", "-confidence": "e.confidence DESC",
    "goldstein": "e.goldstein NULLS LAST", "-goldstein": "e.goldstein DESC NULLS LAST",
    "location": "e.location_name NULLS LAST", "-location": "e.location_name DESC NULLS LAST",
}

_TERM = re.compile(r'"([^"]+)"|(\S+)')


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's own wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_terms(q: str | None) -> list[str]:
    """Words (or "quoted phrases") that must all appear in the evidence."""
    if not q:
        return []
    return [phrase or word for phrase, word in _TERM.findall(q) if (phrase or word).strip()]


def is_actor_id(value: str) -> bool:
    """Actor ids read ``kind:slug`` (``person:zhang-ming``, ``state:CHN``); names have no colon."""
    return ":" in value


@dataclass(frozen=True)
class EventFilter:
    """What a view narrows the events to; every field optional, combined with AND."""

    types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    quad_classes: tuple[int, ...] = ()
    actor: str | None = None  # actor id (exactly, when it has a colon), or part of a participant's name
    source: str | None = None  # actor id on the source side
    target: str | None = None  # actor id on the target side
    counterpart: str | None = None  # actor id on the other side from ``actor``
    countries: tuple[str, ...] = ()  # of a participant (ISO alpha-3, or IGO)
    sectors: tuple[str, ...] = ()  # of a participant (with the country, the same participant)
    date_from: date | None = None
    date_to: date | None = None
    location: str | None = None  # part of the location name
    location_country: str | None = None
    q: str | None = None  # words in the evidence
    doc: str | None = None  # document hash or input id
    include_unasserted: bool = False
    limit: int | None = None  # exports only: at most this many rows
    actor_ids: tuple[str, ...] | None = None  # ``actor`` resolved to ids (see resolve_actor)

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause over ``events e`` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if not self.include_unasserted:
            clauses.append(ASSERTED)
        for column, values in (("e.type", self.types), ("e.mode", self.modes), ("e.quad_class", self.quad_classes)):
            if values:
                clauses.append(f"list_contains(?, {column})")
                params.append(list(values))
        if self.contexts:
            clauses.append("list_has_any(e.contexts, ?)")
            params.append(list(self.contexts))
        if self.actor and self.actor_ids is not None:
            if not self.actor_ids:
                clauses.append("FALSE")
            else:  # a literal list: DuckDB looks the ids up in the index on event_actors.actor_id
                marks = ", ".join("?" * len(self.actor_ids))
                clauses.append(f"e.event_id IN (SELECT event_id FROM event_actors WHERE actor_id IN ({marks}))")
                params += list(self.actor_ids)
        elif self.actor:
            if is_actor_id(self.actor):
                clauses.append("e.event_id IN (SELECT event_id FROM event_actors WHERE actor_id = ?)")
                params.append(self.actor)
            else:
                clauses.append("e.event_id IN (SELECT event_id FROM event_actors"
                               " WHERE actor_id = ? OR name ILIKE ? ESCAPE '\\')")
                params += [self.actor, _like(self.actor)]
        if self.counterpart:
            clauses.append(
                "e.event_id IN (SELECT a.event_id FROM event_actors a JOIN event_actors b"
                " ON b.event_id = a.event_id AND b.side <> a.side WHERE a.actor_id = ? AND b.actor_id = ?)"
            )
            params += [self.actor or "", self.counterpart]
        for side, actor_id in (("source", self.source), ("target", self.target)):
            if actor_id:
                clauses.append(
                    "e.event_id IN (SELECT event_id FROM event_actors WHERE side = ? AND actor_id = ?)"
                )
                params += [side, actor_id]
        if self.countries or self.sectors:
            who = []
            if self.countries:
                who.append("list_contains(?, country)")
                params.append(list(self.countries))
            if self.sectors:
                who.append("list_contains(?, sector)")
                params.append(list(self.sectors))
            clauses.append(f"e.event_id IN (SELECT event_id FROM event_actors WHERE {' AND '.join(who)})")
        if self.date_from:
            clauses.append("e.date_last >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("e.date_first <= ?")
            params.append(self.date_to)
        if self.location:
            clauses.append("e.location_name ILIKE ? ESCAPE '\\'")
            params.append(_like(self.location))
        if self.location_country:
            clauses.append("e.location_country = ?")
            params.append(self.location_country)
        for term in search_terms(self.q):
            clauses.append("e.evidence ILIKE ? ESCAPE '\\'")
            params.append(_like(term))
        if self.doc:
            clauses.append("(e.doc_id = ? OR e.doc_id IN (SELECT doc_id FROM documents WHERE source_id = ?))")
            params += [self.doc, self.doc]
        return (" AND ".join(clauses) or "TRUE"), params

    def query_params(self) -> list[tuple[str, str]]:
        """The filter as URL query parameters (for links that keep the current view)."""
        out: list[tuple[str, str]] = []
        for key, value in asdict(self).items():
            name = {"types": "type", "modes": "mode", "contexts": "context", "quad_classes": "quad_class",
                    "countries": "country", "sectors": "sector", "include_unasserted": "all"}.get(key, key)
            if key in ("limit", "actor_ids") or value in (None, (), False, ""):
                continue
            if isinstance(value, tuple):
                out += [(name, str(v)) for v in value]
            elif value is True:
                out.append((name, "true"))
            else:
                out.append((name, value.isoformat() if isinstance(value, date) else str(value)))
        return out

    @property
    def costly(self) -> bool:
        """Whether the filter reads more than a few narrow columns of the events table."""
        return bool(self.actor or self.source or self.target or self.countries or self.sectors or self.location
                    or self.q or self.doc)

    @property
    def is_empty(self) -> bool:
        return not self.query_params()


MAX_ACTOR_IDS = 1000


def actor_name_index(con: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """lower-cased name or alias → actor ids: participants' names as written, canonical names, aliases."""
    index: dict[str, set[str]] = defaultdict(set)
    for actor_id, name in con.execute("""
            SELECT DISTINCT actor_id, lower(name) FROM event_actors WHERE actor_id IS NOT NULL AND name IS NOT NULL
            UNION SELECT actor_id, lower(name) FROM actors WHERE name IS NOT NULL
            UNION SELECT actor_id, lower(unnest(aliases)) FROM actors""").fetchall():
        index[name].add(actor_id)
    for actor_id, in con.execute("SELECT DISTINCT actor_id FROM event_actors WHERE actor_id IS NOT NULL").fetchall():
        index[actor_id.lower()].add(actor_id)  # an id without a colon matches itself
    return {name: frozenset(ids) for name, ids in index.items()}


def resolve_actor(flt: EventFilter, index: Callable[[], dict[str, frozenset[str]]]) -> EventFilter:
    """The filter with ``actor`` turned into actor ids: the id itself, or every actor one of
    whose names contains the text (any case).  Ids are looked up by index; names were
    matched once per version of the database, not against every row per request."""
    if not flt.actor or flt.actor_ids is not None:
        return flt
    if is_actor_id(flt.actor):
        return replace(flt, actor_ids=(flt.actor,))
    needle = flt.actor.lower()
    found: set[str] = set()
    for name, ids in index().items():
        if needle in name:
            found |= ids
            if len(found) > MAX_ACTOR_IDS:
                return flt  # too vague to list: match names row by row
    return replace(flt, actor_ids=tuple(sorted(found)))


def parse_date_bound(value: str, first: bool) -> date:
    """``2019`` → 2019-01-01 (from) or 2019-12-31 (to); ValueError if it is not a date."""
    low, high = date_bounds(value)
    bound = low if first else high
    if bound is None or not re.fullmatch(r"\d{4}(-\d{1,2}(-\d{1,2})?)?", value.strip()):
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return bound


# --- events -----------------------------------------------------------------------------

_LIST_COLUMNS = """e.event_id, e.doc_id AS doc_hash, e.type, e.mode, e.contexts, e.cameo, e.quad_class, e.goldstein, e.plover_score, e.date, e.date_precision,
    e.date_end, e.location_name, e.location_country, e.location_lat, e.location_lon, e.evidence,
    e.negated, e.future, e.hypothetical, e.historical, round(e.confidence, 3) AS confidence, e.rule"""


def count_events(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> int:
    where, params = flt.where()
    return con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]


def list_events(con: duckdb.DuckDBPyConnection, flt: EventFilter, *, sort: str = "-date",
                offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """The total and one page of events, each with its source and target participants.

    The page is chosen on the sort key alone (ties in the order the events were stored), then
    its rows, documents and participants are looked up by id in the indexes.  Where a filter
    is costly to evaluate (words, names, participants), one scan both counts and pages."""
    where, params = flt.where()
    order = f"{SORTS[sort]}, e.rowid"
    if flt.costly:
        picked = con.execute(f"""
            SELECT e.event_id, count(*) OVER () FROM events e WHERE {where}
            ORDER BY {order} LIMIT ? OFFSET ?""", [*params, limit, offset]).fetchall()
        total = picked[0][1] if picked else (count_events(con, flt) if offset else 0)
    else:
        total = count_events(con, flt)
        picked = con.execute(f"SELECT e.event_id FROM events e WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                             [*params, limit, offset]).fetchall()
    ids = [r[0] for r in picked]
    if not ids:
        return total, []
    found = rows(con, f"SELECT {_LIST_COLUMNS} FROM events e WHERE e.event_id IN ({_marks(ids)})", ids)
    doc_ids = sorted({row["doc_hash"] for row in found})
    docs = {d["doc_id"]: d for d in rows(con, f"""
        SELECT doc_id, coalesce(source_id, doc_id) AS public_id, title FROM documents
        WHERE doc_id IN ({_marks(doc_ids)})""", doc_ids)}
    position = {event_id: i for i, event_id in enumerate(ids)}
    found.sort(key=lambda row: position[row["event_id"]])
    for row in found:
        doc = docs.get(row["doc_hash"], {})
        row["doc_id"], row["title"] = doc.get("public_id", row["doc_hash"]), doc.get("title")
    return total, _with_participants(con, [_event_shape(row) for row in found])


def _marks(values: list[Any]) -> str:
    """``?, ?, ?``: a literal list of parameters, which DuckDB can look up in an index."""
    return ", ".join("?" * len(values))


def _event_shape(row: dict[str, Any]) -> dict[str, Any]:
    lat, lon = row.pop("location_lat"), row.pop("location_lon")
    name, country = row.pop("location_name"), row.pop("location_country")
    row["location"] = None if name is None and country is None else {
        "name": name, "country": country, "lat": lat, "lon": lon}
    row["contexts"] = list(row.get("contexts") or [])
    row["asserted"] = not (row["negated"] or row["future"] or row["hypothetical"])
    return row


def participants(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """event id → its participants, sources then targets, in the order stated."""
    if not event_ids:
        return {}
    found = rows(con, f"""
        SELECT a.event_id, a.side, a.actor_id, coalesce(a.name, k.name, a.actor_id) AS name, a.kind,
               a.country, a.sector, a.role, a.org, a.span_start, a.span_end, a.rule
        FROM event_actors a LEFT JOIN actors k ON k.actor_id = a.actor_id
        WHERE a.event_id IN ({_marks(event_ids)})
        ORDER BY a.event_id, a.side, a.position""", list(event_ids))
    by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in found:
        by_event[row.pop("event_id")].append(row)
    return by_event


def _with_participants(con: duckdb.DuckDBPyConnection, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = participants(con, [e["event_id"] for e in events])
    for event in events:
        people = found.get(event["event_id"], [])
        for side in ("source", "target"):
            event[side] = [{k: v for k, v in p.items() if k not in ("side", "span_start", "span_end", "rule")}
                           for p in people if p["side"] == side]
    return events


def event_detail(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event, its participants with their spans, the spans to highlight and its document."""
    found = rows(con, "SELECT * FROM events WHERE event_id = ? LIMIT 1", [event_id])
    if not found:
        return None
    e = found[0]
    e.update(rows(con, """
        SELECT coalesce(source_id, doc_id) AS public_id, title, published, publisher, url, text, doc_id AS doc_hash
        FROM documents WHERE doc_id = ?""", [e["doc_id"]])[0])
    people = participants(con, [event_id]).get(event_id, [])
    text = e["text"] or ""

    def span(start: int | None, end: int | None) -> dict[str, Any] | None:
        if start is None or end is None:
            return None
        return {"start": start, "end": end, "text": text[start:end]}

    for p in people:
        p["span"] = span(p.pop("span_start"), p.pop("span_end"))
    others = rows(con, """
        SELECT e.event_id, e.type, e.mode, e.date, e.trigger_start, e.trigger_end,
               e.negated OR e.future OR e.hypothetical AS unasserted
        FROM events e WHERE e.doc_id = ? AND e.event_id <> ? ORDER BY e.trigger_start, e.event_id""",
        [e["doc_id"], event_id])
    for other in others:
        other["trigger"] = text[other.pop("trigger_start"):other.pop("trigger_end")]
    mentions = [span(s, t) for s, t in zip(e["mention_starts"] or [], e["mention_ends"] or [])]
    return {
        "event_id": e["event_id"], "type": e["type"], "mode": e["mode"], "contexts": list(e["contexts"] or []),
        "cameo": e["cameo"], "quad_class": e["quad_class"], "quad_class_name": QUAD_CLASS_NAMES.get(e["quad_class"]),
        "goldstein": e["goldstein"], "plover_score": e["plover_score"],
        "date": e["date"], "date_precision": e["date_precision"], "date_end": e["date_end"],
        "date_rule": e["date_rule"], "date_span": span(e["date_span_start"], e["date_span_end"]),
        "location": None if e["location_name"] is None else {
            "name": e["location_name"], "country": e["location_country"], "lat": e["location_lat"],
            "lon": e["location_lon"], "geonameid": e["location_geonameid"], "rule": e["location_rule"],
            "span": span(e["location_span_start"], e["location_span_end"])},
        "source": [_without(p, "side") for p in people if p["side"] == "source"],
        "target": [_without(p, "side") for p in people if p["side"] == "target"],
        "sentence": span(e["sentence_start"], e["sentence_end"]),
        "trigger": span(e["trigger_start"], e["trigger_end"]),
        "mentions": [m for m in mentions if m],
        "evidence": e["evidence"], "negated": e["negated"], "future": e["future"],
        "hypothetical": e["hypothetical"], "historical": e["historical"],
        "asserted": not (e["negated"] or e["future"] or e["hypothetical"]),
        "confidence": round(e["confidence"], 3) if e["confidence"] is not None else None,
        "rule": e["rule"], "extractor_version": e["extractor_version"],
        "document": {"doc_id": e["public_id"], "doc_hash": e["doc_hash"], "title": e["title"],
                     "published": e["published"], "publisher": e["publisher"], "url": e["url"], "text": text},
        "other_events": others,
    }


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


# --- documents ----------------------------------------------------------------------------

def document_detail(con: duckdb.DuckDBPyConnection, doc_id: str) -> dict[str, Any] | None:
    """A document (by content hash or input id), its text and every span extracted from it."""
    found = rows(con, """
        SELECT doc_id AS doc_hash, coalesce(source_id, doc_id) AS doc_id, title, published, url, publisher,
               language, source, text, reference_date, topics, warnings, extractor_version, ingested_at
        FROM documents WHERE doc_id = ? OR source_id = ? ORDER BY doc_id = ? DESC, ingested_at LIMIT 1""",
        [doc_id, doc_id, doc_id])  # a content hash first: an input id may be reused
    if not found:
        return None
    doc = found[0]
    doc["topics"] = list(doc["topics"] or [])
    doc["warnings"] = list(doc["warnings"] or [])
    key = doc["doc_hash"]
    events = rows(con, """
        SELECT e.event_id, e.type, e.mode, e.cameo, e.quad_class, e.date, e.location_name, e.evidence, e.rule,
               e.sentence_start, e.sentence_end, e.trigger_start, e.trigger_end, e.date_span_start,
               e.date_span_end, e.location_span_start, e.location_span_end,
               e.negated OR e.future OR e.hypothetical AS unasserted, round(e.confidence, 3) AS confidence
        FROM events e WHERE e.doc_id = ? ORDER BY e.trigger_start, e.event_id""", [key])
    people = participants(con, [e["event_id"] for e in events])
    for event in events:
        event["source"] = [_brief(p) for p in people.get(event["event_id"], []) if p["side"] == "source"]
        event["target"] = [_brief(p) for p in people.get(event["event_id"], []) if p["side"] == "target"]
    doc["events"] = events
    doc["mentions"] = rows(con, """
        SELECT actor_id, span_start, span_end, name, kind, role, org, country, sector, rule,
               antecedent_start, antecedent_end
        FROM mentions WHERE doc_id = ? ORDER BY span_start, span_end""", [key])
    doc["actor_roles"] = rows(con, """
        SELECT actor_id, role, org, country, sector, first_seen, last_seen, span_start, span_end
        FROM actor_roles WHERE doc_id = ? ORDER BY span_start NULLS LAST, actor_id""", [key])
    doc["instruments"] = rows(con, """
        SELECT name, kind, span_start, span_end FROM instruments WHERE doc_id = ? ORDER BY span_start""", [key])
    doc["gatherings"] = rows(con, """
        SELECT name, start_date, end_date, location_name, location_country, span_start, span_end
        FROM gatherings WHERE doc_id = ? ORDER BY span_start""", [key])
    return doc


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    return {"actor_id": p["actor_id"], "name": p["name"], "country": p["country"],
            "span_start": p["span_start"], "span_end": p["span_end"]}


# --- actors -------------------------------------------------------------------------------

_ACTOR_SORTS = {
    "events": lambda a: (-a["events"], a["name"] or "", a["actor_id"]),
    "-events": lambda a: (a["events"], a["name"] or "", a["actor_id"]),
    "name": lambda a: ((a["name"] or "").casefold(), a["actor_id"]),
    "-name": lambda a: ((a["name"] or "").casefold(), a["actor_id"]),
}


def actor_table(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every actor taking part in stated events, with its count and first and last dates: one
    pass over the participants, made once per version of the database (see Database.cached)."""
    found = rows(con, f"""
        WITH counted AS (
            SELECT a.actor_id, any_value(a.name) AS name, any_value(a.kind) AS kind, any_value(a.country) AS country,
                   any_value(a.sector) AS sector, count(DISTINCT hash(a.event_id)) AS events,
                   min(e.date_first) AS first_date, max(e.date_last) AS last_date
            FROM event_actors a JOIN events e ON e.event_id = a.event_id
            WHERE {ASSERTED} AND a.actor_id IS NOT NULL GROUP BY a.actor_id
        )
        SELECT c.actor_id, coalesce(k.name, c.name, c.actor_id) AS name, coalesce(k.kind, c.kind) AS kind,
               coalesce(k.country, c.country) AS country, coalesce(k.sector, c.sector) AS sector,
               coalesce(k.aliases, []) AS aliases, c.events, c.first_date, c.last_date
        FROM counted c LEFT JOIN actors k ON k.actor_id = c.actor_id""")
    for row in found:
        row["aliases"] = [a for a in row["aliases"] or [] if a]
        row["_names"] = [n.casefold() for n in (row["name"], *row["aliases"]) if n] + [row["actor_id"].casefold()]
    return found


def list_actors(table: list[dict[str, Any]], *, q: str | None = None, countries: tuple[str, ...] = (),
                kinds: tuple[str, ...] = (), sectors: tuple[str, ...] = (), sort: str = "events",
                offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Actors whose name, an alias or id contains ``q`` (any case), of these countries, kinds
    and sectors: the total and one page."""
    needle = q.casefold() if q else None
    kept = [a for a in table
            if (needle is None or any(needle in n for n in a["_names"]))
            and (not countries or a["country"] in countries) and (not kinds or a["kind"] in kinds)
            and (not sectors or a["sector"] in sectors)]
    kept.sort(key=_ACTOR_SORTS[sort], reverse=sort == "-name")
    return len(kept), [{k: v for k, v in a.items() if k != "_names"} for a in kept[offset:offset + limit]]


def actor_detail(con: duckdb.DuckDBPyConnection, actor_id: str, *, counterparts_limit: int = 30) -> dict[str, Any] | None:
    """An actor: who it is, its roles over time, its counterparts, where and when its events happened."""
    known = rows(con, "SELECT actor_id, name, kind, country, sector, aliases, qid FROM actors WHERE actor_id = ?",
                 [actor_id])
    seen = rows(con, f"""
        SELECT any_value(a.name) AS name, any_value(a.kind) AS kind, any_value(a.country) AS country,
               any_value(a.sector) AS sector, count(DISTINCT a.event_id) FILTER ({ASSERTED}) AS events,
               count(DISTINCT a.event_id) AS events_all,
               count(DISTINCT a.event_id) FILTER ({ASSERTED} AND a.side = 'source') AS as_source,
               count(DISTINCT a.event_id) FILTER ({ASSERTED} AND a.side = 'target') AS as_target,
               min(e.date_first) FILTER ({ASSERTED}) AS first_date, max(e.date_last) FILTER ({ASSERTED}) AS last_date
        FROM event_actors a JOIN events e ON e.event_id = a.event_id WHERE a.actor_id = ?""", [actor_id])[0]
    if not known and not seen["events_all"]:
        return None
    actor = known[0] if known else {"actor_id": actor_id, "name": seen["name"], "kind": seen["kind"],
                                    "country": seen["country"], "sector": seen["sector"], "aliases": [], "qid": None}
    actor["name"] = actor["name"] or seen["name"] or actor_id
    actor["aliases"] = list(actor["aliases"] or [])
    for key in ("events", "as_source", "as_target", "first_date", "last_date"):
        actor[key] = seen[key]
    actor["roles"] = _roles(con, actor_id)
    actor["counterparts"] = _counterparts(con, actor_id, counterparts_limit)
    mine = f"e.event_id IN (SELECT event_id FROM event_actors WHERE actor_id = ?) AND {ASSERTED}"
    actor["timeline"] = rows(con, f"""
        SELECT strftime(e.date_first, '%Y-%m') AS month, e.quad_class, count(*) AS events
        FROM events e WHERE {mine} AND e.date_first IS NOT NULL AND e.date_precision IN ('day', 'month')
        GROUP BY ALL ORDER BY month, e.quad_class NULLS LAST""", [actor_id])
    actor["locations"] = locations(con, EventFilter(actor=actor_id, actor_ids=(actor_id,)), limit=500)
    return actor


def _roles(con: duckdb.DuckDBPyConnection, actor_id: str) -> list[dict[str, Any]]:
    """Offices held: as stated with a date in the documents, and as held at each event."""
    merged: dict[tuple[str, str | None], dict[str, Any]] = {}

    def add(role: str, org: str | None, first: date | None, last: date | None, documents: int, events: int) -> None:
        entry = merged.setdefault((role, org), {"role": role, "org": org, "first": first, "last": last,
                                                "documents": 0, "events": 0})
        if first and (entry["first"] is None or first < entry["first"]):
            entry["first"] = first
        if last and (entry["last"] is None or last > entry["last"]):
            entry["last"] = last
        entry["documents"] += documents
        entry["events"] += events

    for row in rows(con, """
            SELECT role, org, list(first_seen) AS firsts, list(last_seen) AS lasts, count(DISTINCT doc_id) AS documents
            FROM actor_roles WHERE actor_id = ? AND role IS NOT NULL GROUP BY role, org""", [actor_id]):
        firsts = [date_bounds(v)[0] for v in row["firsts"] if v]
        lasts = [date_bounds(v)[1] for v in row["lasts"] if v]
        add(row["role"], row["org"], min(filter(None, firsts), default=None), max(filter(None, lasts), default=None),
            row["documents"], 0)
    for row in rows(con, f"""
            SELECT a.role, a.org, min(e.date_first) AS first, max(e.date_last) AS last, count(DISTINCT a.event_id) AS events
            FROM event_actors a JOIN events e ON e.event_id = a.event_id
            WHERE a.actor_id = ? AND a.role IS NOT NULL AND {ASSERTED} GROUP BY a.role, a.org""", [actor_id]):
        add(row["role"], row["org"], row["first"], row["last"], 0, row["events"])
    return sorted(merged.values(), key=lambda r: (r["first"] or date.max, r["role"], r["org"] or ""))


def _counterparts(con: duckdb.DuckDBPyConnection, actor_id: str, limit: int) -> list[dict[str, Any]]:
    return rows(con, f"""
        WITH mine AS (SELECT DISTINCT event_id, side FROM event_actors WHERE actor_id = ?)
        SELECT o.actor_id, coalesce(any_value(k.name), any_value(o.name), o.actor_id) AS name,
               coalesce(any_value(k.country), any_value(o.country)) AS country,
               count(DISTINCT e.event_id) AS events,
               count(DISTINCT e.event_id) FILTER (e.quad_class IN (1, 2)) AS cooperation,
               count(DISTINCT e.event_id) FILTER (e.quad_class IN (3, 4)) AS conflict,
               count(DISTINCT e.event_id) FILTER (m.side = 'source') AS as_target,
               count(DISTINCT e.event_id) FILTER (m.side = 'target') AS as_source
        FROM mine m
        JOIN event_actors o ON o.event_id = m.event_id AND o.side <> m.side
        JOIN events e ON e.event_id = m.event_id
        LEFT JOIN actors k ON k.actor_id = o.actor_id
        WHERE {ASSERTED} AND o.actor_id IS NOT NULL AND o.actor_id <> ?
        GROUP BY o.actor_id ORDER BY events DESC, name, o.actor_id LIMIT ?""", [actor_id, actor_id, limit])


# --- aggregates ----------------------------------------------------------------------------

def _kept_events(flt: EventFilter) -> tuple[str, list[Any]]:
    """A condition on ``event_id`` (of a participants' table) that keeps the filter's events.

    When the filter keeps nearly everything (the default view: stated events only), saying
    which events to leave out is the cheaper join."""
    where, params = flt.where()
    if where == "TRUE":
        return "TRUE", []
    if replace(flt, include_unasserted=True).where()[0] == "TRUE":
        return f"event_id NOT IN (SELECT event_id FROM events e WHERE NOT coalesce({where}, FALSE))", params
    return f"event_id IN (SELECT event_id FROM events e WHERE {where})", params


def stats(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> dict[str, Any]:
    """Counts by type, month, quad class and country for the events a filter keeps."""
    where, params = flt.where()
    grouped = rows(con, f"""
        SELECT GROUPING(type) AS no_type, GROUPING(month) AS no_month, GROUPING(quad_class) AS no_quad,
               GROUPING(location_country) AS no_place, type, month, quad_class, location_country, count(*) AS events
        FROM (SELECT e.type, e.quad_class, e.location_country,
                     CASE WHEN e.date_precision IN ('day', 'month') THEN date_trunc('month', e.date_first) END AS month
              FROM events e WHERE {where})
        GROUP BY GROUPING SETS ((), (type), (type, month), (quad_class), (location_country))""", params)
    out: dict[str, Any] = {"events": 0, "by_type": [], "by_month": [], "quad_classes": [],
                           "by_location_country": []}
    for row in grouped:
        sets = (row["no_type"], row["no_month"], row["no_quad"], row["no_place"])
        if sets == (1, 1, 1, 1):
            out["events"] = row["events"]
        elif sets == (0, 1, 1, 1):
            out["by_type"].append({"type": row["type"], "events": row["events"]})
        elif sets == (0, 0, 1, 1) and row["month"] is not None:
            out["by_month"].append({"month": row["month"].strftime("%Y-%m"), "type": row["type"],
                                    "events": row["events"]})
        elif sets == (1, 1, 0, 1):
            out["quad_classes"].append({"quad_class": row["quad_class"],
                                        "name": QUAD_CLASS_NAMES.get(row["quad_class"], "not coded"),
                                        "events": row["events"]})
        elif sets == (1, 1, 1, 0) and row["location_country"] is not None:
            out["by_location_country"].append({"country": row["location_country"], "events": row["events"]})
    out["by_type"].sort(key=lambda r: (-r["events"], r["type"]))
    out["by_month"].sort(key=lambda r: (r["month"], r["type"]))
    out["quad_classes"].sort(key=lambda r: (r["quad_class"] is None, r["quad_class"] or 0))
    out["by_location_country"].sort(key=lambda r: (-r["events"], r["country"]))
    out["cooperation"] = sum(r["events"] for r in out["quad_classes"] if r["quad_class"] in COOPERATION)
    out["conflict"] = sum(r["events"] for r in out["quad_classes"] if r["quad_class"] in CONFLICT)
    out["documents"] = con.execute(f"SELECT count(DISTINCT e.doc_id) FROM events e WHERE {where}", params).fetchone()[0]
    kept, kept_params = _kept_events(flt)
    out["by_actor_country"] = rows(con, f"""
        SELECT country, count(DISTINCT hash(event_id)) AS events FROM event_actors
        WHERE country IS NOT NULL AND {kept}
        GROUP BY country ORDER BY events DESC, country LIMIT 60""", kept_params)
    return out


def top_actors(con: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int = 10) -> list[dict[str, Any]]:
    kept, params = _kept_events(flt)
    found = rows(con, f"""
        SELECT actor_id, count(DISTINCT hash(event_id)) AS events,
               count(DISTINCT hash(event_id)) FILTER (side = 'source') AS as_source,
               count(DISTINCT hash(event_id)) FILTER (side = 'target') AS as_target
        FROM event_actors WHERE actor_id IS NOT NULL AND {kept}
        GROUP BY actor_id ORDER BY events DESC, actor_id LIMIT ?""", [*params, limit])
    names = actor_names(con, [r["actor_id"] for r in found])
    return [{**names[r["actor_id"]], **r} for r in found]


def actor_names(con: duckdb.DuckDBPyConnection, actor_ids: list[str]) -> dict[str, dict[str, Any]]:
    """actor id → name, kind and country, from the actor table or, failing that, the participants."""
    out = {a: {"actor_id": a, "name": a, "kind": None, "country": None} for a in actor_ids}
    if not actor_ids:
        return out
    for row in rows(con, """
            SELECT actor_id, name, kind, country FROM actors WHERE actor_id IN (SELECT unnest(?::VARCHAR[]))""",
            [actor_ids]):
        out[row["actor_id"]] = {k: v for k, v in row.items()} | {"name": row["name"] or row["actor_id"]}
    missing = [a for a in actor_ids if out[a]["kind"] is None]
    if missing:
        for row in rows(con, """
                SELECT actor_id, any_value(name) AS name, any_value(kind) AS kind, any_value(country) AS country
                FROM event_actors WHERE actor_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY actor_id""", [missing]):
            out[row["actor_id"]] = row | {"name": row["name"] or row["actor_id"]}
    return out


def network(con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int = 200,
            within: list[str] | None = None) -> dict[str, Any]:
    """Source → target edges weighted by event count, split into cooperation and conflict; the
    ``limit`` heaviest edges and the actors they join.  ``within``: only edges between these actors."""
    where, params = flt.where()
    inside, members = "", []
    if within is not None:  # literal lists: looked up in the index on event_actors.actor_id
        members = list(within)
        inside = f"AND s.actor_id IN ({_marks(members)}) AND t.actor_id IN ({_marks(members)})"
    # Each (event, source, target) once, then the events' classes: exact counts, without a
    # DISTINCT over event ids per edge (four times slower over a million events).
    edges = rows(con, f"""
        WITH pairs AS (
            SELECT DISTINCT s.event_id, s.actor_id AS source, t.actor_id AS target
            FROM event_actors s JOIN event_actors t ON t.event_id = s.event_id AND t.side = 'target'
            WHERE s.side = 'source' AND s.actor_id IS NOT NULL AND t.actor_id IS NOT NULL
              AND s.actor_id <> t.actor_id {inside}
        )
        SELECT x.source, x.target, count(*) AS events,
               count(*) FILTER (e.quad_class IN (1, 2)) AS cooperation,
               count(*) FILTER (e.quad_class IN (3, 4)) AS conflict,
               round(avg(e.goldstein), 2) AS goldstein
        FROM pairs x JOIN events e ON e.event_id = x.event_id
        WHERE {where}
        GROUP BY x.source, x.target ORDER BY events DESC, x.source, x.target LIMIT ?""",
        [*members, *members, *params, limit])
    weight: dict[str, int] = defaultdict(int)
    for edge in edges:
        weight[edge["source"]] += edge["events"]
        weight[edge["target"]] += edge["events"]
    if within:
        for actor_id in within:
            weight.setdefault(actor_id, 0)
    names = actor_names(con, list(weight))
    nodes = [{**names[a], "events": n} for a, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"nodes": nodes, "edges": edges}


def ego_network(con: duckdb.DuckDBPyConnection, actor_id: str, counterparts: list[dict[str, Any]]) -> dict[str, Any]:
    """An actor, its counterparts, and the events among all of them."""
    members = [actor_id, *(c["actor_id"] for c in counterparts)]
    return network(con, EventFilter(), limit=400, within=members)


def locations(con: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int = 1000) -> list[dict[str, Any]]:
    """Places with coordinates where the events happened, with counts."""
    where, params = flt.where()
    return rows(con, f"""
        SELECT e.location_name AS name, e.location_country AS country, round(avg(e.location_lat), 4) AS lat,
               round(avg(e.location_lon), 4) AS lon, count(*) AS events,
               count(*) FILTER (e.quad_class IN (1, 2)) AS cooperation,
               count(*) FILTER (e.quad_class IN (3, 4)) AS conflict
        FROM events e WHERE {where} AND e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL
        GROUP BY e.location_name, e.location_country ORDER BY events DESC, name LIMIT ?""", [*params, limit])


def facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values present in the database, for the filter forms."""
    return {
        "countries": [r[0] for r in con.execute(
            "SELECT DISTINCT country FROM event_actors WHERE country IS NOT NULL ORDER BY 1").fetchall()],
        "sectors": [r[0] for r in con.execute(
            "SELECT DISTINCT sector FROM event_actors WHERE sector IS NOT NULL ORDER BY 1").fetchall()],
        "location_countries": [r[0] for r in con.execute(
            "SELECT DISTINCT location_country FROM events WHERE location_country IS NOT NULL ORDER BY 1").fetchall()],
        "kinds": [r[0] for r in con.execute(
            "SELECT DISTINCT kind FROM actors WHERE kind IS NOT NULL ORDER BY 1").fetchall()],
    }


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    documents, = con.execute("SELECT count(*) FROM documents").fetchone()
    events, asserted = con.execute(f"SELECT count(*), count(*) FILTER ({ASSERTED}) FROM events e").fetchone()
    actors, = con.execute("SELECT count(DISTINCT actor_id) FROM event_actors").fetchone()
    return {"documents": documents, "events": events, "asserted_events": asserted, "actors": actors}
