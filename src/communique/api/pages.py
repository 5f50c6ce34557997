"""The explorer's pages: server-rendered HTML (tables work without JavaScript), charts drawn by
web/static/explorer.js with d3 from npm.  Every view has a URL: filters live in the query string."""

from __future__ import annotations

from pathlib import Path as PathLib
from typing import Annotated, Any, Optional
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from communique.api import queries
from communique.api.database import Database
from communique.api.highlight import Mark, runs
from communique.api.params import EventSort, Page, PerPage, clean_text
from communique.api.queries import EventFilter
from communique.api.routes import actor_page_data, resolved_filter
from communique.ontology import QUAD_CLASS_NAMES, contexts, plover_types

WEB = PathLib(__file__).resolve().parents[1] / "web"  # templates and our own static files

router = APIRouter(include_in_schema=False)


def actor_href(actor_id: str | None) -> str:
    return "/actors/" + quote(actor_id or "", safe=":@")


def event_href(event_id: str) -> str:
    return "/events/" + quote(event_id, safe="")


def document_href(doc_id: str) -> str:
    return "/documents/" + quote(doc_id, safe="")


def with_query(path: str, params: list[tuple[str, str]], **changes: Any) -> str:
    """``path?query``: the current filter with some parameters replaced (None removes one)."""
    kept = [(k, v) for k, v in params if k not in changes]
    kept += [(k, str(v)) for k, v in changes.items() if v is not None]
    return f"{path}?{urlencode(kept)}" if kept else path


def _setup_templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(WEB / "templates"))
    env = found.env
    env.globals.update(actor_href=actor_href, event_href=event_href, document_href=document_href,
                       with_query=with_query, quad_names=QUAD_CLASS_NAMES, plover_types=plover_types,
                       all_contexts=contexts)
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    return found


templates = _setup_templates()


def database(request: Request) -> Database:
    return request.app.state.db


Db = Annotated[Database, Depends(database)]
Filter = Annotated[EventFilter, Depends(resolved_filter)]


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("charts", request.app.state.charts)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    titles = {404: "Not found", 422: "That request cannot be answered", 503: "The database is busy"}
    response = render(request, "error.html", status_code=status, status=status,
                      title=titles.get(status, "Something went wrong"), message=message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _facets(db: Database) -> dict[str, Any]:
    return db.cached(("facets",), queries.facets)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db: Db, flt: Filter) -> HTMLResponse:
    totals = db.cached(("totals",), queries.totals)
    stats = db.cached(("stats", flt), lambda con: queries.stats(con, flt))
    top = db.cached(("top_actors", flt), lambda con: queries.top_actors(con, flt, limit=12))
    graph = db.cached(("network", flt, 12), lambda con: queries.network(con, flt, limit=12))
    names = {n["actor_id"]: n["name"] for n in graph["nodes"]}
    return render(request, "overview.html", page="overview", flt=flt, params=flt.query_params(), totals=totals,
                  stats=stats, top_actors=top, dyads=graph["edges"], names=names, facets=_facets(db))


@router.get("/events", response_class=HTMLResponse)
def events(request: Request, db: Db, flt: Filter, page: Page = 1, per_page: PerPage = 50,
           sort: EventSort = EventSort("-date")) -> HTMLResponse:
    with db.cursor() as con:
        total, found = queries.list_events(con, flt, sort=sort.value, offset=(page - 1) * per_page, limit=per_page)
    pages = max(1, -(-total // per_page))
    params = flt.query_params()
    if sort.value != "-date":
        params.append(("sort", sort.value))
    if per_page != 50:
        params.append(("per_page", str(per_page)))
    sort_form = flt.query_params() + ([("per_page", str(per_page))] if per_page != 50 else [])
    return render(request, "events.html", page="events", flt=flt, params=params, filter_params=flt.query_params(),
                  sort_form=sort_form,
                  events=found, total=total, page_number=page, pages=pages, per_page=per_page, sort=sort.value,
                  sorts=list(queries.SORTS), facets=_facets(db))


def event_marks(event: dict[str, Any]) -> list[Mark]:
    marks: list[Mark] = []
    if event["sentence"]:
        marks.append(Mark(event["sentence"]["start"], event["sentence"]["end"], "sentence"))
    for side in ("source", "target"):
        for p in event[side]:
            if p.get("span"):
                label = f"{side}: {p['name']}" + (f" ({p['role']})" if p.get("role") else "")
                marks.append(Mark(p["span"]["start"], p["span"]["end"], side, label, actor_href(p["actor_id"])))
    if event["trigger"]:
        marks.append(Mark(event["trigger"]["start"], event["trigger"]["end"], "trigger",
                          f"trigger: {event['type']} ({event['rule']})"))
    for m in event["mentions"]:
        marks.append(Mark(m["start"], m["end"], "mention", "another mention of the same event"))
    if event["date_span"]:
        marks.append(Mark(event["date_span"]["start"], event["date_span"]["end"], "date", f"date: {event['date']}"))
    place = event["location"]
    if place and place.get("span"):
        marks.append(Mark(place["span"]["start"], place["span"]["end"], "place", f"place: {place['name']}"))
    return marks


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, db: Db, event_id: Annotated[str, Path(max_length=100)]) -> HTMLResponse:
    with db.cursor() as con:
        found = queries.event_detail(con, event_id)
    if found is None:
        raise HTTPException(404, f"No event has the id {event_id!r}.")
    text = found["document"]["text"]
    return render(request, "event.html", page="events", event=found, runs=runs(text, event_marks(found)))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, db: Db, doc_id: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    with db.cursor() as con:
        doc = queries.document_detail(con, doc_id)
    if doc is None:
        raise HTTPException(404, f"No document has the id {doc_id!r}.")
    marks: list[Mark] = []
    for m in doc["mentions"]:
        if m["span_start"] is not None:
            label = f"{m['name'] or m['actor_id']}" + (f" ({m['role']})" if m["role"] else "")
            marks.append(Mark(m["span_start"], m["span_end"], "actor", label, actor_href(m["actor_id"])))
    for e in doc["events"]:
        marks.append(Mark(e["trigger_start"], e["trigger_end"], "trigger", f"{e['type']}: {e['rule']}",
                          event_href(e["event_id"])))
        if e["date_span_start"] is not None:
            marks.append(Mark(e["date_span_start"], e["date_span_end"], "date", f"date: {e['date']}"))
        if e["location_span_start"] is not None:
            marks.append(Mark(e["location_span_start"], e["location_span_end"], "place", f"place: {e['location_name']}"))
    for i in doc["instruments"]:
        marks.append(Mark(i["span_start"], i["span_end"], "instrument", f"{i['kind']}: {i['name']}"))
    for g in doc["gatherings"]:
        marks.append(Mark(g["span_start"], g["span_end"], "gathering", f"gathering: {g['name']}"))
    return render(request, "document.html", page="events", doc=doc, runs=runs(doc["text"], marks))


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, db: Db, page: Page = 1, per_page: PerPage = 50,
           q: Annotated[Optional[str], Query(max_length=200)] = None) -> HTMLResponse:
    q = clean_text("q", q)
    table = db.cached(("actor-table",), queries.actor_table)
    total, found = queries.list_actors(table, q=q, offset=(page - 1) * per_page, limit=per_page)
    params = [("q", q)] if q else []
    return render(request, "actors.html", page="actors", actors=found, total=total, q=q or "", params=params,
                  page_number=page, pages=max(1, -(-total // per_page)))


@router.get("/actors/{actor_id:path}", response_class=HTMLResponse)
def actor(request: Request, db: Db, actor_id: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    clean_text("actor_id", actor_id)
    found = actor_page_data(db, actor_id)
    if found is None:
        raise HTTPException(404, f"No actor has the id {actor_id!r}.")
    chart_data = jsonable_encoder({k: found[k] for k in ("actor_id", "name", "roles", "network", "timeline", "locations")})
    return render(request, "actor.html", page="actors", actor=found, chart_data=chart_data)


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, db: Db, flt: Filter,
            limit: Annotated[int, Query(ge=1, le=2000)] = 150) -> HTMLResponse:
    graph = db.cached(("network", flt, limit), lambda con: queries.network(con, flt, limit=limit))
    names = {n["actor_id"]: n["name"] for n in graph["nodes"]}
    params = flt.query_params()
    return render(request, "network.html", page="network", flt=flt, params=params, graph=graph, names=names,
                  limit=limit, facets=_facets(db))


@router.get("/map", response_class=HTMLResponse)
def world_map(request: Request, db: Db, flt: Filter) -> HTMLResponse:
    places = db.cached(("locations", flt, 1000), lambda con: queries.locations(con, flt, limit=1000))
    return render(request, "map.html", page="map", flt=flt, params=flt.query_params(), places=places,
                  facets=_facets(db))
