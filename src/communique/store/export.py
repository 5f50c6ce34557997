"""The flat tables: one row per event, per incident or per mention.

The same queries feed ``Store.query_events`` (Python dicts), the CLI's ``events``
listing and ``export`` (CSV / Parquet / JSON Lines written by DuckDB itself, so an
export of millions of rows never passes through Python).  Every row says in its
``unit`` column which of the three it is:

* ``mention`` — one place in one document where an act is stated;
* ``event`` — one act in one document (its mentions merged: ``Pipeline``);
* ``incident`` — one real-world act reported by one or more documents (their
  events merged: ``communique.dedup``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from communique.errors import ExportFormatError
from communique.store.rows import date_bounds

EXPORT_FORMATS = ("csv", "parquet", "jsonl")
UNITS = ("event", "incident", "mention")

# Participant fields listed per side, in the order the participants were stated.
PARTICIPANT_FIELDS = ("name", "actor_id", "kind", "country", "sector", "role", "org")
_PLURAL = {"name": "names", "actor_id": "actor_ids", "kind": "kinds", "country": "countries",
           "sector": "sectors", "role": "roles", "org": "orgs"}

# (column, SQL expression over `e` = events, `d` = documents, `s`/`t` = source/target sides, description)
_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("unit", "'event'", "what one row is: `event` (one act in one document)"),
    ("doc_id", "coalesce(d.source_id, e.doc_id)", "the input's own id (JSONL `id`), else the content hash"),
    ("doc_hash", "e.doc_id", "content hash of the document text and URL"),
    ("event_id", "e.event_id", "stable event id"),
    ("type", "e.type", "PLOVER event type"),
    ("mode", "e.mode", "PLOVER mode (e.g. visit, phone)"),
    ("contexts", "e.contexts", "PLOVER contexts"),
    ("cameo", "e.cameo", "CAMEO code"),
    ("quad_class", "e.quad_class", "CAMEO quad class: 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict"),
    ("goldstein", "e.goldstein", "Goldstein score of the CAMEO code"),
    ("plover_score", "e.plover_score", "PLOVER intensity score"),
    *(
        (f"{side_name}_{_PLURAL[f]}", f"coalesce({alias}.{_PLURAL[f]}, [])", f"{side_name} participants' {f}")
        for side_name, alias in (("source", "s"), ("target", "t"))
        for f in PARTICIPANT_FIELDS
    ),
    ("date", "e.date", "event date: YYYY-MM-DD, YYYY-MM or YYYY"),
    ("date_precision", "e.date_precision", "day, month or year"),
    ("date_end", "e.date_end", "end of a date range"),
    ("date_span_start", "e.date_span_start", "character offset of the date expression"),
    ("date_span_end", "e.date_span_end", ""),
    ("location_name", "e.location_name", "event location"),
    ("location_country", "e.location_country", "ISO 3166 alpha-3"),
    ("location_lat", "e.location_lat", ""),
    ("location_lon", "e.location_lon", ""),
    ("location_geonameid", "e.location_geonameid", "GeoNames id"),
    ("location_span_start", "e.location_span_start", "character offset of the place name"),
    ("location_span_end", "e.location_span_end", ""),
    ("sentence_start", "e.sentence_start", "character offsets of the sentence stating the event"),
    ("sentence_end", "e.sentence_end", ""),
    ("trigger_start", "e.trigger_start", "character offsets of the trigger words"),
    ("trigger_end", "e.trigger_end", ""),
    ("evidence", "e.evidence", "the words stating the event"),
    ("negated", "e.negated", "stated as not having happened"),
    ("future", "e.future", "planned or announced, not yet happened"),
    ("hypothetical", "e.hypothetical", "conditional, demanded or possible"),
    ("historical", "e.historical", "background: happened well before the document"),
    ("confidence", "round(e.confidence, 3)", "0..1"),
    ("rule", "e.rule", "the rule that coded the event"),
    ("extractor_version", "e.extractor_version", "communique extractor version"),
    ("title", "d.title", "document title"),
    ("published", "d.published", "document publication date"),
    ("publisher", "d.publisher", ""),
    ("url", "d.url", ""),
)

EXPORT_COLUMNS: tuple[str, ...] = tuple(name for name, _, _ in _COLUMNS)
COLUMN_DESCRIPTIONS: dict[str, str] = {name: text for name, _, text in _COLUMNS}
LIST_COLUMNS = frozenset(name for name, expr, _ in _COLUMNS if expr.startswith("coalesce(s.")
                         or expr.startswith("coalesce(t.") or name == "contexts")

# One row per incident (`i` = incidents, `m` = its members, `e` = the event it started
# from, `s`/`t` = that event's sides).
_INCIDENT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("unit", "'incident'", "`incident`: one real-world act, reported by one or more documents"),
    ("incident_id", "i.incident_id", "stable incident id"),
    ("type", "i.type", "PLOVER event type"),
    ("mode", "i.mode", "PLOVER mode (the first report that gives one)"),
    ("cameo", "i.cameo", "CAMEO code"),
    ("quad_class", "i.quad_class", "CAMEO quad class"),
    ("goldstein", "i.goldstein", "Goldstein score of the CAMEO code"),
    ("plover_score", "i.plover_score", "PLOVER intensity score"),
    *(
        (f"{side_name}_{_PLURAL[f]}", f"coalesce({alias}.{_PLURAL[f]}, [])",
         f"{side_name} participants' {f}, as the first report states them")
        for side_name, alias in (("source", "s"), ("target", "t"))
        for f in ("name", "actor_id", "country")
    ),
    ("date", "i.date", "the earliest date reported"),
    ("date_first", "i.date_first", "first day of the incident"),
    ("date_last", "i.date_last", "last day of the incident"),
    ("location_name", "i.location_name", "where (the first report that names a place)"),
    ("location_country", "i.location_country", "ISO 3166 alpha-3"),
    ("location_lat", "i.location_lat", ""),
    ("location_lon", "i.location_lon", ""),
    ("location_geonameid", "i.location_geonameid", "GeoNames id"),
    ("num_mentions", "i.num_mentions", "mentions in all reports (GDELT NumMentions)"),
    ("num_documents", "i.num_documents", "documents reporting it (GDELT NumArticles)"),
    ("num_publishers", "i.num_publishers", "publishers reporting it (GDELT NumSources)"),
    ("event_ids", "m.event_ids", "the events merged, first the one the incident started from"),
    ("doc_ids", "m.doc_ids", "their documents (input ids, else content hashes)"),
    ("publishers", "coalesce(m.publishers, [])", "the named publishers"),
    ("evidence", "e.evidence", "the words of the first report"),
    ("negated", "i.negated", "stated as not having happened"),
    ("future", "i.future", "planned or announced, not yet happened"),
    ("hypothetical", "i.hypothetical", "conditional, demanded or possible"),
    ("explanation", "i.explanation", "why these reports were merged (communique/data/incident_rules.yaml)"),
)
INCIDENT_COLUMNS: tuple[str, ...] = tuple(name for name, _, _ in _INCIDENT_COLUMNS)
INCIDENT_LIST_COLUMNS = frozenset(name for name, expr, _ in _INCIDENT_COLUMNS
                                  if expr.startswith(("coalesce(s.", "coalesce(t.", "m.", "coalesce(m.")))

# One row per mention: the event's columns, and where this mention is.
_MENTION_EXTRA: tuple[tuple[str, str], ...] = (
    ("mention_start", "character offsets of this mention (the trigger is the first)"),
    ("mention_end", ""),
    ("mention_text", "the words of this mention"),
)
MENTION_COLUMNS: tuple[str, ...] = EXPORT_COLUMNS + tuple(name for name, _ in _MENTION_EXTRA)
UNIT_COLUMNS: dict[str, tuple[str, ...]] = {"event": EXPORT_COLUMNS, "incident": INCIDENT_COLUMNS,
                                            "mention": MENTION_COLUMNS}
INCIDENT_COLUMN_DESCRIPTIONS: dict[str, str] = {name: text for name, _, text in _INCIDENT_COLUMNS}
MENTION_COLUMN_DESCRIPTIONS: dict[str, str] = dict(_MENTION_EXTRA)


@dataclass(frozen=True)
class EventFilters:
    """What a user may narrow the event table by; all optional, combined with AND."""

    type: str | Sequence[str] | None = None
    actor: str | None = None  # actor_id, or part of a name (case-insensitive)
    country: str | None = None  # ISO alpha-3 of any source or target participant
    date_from: date | str | None = None  # events whose period ends on or after this day
    date_to: date | str | None = None  # events whose period starts on or before this day
    include_unasserted: bool = False  # negated, future and hypothetical events too
    doc_id: str | None = None  # content hash or input id
    limit: int | None = None
    corrections: bool = True  # people's corrections of events and actors applied; False: as extracted

    def where(self, unit: str = "event") -> tuple[str, list[Any]]:
        """The WHERE clause over ``e`` (events) or, for incidents, ``i`` (incidents)."""
        alias = "i" if unit == "incident" else "e"
        incident = unit == "incident"
        participants = _tables(self)["event_actors"]
        clauses: list[str] = []
        params: list[Any] = []
        if not self.include_unasserted:
            clauses.append(f"NOT ({alias}.negated OR {alias}.future OR {alias}.hypothetical)")
        types = _as_list(self.type)
        if types:
            clauses.append(f"list_contains(?, {alias}.type)")
            params.append([t.upper() for t in types])

        def about_actors(condition: str) -> str:
            # an incident is about an actor when any of its events is (one join, not a correlated query)
            if incident:
                return (f"i.incident_id IN (SELECT ie.incident_id FROM incident_events ie JOIN {participants} a"
                        f" ON a.event_id = ie.event_id WHERE {condition})")
            return f"EXISTS (SELECT 1 FROM {participants} a WHERE a.event_id = e.event_id AND {condition})"

        if self.actor:
            clauses.append(about_actors("(a.actor_id = ? OR contains(lower(a.name), lower(?)))"))
            params += [self.actor, self.actor]
        if self.country:
            clauses.append(about_actors("a.country = ?"))
            params.append(self.country.upper())
        if self.date_from:
            clauses.append(f"{alias}.date_last >= ?")
            params.append(_bound(self.date_from, first=True))
        if self.date_to:
            clauses.append(f"{alias}.date_first <= ?")
            params.append(_bound(self.date_to, first=False))
        if self.doc_id:
            docs = "(SELECT doc_id FROM documents WHERE doc_id = ? OR source_id = ?)"
            if incident:
                clauses.append(f"EXISTS (SELECT 1 FROM incident_events ie WHERE ie.incident_id = i.incident_id"
                               f" AND ie.doc_id IN {docs})")
            else:
                clauses.append(f"e.doc_id IN {docs}")
            params += [self.doc_id, self.doc_id]
        return (" AND ".join(clauses) or "TRUE"), params


# The tables a flat table reads: with people's corrections (schema 4 and 5) or as extracted.
_CORRECTED = {"events": "events_corrected", "event_actors": "event_actors_corrected"}
_EXTRACTED = {"events": "events", "event_actors": "event_actors"}


def _tables(filters: Any) -> dict[str, str]:
    return _CORRECTED if getattr(filters, "corrections", True) else _EXTRACTED


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v]


def _bound(value: date | str, first: bool) -> date:
    """A filter date; "2019" or "2019-08" mean the whole year or month."""
    if isinstance(value, date):
        return value
    low, high = date_bounds(str(value))
    bound = low if first else high
    if bound is None:
        raise ValueError(f"not a date: {value!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    return bound


def _select(columns: Sequence[tuple[str, str, str]], list_columns: frozenset[str], for_csv: bool) -> str:
    out = []
    for name, expr, _ in columns:
        if for_csv and name in list_columns:
            expr = f"array_to_string(list_transform({expr}, lambda v: coalesce(CAST(v AS VARCHAR), '')), '; ')"
        out.append(f"{expr} AS {name}")
    return ", ".join(out)


def _limit(filters: EventFilters, params: list[Any]) -> str:
    if filters.limit is not None and filters.limit > 0:
        params.append(int(filters.limit))
        return "LIMIT ?"
    return ""


def flat_sql(unit: str, filters: EventFilters, for_csv: bool = False) -> tuple[str, list[Any]]:
    """SELECT of the flat table of a unit: ``event``, ``incident`` or ``mention``."""
    if unit == "event":
        return flat_events_sql(filters, for_csv)
    if unit == "incident":
        return flat_incidents_sql(filters, for_csv)
    if unit == "mention":
        return flat_mentions_sql(filters, for_csv)
    raise ValueError(f"unknown unit {unit!r}: choose one of {', '.join(UNITS)}")


def flat_incidents_sql(filters: EventFilters, for_csv: bool = False) -> tuple[str, list[Any]]:
    where, params = filters.where("incident")
    limit = _limit(filters, params)
    order = "i.date_first NULLS LAST, i.incident_id"
    side_lists = ", ".join(f"list({f} ORDER BY position) AS {_PLURAL[f]}" for f in ("name", "actor_id", "country"))
    sql = f"""
        WITH picked AS (
            SELECT * FROM incidents i WHERE {where} ORDER BY {order} {limit}
        ), m AS (
            SELECT ie.incident_id, list(ie.event_id ORDER BY ie.position) AS event_ids,
                   list(coalesce(d.source_id, d.doc_id) ORDER BY ie.position) AS doc_ids,
                   list(DISTINCT d.publisher ORDER BY d.publisher) FILTER (WHERE d.publisher IS NOT NULL) AS publishers
            FROM incident_events ie JOIN documents d ON d.doc_id = ie.doc_id
            WHERE ie.incident_id IN (SELECT incident_id FROM picked)
            GROUP BY ie.incident_id
        ), sides AS (
            SELECT event_id, side, {side_lists}
            FROM {_tables(filters)["event_actors"]} WHERE event_id IN (SELECT first_event_id FROM picked)
            GROUP BY event_id, side
        )
        SELECT {_select(_INCIDENT_COLUMNS, INCIDENT_LIST_COLUMNS, for_csv)}
        FROM picked i
        JOIN m ON m.incident_id = i.incident_id
        JOIN events e ON e.event_id = i.first_event_id
        LEFT JOIN sides s ON s.event_id = i.first_event_id AND s.side = 'source'
        LEFT JOIN sides t ON t.event_id = i.first_event_id AND t.side = 'target'
        ORDER BY {order}
    """
    return sql, params


def flat_mentions_sql(filters: EventFilters, for_csv: bool = False) -> tuple[str, list[Any]]:
    """One row per mention: the trigger of each event, then its further mentions."""
    unlimited = EventFilters(**{**filters.__dict__, "limit": None})
    events_sql, params = flat_events_sql(unlimited, for_csv)
    limit = _limit(filters, params)
    sql = f"""
        WITH flat AS ({events_sql}),
        spans AS (
            SELECT event_id, 0 AS n, trigger_start AS mention_start, trigger_end AS mention_end
            FROM events WHERE event_id IN (SELECT event_id FROM flat)
            UNION ALL
            SELECT event_id, row_number() OVER (PARTITION BY event_id ORDER BY span_start, span_end),
                   span_start, span_end
            FROM event_mentions WHERE event_id IN (SELECT event_id FROM flat)
        )
        SELECT 'mention' AS unit, flat.* EXCLUDE (unit), sp.mention_start, sp.mention_end,
               substr(d.text, sp.mention_start + 1, sp.mention_end - sp.mention_start) AS mention_text
        FROM flat JOIN spans sp ON sp.event_id = flat.event_id
        JOIN events ev ON ev.event_id = flat.event_id
        JOIN documents d ON d.doc_id = flat.doc_hash
        ORDER BY ev.date_first NULLS LAST, ev.doc_id, ev.trigger_start, ev.event_id, sp.n
        {limit}
    """
    return sql, params


def flat_events_sql(filters: EventFilters, for_csv: bool = False) -> tuple[str, list[Any]]:
    """SELECT of the flat event table; lists are joined with '; ' when ``for_csv``."""
    where, params = filters.where()
    limit = _limit(filters, params)
    tables = _tables(filters)
    order = "e.date_first NULLS LAST, e.doc_id, e.trigger_start, e.event_id"
    side_lists = ", ".join(f"list({f} ORDER BY position) AS {_PLURAL[f]}" for f in PARTICIPANT_FIELDS)
    columns = [_select(_COLUMNS, LIST_COLUMNS, for_csv)]
    sql = f"""
        WITH picked AS (
            SELECT * FROM {tables["events"]} e WHERE {where} ORDER BY {order} {limit}
        ), sides AS (
            SELECT event_id, side, {side_lists}
            FROM {tables["event_actors"]} WHERE event_id IN (SELECT event_id FROM picked)
            GROUP BY event_id, side
        )
        SELECT {", ".join(columns)}
        FROM picked e
        JOIN documents d ON d.doc_id = e.doc_id
        LEFT JOIN sides s ON s.event_id = e.event_id AND s.side = 'source'
        LEFT JOIN sides t ON t.event_id = e.event_id AND t.side = 'target'
        ORDER BY {order}
    """
    return sql, params


def copy_sql(fmt: str) -> str:
    """The COPY options for an export format."""
    options = {
        "csv": "(FORMAT csv, HEADER true)",
        "parquet": "(FORMAT parquet, COMPRESSION zstd)",
        "jsonl": "(FORMAT json)",
    }
    try:
        return options[fmt]
    except KeyError:
        raise ExportFormatError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}") from None


def format_for(path: str, fmt: str | None) -> str:
    """The export format given, or the one the file name implies."""
    if fmt:
        fmt = fmt.lower()
        copy_sql(fmt)
        return fmt
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    guessed = {"csv": "csv", "parquet": "parquet", "pq": "parquet", "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl"}
    if suffix not in guessed:
        raise ExportFormatError(f"cannot tell the export format from {path!r}: pass --format csv|parquet|jsonl")
    return guessed[suffix]
