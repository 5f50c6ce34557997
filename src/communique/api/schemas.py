"""The shapes of the JSON API's answers (they make the OpenAPI document at /openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from pydantic import BaseModel, Field


class Participant(BaseModel):
    actor_id: Optional[str] = Field(None, description="canonical actor id: link to /api/actors/{actor_id}")
    name: Optional[str] = None
    kind: Optional[str] = Field(None, description="person, organisation, state or collective")
    country: Optional[str] = Field(None, description="ISO 3166 alpha-3, or IGO")
    sector: Optional[str] = None
    role: Optional[str] = Field(None, description="the office held, as stated in the text")
    org: Optional[str] = None


class Location(BaseModel):
    name: Optional[str] = None
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None


class EventRow(BaseModel):
    event_id: str
    doc_id: str = Field(description="the input's own id, else the content hash")
    doc_hash: str
    title: Optional[str] = None
    type: str = Field(description="PLOVER event type")
    mode: Optional[str] = None
    contexts: list[str] = []
    cameo: Optional[str] = None
    quad_class: Optional[int] = Field(None, description="1 verbal cooperation … 4 material conflict")
    goldstein: Optional[float] = None
    plover_score: Optional[float] = None
    date: Optional[str] = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY")
    date_precision: Optional[str] = None
    date_end: Optional[str] = None
    location: Optional[Location] = None
    source: list[Participant] = []
    target: list[Participant] = []
    evidence: Optional[str] = None
    negated: Optional[bool] = None
    future: Optional[bool] = None
    hypothetical: Optional[bool] = None
    historical: Optional[bool] = None
    asserted: bool = Field(description="stated as having happened (not negated, future or hypothetical)")
    confidence: Optional[float] = None
    rule: Optional[str] = None


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters, over all pages")
    page: int
    per_page: int
    pages: int
    sort: str
    events: list[EventRow]


class TextSpan(BaseModel):
    start: int
    end: int
    text: str = Field(description="the characters of the document text at [start, end)")


class SpannedParticipant(Participant):
    span: Optional[TextSpan] = None
    rule: Optional[str] = Field(None, description="how the participant was found (subject, object, with, ...)")


class EventLocation(Location):
    geonameid: Optional[int] = None
    rule: Optional[str] = None
    span: Optional[TextSpan] = None


class DocumentRef(BaseModel):
    doc_id: str
    doc_hash: str
    title: Optional[str] = None
    published: Optional[date] = None
    publisher: Optional[str] = None
    url: Optional[str] = None
    text: str


class OtherEvent(BaseModel):
    event_id: str
    type: str
    mode: Optional[str] = None
    date: Optional[str] = None
    trigger: str
    unasserted: Optional[bool] = None


class EventDetail(BaseModel):
    event_id: str
    type: str
    mode: Optional[str] = None
    contexts: list[str] = []
    cameo: Optional[str] = None
    quad_class: Optional[int] = None
    quad_class_name: Optional[str] = None
    goldstein: Optional[float] = None
    plover_score: Optional[float] = None
    date: Optional[str] = None
    date_precision: Optional[str] = None
    date_end: Optional[str] = None
    date_rule: Optional[str] = None
    date_span: Optional[TextSpan] = None
    location: Optional[EventLocation] = None
    source: list[SpannedParticipant] = []
    target: list[SpannedParticipant] = []
    sentence: Optional[TextSpan] = None
    trigger: Optional[TextSpan] = None
    mentions: list[TextSpan] = Field([], description="further mentions of the same act")
    evidence: Optional[str] = None
    negated: Optional[bool] = None
    future: Optional[bool] = None
    hypothetical: Optional[bool] = None
    historical: Optional[bool] = None
    asserted: bool
    confidence: Optional[float] = None
    rule: Optional[str] = Field(None, description="the rule that coded the event")
    extractor_version: Optional[str] = None
    document: DocumentRef
    other_events: list[OtherEvent] = Field([], description="the other events coded in the same document")


class SpanParticipant(BaseModel):
    actor_id: Optional[str] = None
    name: Optional[str] = None
    country: Optional[str] = None
    span_start: Optional[int] = None
    span_end: Optional[int] = None


class DocumentEvent(BaseModel):
    event_id: str
    type: str
    mode: Optional[str] = None
    cameo: Optional[str] = None
    quad_class: Optional[int] = None
    date: Optional[str] = None
    location_name: Optional[str] = None
    evidence: Optional[str] = None
    rule: Optional[str] = None
    sentence_start: Optional[int] = None
    sentence_end: Optional[int] = None
    trigger_start: Optional[int] = None
    trigger_end: Optional[int] = None
    date_span_start: Optional[int] = None
    date_span_end: Optional[int] = None
    location_span_start: Optional[int] = None
    location_span_end: Optional[int] = None
    unasserted: Optional[bool] = None
    confidence: Optional[float] = None
    source: list[SpanParticipant] = []
    target: list[SpanParticipant] = []


class Mention(BaseModel):
    actor_id: Optional[str] = None
    span_start: Optional[int] = None
    span_end: Optional[int] = None
    name: Optional[str] = None
    kind: Optional[str] = None
    role: Optional[str] = None
    org: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    rule: Optional[str] = None
    antecedent_start: Optional[int] = None
    antecedent_end: Optional[int] = None


class StatedRole(BaseModel):
    actor_id: Optional[str] = None
    role: Optional[str] = None
    org: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    span_start: Optional[int] = None
    span_end: Optional[int] = None


class Instrument(BaseModel):
    name: Optional[str] = None
    kind: Optional[str] = None
    span_start: Optional[int] = None
    span_end: Optional[int] = None


class Gathering(BaseModel):
    name: Optional[str] = None
    start_date: Optional[str] = None
    end_date: Optional[str] = None
    location_name: Optional[str] = None
    location_country: Optional[str] = None
    span_start: Optional[int] = None
    span_end: Optional[int] = None


class DocumentDetail(BaseModel):
    doc_id: str
    doc_hash: str
    title: Optional[str] = None
    published: Optional[date] = None
    url: Optional[str] = None
    publisher: Optional[str] = None
    language: Optional[str] = None
    source: Optional[str] = Field(None, description="where it was read: path or path:line")
    text: str
    reference_date: Optional[str] = None
    topics: list[str] = []
    warnings: list[str] = []
    extractor_version: Optional[str] = None
    ingested_at: Optional[datetime] = None
    events: list[DocumentEvent] = []
    mentions: list[Mention] = []
    actor_roles: list[StatedRole] = []
    instruments: list[Instrument] = []
    gatherings: list[Gathering] = []


class ActorRow(BaseModel):
    actor_id: str
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    aliases: list[str] = []
    events: int = Field(description="events stated as having happened in which the actor takes part")
    first_date: Optional[date] = None
    last_date: Optional[date] = None


class ActorPage(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    actors: list[ActorRow]


class RoleHeld(BaseModel):
    role: str
    org: Optional[str] = None
    first: Optional[date] = None
    last: Optional[date] = None
    documents: int = Field(description="documents stating the role")
    events: int = Field(description="events in which the actor acted in this role")


class Counterpart(BaseModel):
    actor_id: str
    name: Optional[str] = None
    country: Optional[str] = None
    events: int
    cooperation: int
    conflict: int
    as_source: int = Field(description="events in which the counterpart was the source")
    as_target: int


class MonthCount(BaseModel):
    month: str
    quad_class: Optional[int] = None
    events: int


class Place(BaseModel):
    name: Optional[str] = None
    country: Optional[str] = None
    lat: float
    lon: float
    events: int
    cooperation: int
    conflict: int


class NetworkNode(BaseModel):
    actor_id: str
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    events: int = Field(description="events on the edges shown")


class NetworkEdge(BaseModel):
    source: str
    target: str
    events: int
    cooperation: int
    conflict: int
    goldstein: Optional[float] = Field(None, description="mean Goldstein score")


class Network(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


class ActorDetail(BaseModel):
    actor_id: str
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    aliases: list[str] = []
    qid: Optional[str] = None
    events: int
    as_source: int
    as_target: int
    first_date: Optional[date] = None
    last_date: Optional[date] = None
    roles: list[RoleHeld]
    counterparts: list[Counterpart]
    network: Network = Field(description="the actor, its counterparts and the events among them")
    timeline: list[MonthCount]
    locations: list[Place]
    recent_events: list[EventRow]


class TypeCount(BaseModel):
    type: str
    events: int


class TypeMonthCount(BaseModel):
    month: str
    type: str
    events: int


class QuadCount(BaseModel):
    quad_class: Optional[int] = None
    name: str
    events: int


class CountryCount(BaseModel):
    country: str
    events: int


class Stats(BaseModel):
    events: int
    documents: int
    cooperation: int = Field(description="events of quad classes 1 and 2")
    conflict: int = Field(description="events of quad classes 3 and 4")
    by_type: list[TypeCount]
    by_month: list[TypeMonthCount] = Field(description="events dated to the day or month, by month and type")
    quad_classes: list[QuadCount]
    by_actor_country: list[CountryCount] = Field(description="events by the country of a participant")
    by_location_country: list[CountryCount]


class Problem(BaseModel):
    detail: str = Field(description="what went wrong, and what to do")


class ParameterError(BaseModel):
    loc: list[str | int] = Field(description="where: query or path, then the parameter")
    msg: str
    type: str


class Invalid(BaseModel):
    detail: str = Field(description="which parameter cannot be used, and why")
    errors: list[ParameterError] = Field([], description="each problem found by validation, when there were several")
