"""The JSON API: /api/events, /api/actors, /api/documents, /api/stats, the network, places and exports."""

from __future__ import annotations

import math
import os
import tempfile
from enum import Enum
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from communique.api import queries, schemas
from communique.api.database import Database
from communique.api.graphml import graphml
from communique.api.params import (
    EventSort, Page, PerPage, actor_codes, actor_kinds, clean_text, event_filter,
)
from communique.api.queries import EventFilter
from communique.ontology import QUAD_CLASS_NAMES, contexts, plover_types
from communique.store.export import copy_sql, flat_events_sql

router = APIRouter(prefix="/api")

BAD = {422: {"model": schemas.Invalid, "description": "a parameter the API cannot use; `detail` says which and why"}}
NOT_FOUND = {404: {"model": schemas.Problem, "description": "no such id"}, **BAD}


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet"}


class ActorSort(str, Enum):
    events = "events"
    events_asc = "-events"
    name = "name"
    name_desc = "-name"


def database(request: Request) -> Database:
    return request.app.state.db


Db = Annotated[Database, Depends(database)]


def resolved_filter(db: Db, flt: Annotated[EventFilter, Depends(event_filter)]) -> EventFilter:
    """The filter of the query string, with an actor name turned into actor ids."""
    return queries.resolve_actor(flt, lambda: db.cached(("actor-names",), queries.actor_name_index))


Filter = Annotated[EventFilter, Depends(resolved_filter)]


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


@router.get("/events", response_model=schemas.EventPage, responses=BAD, tags=["events"])
def events(db: Db, flt: Filter, page: Page = 1, per_page: PerPage = 50,
           sort: Annotated[EventSort, Query(description="date, -date (newest first), type, confidence, ...")] = EventSort("-date")) -> dict[str, Any]:
    """Events matching the filters, a page at a time, with the total count."""
    with db.cursor() as con:
        total, found = queries.list_events(con, flt, sort=sort.value, offset=(page - 1) * per_page, limit=per_page)
    return {"total": total, "page": page, "per_page": per_page, "pages": _pages(total, per_page),
            "sort": sort.value, "events": found}


@router.get("/events.{fmt}", responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                                               "description": "the file"}, **BAD}, tags=["events"])
def export_events(db: Db, flt: Filter, fmt: ExportFormat,
                  limit: Annotated[Optional[int], Query(ge=1, le=100_000_000, description="at most this many rows")] = None) -> FileResponse:
    """The filtered events as one file: the columns of `communique export` (docs/cli.md), written by DuckDB."""
    fd, path = tempfile.mkstemp(prefix="communique-export-", suffix=f".{fmt.value}")
    os.close(fd)
    try:
        sql, params = flat_events_sql(_Limited(flt, limit), for_csv=fmt is ExportFormat.csv)
        with db.cursor() as con:
            con.execute(f"COPY ({sql}) TO ? {copy_sql(fmt.value)}", [*params, path])
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=MEDIA_TYPES[fmt.value], filename=f"communique-events.{fmt.value}",
                        background=BackgroundTask(os.unlink, path))


class _Limited:
    """An EventFilter with the row limit of an export, in the form the store's export query takes."""

    def __init__(self, flt: EventFilter, limit: Optional[int]) -> None:
        self.where = flt.where
        self.limit = limit


@router.get("/events/{event_id}", response_model=schemas.EventDetail, responses=NOT_FOUND, tags=["events"])
def event(db: Db, event_id: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    """One event with its participants, the spans to highlight, the rule and its document."""
    with db.cursor() as con:
        found = queries.event_detail(con, event_id)
    if found is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    return found


@router.get("/documents/{doc_id}", response_model=schemas.DocumentDetail, responses=NOT_FOUND, tags=["documents"])
def document(db: Db, doc_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """A document (by its input id or content hash): its text and every span extracted from it."""
    with db.cursor() as con:
        found = queries.document_detail(con, doc_id)
    if found is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return found


@router.get("/actors", response_model=schemas.ActorPage, responses=BAD, tags=["actors"])
def actors(db: Db, page: Page = 1, per_page: PerPage = 50,
           q: Annotated[Optional[str], Query(max_length=200, description="part of the name, an alias or the id")] = None,
           country: Annotated[Optional[list[str]], Query(max_length=20)] = None,
           kind: Annotated[Optional[list[str]], Query(max_length=10, description="person, organisation, state, ...")] = None,
           sector: Annotated[Optional[list[str]], Query(max_length=20)] = None,
           sort: ActorSort = ActorSort.events) -> dict[str, Any]:
    """Actors taking part in events, busiest first, with their event counts."""
    table = db.cached(("actor-table",), queries.actor_table)  # counted once per version of the file
    total, found = queries.list_actors(
        table, q=clean_text("q", q), countries=actor_codes("country", country), kinds=actor_kinds(kind),
        sectors=actor_codes("sector", sector), sort=sort.value, offset=(page - 1) * per_page, limit=per_page)
    return {"total": total, "page": page, "per_page": per_page, "pages": _pages(total, per_page), "actors": found}


def actor_page_data(db: Database, actor_id: str, recent: int = 50) -> dict[str, Any] | None:
    with db.cursor() as con:
        found = queries.actor_detail(con, actor_id)
        if found is None:
            return None
        found["network"] = queries.ego_network(con, actor_id, found["counterparts"])
        mine = EventFilter(actor=actor_id, actor_ids=(actor_id,))
        found["recent_events"] = queries.list_events(con, mine, sort="-date", limit=recent)[1]
    return found


@router.get("/actors/{actor_id:path}", response_model=schemas.ActorDetail, responses=NOT_FOUND, tags=["actors"])
def actor(db: Db, actor_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """An actor: roles over time, counterparts and their network, events by month, places, latest events."""
    clean_text("actor_id", actor_id)
    found = actor_page_data(db, actor_id, recent=20)
    if found is None:
        raise HTTPException(404, f"no actor with id {actor_id!r}")
    return found


@router.get("/stats", response_model=schemas.Stats, responses=BAD, tags=["aggregates"])
def stats(db: Db, flt: Filter) -> dict[str, Any]:
    """Counts by type, month, quad class (cooperation vs conflict) and country for the filtered events.

    Cached until the database file changes."""
    return db.cached(("stats", flt), lambda con: queries.stats(con, flt))


NetworkLimit = Annotated[int, Query(ge=1, le=2000, description="the heaviest edges kept")]


@router.get("/network", response_model=schemas.Network, responses=BAD, tags=["aggregates"])
def network(db: Db, flt: Filter, limit: NetworkLimit = 150) -> dict[str, Any]:
    """The actor graph of the filtered events: source → target edges weighted by event count."""
    return db.cached(("network", flt, limit), lambda con: queries.network(con, flt, limit=limit))


@router.get("/network.graphml", responses={200: {"content": {"application/graphml+xml": {}},
                                                  "description": "GraphML for Gephi, yEd, networkx"}, **BAD},
            tags=["aggregates"])
def network_graphml(db: Db, flt: Filter, limit: NetworkLimit = 2000) -> Response:
    """The same graph as /api/network, as GraphML."""
    graph = db.cached(("network", flt, limit), lambda con: queries.network(con, flt, limit=limit))
    return Response(graphml(graph), media_type="application/graphml+xml",
                    headers={"Content-Disposition": 'attachment; filename="communique-network.graphml"'})


@router.get("/locations", response_model=list[schemas.Place], responses=BAD, tags=["aggregates"])
def locations(db: Db, flt: Filter,
              limit: Annotated[int, Query(ge=1, le=5000, description="the busiest places kept")] = 1000) -> list[dict[str, Any]]:
    """Where the filtered events happened: places with coordinates and counts."""
    return db.cached(("locations", flt, limit), lambda con: queries.locations(con, flt, limit=limit))


@router.get("/facets", tags=["aggregates"], responses=BAD)
def facets(db: Db) -> dict[str, Any]:
    """What can be filtered on: the codebooks' types, modes, contexts and quad classes, and the
    countries, sectors and kinds present in the database."""
    present = db.cached(("facets",), queries.facets)
    return {
        "types": list(plover_types()),
        "modes": sorted({m for t in plover_types().values() for m in t.modes}),
        "contexts": list(contexts()),
        "quad_classes": [{"quad_class": k, "name": v} for k, v in QUAD_CLASS_NAMES.items()],
        **present,
    }

