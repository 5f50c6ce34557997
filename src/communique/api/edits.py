"""Analysts' corrections over the API: confirm, edit, delete or restore an event; merge,
split or edit an actor.  Only with `communique serve --allow-edits`, and only with the
server's token (:mod:`communique.api.auth`).

Every correction is appended to a log (who, when, what, why) and applied when data is
read, so it survives re-ingesting the corpus (:mod:`communique.store.event_corrections`,
:mod:`communique.store.actors`).  ``/api/config`` tells the pages whether to offer the
forms; ``/api/corrections`` reads the log.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path as FilePath
from typing import Annotated, Any, Iterator, Optional

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from communique.api import queries, schemas
from communique.api.auth import EditSettings, Editor
from communique.api.database import Database, rows
from communique.api.params import MAX_PER_PAGE, clean_text
from communique.api.security import MAX_BODY_BYTES, install as install_guards
from communique.store import Store
from communique.store import actors as actor_store
from communique.store import event_corrections
from communique.store.actors import ActorNotFoundError, CorrectionError
from communique.store.event_corrections import EventNotFoundError, EventStateError, PlaceEdit

DEFAULT_EDITOR = "api"

# One line of text: no control characters (they end up in logs and exports).
_LINE = r"^[^\x00-\x1f\x7f]*$"
# A note may have line breaks and tabs.
_NOTE = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"

ActorRef = Annotated[str, Field(min_length=1, max_length=200, pattern=_LINE,
                                description="an actor id (`person:zhang-ming`), or a name only one actor has")]


class Signed(BaseModel):
    """Who corrects, and why: both go to the log."""

    model_config = ConfigDict(extra="forbid")
    by: Optional[str] = Field(None, max_length=100, pattern=_LINE,
                              description=f"who makes the correction (default `{DEFAULT_EDITOR}`)")
    note: Optional[str] = Field(None, max_length=2000, pattern=_NOTE, description="why, in your words")


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, pattern=_LINE)
    country: Optional[str] = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3")
    lat: Optional[float] = Field(None, ge=-90, le=90, allow_inf_nan=False)
    lon: Optional[float] = Field(None, ge=-180, le=180, allow_inf_nan=False)
    geonameid: Optional[int] = Field(None, ge=0, le=2**53)


class EventEdit(Signed):
    """The fields to change; a field left out keeps its value, `null` clears mode, date or location."""

    type: Optional[str] = Field(None, max_length=20, pattern=_LINE, description="PLOVER type, e.g. CONSULT")
    mode: Optional[str] = Field(None, max_length=40, pattern=_LINE, description="PLOVER mode of the type, or null")
    date: Optional[str] = Field(None, max_length=10, pattern=_LINE, description="YYYY, YYYY-MM or YYYY-MM-DD, or null")
    date_end: Optional[str] = Field(None, max_length=10, pattern=_LINE, description="end of a date range")
    location: Optional[PlaceIn] = Field(None, description=(
        "the place; without lat and lon the offline gazetteer is asked for the name; null for none"))
    source: Optional[list[ActorRef]] = Field(None, max_length=20, description="source actors, in order")
    target: Optional[list[ActorRef]] = Field(None, max_length=20, description="target actors, in order; [] for none")

    @model_validator(mode="after")
    def _something_to_change(self) -> "EventEdit":
        given = self.changes()
        for name in ("type", "source", "target"):
            if name in given and given[name] is None:
                raise ValueError(f"{name} cannot be null")
        if not given:
            raise ValueError("nothing to change: give type, mode, date, location, source or target")
        return self

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("type", "mode", "date", "date_end", "location", "source", "target"):
            if name in self.model_fields_set:
                out[name] = getattr(self, name)
        if out.get("location") is not None:
            out["location"] = PlaceEdit(**out["location"].model_dump())
        return out


class ActorMerge(Signed):
    into: ActorRef


class ActorSplit(Signed):
    doc: str = Field(min_length=1, max_length=200, pattern=_LINE,
                     description="the document (input id or content hash) whose mentions are someone else")
    new_id: Optional[str] = Field(None, min_length=3, max_length=200, pattern=r"^[^\s\x00-\x1f\x7f]+$",
                                  description="the other actor's id (default `<actor>~<document>`)")


class ActorEdit(Signed):
    name: Optional[str] = Field(None, min_length=1, max_length=200, pattern=_LINE)
    country: Optional[str] = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3, or IGO")
    sector: Optional[str] = Field(None, pattern=r"^[A-Za-z]{2,8}$", description="GOV, MIL, ...")


class CorrectionRecord(BaseModel):
    """One entry of a correction log; the other fields say what it set."""

    model_config = ConfigDict(extra="allow")
    correction_id: int
    made_at: datetime = Field(description="UTC")
    made_by: Optional[str] = None
    action: str = Field(description="events: confirm, edit, delete, restore; actors: merge, split, edit")
    note: Optional[str] = None

    @field_validator("made_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:  # stored without a zone, as UTC
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


class EventCorrected(BaseModel):
    correction: CorrectionRecord
    event: Optional[schemas.EventDetail] = Field(None, description="the event as it reads now; null once deleted")


class ActorCorrected(BaseModel):
    corrections: list[CorrectionRecord]
    actor_id: str = Field(description="the actor corrected (after a merge: the one it became)")


class CorrectionLog(BaseModel):
    events: list[CorrectionRecord]
    actors: list[CorrectionRecord]


class ServerConfig(BaseModel):
    edits: bool = Field(description="whether this server takes corrections (`communique serve --allow-edits`)")
    max_body_bytes: int
    max_per_page: int


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.Problem, "description": "the body cannot be read (not UTF-8 JSON)"},
    401: {"model": schemas.Problem, "description": "no token, or the wrong one"},
    404: {"model": schemas.Problem, "description": "no such event or actor"},
    409: {"model": schemas.Problem, "description": "the event is deleted (or, to restore, is not)"},
    413: {"model": schemas.Problem, "description": "the request body is too large"},
    422: {"model": schemas.Invalid, "description": "a correction that cannot be made; `detail` says why"},
}

reading = APIRouter(prefix="/api", tags=["corrections"])
writing = APIRouter(prefix="/api", tags=["corrections"], dependencies=[Editor], responses=WRITE_ERRORS)


@reading.get("/config", response_model=ServerConfig)
def config(request: Request) -> dict[str, Any]:
    """What this server allows: the pages offer corrections only when `edits` is true."""
    return {"edits": request.app.state.edits.allowed, "max_body_bytes": MAX_BODY_BYTES,
            "max_per_page": MAX_PER_PAGE}


@reading.get("/corrections", response_model=CorrectionLog, responses={422: {"model": schemas.Invalid}})
def correction_log(request: Request,
                   event_id: Annotated[Optional[str], Query(max_length=100, description="of this event")] = None,
                   actor_id: Annotated[Optional[str], Query(max_length=200, description="naming this actor")] = None,
                   limit: Annotated[int, Query(ge=1, le=1000, description="the latest this many of each")] = 100,
                   ) -> dict[str, Any]:
    """People's corrections, oldest first: of one event, of one actor, or the latest of all."""
    event_id, actor_id = clean_text("event_id", event_id), clean_text("actor_id", actor_id)
    db: Database = request.app.state.db
    with db.cursor() as con:
        found_events = [] if actor_id and not event_id else _latest(
            "SELECT * FROM event_corrections" + (" WHERE event_id = ?" if event_id else ""),
            [event_id] if event_id else [], limit, con)
        found_actors = [] if event_id and not actor_id else _latest(
            "SELECT * FROM actor_corrections" + (" WHERE actor_id = ? OR target_id = ?" if actor_id else ""),
            [actor_id, actor_id] if actor_id else [], limit, con)
    return {"events": [event_corrections.describe(row) for row in found_events], "actors": found_actors}


def _latest(sql: str, params: list[Any], limit: int, con: Any) -> list[dict[str, Any]]:
    latest = rows(con, f"{sql} ORDER BY correction_id DESC LIMIT ?", [*params, limit])
    return latest[::-1]


# --- events ------------------------------------------------------------------------------------

EventId = Annotated[str, Path(max_length=100, pattern=_LINE)]


@writing.post("/events/{event_id}/confirm", response_model=EventCorrected)
def confirm_event(request: Request, event_id: EventId,
                  body: Annotated[Optional[Signed], Body()] = None) -> dict[str, Any]:
    """Mark the event as checked by a person: it reads with confidence 1 from now on."""
    body = body or Signed()
    return _event_correction(request, event_id, lambda store: event_corrections.confirm(
        store, event_id, by=body.by or DEFAULT_EDITOR, note=body.note))


@writing.patch("/events/{event_id}", response_model=EventCorrected)
def edit_event(request: Request, event_id: EventId, body: EventEdit) -> dict[str, Any]:
    """Change the type, mode, date, place or participants of an event."""
    return _event_correction(request, event_id, lambda store: event_corrections.edit(
        store, event_id, body.changes(), by=body.by or DEFAULT_EDITOR, note=body.note))


@writing.delete("/events/{event_id}", response_model=EventCorrected)
def delete_event(request: Request, event_id: EventId,
                 body: Annotated[Optional[Signed], Body()] = None) -> dict[str, Any]:
    """Hide the event from listings, counts and exports (undone by `restore`)."""
    body = body or Signed()
    return _event_correction(request, event_id, lambda store: event_corrections.delete(
        store, event_id, by=body.by or DEFAULT_EDITOR, note=body.note))


@writing.post("/events/{event_id}/restore", response_model=EventCorrected)
def restore_event(request: Request, event_id: EventId,
                  body: Annotated[Optional[Signed], Body()] = None) -> dict[str, Any]:
    """Undo the deletion of an event."""
    body = body or Signed()
    return _event_correction(request, event_id, lambda store: event_corrections.restore(
        store, event_id, by=body.by or DEFAULT_EDITOR, note=body.note))


def _event_correction(request: Request, event_id: str, correct: Any) -> dict[str, Any]:
    db: Database = request.app.state.db
    with _answering_errors(actors_are_values=True), db.writing() as store:
        record = correct(store)
    with db.cursor() as con:
        event = queries.event_detail(con, event_id)
    return {"correction": record, "event": event}


# --- actors ------------------------------------------------------------------------------------

ActorId = Annotated[str, Path(max_length=200, pattern=_LINE)]


@writing.post("/actors/{actor_id:path}/merge", response_model=ActorCorrected)
def merge_actor(request: Request, actor_id: ActorId, body: ActorMerge) -> dict[str, Any]:
    """From now on every mention of this actor, in every document, is `into`."""
    return _actor_correction(request, lambda store: [actor_store.merge(
        store, actor_id, body.into, by=body.by or DEFAULT_EDITOR, note=body.note)], final="target_id")


@writing.post("/actors/{actor_id:path}/split", response_model=ActorCorrected)
def split_actor(request: Request, actor_id: ActorId, body: ActorSplit) -> dict[str, Any]:
    """The mentions of this actor in one document are someone else (a new actor)."""
    return _actor_correction(request, lambda store: [actor_store.split(
        store, actor_id, body.doc, new_id=body.new_id, by=body.by or DEFAULT_EDITOR, note=body.note)],
        final="target_id")


@writing.patch("/actors/{actor_id:path}", response_model=ActorCorrected)
def edit_actor(request: Request, actor_id: ActorId, body: ActorEdit) -> dict[str, Any]:
    """Set the actor's name, country or sector."""
    return _actor_correction(request, lambda store: actor_store.edit(
        store, actor_id, name=body.name, country=body.country, sector=body.sector,
        by=body.by or DEFAULT_EDITOR, note=body.note), final="actor_id")


def _actor_correction(request: Request, correct: Any, final: str) -> dict[str, Any]:
    db: Database = request.app.state.db
    with _answering_errors(actors_are_values=False), db.writing() as store:
        records = correct(store)
    by = next((r["made_by"] for r in _logged(db, records)), None)
    return {"corrections": [{**r, "made_by": by} for r in records], "actor_id": records[-1][final]}


def _logged(db: Database, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The log rows of corrections just made (store.actors returns them without their author)."""
    ids = [r["correction_id"] for r in records]
    with db.cursor() as con:
        return rows(con, "SELECT correction_id, made_by FROM actor_corrections WHERE list_contains(?, correction_id)",
                    [ids])


# --- plumbing ----------------------------------------------------------------------------------

@contextmanager
def _answering_errors(actors_are_values: bool) -> Iterator[None]:
    """The store's refusals as HTTP answers that say why.  ``actors_are_values``: an unknown
    participant of an event edit is a bad value (422), an unknown actor to correct is 404."""
    try:
        yield
    except EventNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ActorNotFoundError as exc:
        raise HTTPException(422 if actors_are_values else 404, str(exc)) from exc
    except EventStateError as exc:
        raise HTTPException(409, str(exc)) from exc
    except CorrectionError as exc:
        raise HTTPException(422, str(exc)) from exc


def prepare(db: str | FilePath) -> None:
    """Bring an existing database to the current schema (the corrections log needs
    schema 5), as any writer would; a missing file is left for the server to report."""
    if FilePath(db).exists():
        Store(db).close()


def install(app: FastAPI, settings: EditSettings) -> None:
    """The config and log routes, the write routes when allowed, and the guards in front."""
    app.state.edits = settings
    app.include_router(reading)
    if settings.allowed:
        app.include_router(writing)
    install_guards(app, settings)

