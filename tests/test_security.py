"""The security review of `communique serve`, as tests: SQL only ever gets values as
parameters (text interpolated into SQL is a reviewed identifier), requests and pages are
bounded, no file outside the served folders can be fetched however the path is spelled
(sent raw to a real server), CORS stays closed, the server binds to 127.0.0.1 and answers
local host names only, HTML answers carry security headers, stored text is escaped, and
schemathesis finds no request, with or without the token, that breaks the write API.
"""

from __future__ import annotations

import ast
import re
import socket
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance,
)
from typer.testing import CliRunner

from communique import cli
from communique.api import create_app
from communique.api.auth import EditSettings
from communique.api.security import MAX_BODY_BYTES, MAX_QUERY_BYTES
from test_api import STATED, build_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "communique"
TOKEN = "security-review-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EDITS = EditSettings(allowed=True, token=TOKEN)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("security") / "sample.duckdb")


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, edit_settings=EDITS, linger=0))


def an_event(client: TestClient) -> str:
    return client.get("/api/events", params={"type": "ACCUSE"}).json()["events"][0]["event_id"]


# --- SQL: values as parameters, identifiers from fixed tables ------------------------------------

# Every expression interpolated into an SQL text by the server's code, reviewed: each is
# an identifier, a clause or a list of `?` built from fixed tables, never request input.
SERVER_CODE = [*sorted((SRC / "api").glob("*.py")),
               *(SRC / "store" / f"{name}.py" for name in ("export", "event_corrections", "actors", "duckdb_store"))]
REVIEWED = {
    "api/database.py": {"table"},  # actor_corrections | event_corrections
    "api/edits.py": {"sql"},  # one of two fixed SELECTs
    "api/queries.py": {"' AND '.join(who)", "ASSERTED", "_LIST_COLUMNS", "_marks(doc_ids)", "_marks(event_ids)",
                       "_marks(ids)", "inside", "kept", "marks", "mine", "order", "where"},
    "api/routes.py": {"copy_sql(fmt.value)", "sql"},  # fmt is an enum; sql from store/export.py
    "store/export.py": {"', '.join(columns)", "_PLURAL[f]", "_select(_INCIDENT_COLUMNS, INCIDENT_LIST_COLUMNS, for_csv)",
                        "_tables(filters)['event_actors']", "condition", "docs", "events_sql", "f", "limit", "order",
                        "participants", "side_lists", "tables['event_actors']", "tables['events']", "where"},
    "store/event_corrections.py": {"' LIMIT ?' if limit else ''", "', '.join('?' * len(columns))",
                                   "', '.join(columns)", "where"},
    "store/actors.py": {"' AND '.join(clauses)", "ASSERTED", "limit", "where"},
    "store/duckdb_store.py": {"asserted", "copy_sql(fmt)", "sql", "t", "table"},
}
_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN|ORDER BY|LIMIT|COPY)\b")


def sql_interpolations(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if _SQL.search(text):
                found += [(v.lineno, ast.unparse(v.value)) for v in node.values if isinstance(v, ast.FormattedValue)]
    return found


def test_only_reviewed_identifiers_are_interpolated_into_sql():
    unreviewed = []
    for path in SERVER_CODE:
        name = path.relative_to(SRC).as_posix()
        unreviewed += [f"{name}:{line}: {{{expr}}}" for line, expr in sql_interpolations(path)
                       if expr not in REVIEWED.get(name, set())]
    assert unreviewed == [], (
        "text interpolated into SQL that nobody reviewed: pass values as `?` parameters, or, for an identifier "
        "chosen from a fixed table, add the expression to REVIEWED in tests/test_security.py")


@pytest.mark.parametrize("payload", [
    "' OR 1=1 --", "x'); DROP TABLE events; --", "\" OR \"\"=\"", "%' OR '%'='", "person:x' UNION SELECT text FROM documents --",
])
def test_injected_sql_is_only_ever_a_value(client, payload):
    for path, params in (("/api/events", {"q": payload}), ("/api/events", {"actor": payload}),
                         ("/api/events", {"location": payload}), ("/api/events", {"doc": payload}),
                         ("/api/events", {"source": payload}), ("/api/actors", {"q": payload}),
                         ("/api/corrections", {"event_id": payload}), ("/api/stats", {"actor": payload})):
        response = client.get(path, params=params)
        assert response.status_code in (200, 422), (path, params, response.text)
        if path == "/api/events" and response.status_code == 200:
            assert response.json()["total"] == 0, (path, params)  # matched literally: nothing has that text
    for path in (f"/api/events/{payload}", f"/api/documents/{payload}", f"/api/actors/{payload}"):
        assert client.get(path).status_code in (404, 422)
    refused = client.patch(f"/api/events/{an_event(client)}", headers=AUTH, json={"type": payload, "note": payload})
    assert refused.status_code == 422
    assert client.get("/api/events", params={"all": "true"}).json()["total"] == STATED + 2  # nothing dropped


# --- bounded sizes --------------------------------------------------------------------------------

@pytest.mark.parametrize("path, params", [
    ("/api/events", {"per_page": 501}), ("/api/events", {"page": 100_001}), ("/api/actors", {"per_page": 501}),
    ("/api/network", {"limit": 2001}), ("/api/locations", {"limit": 5001}), ("/api/corrections", {"limit": 1001}),
    ("/api/events", {"q": "x" * 201}), ("/api/events", {"type": ["CONSULT"] * 21}),
    ("/api/events", {"q": " ".join(["word"] * 9)}), ("/events", {"per_page": 501}),
])
def test_pages_and_parameters_are_bounded(client, path, params):
    assert client.get(path, params=params).status_code == 422


def test_urls_and_bodies_are_bounded(client):
    assert client.get("/api/events", params={"q": "x" * (MAX_QUERY_BYTES + 1)}).status_code == 414
    accused = an_event(client)
    big = {"type": "AGREE", "note": "x" * MAX_BODY_BYTES}
    announced = client.patch(f"/api/events/{accused}", headers=AUTH, json=big)
    assert announced.status_code == 413 and "larger than" in announced.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"type": "AGREE", "note": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    streamed = client.patch(f"/api/events/{accused}", headers={**AUTH, "Content-Type": "application/json"},
                            content=chunks())
    assert streamed.status_code == 413
    assert client.get(f"/api/events/{accused}").json()["type"] == "ACCUSE"
    # a correction of a normal size goes through
    assert client.patch(f"/api/events/{accused}", headers=AUTH, json={"note": "x" * 2000, "date": "2024"}).status_code == 200
    assert client.patch(f"/api/events/{accused}", headers=AUTH, json={"note": "x" * 2001, "date": "2024"}).status_code == 422


# --- no path traversal, sent raw to a real server -------------------------------------------------

@pytest.fixture(scope="module")
def live(db: Path) -> Iterator[tuple[str, int]]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, edit_settings=EDITS, allowed_hosts=["127.0.0.1", "localhost"], linger=0)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=10)


def raw_get(address: tuple[str, int], target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """GET exactly this request target (no client normalises it); the status and the body."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


SECRETS = [b"[project]", b"root:x:0:0", b"def create_app", b"TOKEN", b"import "]


@pytest.mark.parametrize("target", [
    "/static/../api/app.py", "/static/../../../../../../etc/passwd", "/static/%2e%2e/api/auth.py",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml", "/static/..%2f..%2f..%2fpyproject.toml",
    "/static/%252e%252e/%252e%252e/pyproject.toml", "/static/..%5c..%5c..%5cpyproject.toml",
    "/static/....//....//....//pyproject.toml", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "/static/edits.js/../../api/auth.py", "/static/%00/../api/app.py", "/static/%c0%ae%c0%ae/api/app.py",
    "/static/./.././../pyproject.toml", "/vendor/../../pyproject.toml", "/vendor/..%2f..%2fpyproject.toml",
    "/vendor/%2e%2e%2f%2e%2e%2fpyproject.toml", "/vendor/d3%2f..%2f..%2fpackage.json",
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/../../pyproject.toml",
])
def test_no_file_outside_the_served_folders(live, target):
    status, body = raw_get(live, target)
    assert status in (400, 404), (target, status, body[:200])
    assert not any(secret in body for secret in SECRETS), target


def test_the_served_files_are_still_served(live):
    status, body = raw_get(live, "/static/edits.js")
    assert status == 200 and b"sessionStorage" in body


# --- CORS closed, loopback only, security headers ---------------------------------------------------

def test_cors_stays_closed_for_reads_and_writes(client):
    elsewhere = {"Origin": "https://elsewhere.example"}
    for method in ("PATCH", "POST", "DELETE"):
        preflight = client.options(f"/api/events/{an_event(client)}", headers={
            **elsewhere, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization"})
        assert not any(h.startswith("access-control-") for h in preflight.headers), preflight.headers
    for response in (client.get("/api/events", headers=elsewhere), client.get("/api/config", headers=elsewhere),
                     client.post(f"/api/events/{an_event(client)}/confirm", headers=elsewhere)):
        assert not any(h.startswith("access-control-") for h in response.headers)


def test_serve_binds_to_loopback_and_answers_local_host_names_only(db, monkeypatch):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(app=app, **options))
    result = CliRunner().invoke(cli.app, ["serve", "--db", str(db), "--allow-edits"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1"
    app = started["app"]
    try:
        assert TestClient(app, base_url="http://127.0.0.1").get("/api/config").status_code == 200
        assert TestClient(app, base_url="http://localhost").get("/api/config").status_code == 200
        rebound = TestClient(app, base_url="http://attacker.example")  # DNS rebinding: a name pointed at 127.0.0.1
        assert rebound.get("/api/events").status_code == 400
        token = app.state.edits.token
        assert rebound.post(f"/api/events/{an_event(TestClient(app, base_url='http://127.0.0.1'))}/confirm",
                            headers={"Authorization": f"Bearer {token}"}).status_code == 400
    finally:
        app.state.db.close()
    wide = CliRunner().invoke(cli.app, ["serve", "--db", str(db), "--allow-edits", "--host", "0.0.0.0"])
    assert "token travels unencrypted" in wide.output
    started["app"].state.db.close()


def check_headers(response) -> None:
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_html_and_error_answers_carry_security_headers(client):
    accused = an_event(client)
    for path in ("/", "/events", f"/events/{accused}", "/actors/state:NOR", "/docs", "/events/nope",
                 "/events?per_page=0", "/map", "/network"):
        response = client.get(path)
        assert response.headers["content-type"].startswith("text/html"), path
        check_headers(response)
    check_headers(client.post(f"/api/events/{accused}/confirm"))  # 401
    check_headers(client.get("/api/events", params={"q": "x" * (MAX_QUERY_BYTES + 1)}))  # 414
    reader = TestClient(create_app(client.app.state.db.path, linger=0))
    check_headers(reader.post(f"/api/events/{accused}/confirm", headers=AUTH))  # 403


def test_stored_text_is_escaped_on_the_pages(client):
    html = '<img src=x onerror="alert(1)">'
    assert client.patch("/api/actors/state:SEN", headers=AUTH, json={"name": html}).status_code == 200
    page = client.get("/actors/state:SEN").text
    assert html not in page and "&lt;img src=x onerror=" in page
    event_page = client.get("/events/" + client.get("/api/events", params={"actor": "state:SEN", "type": "SUPPORT"})
                            .json()["events"][0]["event_id"]).text
    assert html not in event_page


# --- schemathesis over the correction API, with and without the token ---------------------------

_FOLDER = tempfile.TemporaryDirectory(prefix="communique-security-")
_DB = build_store(Path(_FOLDER.name) / "sample.duckdb")
APP = create_app(_DB, edit_settings=EDITS, linger=0)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(tag="corrections")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
with TestClient(APP) as _client:
    EVENT_IDS = [e["event_id"] for e in _client.get("/api/events", params={"all": "true"}).json()["events"]]
ACTOR_IDS = ["person:amina-diallo", "person:lars-holm", "state:NOR", "state:SEN", "org:sco"]


@schema.parametrize()
@settings(max_examples=8, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_generated_request_breaks_the_correction_api(case):
    without = case.call()
    assert without.status_code < 500, without.text
    if case.method.upper() in ("POST", "PATCH", "DELETE"):
        assert without.status_code in (401, 413), (case.method, case.path, without.status_code)
    # with the token, on events and actors that exist (random ids would only ever be 404)
    params = case.path_parameters or {}
    pick = len(repr(case.body)) + len(repr(params))
    if "event_id" in params:
        params["event_id"] = EVENT_IDS[pick % len(EVENT_IDS)]
    if "actor_id" in params:
        params["actor_id"] = ACTOR_IDS[pick % len(ACTOR_IDS)]
    case.call_and_validate(headers=AUTH, checks=CHECKS)
