"""Extraction → rows of the store's tables (plain dicts keyed by column name)."""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from communique.model import EXTRACTOR_VERSION, Event, Extraction, Participant, Span, TimeValue, to_plain

Rows = dict[str, list[dict[str, Any]]]

_NAMING_FIELDS = ("source", "source_id", "title", "publisher")


def fingerprint(extraction: Extraction) -> str:
    """A hash of the text and of everything extracted from it: equal fingerprints → nothing
    to write.  What only names a document (where it was read, its id, title and publisher)
    is left out, so moving a file rewrites nothing, and a text that comes twice under two
    ids (wire copies) is stored once, under the first, on every run — instead of the
    copies replacing each other."""
    plain = to_plain(extraction)
    for naming in _NAMING_FIELDS:
        plain["document"].pop(naming, None)
    payload = json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class PreparedDocument:
    """One document's rows, ready to write.  Engines build these where the NLP ran
    (a worker process, a Ray actor) so the writer only inserts; plain data, picklable."""

    doc_id: str
    fingerprint: str
    rows: Rows  # the documents row's ingested_at is set when written
    source_id: str | None = None
    source: str | None = None

    @property
    def events(self) -> int:
        return len(self.rows.get("events", ()))


def prepare(extraction: Extraction) -> PreparedDocument:
    doc = extraction.document
    fp = fingerprint(extraction)
    return PreparedDocument(doc.doc_id, fp, extraction_rows(extraction, fp, None), doc.source_id, doc.source)


def extractor_version(extraction: Extraction) -> str:
    versions = {event.extractor_version for event in extraction.events}
    return max(versions) if versions else EXTRACTOR_VERSION


def date_bounds(value: str | None, end: str | None = None) -> tuple[date | None, date | None]:
    """First and last day a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD), or a range, may mean."""
    first = _first_day(value)
    last = _last_day(end) or _last_day(value)
    if first is None or last is None:
        return first, last
    return first, max(first, last)


def _parts(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        parts = [int(p) for p in value.strip().split("-")]
    except ValueError:
        return None
    return parts if 1 <= len(parts) <= 3 else None


def _first_day(value: str | None) -> date | None:
    parts = _parts(value)
    if parts is None:
        return None
    try:
        return date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError:
        return None


def _last_day(value: str | None) -> date | None:
    parts = _parts(value)
    if parts is None:
        return None
    try:
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return date(*parts)
    except ValueError:
        return None


def _start(span: Span | None) -> int | None:
    return span.start if span else None


def _end(span: Span | None) -> int | None:
    return span.end if span else None


def extraction_rows(extraction: Extraction, extraction_hash: str, ingested_at: datetime | None) -> Rows:
    """The rows one extraction adds to every per-document table, and its actors."""
    doc = extraction.document
    doc_id = doc.doc_id
    rows: Rows = {name: [] for name in (
        "documents", "events", "event_actors", "event_mentions", "actors", "actor_roles",
        "mentions", "instruments", "gatherings",
    )}
    rows["documents"].append({
        "doc_id": doc_id, "source_id": doc.source_id, "title": doc.title, "published": doc.published,
        "url": doc.url, "publisher": doc.publisher, "language": doc.language, "source": doc.source,
        "text": doc.text,
        "reference_date": extraction.reference_date.value if extraction.reference_date else None,
        "topics": list(extraction.topics), "warnings": list(extraction.warnings),
        "extractor_version": extractor_version(extraction), "extraction_hash": extraction_hash,
        "ingested_at": ingested_at,
    })
    seen_events: set[str] = set()
    for event in extraction.events:
        if not event.event_id:
            event.finalise_id()
        if event.event_id in seen_events:  # the same act coded twice: keep the first
            continue
        seen_events.add(event.event_id)
        rows["events"].append(_event_row(event, doc_id))
        for side, participants in (("source", event.source), ("target", event.target)):
            rows["event_actors"].extend(
                _participant_row(p, event.event_id, doc_id, side, position)
                for position, p in enumerate(participants)
            )
        rows["event_mentions"].extend(
            {"event_id": event.event_id, "doc_id": doc_id, "span_start": s.start, "span_end": s.end}
            for s in event.mentions
        )
    for actor in extraction.actors:
        rows["actors"].append({
            "actor_id": actor.actor_id, "name": actor.name, "kind": actor.kind, "country": actor.country,
            "sector": actor.sector, "aliases": list(actor.aliases), "qid": actor.qid,
        })
        rows["actor_roles"].extend(
            {"actor_id": actor.actor_id, "doc_id": doc_id, "role": r.role, "org": r.org, "country": r.country,
             "sector": r.sector, "first_seen": r.first_seen, "last_seen": r.last_seen,
             "span_start": _start(r.span), "span_end": _end(r.span)}
            for r in actor.roles
        )
    rows["mentions"].extend(
        {"doc_id": doc_id, "actor_id": m.actor_id, "span_start": m.span.start, "span_end": m.span.end,
         "name": m.name, "kind": m.kind, "role": m.role, "org": m.org, "country": m.country,
         "sector": m.sector, "rule": m.rule,
         "antecedent_start": _start(m.antecedent), "antecedent_end": _end(m.antecedent)}
        for m in extraction.mentions
    )
    rows["instruments"].extend(
        {"doc_id": doc_id, "name": i.name, "kind": i.kind, "span_start": i.span.start, "span_end": i.span.end}
        for i in extraction.instruments
    )
    rows["gatherings"].extend(
        {"doc_id": doc_id, "name": g.name, "start_date": g.start, "end_date": g.end,
         "location_name": g.location.name if g.location else None,
         "location_country": g.location.country if g.location else None,
         "span_start": g.span.start, "span_end": g.span.end}
        for g in extraction.gatherings
    )
    return rows


def _event_row(event: Event, doc_id: str) -> dict[str, Any]:
    when: TimeValue | None = event.date
    first, last = date_bounds(when.value, when.end) if when else (None, None)
    place = event.location
    return {
        "event_id": event.event_id, "doc_id": doc_id, "type": event.type, "mode": event.mode,
        "contexts": list(event.contexts), "cameo": event.cameo, "quad_class": event.quad_class,
        "goldstein": event.goldstein, "plover_score": event.plover_score,
        "date": when.value if when else None, "date_precision": when.precision if when else None,
        "date_end": when.end if when else None, "date_first": first, "date_last": last,
        "date_span_start": _start(when.span) if when else None,
        "date_span_end": _end(when.span) if when else None,
        "date_rule": when.rule if when else None,
        "location_name": place.name if place else None,
        "location_country": place.country if place else None,
        "location_lat": place.lat if place else None, "location_lon": place.lon if place else None,
        "location_geonameid": place.geonameid if place else None,
        "location_span_start": _start(place.span) if place else None,
        "location_span_end": _end(place.span) if place else None,
        "location_rule": place.rule if place else None,
        "sentence_start": event.sentence_span.start, "sentence_end": event.sentence_span.end,
        "trigger_start": event.trigger_span.start, "trigger_end": event.trigger_span.end,
        "mention_starts": [s.start for s in event.mentions], "mention_ends": [s.end for s in event.mentions],
        "evidence": event.evidence, "negated": event.negated, "future": event.future,
        "hypothetical": event.hypothetical, "historical": event.historical,
        "confidence": event.confidence, "rule": event.rule, "extractor_version": event.extractor_version,
    }


def _participant_row(p: Participant, event_id: str, doc_id: str, side: str, position: int) -> dict[str, Any]:
    return {
        "event_id": event_id, "doc_id": doc_id, "side": side, "position": position,
        "actor_id": p.actor_id, "name": p.name, "kind": p.kind, "country": p.country, "sector": p.sector,
        "role": p.role, "org": p.org, "span_start": p.span.start, "span_end": p.span.end, "rule": p.rule,
    }
