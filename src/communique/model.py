"""The one place where communique's types live.

Every stage of the pipeline speaks in these types; nothing here imports the
rest of the package.  Offsets are character offsets into ``Document.text``
(the original, un-normalised text), end-exclusive.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

EXTRACTOR_VERSION = "0.1.0"


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short, stable content hash: same inputs, same id, on every machine."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]

    @classmethod
    def from_list(cls, value: Iterable[int] | None) -> "Span | None":
        if value is None:
            return None
        start, end = value
        return cls(int(start), int(end))


@dataclass(slots=True)
class Document:
    """One input text.  ``doc_id`` is a content hash; ``source_id`` is the id the
    input gave it (the JSONL ``id``), which output files use to join with gold."""

    text: str
    doc_id: str = ""
    source_id: str | None = None
    title: str | None = None
    published: date | None = None
    url: str | None = None
    publisher: str | None = None
    language: str = "en"
    source: str | None = None  # where it was read: "path" or "path:line"

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = self.content_id(self.text, self.url)

    @staticmethod
    def content_id(text: str, url: str | None = None) -> str:
        # Whitespace-insensitive, so a re-export with other line breaks is the same document.
        return stable_hash(" ".join(text.split()), url or "")

    @property
    def public_id(self) -> str:
        """The id written in output files: the input's own id where it had one."""
        return self.source_id if self.source_id is not None else self.doc_id


# --- actors -----------------------------------------------------------------

@dataclass(slots=True)
class Role:
    """An office held, as stated in a text: 'Secretary-General' of 'SCO'."""

    role: str
    org: str | None = None
    country: str | None = None
    sector: str | None = None
    first_seen: str | None = None  # ISO date (any precision)
    last_seen: str | None = None
    doc_id: str | None = None
    span: Span | None = None


@dataclass(slots=True)
class Actor:
    """A canonical actor: a person, an organisation, a state or a collective."""

    actor_id: str
    name: str
    kind: str  # person | organisation | state | collective
    country: str | None = None  # ISO 3166 alpha-3, or IGO / NGO / ...
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)
    qid: str | None = None
    roles: list[Role] = field(default_factory=list)


@dataclass(slots=True)
class ActorMention:
    """One place in a document where an actor is referred to."""

    span: Span
    name: str | None  # fullest name in the document; None for unnamed actors
    actor_id: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    org: str | None = None
    rule: str = ""  # how the mention was recognised / resolved
    antecedent: Span | None = None  # for coreferent mentions: the span they point to


# --- time and place ---------------------------------------------------------

@dataclass(slots=True)
class TimeValue:
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY
    precision: str  # day | month | year
    span: Span | None = None
    end: str | None = None  # for ranges
    rule: str = ""


@dataclass(slots=True)
class Place:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    span: Span | None = None
    rule: str = ""


# --- events -------------------------------------------------------------------

@dataclass(slots=True)
class Participant:
    """An actor as it takes part in one event, with the role stated there."""

    actor_id: str
    name: str | None
    kind: str
    country: str | None
    sector: str | None
    role: str | None
    org: str | None
    span: Span
    rule: str = ""


@dataclass(slots=True)
class Event:
    doc_id: str
    type: str
    mode: str | None
    source: list[Participant]
    target: list[Participant]
    sentence_span: Span
    trigger_span: Span
    rule: str
    cameo: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover_score: float | None = None
    contexts: list[str] = field(default_factory=list)
    date: TimeValue | None = None
    location: Place | None = None
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    historical: bool = False
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)  # further mentions of the same act
    evidence: str = ""
    event_id: str = ""
    extractor_version: str = EXTRACTOR_VERSION

    def finalise_id(self) -> None:
        """Stable id: the document, the act and its first mention."""
        self.event_id = stable_hash(
            self.doc_id, self.type, self.mode, self.trigger_span.start, self.trigger_span.end,
            tuple(p.actor_id for p in self.source), tuple(p.actor_id for p in self.target),
        )

    @property
    def asserted(self) -> bool:
        """Stated as having happened: the unit of default views and counts."""
        return not (self.negated or self.future or self.hypothetical)


@dataclass(slots=True)
class Instrument:
    """A named agreement, programme, concept, resolution... referred to in a text."""

    name: str
    span: Span
    kind: str = "instrument"


@dataclass(slots=True)
class Gathering:
    """A named summit, forum, expo, session... with its dates and place where stated."""

    name: str
    span: Span
    start: str | None = None
    end: str | None = None
    location: Place | None = None


@dataclass(slots=True)
class Extraction:
    """Everything ``extract()`` learns from one document."""

    document: Document
    events: list[Event] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    mentions: list[ActorMention] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    gatherings: list[Gathering] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    reference_date: TimeValue | None = None
    warnings: list[str] = field(default_factory=list)


# --- serialisation (the output contract of docs/EVAL.md) ---------------------

def _clean(value: Any) -> Any:
    if isinstance(value, Span):
        return value.to_list()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def participant_record(p: Participant) -> dict[str, Any]:
    return {
        "name": p.name, "actor_id": p.actor_id, "kind": p.kind, "country": p.country,
        "sector": p.sector, "role": p.role, "org": p.org, "span": p.span.to_list(), "rule": p.rule,
    }


def place_record(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name, "country": place.country, "lat": place.lat, "lon": place.lon,
        "geonameid": place.geonameid, "span": place.span.to_list() if place.span else None,
        "rule": place.rule,
    }


def event_record(event: Event, document: Document) -> dict[str, Any]:
    """One line of the event output contract."""
    date_ = event.date
    return {
        "doc_id": document.public_id,
        "doc_hash": document.doc_id,
        "event_id": event.event_id,
        "type": event.type,
        "mode": event.mode,
        "contexts": list(event.contexts),
        "cameo": event.cameo,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "plover_score": event.plover_score,
        "source": [participant_record(p) for p in event.source],
        "target": [participant_record(p) for p in event.target],
        "date": date_.value if date_ else None,
        "date_precision": date_.precision if date_ else None,
        "date_end": date_.end if date_ else None,
        "date_span": date_.span.to_list() if date_ and date_.span else None,
        "date_rule": date_.rule if date_ else None,
        "location": place_record(event.location),
        "sentence_span": event.sentence_span.to_list(),
        "trigger_span": event.trigger_span.to_list(),
        "mention_spans": [s.to_list() for s in event.mentions],
        "evidence": event.evidence,
        "negated": event.negated,
        "future": event.future,
        "hypothetical": event.hypothetical,
        "historical": event.historical,
        "confidence": round(event.confidence, 3),
        "rule": event.rule,
        "extractor_version": event.extractor_version,
    }


def document_record(extraction: Extraction) -> dict[str, Any]:
    """One line of the ``--documents-out`` contract."""
    doc = extraction.document
    mention_roles: dict[str, list[dict[str, Any]]] = {}
    for m in extraction.mentions:
        if m.role:
            roles = mention_roles.setdefault(m.actor_id, [])
            if all(r["role"] != m.role for r in roles):
                roles.append({"role": m.role, "org": m.org, "span": m.span.to_list()})
    return {
        "doc_id": doc.public_id,
        "doc_hash": doc.doc_id,
        "title": doc.title,
        "published": doc.published.isoformat() if doc.published else None,
        "publisher": doc.publisher,
        "url": doc.url,
        "reference_date": extraction.reference_date.value if extraction.reference_date else None,
        "instruments": [{"name": i.name, "kind": i.kind, "span": i.span.to_list()} for i in extraction.instruments],
        "gatherings": [
            {"name": g.name, "start": g.start, "end": g.end, "location": place_record(g.location),
             "span": g.span.to_list()}
            for g in extraction.gatherings
        ],
        "topics": list(extraction.topics),
        "actors": [
            {"name": a.name, "actor_id": a.actor_id, "kind": a.kind, "country": a.country,
             "sector": a.sector, "roles": mention_roles.get(a.actor_id, [])}
            for a in extraction.actors
        ],
        "warnings": list(extraction.warnings),
    }


def to_plain(obj: Any) -> Any:
    """Dataclass → JSON-ready dict (spans as [start, end], dates as ISO)."""
    return _clean(asdict(obj))
