"""The flat event table: one row per event, the fields of the output contract.

The same query feeds ``Store.query_events`` (Python dicts), the CLI's ``events``
listing and ``export`` (CSV / Parquet / JSON Lines written by DuckDB itself, so an
export of millions of rows never passes through Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from communique.errors import ExportFormatError
from communique.store.rows import date_bounds

EXPORT_FORMATS = ("csv", "parquet", "jsonl")

# Participant fields listed per side, in the order the participants were stated.
PARTICIPANT_FIELDS = ("name", "actor_id", "kind", "country", "sector", "role", "org")
_PLURAL = {"name": "names", "actor_id": "actor_ids", "kind": "kinds", "country": "countries",
           "sector": "sectors", "role": "roles", "org": "orgs"}

# (column, SQL expression over `e` = events, `d` = documents, `s`/`t` = source/target sides, description)
_COLUMNS: tuple[tuple[str, str, str], ...] = (
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

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not self.include_unasserted:
            clauses.append("NOT (e.negated OR e.future OR e.hypothetical)")
        types = _as_list(self.type)
        if types:
            clauses.append("list_contains(?, e.type)")
            params.append([t.upper() for t in types])
        if self.actor:
            clauses.append(
                "EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = e.event_id"
                " AND (a.actor_id = ? OR contains(lower(a.name), lower(?))))"
            )
            params += [self.actor, self.actor]
        if self.country:
            clauses.append("EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = e.event_id AND a.country = ?)")
            params.append(self.country.upper())
        if self.date_from:
            clauses.append("e.date_last >= ?")
            params.append(_bound(self.date_from, first=True))
        if self.date_to:
            clauses.append("e.date_first <= ?")
            params.append(_bound(self.date_to, first=False))
        if self.doc_id:
            clauses.append("(e.doc_id = ? OR e.doc_id IN (SELECT doc_id FROM documents WHERE source_id = ?))")
            params += [self.doc_id, self.doc_id]
        return (" AND ".join(clauses) or "TRUE"), params


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


def flat_events_sql(filters: EventFilters, for_csv: bool = False) -> tuple[str, list[Any]]:
    """SELECT of the flat event table; lists are joined with '; ' when ``for_csv``."""
    where, params = filters.where()
    limit = ""
    if filters.limit is not None and filters.limit > 0:
        limit = "LIMIT ?"
        params.append(int(filters.limit))
    order = "e.date_first NULLS LAST, e.doc_id, e.trigger_start, e.event_id"
    side_lists = ", ".join(f"list({f} ORDER BY position) AS {_PLURAL[f]}" for f in PARTICIPANT_FIELDS)
    columns = []
    for name, expr, _ in _COLUMNS:
        if for_csv and name in LIST_COLUMNS:
            expr = f"array_to_string(list_transform({expr}, lambda v: coalesce(CAST(v AS VARCHAR), '')), '; ')"
        columns.append(f"{expr} AS {name}")
    sql = f"""
        WITH picked AS (
            SELECT * FROM events e WHERE {where} ORDER BY {order} {limit}
        ), sides AS (
            SELECT event_id, side, {side_lists}
            FROM event_actors WHERE event_id IN (SELECT event_id FROM picked)
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
