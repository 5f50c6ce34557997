"""Actors in the event database: listings, profiles (roles over time, counterparts)
and the corrections people make (merge, split, edit).

Corrections live in the append-only ``actor_corrections`` log (migration 0004) and
are applied when data is read, through the ``*_corrected`` views: re-ingesting a
corpus rewrites what extraction wrote and leaves the log alone.  Every query here
reads the corrected views.
"""

from __future__ import annotations

import getpass
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Sequence

from communique.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from communique.actors.kb import KnowledgeBase
    from communique.store.duckdb_store import Store

EDITABLE_FIELDS = ("name", "country", "sector")
ASSERTED = "NOT (e.negated OR e.future OR e.hypothetical)"
_CANDIDATES_SHOWN = 8


class ActorNotFoundError(StoreError):
    """No stored actor has this id or name, or several do."""


class CorrectionError(StoreError):
    """A correction that cannot be made as asked."""


@dataclass(frozen=True)
class ActorFilters:
    country: str | None = None
    sector: str | None = None
    kind: str | None = None
    name: str | None = None  # part of the name or of an alias, any case
    limit: int | None = 50


# --- reading ---------------------------------------------------------------------

def _rows(store: "Store", sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    with store._connect(write=False) as con:
        cursor = con.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def list_actors(store: "Store", filters: ActorFilters = ActorFilters()) -> list[dict[str, Any]]:
    """Actors with the number of events (stated as having happened) and of documents
    they take part in, busiest first."""
    clauses, params = ["TRUE"], []
    if filters.country:
        clauses.append("a.country = ?")
        params.append(filters.country.upper())
    if filters.sector:
        clauses.append("a.sector = ?")
        params.append(filters.sector.upper())
    if filters.kind:
        clauses.append("a.kind = ?")
        params.append(filters.kind.lower())
    if filters.name:
        clauses.append("(contains(lower(a.name), lower(?)) OR list_contains(list_transform(a.aliases, "
                       "lambda n: contains(lower(n), lower(?))), true))")
        params += [filters.name, filters.name]
    limit = ""
    if filters.limit:
        limit = "LIMIT ?"
        params.append(int(filters.limit))
    sql = f"""
        WITH ev AS (
            SELECT ea.actor_id, count(DISTINCT ea.event_id) AS events
            FROM event_actors_corrected ea JOIN events e ON e.event_id = ea.event_id
            WHERE {ASSERTED} GROUP BY ea.actor_id
        ), docs AS (
            SELECT actor_id, count(DISTINCT doc_id) AS documents FROM mentions_corrected GROUP BY actor_id
        )
        SELECT a.actor_id, a.name, a.kind, a.country, a.sector, coalesce(ev.events, 0) AS events,
               coalesce(docs.documents, 0) AS documents
        FROM actors_corrected a
        LEFT JOIN ev ON ev.actor_id = a.actor_id
        LEFT JOIN docs ON docs.actor_id = a.actor_id
        WHERE {' AND '.join(clauses)} AND (ev.events IS NOT NULL OR docs.documents IS NOT NULL)
        ORDER BY events DESC, documents DESC, a.name, a.actor_id
        {limit}
    """
    return _rows(store, sql, params)


def find_actor(store: "Store", name_or_id: str, kb: "KnowledgeBase | None" = None) -> str:
    """The id of the stored actor a user means: an id (a merged-away id gives the actor it
    became), else a name or alias (any case, any romanisation the name folding joins), else
    a unique part of a name.  Raises ActorNotFoundError when none or several match."""
    from communique.actors.names import person_key

    wanted = name_or_id.strip()
    if not wanted:
        raise ActorNotFoundError("give an actor id or name")
    found = _rows(store, """
        SELECT coalesce(m.target_id, ?) AS actor_id FROM (SELECT 1)
        LEFT JOIN actor_merged_into m ON m.actor_id = ?
        WHERE ? IN (SELECT actor_id FROM actors_corrected) OR m.target_id IS NOT NULL""",
                  [wanted, wanted, wanted])
    if found:
        return found[0]["actor_id"]
    key = person_key(wanted, kb)
    named = "SELECT actor_id, name, aliases FROM actors_corrected WHERE "

    def folded() -> list[dict[str, Any]]:
        # persons whose surname starts with the folded surname's letter, compared in Python
        if "-" not in key:
            return []
        first_letter = key.rsplit("-", 1)[-1][:1]
        candidates = _rows(store, named + "kind = 'person' AND list_contains(list_transform("
                                          "list_prepend(name, coalesce(aliases, [])), lambda n: "
                                          "left(lower(strip_accents(regexp_extract(n, '(\\S+)\\s*$', 1))), 1)), ?)",
                           [first_letter])
        return [a for a in candidates
                if any(person_key(n, kb) == key for n in [a["name"], *(a["aliases"] or ())] if n)]

    tiers = (
        lambda: _rows(store, named + "lower(name) = lower(?)", [wanted]),
        lambda: _rows(store, named + "list_contains(list_transform(aliases, lambda n: lower(n)), lower(?))", [wanted]),
        folded,
        lambda: _rows(store, named + "contains(lower(name), lower(?)) OR "
                                     "len(list_filter(aliases, lambda n: contains(lower(n), lower(?)))) > 0",
                      [wanted, wanted]),
    )
    for tier in tiers:
        hits = sorted(tier(), key=lambda a: a["actor_id"])
        if len(hits) == 1:
            return hits[0]["actor_id"]
        if hits:
            shown = ", ".join(f"{a['actor_id']} ({a['name']})" for a in hits[:_CANDIDATES_SHOWN])
            more = f" and {len(hits) - _CANDIDATES_SHOWN} more" if len(hits) > _CANDIDATES_SHOWN else ""
            raise ActorNotFoundError(f"{wanted!r} matches {len(hits)} actors: {shown}{more}; give an id")
    raise ActorNotFoundError(f"no stored actor has the id or name {wanted!r} (list them with `communique actors`)")


@dataclass(frozen=True)
class _Reach:
    """Where an actor can appear: the events and documents whose rows carry an id that
    corrections may turn into it.  Per-actor queries read only those (a plain filter,
    pushed down to the table scan) instead of correcting every row of the database."""

    actor_id: str
    events: list[str]
    documents: list[str]


def _reach(store: "Store", actor_id: str) -> _Reach:
    sources = {actor_id} | {r["actor_id"] for r in _rows(store, """
        SELECT actor_id FROM actor_final WHERE final_id = ?
        UNION
        SELECT f.actor_id FROM actor_splits sp
        JOIN actor_final f ON f.final_id = sp.actor_id
        JOIN actor_final t ON t.actor_id = sp.target_id
        WHERE t.final_id = ?""", [actor_id, actor_id])}
    ids = sorted(sources)
    events = [r["event_id"] for r in _rows(
        store, "SELECT DISTINCT event_id FROM event_actors WHERE list_contains(?, actor_id)", [ids])]
    documents = [r["doc_id"] for r in _rows(
        store, "SELECT DISTINCT doc_id FROM mentions WHERE list_contains(?, actor_id)", [ids])]
    return _Reach(actor_id, events, documents)


def actor_profile(store: "Store", name_or_id: str, kb: "KnowledgeBase | None" = None) -> dict[str, Any]:
    """Everything known of one actor: names, country, sector, roles over time (stated in
    the documents, merged with the knowledge base's dated offices) and counterparts."""
    from communique.actors.kb import KnowledgeBase, PersonEntry

    kb = kb or KnowledgeBase.default()
    actor_id = find_actor(store, name_or_id, kb)
    actor = _rows(store, "SELECT * FROM actors_corrected WHERE actor_id = ?", [actor_id])[0]
    reach = _reach(store, actor_id)
    counts = _rows(store, f"""
        SELECT (SELECT count(DISTINCT ea.event_id) FROM event_actors_corrected ea JOIN events e
                ON e.event_id = ea.event_id
                WHERE list_contains(?, ea.event_id) AND ea.actor_id = ? AND {ASSERTED}) AS events,
               (SELECT count(DISTINCT doc_id) FROM mentions_corrected
                WHERE list_contains(?, doc_id) AND actor_id = ?) AS documents""",
                   [reach.events, actor_id, reach.documents, actor_id])[0]
    entry = kb.get(actor_id)
    person = entry if isinstance(entry, PersonEntry) else None
    return {
        **actor,
        "aliases": list(actor.get("aliases") or []),
        "qid": actor.get("qid") or (person.qid if person else None),
        "in_knowledge_base": entry is not None,
        "events": counts["events"],
        "documents": counts["documents"],
        "roles": roles_timeline(store, reach, kb, person),
        "counterparts": counterparts(store, reach),
        "corrections": list_corrections(store, actor_id),
    }


def _stated_roles(store: "Store", reach: _Reach) -> list[dict[str, Any]]:
    """Roles the documents state, one row per wording and organisation."""
    return _rows(store, """
        WITH r AS (
            SELECT r.role, r.org, coalesce(r.first_seen, d.reference_date, CAST(d.published AS VARCHAR)) AS seen,
                   r.doc_id, coalesce(d.source_id, d.doc_id) AS public_id,
                   substr(d.text, r.span_start + 1, r.span_end - r.span_start) AS words
            FROM actor_roles_corrected r JOIN documents d ON d.doc_id = r.doc_id
            WHERE list_contains(?, r.doc_id) AND r.actor_id = ? AND r.role IS NOT NULL
        )
        SELECT mode(role) AS role, mode(org) AS org, min(seen) AS first_seen, max(seen) AS last_seen,
               list(DISTINCT doc_id) AS doc_ids,
               arg_min(public_id || ': "' || coalesce(words, role) || '"', coalesce(seen, '9999')) AS evidence
        FROM r GROUP BY lower(role), lower(coalesce(org, ''))
        ORDER BY first_seen NULLS LAST, role""", [reach.documents, reach.actor_id])


def roles_timeline(store: "Store", reach: _Reach, kb: "KnowledgeBase", person=None) -> list[dict[str, Any]]:
    """The offices held, oldest first: each office the knowledge base dates, with the
    documents that state it, then the offices only the documents state."""
    from communique.actors.resolver import held_on, office_of, same_org

    def entry(role, org, source, **dated) -> dict[str, Any]:
        return {"role": role, "org": org, "country": None, "sector": None, "start": None, "end": None,
                "first_seen": None, "last_seen": None, "documents": 0, "evidence": None, "source": source,
                **dated}

    known = [(held, entry(held.role, held.org, "knowledge base", country=held.country, sector=held.sector,
                          start=held.start, end=held.end)) for held in (person.roles if person else ())]
    timeline = [e for _, e in known]
    docs_of: dict[int, set[str]] = defaultdict(set)
    for row in _stated_roles(store, reach):
        office = office_of(kb, row["role"])
        home = next((e for held, e in known
                     if office is not None and office_of(kb, held.role) == office
                     and same_org(kb, row["org"], held.org) is not False
                     and all(held_on(held, d) for d in (row["first_seen"], row["last_seen"]) if d)), None)
        if home is None:
            home = entry(row["role"], row["org"], "documents")
            timeline.append(home)
        elif home["source"] == "knowledge base":
            home["source"] = "knowledge base and documents"
        docs_of[id(home)].update(row["doc_ids"])
        home["documents"] = len(docs_of[id(home)])
        for key, pick in (("first_seen", min), ("last_seen", max)):
            values = [v for v in (home[key], row[key]) if v]
            home[key] = pick(values) if values else None
        home["evidence"] = home["evidence"] or row["evidence"]
    timeline.sort(key=lambda e: (e["start"] or e["first_seen"] or "9999", e["end"] or e["last_seen"] or "9999"))
    return timeline


def counterparts(store: "Store", reach: _Reach, limit: int = 25) -> list[dict[str, Any]]:
    """Who the actor acted on or was acted on by, how often, by event type (asserted events)."""
    rows = _rows(store, f"""
        WITH rows AS (
            SELECT * FROM event_actors_corrected WHERE list_contains(?, event_id)
        ), mine AS (
            SELECT DISTINCT event_id, side FROM rows WHERE actor_id = ?
        ), named AS (
            SELECT actor_id, name, country FROM actors_corrected
            WHERE actor_id IN (SELECT actor_id FROM rows)
        )
        SELECT o.actor_id, any_value(coalesce(k.name, o.name)) AS name, any_value(coalesce(k.country, o.country)) AS country,
               e.type, mine.side, count(DISTINCT e.event_id) AS events
        FROM mine
        JOIN rows o ON o.event_id = mine.event_id AND o.side <> mine.side
        JOIN events e ON e.event_id = mine.event_id
        LEFT JOIN named k ON k.actor_id = o.actor_id
        WHERE {ASSERTED} AND o.actor_id IS NOT NULL AND o.actor_id <> ?
        GROUP BY o.actor_id, e.type, mine.side""", [reach.events, reach.actor_id, reach.actor_id])
    by_actor: dict[str, dict[str, Any]] = {}
    for row in rows:
        c = by_actor.setdefault(row["actor_id"], {"actor_id": row["actor_id"], "name": row["name"],
                                                   "country": row["country"], "events": 0, "by_type": defaultdict(int),
                                                   "as_source": 0, "as_target": 0})
        c["events"] += row["events"]
        c["by_type"][row["type"]] += row["events"]
        c["as_source" if row["side"] == "source" else "as_target"] += row["events"]
    out = sorted(by_actor.values(), key=lambda c: (-c["events"], c["name"] or "", c["actor_id"]))[:limit]
    for c in out:
        c["by_type"] = dict(sorted(c["by_type"].items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def list_corrections(store: "Store", actor_id: str | None = None) -> list[dict[str, Any]]:
    """The correction log, oldest first; with ``actor_id``, those naming it."""
    where, params = "", []
    if actor_id:
        where = "WHERE c.actor_id = ? OR c.target_id = ?"
        params = [actor_id, actor_id]
    return _rows(store, f"""
        SELECT c.*, coalesce(d.source_id, c.doc_id) AS document
        FROM actor_corrections c LEFT JOIN documents d ON d.doc_id = c.doc_id
        {where} ORDER BY c.correction_id""", params)


# --- correcting --------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _who(by: str | None) -> str | None:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): the log says nobody
        return None


def _log(con, action: str, actor_id: str, by: str | None, note: str | None, *, target_id: str | None = None,
         doc_id: str | None = None, field: str | None = None, value: str | None = None) -> dict[str, Any]:
    made_at = _now()
    row = con.execute(
        "INSERT INTO actor_corrections (made_at, made_by, action, actor_id, target_id, doc_id, field, value, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING correction_id",
        [made_at, _who(by), action, actor_id, target_id, doc_id, field, value, note],
    ).fetchone()
    return {"correction_id": row[0], "made_at": made_at, "action": action, "actor_id": actor_id,
            "target_id": target_id, "doc_id": doc_id, "field": field, "value": value, "note": note}


def merge(store: "Store", actor: str, into: str, *, by: str | None = None, note: str | None = None,
          kb: "KnowledgeBase | None" = None) -> dict[str, Any]:
    """From now on, every mention of ``actor`` (in every document) is ``into``."""
    source, target = find_actor(store, actor, kb), find_actor(store, into, kb)
    if source == target:
        raise CorrectionError(f"{actor!r} and {into!r} are already one actor ({target})")
    with store._transaction() as con:
        return _log(con, "merge", source, by, note, target_id=target)


def split(store: "Store", actor: str, doc: str, *, new_id: str | None = None, by: str | None = None,
          note: str | None = None, kb: "KnowledgeBase | None" = None) -> dict[str, Any]:
    """From now on, the mentions of ``actor`` in document ``doc`` are another actor
    (``new_id``, by default ``<actor>~<document>``)."""
    actor_id = find_actor(store, actor, kb)
    docs = _rows(store, "SELECT doc_id, coalesce(source_id, doc_id) AS public_id FROM documents "
                        "WHERE doc_id = ? OR source_id = ? ORDER BY doc_id = ? DESC", [doc, doc, doc])
    if not docs:
        raise CorrectionError(f"no stored document has the id {doc!r}")
    doc_id, public_id = docs[0]["doc_id"], docs[0]["public_id"]
    there = _rows(store, "SELECT count(*) AS n FROM mentions_corrected WHERE actor_id = ? AND doc_id = ?",
                  [actor_id, doc_id])[0]["n"]
    if not there:
        raise CorrectionError(f"{actor_id} is not mentioned in document {public_id}: nothing to split")
    new_id = new_id or f"{actor_id.split('@', 1)[0]}~{public_id}"
    taken = _rows(store, "SELECT 1 FROM actors_corrected WHERE actor_id = ? UNION ALL "
                         "SELECT 1 FROM actor_corrections WHERE target_id = ? OR actor_id = ?",
                  [new_id, new_id, new_id])
    if taken:
        raise CorrectionError(f"the id {new_id!r} is taken: choose another with --as")
    with store._transaction() as con:
        return _log(con, "split", actor_id, by, note, target_id=new_id, doc_id=doc_id)


def edit(store: "Store", actor: str, *, name: str | None = None, country: str | None = None,
         sector: str | None = None, by: str | None = None, note: str | None = None,
         kb: "KnowledgeBase | None" = None) -> list[dict[str, Any]]:
    """Set an actor's name, country or sector (one log entry per field)."""
    from communique.actors.kb import SPECIAL_COUNTRY_CODES, KnowledgeBase

    kb = kb or KnowledgeBase.default()
    changes = {"name": name.strip() if name else None, "country": country.strip().upper() if country else None,
               "sector": sector.strip().upper() if sector else None}
    changes = {k: v for k, v in changes.items() if v}
    if not changes:
        raise CorrectionError("nothing to change: give --name, --country or --sector")
    if "country" in changes and kb.country(changes["country"]) is None \
            and changes["country"] not in SPECIAL_COUNTRY_CODES:
        raise CorrectionError(f"country {changes['country']!r} is not an ISO 3166 alpha-3 code "
                              f"or one of {'/'.join(SPECIAL_COUNTRY_CODES)}")
    if "sector" in changes and changes["sector"] not in kb.sectors:
        raise CorrectionError(f"sector {changes['sector']!r} is not a sector (one of {' '.join(sorted(kb.sectors))})")
    actor_id = find_actor(store, actor, kb)
    with store._transaction() as con:
        return [_log(con, "edit", actor_id, by, note, field=field, value=value) for field, value in changes.items()]
