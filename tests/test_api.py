"""The JSON API of `communique serve`: filters, pages, details, aggregates, exports, errors, security,
and answering while an ingest writes the same file.

The store is built from hand-written extractions (below), so what each answer must contain is known.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import textwrap
import time
import warnings
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from communique.model import (
    Actor, ActorMention, Document, Event, Extraction, Instrument, Participant, Place, Role, Span, TimeValue,
)
from communique.store import EXPORT_COLUMNS, Store

with warnings.catch_warnings():  # starlette's TestClient warns about its httpx backend on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from communique.api import create_app

ROOT = Path(__file__).resolve().parents[1]

# --- a small event database, written by hand ------------------------------------------------

ACTORS = {
    "person:amina-diallo": Actor("person:amina-diallo", "Amina Diallo", "person", "SEN", "GOV",
                                 aliases=["Minister Diallo"]),
    "person:lars-holm": Actor("person:lars-holm", "Lars Holm", "person", "NOR", "GOV"),
    "person:ingrid-berg": Actor("person:ingrid-berg", "Ingrid Berg", "person", "NOR", "GOV"),
    "state:NOR": Actor("state:NOR", "Norway", "state", "NOR", "GOV"),
    "state:SEN": Actor("state:SEN", "Senegal", "state", "SEN", "GOV"),
    "group:SEN:CVL:protesters": Actor("group:SEN:CVL:protesters", "protesters", "collective", "SEN", "CVL"),
    "group:SEN:COP:police": Actor("group:SEN:COP:police", "police", "collective", "SEN", "COP"),
    "org:sco": Actor("org:sco", "SCO", "organisation", "IGO", "IGO"),
}
PLACES = {"Dakar": ("SEN", 14.69, -17.44), "Oslo": ("NOR", 59.91, 10.75), "Tashkent": ("UZB", 41.3, 69.24)}
QUADS = {"CONSULT": (1, "040", 1.0), "AGREE": (1, "030", 3.0), "ACCUSE": (3, "112", -2.0),
         "PROTEST": (4, "140", -6.5), "COERCE": (4, "170", -7.0), "SUPPORT": (1, "051", 3.4)}

# (source id, published, title, text, acts); an act names its words by the text they match.
DOCUMENTS = [
    ("t-001", date(2024, 3, 12), "Ministers meet in Dakar",
     "On 12 March 2024, Foreign Minister Amina Diallo held talks with Lars Holm in Dakar. "
     "The two ministers signed an agreement on fisheries.",
     [dict(type="CONSULT", mode="visit", trigger="held talks", source=[("person:amina-diallo", "Amina Diallo")],
           target=[("person:lars-holm", "Lars Holm")], date=("2024-03-12", "12 March 2024"), place="Dakar",
           contexts=["economic"], role="Foreign Minister"),
      dict(type="AGREE", trigger="signed an agreement", source=[("person:amina-diallo", "The two ministers")],
           target=[("person:lars-holm", "The two ministers")], date=("2024-03-12", None), place="Dakar")]),
    ("t-002", date(2024, 5, 3), "Norway accuses Senegal",
     "Norway accused Senegal of breaking the fisheries accord on 3 May 2024.",
     [dict(type="ACCUSE", trigger="accused", source=[("state:NOR", "Norway")], target=[("state:SEN", "Senegal")],
           date=("2024-05-03", "3 May 2024"))]),
    ("t-003", date(2024, 6, 21), "Diallo in Oslo",
     "Amina Diallo visited Oslo on 20 June 2024 and met Prime Minister Ingrid Berg.",
     [dict(type="CONSULT", mode="visit", trigger="met", source=[("person:amina-diallo", "Amina Diallo")],
           target=[("person:ingrid-berg", "Ingrid Berg")], date=("2024-06-20", "20 June 2024"), place="Oslo",
           role="Foreign Minister")]),
    ("t-004", date(2024, 7, 2), "Clashes in Dakar",
     "Protesters clashed with police in Dakar on 1 July 2024. The government did not impose a curfew.",
     [dict(type="PROTEST", trigger="clashed", source=[("group:SEN:CVL:protesters", "Protesters")],
           target=[("group:SEN:COP:police", "police")], date=("2024-07-01", "1 July 2024"), place="Dakar"),
      dict(type="COERCE", mode="curfew", trigger="impose a curfew", source=[("state:SEN", "The government")],
           target=[], date=("2024-07-01", None), negated=True)]),
    ("t-005", date(2024, 8, 1), "SCO plans",
     "The SCO Secretary-General will visit Tashkent in September to meet Lars Holm.",
     [dict(type="CONSULT", mode="visit", trigger="visit", source=[("org:sco", "SCO")],
           target=[("person:lars-holm", "Lars Holm")], date=("2024-09", "September"), place="Tashkent",
           future=True)]),
    ("t-006", date(2024, 8, 15), "A statement with <markup> & quotes",
     'Senegal welcomed the "constructive" <script>alert(1)</script> statement by Norway & partners.',
     [dict(type="SUPPORT", trigger="welcomed", source=[("state:SEN", "Senegal")],
           target=[("state:NOR", "Norway & partners")], date=("2024-08", None))]),
]
STATED = 6  # events not negated, future or hypothetical


def _span(text: str, words: str | None, after: int = 0) -> Span | None:
    if not words:
        return None
    start = text.index(words, after)
    return Span(start, start + len(words))


def _sentence(text: str, at: int) -> Span:
    start = text.rfind(". ", 0, at)
    start = 0 if start < 0 else start + 2
    end = text.find(". ", at)
    return Span(start, len(text) if end < 0 else end + 1)


def extraction(source_id: str, published: date, title: str, text: str, acts: list[dict]) -> Extraction:
    doc = Document(text=text, source_id=source_id, title=title, published=published, publisher="Test Ministry")
    events, mentions, seen = [], [], {}
    for act in acts:
        trigger = _span(text, act["trigger"])
        people = {}
        for side in ("source", "target"):
            people[side] = []
            for actor_id, words in act[side]:
                a = ACTORS[actor_id]
                span = _span(text, words)
                people[side].append(Participant(actor_id, a.name, a.kind, a.country, a.sector,
                                                act.get("role") if side == "source" else None, None, span, "test"))
                mentions.append(ActorMention(span, a.name, actor_id, a.kind, a.country, a.sector, rule="test"))
                seen[actor_id] = a
        date_value, date_words = act["date"]
        place = act.get("place")
        quad, cameo, goldstein = QUADS[act["type"]]
        event = Event(
            doc_id=doc.doc_id, type=act["type"], mode=act.get("mode"), source=people["source"],
            target=people["target"], sentence_span=_sentence(text, trigger.start), trigger_span=trigger,
            rule=f"test:{act['trigger']}", cameo=cameo, quad_class=quad, goldstein=goldstein,
            contexts=act.get("contexts", []),
            date=TimeValue(date_value, "day" if len(date_value) == 10 else "month", _span(text, date_words), rule="test"),
            location=Place(place, *PLACES[place], span=_span(text, place)) if place else None,
            negated=act.get("negated", False), future=act.get("future", False),
            evidence=text[_sentence(text, trigger.start).start:_sentence(text, trigger.start).end], confidence=0.9,
        )
        event.finalise_id()
        events.append(event)
    actors = []
    for actor_id, a in seen.items():
        roles = [Role("Foreign Minister", None, a.country, a.sector, first_seen=str(published), last_seen=str(published))] \
            if actor_id == "person:amina-diallo" else []
        actors.append(Actor(a.actor_id, a.name, a.kind, a.country, a.sector, list(a.aliases), roles=roles))
    return Extraction(document=doc, events=events, actors=actors, mentions=mentions,
                      instruments=[Instrument("fisheries accord", _span(text, "fisheries"))] if "fisheries" in text else [])


def sample_extractions() -> list[Extraction]:
    return [extraction(*d) for d in DOCUMENTS]


def extra_extraction(i: int) -> Extraction:
    """Documents an ingest adds while the server runs: one stated CONSULT each."""
    text = f"Bulletin {i}: Lars Holm held talks with Amina Diallo in Oslo on 2 October 2024."
    return extraction(f"x-{i:04d}", date(2024, 10, 3), f"Bulletin {i}", text, [
        dict(type="CONSULT", trigger="held talks", source=[("person:lars-holm", "Lars Holm")],
             target=[("person:amina-diallo", "Amina Diallo")], date=("2024-10-02", "2 October 2024"), place="Oslo")])


def build_store(path: Path) -> Path:
    with Store(path) as store:
        store.upsert(sample_extractions())
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("api") / "sample.duckdb")


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db))


def events_of(client: TestClient, **params) -> dict:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def types_of(page: dict) -> list[str]:
    return sorted(e["type"] for e in page["events"])


# --- /api/events ------------------------------------------------------------------------------

def test_events_are_the_stated_ones_newest_first_with_participants(client):
    page = events_of(client)
    assert page["total"] == STATED and page["pages"] == 1
    dates = [e["date"] for e in page["events"]]
    assert dates == sorted(dates, reverse=True)
    talks = next(e for e in page["events"] if e["doc_id"] == "t-001" and e["type"] == "CONSULT")
    assert [p["name"] for p in talks["source"]] == ["Amina Diallo"]
    assert talks["source"][0]["role"] == "Foreign Minister"
    assert [p["actor_id"] for p in talks["target"]] == ["person:lars-holm"]
    assert talks["location"] == {"name": "Dakar", "country": "SEN", "lat": 14.69, "lon": -17.44}
    assert talks["title"] == "Ministers meet in Dakar" and talks["asserted"] is True


@pytest.mark.parametrize("params, expected", [
    ({"type": "CONSULT"}, ["CONSULT", "CONSULT"]),
    ({"type": "consult,accuse"}, ["ACCUSE", "CONSULT", "CONSULT"]),
    ({"type": ["ACCUSE", "PROTEST"]}, ["ACCUSE", "PROTEST"]),
    ({"mode": "visit"}, ["CONSULT", "CONSULT"]),
    ({"context": "economic"}, ["CONSULT"]),
    ({"quad_class": "3,4"}, ["ACCUSE", "PROTEST"]),
    ({"country": "nor"}, ["ACCUSE", "AGREE", "CONSULT", "CONSULT", "SUPPORT"]),
    ({"sector": "CVL"}, ["PROTEST"]),
    ({"country": "SEN", "sector": "COP"}, ["PROTEST"]),
    ({"actor": "person:lars-holm"}, ["AGREE", "CONSULT"]),
    ({"actor": "diallo"}, ["AGREE", "CONSULT", "CONSULT"]),
    ({"actor": "person:amina-diallo", "counterpart": "person:ingrid-berg"}, ["CONSULT"]),
    ({"source": "state:NOR"}, ["ACCUSE"]),
    ({"target": "state:NOR"}, ["SUPPORT"]),
    ({"date_from": "2024-05", "date_to": "2024-07-31"}, ["ACCUSE", "CONSULT", "PROTEST"]),
    ({"date_from": "2024-08"}, ["SUPPORT"]),
    ({"location": "dak"}, ["AGREE", "CONSULT", "PROTEST"]),
    ({"location_country": "NOR"}, ["CONSULT"]),
    ({"q": "fisheries ACCORD"}, ["ACCUSE"]),
    ({"q": '"two ministers signed"'}, ["AGREE"]),
    ({"q": "100%_"}, []),
    ({"doc": "t-004"}, ["PROTEST"]),
    ({"doc": "t-004", "all": "true"}, ["COERCE", "PROTEST"]),
    ({"all": "true", "type": "CONSULT"}, ["CONSULT", "CONSULT", "CONSULT"]),
])
def test_filters_narrow_the_list(client, params, expected):
    page = events_of(client, **params)
    assert types_of(page) == expected
    assert page["total"] == len(expected)


def test_pages_split_the_list_without_overlap_and_keep_the_total(client):
    seen = []
    for page_number in (1, 2, 3, 4):
        page = events_of(client, per_page=2, page=page_number, all="true", sort="date")
        assert page["total"] == 8 and page["pages"] == 4
        seen += [e["event_id"] for e in page["events"]]
    assert len(seen) == len(set(seen)) == 8
    assert events_of(client, per_page=2, page=9)["events"] == []


def test_sorting(client):
    oldest = events_of(client, sort="date")["events"]
    assert [e["date"] for e in oldest] == sorted(e["date"] for e in oldest)
    by_type = [e["type"] for e in events_of(client, sort="type")["events"]]
    assert by_type == sorted(by_type)
    assert [e["type"] for e in events_of(client, sort="-type")["events"]] == sorted(by_type, reverse=True)


@pytest.mark.parametrize("query, words", [
    ("type=FOO", "not a PLOVER type"),
    ("context=nonsense", "not a PLOVER context"),
    ("quad_class=7", "quad class"),
    ("date_from=2024-13", "not a date"),
    ("date_from=yesterday", "not a date"),
    ("date_from=2025&date_to=2024", "after"),
    ("per_page=501", "per_page"),
    ("per_page=0", "per_page"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("country=C1N", "not a code"),
    ("location_country=NORWAY", "location_country"),
    ("counterpart=state:NOR", "actor"),
    ("actor=%00", "control characters"),
    ("sort=date;DROP TABLE events", "sort"),
    ("q=" + "+".join(["w"] * 9), "at most"),
])
def test_bad_parameters_get_422_and_say_why(client, query, words):
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


def test_parameters_reach_sql_as_values_not_code(client):
    assert events_of(client, actor="' OR 1=1 --")["total"] == 0
    assert events_of(client, q="%' OR '1'='1")["total"] == 0
    assert events_of(client, location="Dakar'; DROP TABLE events; --")["total"] == 0
    assert events_of(client)["total"] == STATED  # and the table is still there


# --- details ------------------------------------------------------------------------------------

def _event_id(client, **params) -> str:
    return events_of(client, **params)["events"][0]["event_id"]


def test_event_detail_carries_the_spans_to_highlight(client):
    event = client.get(f"/api/events/{_event_id(client, doc='t-001', type='CONSULT')}").json()
    text = event["document"]["text"]
    assert event["trigger"]["text"] == "held talks" == text[event["trigger"]["start"]:event["trigger"]["end"]]
    assert event["source"][0]["span"]["text"] == "Amina Diallo"
    assert event["target"][0]["span"]["text"] == "Lars Holm"
    assert event["date_span"]["text"] == "12 March 2024"
    assert event["location"]["span"]["text"] == "Dakar" and event["location"]["lat"] == 14.69
    assert event["sentence"]["text"].startswith("On 12 March 2024") and event["sentence"]["text"].endswith("Dakar.")
    assert event["rule"] == "test:held talks" and event["quad_class_name"] == "verbal cooperation"
    assert event["document"]["doc_id"] == "t-001" and event["document"]["published"] == "2024-03-12"
    assert [o["type"] for o in event["other_events"]] == ["AGREE"]


@pytest.mark.parametrize("path", ["/api/events/0000000000000000", "/api/documents/nope",
                                  "/api/actors/person:nobody", "/api/actors/a/b/c"])
def test_unknown_ids_are_404_with_a_message(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["detail"]


def test_document_by_input_id_or_hash_with_every_span(client):
    doc = client.get("/api/documents/t-004").json()
    assert doc["title"] == "Clashes in Dakar" and doc["text"].startswith("Protesters clashed")
    assert sorted(e["type"] for e in doc["events"]) == ["COERCE", "PROTEST"]
    assert {m["actor_id"] for m in doc["mentions"]} >= {"group:SEN:CVL:protesters", "group:SEN:COP:police"}
    coerce = next(e for e in doc["events"] if e["type"] == "COERCE")
    assert coerce["unasserted"] is True
    assert doc["text"][coerce["trigger_start"]:coerce["trigger_end"]] == "impose a curfew"
    same = client.get(f"/api/documents/{doc['doc_hash']}").json()
    assert same["doc_id"] == "t-004"
    assert client.get("/api/documents/t-001").json()["instruments"][0]["name"] == "fisheries accord"


def test_actor_detail_roles_counterparts_timeline_places(client):
    actor = client.get("/api/actors/person:amina-diallo").json()
    assert actor["name"] == "Amina Diallo" and actor["aliases"] == ["Minister Diallo"]
    assert (actor["events"], actor["as_source"], actor["as_target"]) == (3, 3, 0)
    role = actor["roles"][0]
    assert (role["role"], role["first"], role["last"]) == ("Foreign Minister", "2024-03-12", "2024-06-21")
    assert role["events"] == 2 and role["documents"] == 2
    assert {c["actor_id"]: c["events"] for c in actor["counterparts"]} == {
        "person:lars-holm": 2, "person:ingrid-berg": 1}
    assert [(m["month"], m["events"]) for m in actor["timeline"]] == [("2024-03", 2), ("2024-06", 1)]
    assert {p["name"]: p["events"] for p in actor["locations"]} == {"Dakar": 2, "Oslo": 1}
    assert {n["actor_id"] for n in actor["network"]["nodes"]} == {
        "person:amina-diallo", "person:lars-holm", "person:ingrid-berg"}
    assert len(actor["recent_events"]) == 3 and actor["recent_events"][0]["date"] == "2024-06-20"


def test_actors_list_busiest_first_searchable_and_paged(client):
    listing = client.get("/api/actors").json()
    assert listing["actors"][0]["actor_id"] == "person:amina-diallo"
    assert listing["total"] == 8 - 1  # the SCO takes part only in a future event
    assert [a["actor_id"] for a in client.get("/api/actors", params={"q": "minister diallo"}).json()["actors"]] == [
        "person:amina-diallo"]
    assert [a["name"] for a in client.get("/api/actors", params={"q": "HOLM"}).json()["actors"]] == ["Lars Holm"]
    assert {a["actor_id"] for a in client.get("/api/actors", params={"kind": "state"}).json()["actors"]} == {
        "state:NOR", "state:SEN"}
    second = client.get("/api/actors", params={"per_page": 3, "page": 3}).json()
    assert second["total"] == 7 and len(second["actors"]) == 1
    assert client.get("/api/actors", params={"per_page": 3, "page": 9}).json()["total"] == 7


# --- aggregates ---------------------------------------------------------------------------------

def test_stats_count_by_type_month_country_and_quad_class(client):
    stats = client.get("/api/stats").json()
    assert stats["events"] == STATED and stats["documents"] == 5
    assert {t["type"]: t["events"] for t in stats["by_type"]} == {
        "CONSULT": 2, "AGREE": 1, "ACCUSE": 1, "PROTEST": 1, "SUPPORT": 1}
    assert ("2024-03", "CONSULT", 1) in [(m["month"], m["type"], m["events"]) for m in stats["by_month"]]
    assert sum(m["events"] for m in stats["by_month"]) == STATED
    assert (stats["cooperation"], stats["conflict"]) == (4, 2)
    assert {q["quad_class"]: q["events"] for q in stats["quad_classes"]} == {1: 4, 3: 1, 4: 1}
    assert {c["country"]: c["events"] for c in stats["by_actor_country"]}["NOR"] == 5
    assert {c["country"]: c["events"] for c in stats["by_location_country"]} == {"SEN": 3, "NOR": 1}
    narrowed = client.get("/api/stats", params={"type": "CONSULT"}).json()
    assert narrowed["events"] == 2 and narrowed["conflict"] == 0


def test_network_edges_are_weighted_and_split_by_cooperation_and_conflict(client):
    graph = client.get("/api/network").json()
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    assert edges[("person:amina-diallo", "person:lars-holm")]["events"] == 2
    assert edges[("state:NOR", "state:SEN")]["conflict"] == 1
    assert edges[("state:SEN", "state:NOR")]["cooperation"] == 1
    assert graph["edges"][0]["events"] == 2  # heaviest first
    assert len(client.get("/api/network", params={"limit": 1}).json()["edges"]) == 1
    assert client.get("/api/network", params={"limit": 2001}).status_code == 422


def test_graphml_export_opens_as_a_graph(client):
    response = client.get("/api/network.graphml", params={"country": "NOR"})
    assert response.headers["content-type"].startswith("application/graphml+xml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(response.content)
    nodes = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert {"state:NOR", "state:SEN", "person:lars-holm"} <= nodes
    weights = [int(d.text) for d in root.iterfind(".//g:edge/g:data[@key='weight']", ns)]
    assert sorted(weights, reverse=True)[0] == 2
    names = {n.get("id"): n.find("g:data[@key='name']", ns).text for n in root.iterfind(".//g:node", ns)}
    assert names["state:NOR"] == "Norway"


def test_locations_have_coordinates_and_counts(client):
    places = {p["name"]: p for p in client.get("/api/locations").json()}
    assert places["Dakar"]["events"] == 3 and places["Dakar"]["conflict"] == 1
    assert (places["Oslo"]["lat"], places["Oslo"]["lon"]) == (59.91, 10.75)
    assert "Tashkent" not in places  # only a future event happens there


def test_facets_list_codebooks_and_present_values(client):
    facets = client.get("/api/facets").json()
    assert "CONSULT" in facets["types"] and "visit" in facets["modes"]
    assert facets["countries"] == ["IGO", "NOR", "SEN"]


# --- exports ------------------------------------------------------------------------------------

def test_csv_export_has_the_cli_columns_and_the_filtered_rows(client):
    response = client.get("/api/events.csv", params={"country": "NOR"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "communique-events.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert sorted(r["type"] for r in rows) == ["ACCUSE", "AGREE", "CONSULT", "CONSULT", "SUPPORT"]


def test_jsonl_and_parquet_exports(client, tmp_path, monkeypatch):
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where the exports are written before sending
    lines = client.get("/api/events.jsonl", params={"all": "true"}).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 8 and {"negated", "future"} <= set(records[0])
    response = client.get("/api/events.parquet", params={"type": "CONSULT", "limit": 1})
    path = tmp_path / "x.parquet"
    path.write_bytes(response.content)
    table = pq.read_table(path)
    assert table.num_rows == 1 and table.column_names == list(EXPORT_COLUMNS)
    assert client.get("/api/events.xlsx").status_code == 422
    assert list(spool.iterdir()) == []  # each export's file is removed once sent


# --- security basics ------------------------------------------------------------------------------

def test_security_headers_and_no_cors(client):
    response = client.get("/", headers={"Origin": "https://elsewhere.example"})
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in response.headers
    api = client.get("/api/events", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in api.headers
    preflight = client.options("/api/events", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("path", [
    "/static/../api/app.py", "/static/%2e%2e/api/app.py", "/static/..%2fapi%2fapp.py",
    "/vendor/../../pyproject.toml", "/vendor/..%2f..%2fpyproject.toml", "/vendor/d3%2fpackage.json",
    "/vendor/package.json", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
])
def test_static_routes_serve_no_file_outside_their_folders(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"[project]" not in response.content and b"import" not in response.content


def test_the_api_writes_nothing(db):
    app = create_app(db)
    writes = [(r.path, m) for r in app.routes for m in getattr(r, "methods", ()) if m not in ("GET", "HEAD")]
    assert writes == []


def test_pages_work_without_the_npm_libraries(db, tmp_path):
    bare = TestClient(create_app(db, assets=tmp_path / "no-node-modules"))
    for path in ("/", "/network", "/map", "/actors/person:amina-diallo"):  # the pages with charts
        response = bare.get(path)
        assert response.status_code == 200, path
        assert "make install" in response.text, path
        assert "/vendor/d3.js" not in response.text
    assert "Amina Diallo" in bare.get("/events").text
    assert "Dakar" in bare.get("/map").text
    assert bare.get("/vendor/d3.js").status_code == 404


def test_document_text_is_escaped_in_pages(client):
    event_id = _event_id(client, type="SUPPORT")
    html = client.get(f"/events/{event_id}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Norway &amp; partners" in html


def test_html_pages_answer_bad_parameters_with_a_page(client):
    response = client.get("/events?date_from=someday")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "not a date" in response.text
    missing = client.get("/events/0000000000000000")
    assert missing.status_code == 404 and "No event has the id" in missing.text


# --- a database being written ---------------------------------------------------------------------

def test_cached_aggregates_follow_the_file(db, tmp_path):
    path = tmp_path / "grow.duckdb"
    path.write_bytes(db.read_bytes())
    client = TestClient(create_app(path, linger=0))  # the writer is in this process: no lingering
    assert client.get("/api/stats").json()["events"] == STATED
    with Store(path) as store:
        store.upsert([extra_extraction(1)])
    assert client.get("/api/stats").json()["events"] == STATED + 1
    assert client.get("/api/events").json()["total"] == STATED + 1


def test_actors_are_shown_as_people_corrected_them(db, tmp_path):
    from communique.store.actors import merge

    path = tmp_path / "corrected.duckdb"
    path.write_bytes(db.read_bytes())
    with Store(path) as store:
        merge(store, "person:ingrid-berg", into="person:lars-holm", by="test", note="one person, two names")
    client = TestClient(create_app(path))
    assert events_of(client, actor="person:ingrid-berg")["total"] == 0
    assert events_of(client, actor="person:lars-holm")["total"] == 3
    oslo = events_of(client, location="Oslo")["events"][0]
    assert [p["actor_id"] for p in oslo["target"]] == ["person:lars-holm"]
    assert client.get("/api/actors/person:ingrid-berg").status_code == 404
    counterparts = client.get("/api/actors/person:amina-diallo").json()["counterparts"]
    assert [(c["actor_id"], c["events"]) for c in counterparts] == [("person:lars-holm", 3)]
    assert "Ingrid Berg" in client.get("/api/actors/person:lars-holm").json()["aliases"]


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from test_api import extra_extraction
    from communique.store import Store
    store = Store({path!r})
    for batch in range({batches}):
        store.upsert([extra_extraction(batch * {per_batch} + k) for k in range({per_batch})])
        time.sleep(0.05)
    print("written", {batches} * {per_batch}, flush=True)
""")


def test_api_keeps_answering_while_an_ingest_writes(db, tmp_path):
    path = tmp_path / "busy.duckdb"
    path.write_bytes(db.read_bytes())
    client = TestClient(create_app(path, max_hold=1.0))  # the default, 10 s, would only make this test slower
    batches, per_batch = 12, 5
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(tests=str(Path(__file__).parent), path=str(path),
                                             batches=batches, per_batch=per_batch)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    totals, statuses = [], []
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline:
        response = client.get("/api/events", params={"per_page": 1, "type": "CONSULT"})
        statuses.append(response.status_code)
        if response.status_code == 200:
            totals.append(response.json()["total"])
        statuses.append(client.get("/api/stats").status_code)
        time.sleep(0.03)  # a person clicking, not a load test
    out, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors
    assert f"written {batches * per_batch}" in out
    assert set(statuses) == {200}
    assert totals == sorted(totals)  # each answer saw whole batches, never fewer than before
    assert any(2 < t < 2 + batches * per_batch for t in totals), totals  # it answered in mid-ingest
    assert len(totals) >= 5
    assert events_of(client, type="CONSULT")["total"] == 2 + batches * per_batch


# --- the command --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_prints_its_url_and_serves_on_loopback(db):
    import httpx

    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "communique"), "serve", "--db", str(db),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in url
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["total"] == STATED
        # DNS rebinding: a page on another name that resolves to 127.0.0.1 is not answered
        forged = httpx.get(f"http://127.0.0.1:{port}/api/events", headers={"Host": "attacker.example"}, timeout=5)
        assert forged.status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_missing_database(tmp_path):
    from typer.testing import CliRunner

    from communique.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 2
    assert "no database at" in result.output and "communique ingest" in result.output
