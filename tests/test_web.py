"""The explorer in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against `communique serve` on a free local port, clicking as a person would.

With COMMUNIQUE_SCREENSHOTS=1, ``test_screenshots`` ingests the demo corpus and writes
docs/screenshots/*.png (the README shows them).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from test_api import STATED, build_store  # the hand-written sample database

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "docs" / "screenshots"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)", pytrace=False)
    pytest.skip("no /usr/bin/chromium here: apt-get install chromium chromium-driver", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


class Server:
    """`communique serve`'s app under uvicorn, in a thread, on a free loopback port."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        from communique.api import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(db, allowed_hosts=["127.0.0.1", "localhost"])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with Server(build_store(tmp_path_factory.mktemp("web") / "sample.duckdb")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every console error (CSP violations are reported there)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("response", lambda r: page.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()


def charts_ready(page) -> None:
    # a selector, not a script: the page's Content-Security-Policy forbids evaluating strings
    page.wait_for_selector("[data-chart]:not([data-ready])", state="detached")
    failed = page.locator("[data-chart][data-ready=error]")
    assert failed.count() == 0, failed.first.inner_text()


def test_filter_then_event_then_actor_then_back(page, server):
    page.goto(f"{server.url}/events")
    assert page.locator("#result-count").inner_text() == f"{STATED} events"
    page.select_option("select[name=type]", "CONSULT")
    page.fill("input[name=date_to]", "2024-06")
    page.click("button:has-text('Apply')")
    page.wait_for_url(re.compile(r"type=CONSULT"))
    assert "date_to=2024-06" in page.url
    assert page.locator("#result-count").inner_text() == "2 events"
    assert set(page.locator("table.events td .badge").all_inner_texts()) == {"CONSULT"}

    page.locator("tr", has_text="Ingrid Berg").locator("a.event-link").click()
    page.wait_for_url(re.compile(r"/events/[0-9a-f]+$"))
    assert page.locator("#event-heading").inner_text() == "Consult · 2024-06-20 · Oslo"
    text = page.locator("#document-text")
    assert text.locator(".hl-trigger").inner_text() == "met"
    assert text.locator(".hl-source").inner_text() == "Amina Diallo"
    assert text.locator(".hl-target").inner_text() == "Ingrid Berg"
    assert text.locator(".hl-date").inner_text() == "20 June 2024"
    assert text.locator(".hl-place").inner_text() == "Oslo"
    assert page.locator("#rule").inner_text() == "test:met"
    colours = {kind: text.locator(f".hl-{kind}").first.evaluate("el => getComputedStyle(el).backgroundColor")
               for kind in ("trigger", "source", "target", "date", "place")}
    assert len(set(colours.values())) == 5, colours  # each kind of span in its own colour

    text.locator("a.hl-source").click()
    page.wait_for_url(re.compile(r"/actors/person:amina-diallo$"))
    assert page.locator("#actor-name").inner_text() == "Amina Diallo"
    assert "Foreign Minister" in page.locator("#roles").inner_text()
    assert page.locator("#counterparts tbody tr").count() == 2
    charts_ready(page)
    assert page.locator("[data-chart=network] g.node").count() == 3
    assert page.locator("[data-chart=map] circle.place").count() == 2
    assert page.locator("[data-chart=roles] rect.role-bar").count() == 1

    page.go_back()
    assert page.locator("#event-heading").inner_text().startswith("Consult")
    page.go_back()
    assert page.locator("#result-count").inner_text() == "2 events"
    assert page.locator("select[name=type]").input_value() == "CONSULT"
    assert page.errors == []


def test_overview_draws_the_timeline_and_lists_the_busiest(page, server):
    page.goto(server.url)
    charts_ready(page)
    assert page.locator("#kpi-events").inner_text() == str(STATED)
    bars = page.locator("[data-chart=timeline] svg rect")
    assert bars.count() >= STATED - 1  # one rectangle per (month, type) with events, a few share a month
    assert "CONSULT (2)" in page.locator(".legend").first.inner_text()
    assert page.locator("#top-actors tbody tr").first.inner_text().startswith("Amina Diallo")
    bars.first.hover()
    assert page.locator("#tooltip").is_visible()
    assert page.errors == []


def test_network_page_draws_the_graph_and_opens_an_actor(page, server):
    page.goto(f"{server.url}/network")
    charts_ready(page)
    nodes = page.locator("[data-chart=network] g.node")
    edges = page.locator("#edges tbody tr")
    assert edges.count() == page.locator("[data-chart=network] path.link").count() == 5
    assert nodes.count() == 7  # not the SCO: it takes part in a future event only
    assert page.locator("a", has_text="GraphML").get_attribute("href").startswith("/api/network.graphml")
    page.locator("[data-chart=network] g.node", has_text="Lars Holm").locator("circle").click()
    page.wait_for_url(re.compile(r"/actors/person:lars-holm$"))
    assert page.locator("#actor-name").inner_text() == "Lars Holm"
    assert page.errors == []


def test_map_points_lead_to_their_events(page, server):
    page.goto(f"{server.url}/map")
    charts_ready(page)
    assert page.locator("[data-chart=map] path.country").count() > 150  # the world, from npm's world-atlas
    points = page.locator("[data-chart=map] circle.place")
    assert points.count() == 2
    points.first.click()  # the biggest first: Dakar, with three events
    page.wait_for_url(re.compile(r"/events\?.*location=Dakar"))
    assert page.locator("#result-count").inner_text() == "3 events"
    assert page.errors == []


def test_export_button_downloads_the_filtered_events(page, server):
    page.goto(f"{server.url}/events?type=ACCUSE")
    with page.expect_download() as download:
        page.click("a:has-text('CSV')")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "Norway accused Senegal" in lines[1]


def test_sorting_and_paging_keep_the_filter_in_the_url(page, server):
    page.goto(f"{server.url}/events?per_page=2&all=true")
    page.select_option("#sort", "date")
    page.wait_for_url(re.compile(r"sort=date"))
    assert "all=true" in page.url and "per_page=2" in page.url
    first = page.locator("table.events td.nowrap").first.inner_text()
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert "sort=date" in page.url and page.locator(".pager .current").inner_text() == "page 2 of 4"
    assert page.locator("table.events td.nowrap").first.inner_text() >= first


def test_api_docs_load_from_local_assets(page, server):
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".opblock-summary-path", has_text="/api/events").count() >= 1
    assert page.errors == []


# --- screenshots for the README ---------------------------------------------------------------

@pytest.mark.skipif(os.environ.get("COMMUNIQUE_SCREENSHOTS") != "1",
                    reason="writes docs/screenshots/ only when COMMUNIQUE_SCREENSHOTS=1")
def test_screenshots(browser, tmp_path):
    db = tmp_path / "demo.duckdb"
    subprocess.run([str(Path(sys.executable).parent / "communique"), "ingest", "examples/demo.jsonl",
                    "examples/texts", "--db", str(db), "--quiet"], cwd=ROOT, check=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Server(db) as running:
        context = browser.new_context(viewport={"width": 1360, "height": 900}, device_scale_factor=1)
        page = context.new_page()

        def shoot(name: str, path: str, height: int = 900) -> None:
            page.goto(running.url + path)
            charts_ready(page)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1360, "height": height})

        shoot("overview", "/", height=1480)
        shoot("events", "/events?type=CONSULT,AGREE")
        event = page.locator("table.events a.event-link").first.get_attribute("href")
        actor = page.locator("table.events td.people-cell a.source").first.get_attribute("href")
        shoot("event", event, height=760)
        shoot("actor", actor, height=1400)
        shoot("network", "/network", height=960)
        shoot("map", "/map", height=1000)
        context.close()
