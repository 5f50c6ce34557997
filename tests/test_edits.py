"""Analysts' corrections through `communique serve --allow-edits`: refused without the
server's token or on a read-only server; confirm, edit, delete and restore events; merge,
split and edit actors; corrections that survive a re-ingest and show (or not, on request)
in exports; the forms on the event and actor pages, in a real browser.

The database is the hand-written sample of tests/test_api.py, so what each answer must
contain is known.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import socket
import threading
import time
import warnings
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.api import create_app
from communique.api.auth import TOKEN_VARIABLE, EditSettings, TokenError
from communique.store import Store
from test_api import STATED, build_store, sample_extractions

with warnings.catch_warnings():  # starlette's TestClient warns about its httpx backend on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "corrections-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EDITS = EditSettings(allowed=True, token=TOKEN)
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "sample.duckdb")


@pytest.fixture
def editor(db: Path) -> TestClient:
    # linger=0: the file is closed after every request, so the test can also write it (a re-ingest)
    return TestClient(create_app(db, edit_settings=EDITS, linger=0))


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """An edits-allowed server for tests whose requests must all be refused (they share it)."""
    db = build_store(tmp_path_factory.mktemp("refusals") / "sample.duckdb")
    return TestClient(create_app(db, edit_settings=EDITS, linger=0))


def event_id(client: TestClient, **params) -> str:
    found = client.get("/api/events", params=params).json()["events"]
    assert len(found) == 1, found
    return found[0]["event_id"]


def log_of(client: TestClient, **params) -> dict:
    response = client.get("/api/corrections", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- who may write --------------------------------------------------------------------------------

def test_a_read_only_server_refuses_every_write_and_says_how_to_allow_it(db):
    client = TestClient(create_app(db, linger=0))
    accused = event_id(client, type="ACCUSE")
    for method, path, body in (("POST", f"/api/events/{accused}/confirm", None),
                               ("PATCH", f"/api/events/{accused}", {"type": "AGREE"}),
                               ("DELETE", f"/api/events/{accused}", None),
                               ("POST", "/api/actors/state:NOR/merge", {"into": "state:SEN"})):
        response = client.request(method, path, json=body, headers=AUTH)  # even with a token
        assert response.status_code == 403, (method, path)
        assert "--allow-edits" in response.json()["detail"]
    assert client.get("/api/config").json()["edits"] is False
    assert client.get(f"/api/events/{accused}").json()["type"] == "ACCUSE"
    assert log_of(client) == {"events": [], "actors": []}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-the-token-at-all-0123456789"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer ünïcödé-tökén".encode("utf-8")},
], ids=["none", "wrong", "longer", "shorter", "basic", "no-scheme", "empty", "non-ascii"])
def test_writes_without_the_right_token_are_401_and_change_nothing(untouched, headers):
    editor = untouched
    accused = event_id(editor, type="ACCUSE")
    for method, path, body in (("POST", f"/api/events/{accused}/confirm", None),
                               ("PATCH", f"/api/events/{accused}", {"type": "AGREE"}),
                               ("DELETE", f"/api/events/{accused}", None),
                               ("PATCH", "/api/actors/state:NOR", {"name": "Kingdom of Norway"})):
        response = editor.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["detail"]
    assert editor.get(f"/api/events/{accused}").json()["type"] == "ACCUSE"
    assert log_of(editor) == {"events": [], "actors": []}


def test_the_token_comes_from_the_environment_or_is_generated():
    assert EditSettings.from_environment({TOKEN_VARIABLE: TOKEN}).token == TOKEN
    first, second = EditSettings.from_environment({}), EditSettings.from_environment({})
    assert first.generated and len(first.token) >= 32 and first.token != second.token
    assert first.accepts(first.token) and not first.accepts(second.token) and not first.accepts(None)
    assert not EditSettings.read_only().accepts("")
    with pytest.raises(TokenError, match="shorter than 16"):
        EditSettings.from_environment({TOKEN_VARIABLE: "secret"})
    with pytest.raises(TokenError, match="printable ASCII"):
        EditSettings.from_environment({TOKEN_VARIABLE: "a token with spaces in it"})


def test_serve_allows_edits_only_when_asked_and_prints_a_generated_token(db, monkeypatch):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(app=app, **options))
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)

    result = runner.invoke(cli.app, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "read-only" in result.output and started["host"] == "127.0.0.1"
    assert started["app"].state.edits.allowed is False
    started["app"].state.db.close()  # one server per process in life; here the next one opens the file

    result = runner.invoke(cli.app, ["serve", "--db", str(db), "--allow-edits"])
    assert result.exit_code == 0, result.output
    token = started["app"].state.edits.token
    assert len(token) >= 32 and token in result.output
    client = TestClient(started["app"], base_url="http://127.0.0.1")  # the loopback server answers local names only
    accused = event_id(client, type="ACCUSE")
    assert client.post(f"/api/events/{accused}/confirm").status_code == 401
    assert client.post(f"/api/events/{accused}/confirm",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
    started["app"].state.db.close()

    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    result = runner.invoke(cli.app, ["serve", "--db", str(db), "--allow-edits"])
    assert result.exit_code == 0 and TOKEN not in result.output and TOKEN_VARIABLE in result.output
    assert started["app"].state.edits.token == TOKEN

    monkeypatch.setenv(TOKEN_VARIABLE, "short")
    result = runner.invoke(cli.app, ["serve", "--db", str(db), "--allow-edits"])
    assert result.exit_code == 2 and "shorter than 16" in result.output


# --- events -----------------------------------------------------------------------------------------

def test_an_edit_changes_what_every_view_reads_and_is_logged(editor):
    accused = event_id(editor, type="ACCUSE")
    response = editor.patch(f"/api/events/{accused}", headers=AUTH, json={
        "type": "consult", "mode": "phone", "date": "2024-04", "location": {"name": "Geneva"},
        "target": ["person:lars-holm", "Senegal"], "by": "Ana", "note": "a phone call, not an accusation"})
    assert response.status_code == 200, response.text
    event = response.json()["event"]
    # the codebooks' codes for the new type and mode, the gazetteer's place, the participants named
    assert (event["type"], event["mode"], event["cameo"], event["quad_class"]) == ("CONSULT", "phone", "041", 1)
    assert (event["date"], event["date_precision"], event["date_rule"], event["date_span"]) == \
        ("2024-04", "month", "corrected", None)
    assert event["location"]["name"] == "Geneva" and event["location"]["country"] == "CHE"
    assert [p["actor_id"] for p in event["target"]] == ["person:lars-holm", "state:SEN"]
    assert [p["name"] for p in event["target"]] == ["Lars Holm", "Senegal"]
    assert [p["actor_id"] for p in event["source"]] == ["state:NOR"]  # not edited: as extracted

    assert accused in {e["event_id"] for e in editor.get("/api/events", params={"type": "CONSULT"}).json()["events"]}
    assert editor.get("/api/events", params={"type": "ACCUSE"}).json()["total"] == 0
    assert accused in {e["event_id"] for e in editor.get(
        "/api/events", params={"actor": "person:lars-holm", "date_from": "2024-04", "date_to": "2024-04"}).json()["events"]}
    assert {"type": "CONSULT", "events": 3} in editor.get("/api/stats").json()["by_type"]
    assert "Geneva" in {p["name"] for p in editor.get("/api/locations").json()}

    [entry] = log_of(editor, event_id=accused)["events"]
    assert entry["made_by"] == "Ana" and entry["action"] == "edit" and entry["note"].startswith("a phone call")
    assert entry["fields"] == ["type", "mode", "date", "location", "target"] and entry["made_at"]
    assert "source_ids" not in entry  # a log entry shows what it set

    # one field at a time keeps the others; a new type drops a mode it does not have
    assert editor.patch(f"/api/events/{accused}", headers=AUTH, json={"type": "ACCUSE"}).json()["event"]["mode"] is None
    again = editor.patch(f"/api/events/{accused}", headers=AUTH, json={"date": None, "location": None}).json()["event"]
    assert again["type"] == "ACCUSE" and again["date"] is None and again["location"] is None


def test_confirm_delete_and_restore(editor):
    accused = event_id(editor, type="ACCUSE")
    before = editor.get(f"/api/events/{accused}").json()["confidence"]
    confirmed = editor.post(f"/api/events/{accused}/confirm", headers=AUTH, json={"by": "Ana"}).json()
    assert before < 1 and confirmed["event"]["confidence"] == 1.0

    deleted = editor.request("DELETE", f"/api/events/{accused}", headers=AUTH, json={"note": "a duplicate"})
    assert deleted.status_code == 200 and deleted.json()["event"] is None
    assert editor.get(f"/api/events/{accused}").status_code == 404
    assert editor.get("/api/events").json()["total"] == STATED - 1
    assert editor.get("/api/stats").json()["events"] == STATED - 1
    for method, path, body in (("POST", f"/api/events/{accused}/confirm", None),
                               ("PATCH", f"/api/events/{accused}", {"type": "AGREE"}),
                               ("DELETE", f"/api/events/{accused}", None)):
        refused = editor.request(method, path, json=body, headers=AUTH)
        assert refused.status_code == 409 and "restore it first" in refused.json()["detail"]

    assert editor.post(f"/api/events/{accused}/restore", headers=AUTH).status_code == 200
    assert editor.get(f"/api/events/{accused}").json()["confidence"] == 1.0
    assert editor.post(f"/api/events/{accused}/restore", headers=AUTH).status_code == 409
    assert [c["action"] for c in log_of(editor, event_id=accused)["events"]] == ["confirm", "delete", "restore"]
    assert editor.post("/api/events/no-such-event/confirm", headers=AUTH).status_code == 404


@pytest.mark.parametrize("body, words", [
    ({"type": "FOO"}, "not a PLOVER type"),
    ({"mode": "visit"}, "not a mode of ACCUSE"),
    ({"date": "2024-13-01"}, "not a date"),
    ({"date": "last week"}, "not a date"),
    ({"date": "2024-05", "date_end": "2024-04"}, "before the date"),
    ({"date_end": "2024-06"}, "give the date too"),
    ({"target": ["nobody-we-know"]}, "no stored actor"),
    ({"target": ["x"] * 21}, "at most 20"),
    ({"location": {"name": "Oslo", "lat": 10}}, "both lat and lon"),
    ({"location": {"name": "Oslo", "lat": 100, "lon": 0}}, "less than or equal to 90"),
    ({"type": None}, "type cannot be null"),
    ({}, "nothing to change"),
    ({"note": "only a note"}, "nothing to change"),
    ({"evidence": "rewritten"}, "evidence: Extra inputs are not permitted"),
    ({"type": "AGREE", "by": "Ana\x00"}, "by"),
])
def test_an_edit_that_cannot_be_made_is_422_and_says_why(untouched, body, words):
    editor = untouched
    accused = event_id(editor, type="ACCUSE")
    response = editor.patch(f"/api/events/{accused}", headers=AUTH, json=body)
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert log_of(editor)["events"] == []


# --- actors -----------------------------------------------------------------------------------------

def test_merge_split_and_edit_actors(editor):
    merged = editor.post("/api/actors/person:lars-holm/merge", headers=AUTH,
                         json={"into": "person:ingrid-berg", "by": "Ana", "note": "one person"})
    assert merged.status_code == 200, merged.text
    assert merged.json()["actor_id"] == "person:ingrid-berg"
    assert merged.json()["corrections"][0]["made_by"] == "Ana"
    talks = editor.get("/api/events", params={"doc": "t-001", "type": "CONSULT"}).json()["events"][0]
    assert [p["actor_id"] for p in talks["target"]] == ["person:ingrid-berg"]

    edited = editor.patch("/api/actors/person:ingrid-berg", headers=AUTH, json={"country": "swe", "name": "Ingrid M. Berg"})
    assert edited.status_code == 200 and len(edited.json()["corrections"]) == 2
    assert editor.get("/api/actors/person:ingrid-berg").json()["name"] == "Ingrid M. Berg"

    split = editor.post("/api/actors/person:amina-diallo/split", headers=AUTH, json={"doc": "t-003", "new_id": "person:a-diallo"})
    assert split.status_code == 200 and split.json()["actor_id"] == "person:a-diallo"
    oslo = editor.get("/api/events", params={"doc": "t-003"}).json()["events"][0]
    assert [p["actor_id"] for p in oslo["source"]] == ["person:a-diallo"]

    assert [c["action"] for c in log_of(editor)["actors"]] == ["merge", "edit", "edit", "split"]
    assert editor.post("/api/actors/person:nobody/merge", headers=AUTH, json={"into": "state:SEN"}).status_code == 404
    same = editor.post("/api/actors/state:SEN/merge", headers=AUTH, json={"into": "Senegal"})
    assert same.status_code == 422 and "already one actor" in same.json()["detail"]
    assert editor.patch("/api/actors/state:SEN", headers=AUTH, json={"country": "XYZ"}).status_code == 422


def test_an_event_edit_names_actors_as_corrected(editor):
    editor.post("/api/actors/person:lars-holm/merge", headers=AUTH, json={"into": "person:ingrid-berg"})
    accused = event_id(editor, type="ACCUSE")
    event = editor.patch(f"/api/events/{accused}", headers=AUTH, json={"source": ["person:lars-holm"]}).json()["event"]
    assert [p["actor_id"] for p in event["source"]] == ["person:ingrid-berg"]  # the actor it became


# --- corrections survive a re-ingest, and exports take them or not -----------------------------------

def reingest_changed(db: Path) -> None:
    """Every document extracted again, differently enough to be rewritten (same events, same ids)."""
    changed = sample_extractions()
    for extraction in changed:
        extraction.events = [dataclasses.replace(e, confidence=0.7) for e in extraction.events]
    with Store(db) as store:
        stats = store.upsert(changed)
    assert stats.documents_replaced == len(changed)


def exported(db: Path, *options: str) -> list[dict]:
    out = db.with_name(f"export{len(options)}.csv")
    result = runner.invoke(cli.app, ["export", "--db", str(db), "-o", str(out), "--all", *options])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_corrections_survive_a_reingest_and_show_in_exports_unless_left_out(db, editor):
    accused = event_id(editor, type="ACCUSE")
    protest = event_id(editor, type="PROTEST")
    editor.patch(f"/api/events/{accused}", headers=AUTH, json={"type": "CONSULT", "target": ["person:lars-holm"]})
    editor.delete(f"/api/events/{protest}", headers=AUTH)
    editor.post("/api/actors/state:SEN/merge", headers=AUTH, json={"into": "Senegal", "note": "noop"})  # refused: 422

    reingest_changed(db)

    event = editor.get(f"/api/events/{accused}").json()
    assert event["type"] == "CONSULT" and event["confidence"] == 0.7  # the edit, over the new extraction
    assert [p["actor_id"] for p in event["target"]] == ["person:lars-holm"]
    assert editor.get(f"/api/events/{protest}").status_code == 404
    api_export = editor.get("/api/events.csv", params={"all": "true"}).text
    assert protest not in api_export and f"{accused}" in api_export

    corrected = {row["event_id"]: row for row in exported(db)}
    assert protest not in corrected and len(corrected) == 7
    assert corrected[accused]["type"] == "CONSULT" and corrected[accused]["cameo"] == "040"
    assert corrected[accused]["target_actor_ids"] == "person:lars-holm"
    assert corrected[accused]["target_names"] == "Lars Holm"

    raw = {row["event_id"]: row for row in exported(db, "--no-corrections")}
    assert protest in raw and len(raw) == 8
    assert raw[accused]["type"] == "ACCUSE" and raw[accused]["target_actor_ids"] == "state:SEN"
    # the store's own export path takes the same switch
    with Store(db, read_only=True) as store:
        rows = store.query_events(include_unasserted=True)
        assert {r["event_id"] for r in rows} == set(corrected)
        store.export_events(db.with_name("raw.jsonl"), corrections=False, include_unasserted=True)
    assert protest in db.with_name("raw.jsonl").read_text(encoding="utf-8")


# --- the pages --------------------------------------------------------------------------------------

def test_pages_offer_corrections_only_when_the_server_allows_them(db, editor):
    accused = event_id(editor, type="ACCUSE")
    page = editor.get(f"/events/{accused}").text
    assert 'id="edit-event"' in page and "/static/edits.js" in page and TOKEN not in page
    assert 'id="edit-actor"' in editor.get("/actors/state:NOR").text
    assert editor.get("/api/config").json()["edits"] is True
    assert editor.get("/static/edits.js").status_code == 200

    reader = TestClient(create_app(db, linger=0))
    assert 'id="edit-event"' not in reader.get(f"/events/{accused}").text
    assert "edits.js" not in reader.get("/actors/state:NOR").text


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def live(db: Path) -> Iterator[str]:
    """The edits-allowed app under uvicorn on a free loopback port."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, edit_settings=EDITS, allowed_hosts=["127.0.0.1"], linger=0)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium here: apt-get install chromium")
def test_correcting_an_event_in_the_browser(live, db):
    playwright_api = pytest.importorskip("playwright.sync_api")
    client = TestClient(create_app(db, linger=0))
    accused = event_id(client, type="ACCUSE")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "401" not in m.text else None)
        page.set_default_timeout(10_000)
        page.goto(f"{live}/events/{accused}")

        page.fill("#edit-event input[name=token]", "a-wrong-token-0123456789")
        page.click("#confirm-event")
        page.wait_for_selector("#edit-event .edit-status.error-box")
        assert "Token refused" in page.inner_text("#edit-event .edit-status")

        page.fill("#edit-event input[name=token]", TOKEN)
        page.fill("#edit-event input[name=by]", "Ana")
        page.select_option("#edit-event-form select[name=type]", "CONSULT")
        page.fill("#edit-event-form input[name=mode]", "phone")
        page.fill("#edit-event input[name=note]", "a phone call")
        with page.expect_navigation():
            page.click("#edit-event-form button[type=submit]")
        assert page.inner_text("#event-heading").startswith("Consult")
        page.wait_for_selector("#edit-event .edit-history li")
        assert "Ana · edit (type, mode) · “a phone call”" in page.inner_text("#edit-event .edit-history")
        # the token stays for this tab: the next correction needs no typing
        assert page.input_value("#edit-event input[name=token]") == TOKEN
        with page.expect_navigation():
            page.click("#confirm-event")
        page.on("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click("#delete-event")
        assert page.url.endswith("/events")
        browser.close()
    assert errors == []
    assert client.get(f"/api/events/{accused}").status_code == 404
    assert [c["action"] for c in client.get("/api/corrections", params={"event_id": accused}).json()["events"]] == \
        ["edit", "confirm", "delete"]


def test_the_options_and_the_overlay_are_documented():
    root = Path(__file__).resolve().parents[1]
    cli_docs = (root / "docs" / "cli.md").read_text(encoding="utf-8")
    assert all(option in cli_docs for option in ("--allow-edits", "--no-corrections", "COMMUNIQUE_TOKEN"))
    api_docs = (root / "docs" / "api.md").read_text(encoding="utf-8")
    assert "## Corrections and security" in api_docs
    assert all(f"`{path}`" in api_docs for path in ("PATCH /api/events/{event_id}", "GET /api/corrections"))
