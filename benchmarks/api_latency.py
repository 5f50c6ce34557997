"""API latency over a synthetic store of 1,000,000 events.

    .venv/bin/python benchmarks/api_latency.py                    # build (once) and measure
    .venv/bin/python benchmarks/api_latency.py --events 200000    # a smaller store
    .venv/bin/python benchmarks/api_latency.py --rebuild          # build the store again

The store is written straight into DuckDB with INSERT ... SELECT over ``range()``
(a minute for a million events, not hours of NLP), after ``Store`` has created
the schema, so the API reads exactly the tables an ingest writes.  Requests go
through the real ASGI app in process (httpx over ``TestClient``): what is timed is
routing, validation, the read-only connection, SQL and JSON — everything but
the socket.  Prints p50/p95 wall-clock latency and the median CPU time per request kind
as a Markdown table for docs/api.md, with the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

from communique.ontology import plover_types
from communique.store import Store

DEFAULT_PATH = Path("/tmp/communique-bench-1m.duckdb")
COUNTRIES = ["CHN", "RUS", "USA", "IND", "KAZ", "UZB", "KGZ", "TJK", "PAK", "IRN", "TUR", "FRA", "DEU", "GBR",
             "JPN", "KOR", "BRA", "ZAF", "EGY", "NGA", "ARM", "AZE", "UKR", "BLR", "MNG", "IGO"]
SECTORS = ["GOV", "GOV", "GOV", "MIL", "IGO", "BUS", "CVL", "JRN"]
PLACES = [("Beijing", "CHN", 39.9, 116.4), ("Moscow", "RUS", 55.75, 37.62), ("Washington", "USA", 38.9, -77.04),
          ("New Delhi", "IND", 28.61, 77.21), ("Astana", "KAZ", 51.17, 71.45), ("Tashkent", "UZB", 41.3, 69.24),
          ("Bishkek", "KGZ", 42.87, 74.59), ("Dushanbe", "TJK", 38.56, 68.77), ("Islamabad", "PAK", 33.69, 73.06),
          ("Tehran", "IRN", 35.69, 51.39), ("Ankara", "TUR", 39.93, 32.86), ("Paris", "FRA", 48.86, 2.35),
          ("Geneva", "CHE", 46.2, 6.15), ("New York", "USA", 40.71, -74.01), ("Yerevan", "ARM", 40.18, 44.51),
          ("Baku", "AZE", 40.41, 49.87), ("Kyiv", "UKR", 50.45, 30.52), ("Tokyo", "JPN", 35.68, 139.69)]
WORDS = ["held", "talks", "with", "visited", "signed", "agreement", "on", "trade", "security", "condemned",
         "attack", "urged", "restraint", "welcomed", "delegation", "discussed", "cooperation", "energy",
         "border", "sanctions", "ministers", "summit", "statement", "support", "aid", "troops"]


def build(path: Path, events: int, actors: int = 5000, events_per_doc: int = 5) -> None:
    """A store with ``events`` events over ``events // events_per_doc`` documents, 1-3 actors per side."""
    if path.exists():
        path.unlink()
    Store(path).close()  # the schema, by the store's own migrations
    docs = max(1, events // events_per_doc)
    types = [(name, t.quad_class, t.cameo_default, list(t.modes)) for name, t in plover_types().items()]
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TEMP TABLE t_types AS SELECT * FROM (VALUES " + ", ".join(
        f"({i}, '{n}', {q}, '{c}', {m!r})" for i, (n, q, c, m) in enumerate(types)) + ") v(i, type, quad, cameo, modes)")
    con.execute("CREATE TEMP TABLE t_places AS SELECT * FROM (VALUES " + ", ".join(
        f"({i}, '{n}', '{c}', {la}, {lo})" for i, (n, c, la, lo) in enumerate(PLACES)) + ") v(i, name, country, lat, lon)")
    con.execute("SET VARIABLE countries = ?", [COUNTRIES])
    con.execute("SET VARIABLE sectors = ?", [SECTORS])
    con.execute("SET VARIABLE words = ?", [WORDS])
    con.execute("BEGIN TRANSACTION")
    con.execute(f"""
        INSERT INTO actors
        SELECT 'person:synthetic-' || i, 'Synthetic Actor ' || i,
               CASE WHEN i % 10 = 0 THEN 'state' WHEN i % 10 = 1 THEN 'organisation' ELSE 'person' END,
               getvariable('countries')[1 + i % {len(COUNTRIES)}], getvariable('sectors')[1 + i % {len(SECTORS)}],
               [], NULL
        FROM range({actors}) r(i)""")
    con.execute(f"""
        INSERT INTO documents (doc_id, source_id, title, published, publisher, language, text, topics, warnings,
                               extractor_version, extraction_hash, ingested_at)
        SELECT printf('%016x', hash(i) >> 1), 'doc-' || i, 'Synthetic release ' || i,
               DATE '2010-01-01' + CAST(hash(i, 'd') % 5475 AS INTEGER), 'Ministry ' || (i % 40), 'en',
               'Synthetic Actor ' || (i % {actors}) || ' held talks with Synthetic Actor ' || ((i * 7) % {actors})
                 || ' on trade and security. ' || repeat('The two sides discussed cooperation. ', 8),
               [], [], '0.1.0', 'synthetic', TIMESTAMP '2025-01-01'
        FROM range({docs}) r(i)""")
    con.execute(f"""
        INSERT INTO events
        WITH base AS (
            SELECT i, i // {events_per_doc} AS d, CAST(hash(i, 'x') >> 1 AS BIGINT) AS h FROM range({events}) r(i)
        ), picked AS (
            SELECT b.*, t.type, t.quad, t.cameo, t.modes, p.name AS pname, p.country AS pcountry, p.lat, p.lon,
                   DATE '2010-01-01' + CAST(hash(b.d, 'd') % 5475 AS INTEGER) AS day
            FROM base b
            JOIN t_types t ON t.i = b.h % {len(types)}
            JOIN t_places p ON p.i = (b.h >> 8) % {len(PLACES)}
        )
        SELECT printf('%016x', hash(i, 'e') >> 1), printf('%016x', hash(d) >> 1), type,
               CASE WHEN len(modes) > 0 AND (h >> 16) % 3 = 0 THEN modes[1 + (h >> 20) % len(modes)] END,
               CASE WHEN (h >> 24) % 4 = 0 THEN ['economic'] WHEN (h >> 24) % 4 = 1 THEN ['security', 'military'] ELSE [] END,
               cameo, quad, 0.0, 0.0,
               strftime(day, '%Y-%m-%d'), 'day', NULL, day, day, 0, 10, 'synthetic',
               CASE WHEN (h >> 28) % 10 < 8 THEN pname END, CASE WHEN (h >> 28) % 10 < 8 THEN pcountry END,
               CASE WHEN (h >> 28) % 10 < 8 THEN lat END, CASE WHEN (h >> 28) % 10 < 8 THEN lon END,
               NULL, NULL, NULL, NULL,
               0, 80, 20, 25, [], [],
               array_to_string(list_transform(range(12), lambda k: getvariable('words')[1 + CAST(hash(i, k) % {len(WORDS)} AS BIGINT)]), ' '),
               (h >> 32) % 50 = 0, (h >> 33) % 40 = 0, (h >> 34) % 60 = 0, false,
               0.5 + ((h >> 40) % 50) / 100.0, 'synthetic:' || lower(type), '0.1.0'
        FROM picked""")
    con.execute(f"""
        INSERT INTO event_actors
        WITH e AS (SELECT event_id, doc_id, CAST(hash(event_id) >> 1 AS BIGINT) AS h FROM events)
        SELECT e.event_id, e.doc_id, s.side, s.pos, 'person:synthetic-' || a, 'Synthetic Actor ' || a, 'person',
               getvariable('countries')[1 + a % {len(COUNTRIES)}], getvariable('sectors')[1 + a % {len(SECTORS)}],
               NULL, NULL, 0, 10, 'synthetic'
        FROM e, (VALUES ('source', 0), ('source', 1), ('target', 0), ('target', 1)) s(side, pos),
             LATERAL (SELECT CAST(power((hash(e.h, s.side, s.pos) % 1000000) / 1000000.0, 3) * {actors} AS BIGINT) AS a)
        WHERE s.pos = 0 OR (e.h >> (CASE WHEN s.side = 'source' THEN 3 ELSE 5 END)) % 4 = 0""")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


REQUESTS: list[tuple[str, str]] = [
    ("events, no filter", "/api/events"),
    ("events, type + date range", "/api/events?type=CONSULT&date_from=2015&date_to=2016-06"),
    ("events, participant country, oldest first", "/api/events?country=RUS&sort=date"),
    ("events, actor id", "/api/events?actor=person:synthetic-42"),
    ("events, part of an actor's name", "/api/events?actor=Actor%20420"),
    ("events, words in the evidence", "/api/events?q=sanctions%20border"),
    ("events, mode + context + place, page 20", "/api/events?mode=visit&context=economic&location=Beijing&page=20"),
    ("events, sector + quad class, 200 a page", "/api/events?sector=MIL&quad_class=4&per_page=200"),
    ("stats", "/api/stats"),
    ("stats, type + participant country", "/api/stats?type=ASSAULT&country=UKR"),
]
UNCACHED = [  # the same aggregates computed afresh each time (as after every ingest batch)
    ("stats, not cached", "/api/stats"),
    ("stats, type + participant country, not cached", "/api/stats?type=ASSAULT&country=UKR"),
]


def measure(path: Path, rounds: int, requests: list[tuple[str, str]],
            **options: object) -> list[tuple[str, float, float, float]]:
    """(label, p50 ms, p95 ms, median CPU ms of this process: all DuckDB threads, which a
    machine shared with other work cannot inflate the way it inflates wall-clock time)."""
    from fastapi.testclient import TestClient

    from communique.api import create_app

    results = []
    with TestClient(create_app(path, **options)) as client:
        for label, url in requests:
            response = client.get(url)  # warm the OS cache and the plan
            assert response.status_code == 200, (url, response.status_code, response.text[:300])
            times, cpu = [], []
            for _ in range(rounds):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                assert response.status_code == 200
            results.append((label, statistics.median(times), percentile(times, 0.95), statistics.median(cpu)))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--polite", action="store_true", help="also measure with the file reopened per request")
    args = ap.parse_args()
    if args.rebuild or not args.db.exists():
        start = time.perf_counter()
        build(args.db, args.events)
        print(f"built {args.db} ({args.events:,} events) in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    con = duckdb.connect(str(args.db), read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("events", "event_actors", "documents", "actors")}
    con.close()
    print(f"store: {counts['events']:,} events, {counts['event_actors']:,} event actors, "
          f"{counts['documents']:,} documents, {counts['actors']:,} actors; {args.rounds} requests each\n")
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores\n")
    table = [("", r) for r in measure(args.db, args.rounds, REQUESTS)]
    table += [("", r) for r in measure(args.db, args.rounds, UNCACHED, cache_size=0)]
    if args.polite:  # the file reopened for every request, as while an ingest writes
        table += [(" (reopened per request)", r) for r in measure(args.db, args.rounds, REQUESTS[:8], linger=0)]
    print("| request | p50 ms | p95 ms | CPU ms |\n| --- | ---: | ---: | ---: |")
    worst = 0.0
    for suffix, (label, p50, p95, cpu) in table:
        worst = max(worst, p95)
        print(f"| {label}{suffix} | {p50:.0f} | {p95:.0f} | {cpu:.0f} |")
    print(f"\nworst p95: {worst:.0f} ms (target < 300 ms); load average after: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
