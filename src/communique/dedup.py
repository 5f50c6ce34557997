"""Incidents: the same real-world act reported by several documents, counted once.

Three units, three levels of deduplication:

* a **mention** is one place in a document where an act is stated;
* an **event** is one act in one document: ``Pipeline._merge_duplicates`` merges
  its mentions;
* an **incident** is one act in the world: this module merges the events of
  different documents, by the rules of ``communique/data/incident_rules.yaml``,
  and counts its mentions, documents and publishers (GDELT's NumMentions,
  NumArticles and NumSources).

The merge is greedy and deterministic: events are grouped by type, actors and
assertion, sorted by date, document and position, and each joins the first open
incident of its group it is compatible with (dated within ``max_days_apart`` of
the incident's first day, a compatible place, a document not yet in it) or starts
a new one.  The result depends only on the events stored, not on the order they
were ingested in, so a resumed or distributed ingest builds the same incidents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb
import pyarrow as pa
import yaml


PLACE_POLICIES = ("same_or_none", "same", "ignore")


@dataclass(frozen=True)
class IncidentRules:
    direction_insensitive: frozenset[str] = frozenset({"CONSULT"})
    max_days_apart: int = 1
    require_day_precision: bool = True
    place: str = "same_or_none"
    require_actors: bool = True
    same_assertion: bool = True
    one_event_per_document: bool = True

    def __post_init__(self) -> None:
        if self.place not in PLACE_POLICIES:
            raise ValueError(f"incident rules: place must be one of {', '.join(PLACE_POLICIES)}, not {self.place!r}")
        if self.max_days_apart < 0:
            raise ValueError("incident rules: max_days_apart must be 0 or more")

    @property
    def digest(self) -> str:
        """Changes when a rule does: the store rebuilds incidents built with other rules."""
        plain = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in self.__dict__.items()}
        return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> "IncidentRules":
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"incident rules: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        values = dict(data)
        if "direction_insensitive" in values:
            values["direction_insensitive"] = frozenset(str(t).upper() for t in values["direction_insensitive"] or ())
        return cls(**values)


@lru_cache(maxsize=8)
def load_rules(path: str | Path | None = None) -> IncidentRules:
    """The shipped rules, or those of a YAML file of the same shape."""
    if path is None:
        text = (resources.files("communique") / "data" / "incident_rules.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return IncidentRules.from_mapping(yaml.safe_load(text) or {})


# --- the merge ---------------------------------------------------------------------

@dataclass(slots=True)
class Report:
    """What the merge needs to know about one event."""

    event_id: str
    doc_id: str
    type: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    day: date | None  # the event's first day, when dated to the day
    precision: str | None
    place: str | None = None  # GeoNames id, else the lower-cased name
    place_name: str | None = None
    negated: bool = False
    future: bool = False
    hypothetical: bool = False


@dataclass(slots=True)
class Member:
    incident_id: str
    event_id: str
    doc_id: str
    position: int
    reason: str


@dataclass(slots=True)
class _Open:
    incident_id: str
    first_day: date
    last_day: date
    place: str | None
    place_name: str | None
    docs: set[str] = field(default_factory=set)
    size: int = 1


def incident_id(first_event_id: str) -> str:
    """Stable: named after the event it started from."""
    return f"i-{first_event_id}"


def group_key(report: Report, rules: IncidentRules) -> tuple:
    if report.type in rules.direction_insensitive:
        actors: tuple = ("~", tuple(sorted(set(report.source) | set(report.target))))
    else:
        actors = (tuple(sorted(set(report.source))), tuple(sorted(set(report.target))))
    flags = (report.negated, report.future, report.hypothetical) if rules.same_assertion else ()
    return (report.type, actors, flags)


def sort_key(report: Report, rules: IncidentRules) -> tuple:
    return (group_key(report, rules), report.day or date.max, report.doc_id, report.event_id)


def _why_alone(report: Report, rules: IncidentRules) -> str | None:
    if rules.require_actors and not (report.source or report.target):
        return "not merged: no actor"
    if report.day is None:
        return "not merged: undated"
    if rules.require_day_precision and report.precision != "day":
        return f"not merged: dated only to the {report.precision}"
    return None


def _place_fits(incident: _Open, report: Report, rules: IncidentRules) -> bool:
    if rules.place == "ignore":
        return True
    if rules.place == "same":
        return incident.place == report.place
    return incident.place is None or report.place is None or incident.place == report.place


def _join_reason(incident: _Open, report: Report, rules: IncidentRules) -> str:
    days = (report.day - incident.first_day).days  # type: ignore[operator]
    when = "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} after"
    sides = "the same participants (either side)" if report.type in rules.direction_insensitive else "the same source and target"
    if report.place and incident.place == report.place:
        where = f"the same place ({report.place_name})"
    elif report.place is None and incident.place is None:
        where = "no place stated"
    elif report.place is None:
        where = f"no place stated (the incident's: {incident.place_name})"
    else:
        where = f"place {report.place_name}, the incident had none"
    return f"joined: same type {report.type}, {sides}, {report.day} is {when} the first report ({incident.first_day}), {where}"


def merge(reports: Iterable[Report], rules: IncidentRules) -> Iterator[Member]:
    """Incident membership of events sorted by :func:`sort_key` (the caller sorts, so that a
    database can do it on disk).  Yields one Member per event."""
    current_key: tuple | None = None
    open_: list[_Open] = []
    for report in reports:
        key = group_key(report, rules)
        if key != current_key:
            current_key, open_ = key, []
        alone = _why_alone(report, rules)
        if alone is not None:
            yield Member(incident_id(report.event_id), report.event_id, report.doc_id, 0, alone)
            continue
        day = report.day
        assert day is not None
        # sorted by day: an incident whose first day is too far back never matches again
        open_ = [o for o in open_ if (day - o.first_day).days <= rules.max_days_apart]
        chosen = next((o for o in open_ if _place_fits(o, report, rules)
                       and not (rules.one_event_per_document and report.doc_id in o.docs)), None)
        if chosen is None:
            chosen = _Open(incident_id(report.event_id), day, day, report.place, report.place_name, {report.doc_id})
            open_.append(chosen)
            yield Member(chosen.incident_id, report.event_id, report.doc_id, 0, "first report")
            continue
        reason = _join_reason(chosen, report, rules)
        if chosen.place is None and report.place is not None:
            chosen.place, chosen.place_name = report.place, report.place_name
        chosen.docs.add(report.doc_id)
        chosen.last_day = max(chosen.last_day, day)
        yield Member(chosen.incident_id, report.event_id, report.doc_id, chosen.size, reason)
        chosen.size += 1


# --- in the store ------------------------------------------------------------------

# Every event with its group key (type, actors, assertion) and, when it can never be
# merged, why.  Most groups hold one event: those are settled here in SQL, and only
# the events of groups that may merge go through `merge` in Python.
_CANDIDATES_SQL = """
    CREATE TEMP TABLE incident_candidates AS
    WITH sides AS (
        SELECT event_id,
               list_sort(list(DISTINCT actor_id) FILTER (WHERE side = 'source' AND actor_id IS NOT NULL)) AS src,
               list_sort(list(DISTINCT actor_id) FILTER (WHERE side = 'target' AND actor_id IS NOT NULL)) AS tgt
        FROM event_actors GROUP BY event_id
    ), keyed AS (
        SELECT e.event_id, e.doc_id, e.type, coalesce(s.src, []) AS src, coalesce(s.tgt, []) AS tgt,
               e.date_first AS day, e.date_precision,
               coalesce(CAST(e.location_geonameid AS VARCHAR), lower(e.location_name)) AS place,
               e.location_name, e.negated, e.future, e.hypothetical
        FROM events e LEFT JOIN sides s USING (event_id)
    ), grouped AS (
        SELECT *,
               CASE WHEN list_contains($insensitive, type)
                    THEN '~' || array_to_string(list_sort(list_distinct(list_concat(src, tgt))), chr(31))
                    ELSE array_to_string(src, chr(31)) || chr(30) || array_to_string(tgt, chr(31)) END AS actor_key,
               CASE WHEN $require_actors AND len(src) + len(tgt) = 0 THEN 'not merged: no actor'
                    WHEN day IS NULL THEN 'not merged: undated'
                    WHEN $require_day AND date_precision IS DISTINCT FROM 'day'
                         THEN 'not merged: dated only to the ' || coalesce(date_precision, '?')
               END AS alone
        FROM keyed
    )
    SELECT *, count(*) FILTER (WHERE alone IS NULL) OVER (PARTITION BY type, actor_key {flags}) AS group_size
    FROM grouped
"""


def _reports(con: duckdb.DuckDBPyConnection, flags: str, chunk: int = 100_000) -> Iterator[Report]:
    """The events of groups that may merge, sorted as `merge` needs them: by group, then day."""
    query = con.sql(f"""SELECT * FROM incident_candidates WHERE alone IS NULL AND group_size > 1
                        ORDER BY type, actor_key {flags}, day, doc_id, event_id""")
    for batch in query.to_arrow_reader(chunk):
        columns = batch.to_pydict()
        for row in zip(columns["event_id"], columns["doc_id"], columns["type"], columns["src"], columns["tgt"],
                       columns["day"], columns["date_precision"], columns["place"], columns["location_name"],
                       columns["negated"], columns["future"], columns["hypothetical"]):
            yield Report(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]), row[5], row[6], row[7], row[8],
                         bool(row[9]), bool(row[10]), bool(row[11]))


_INCIDENTS_SQL = """
    INSERT INTO incidents
    WITH m AS (
        SELECT ie.incident_id, ie.position, ie.reason, e.*, d.publisher,
               ie.position + CASE WHEN e.mode IS NULL THEN 1000000000 ELSE 0 END AS by_mode,
               ie.position + CASE WHEN e.location_name IS NULL THEN 1000000000 ELSE 0 END AS by_place
        FROM incident_events ie JOIN events e USING (event_id) JOIN documents d ON d.doc_id = e.doc_id
    )
    SELECT incident_id, arg_min(type, position), arg_min(mode, by_mode), arg_min(cameo, by_mode),
           arg_min(quad_class, by_mode), arg_min(goldstein, by_mode), arg_min(plover_score, position),
           min(date_first), max(date_last), arg_min(date, position),
           arg_min(location_name, by_place), arg_min(location_country, by_place),
           arg_min(location_lat, by_place), arg_min(location_lon, by_place), arg_min(location_geonameid, by_place),
           bool_or(negated), bool_or(future), bool_or(hypothetical),
           sum(1 + len(coalesce(mention_starts, []))), count(DISTINCT doc_id),
           count(DISTINCT coalesce(lower(trim(publisher)), 'document:' || doc_id)),
           arg_min(event_id, position),
           CASE WHEN count(*) = 1 THEN replace(arg_min(reason, position), 'first report',
                                                'one report: no other document reports it')
                ELSE count(*) || ' reports in ' || count(DISTINCT doc_id) || ' documents merged: ' ||
                     string_agg(reason, '; ' ORDER BY position) FILTER (WHERE position > 0) END
    FROM m GROUP BY incident_id
"""

_MEMBER_SCHEMA = pa.schema([("incident_id", pa.string()), ("event_id", pa.string()), ("doc_id", pa.string()),
                            ("position", pa.int32()), ("reason", pa.string())])


def rebuild(con: duckdb.DuckDBPyConnection, rules: IncidentRules, chunk: int = 200_000) -> int:
    """Rebuild the incidents and incident_events tables from the events (in the caller's
    transaction).  Returns the number of incidents."""
    flags = ", negated, future, hypothetical" if rules.same_assertion else ""
    con.execute("DROP TABLE IF EXISTS incident_candidates")
    con.execute(_CANDIDATES_SQL.format(flags=flags), {
        "insensitive": sorted(rules.direction_insensitive), "require_actors": rules.require_actors,
        "require_day": rules.require_day_precision,
    })
    # the sort runs in DuckDB (on disk if need be); members come back in Arrow chunks
    members = list(_member_batches(merge(_reports(con, flags), rules), chunk))
    con.execute("DELETE FROM incident_events")
    con.execute("DELETE FROM incidents")
    con.execute("""INSERT INTO incident_events
                   SELECT 'i-' || event_id, event_id, doc_id, 0, coalesce(alone, 'first report')
                   FROM incident_candidates WHERE alone IS NOT NULL OR group_size <= 1""")
    for table in members:
        con.register("incoming_members", table)
        try:
            con.execute("INSERT INTO incident_events SELECT * FROM incoming_members")
        finally:
            con.unregister("incoming_members")
    con.execute("DROP TABLE incident_candidates")
    con.execute(_INCIDENTS_SQL)
    return int(con.execute("SELECT count(*) FROM incidents").fetchall()[0][0])


def _member_batches(members: Iterable[Member], chunk: int) -> Iterator[pa.Table]:
    columns: dict[str, list] = {name: [] for name in _MEMBER_SCHEMA.names}
    for m in members:
        columns["incident_id"].append(m.incident_id)
        columns["event_id"].append(m.event_id)
        columns["doc_id"].append(m.doc_id)
        columns["position"].append(m.position)
        columns["reason"].append(m.reason)
        if len(columns["event_id"]) >= chunk:
            yield pa.table(columns, schema=_MEMBER_SCHEMA)
            columns = {name: [] for name in _MEMBER_SCHEMA.names}
    if columns["event_id"]:
        yield pa.table(columns, schema=_MEMBER_SCHEMA)
