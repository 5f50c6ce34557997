"""DuckDB at scale: write a million synthetic events into a store, build their incidents,
and time the queries the explorer and `communique events` run.

    .venv/bin/python benchmarks/ingest_synthetic.py                      # 1,000,000 events
    .venv/bin/python benchmarks/ingest_synthetic.py --events 100000      # a quick look

The events are made up (no NLP runs): 5 per document, among 4,000 actors, 16 types,
three years of dates, 400 places and 60 publishers, and one in four of them
reported again by another publisher a day later, so that incidents have something
to merge.  They go through the same path as an ingest (``extraction_rows`` →
``Store.write``, one transaction per batch of documents, with the run log); only the
time spent in ``Store.write`` is counted as ingest time.  Prints Markdown for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from communique.engines.local import peak_rss_mb
from communique.model import Document, Event, Extraction, Participant, Place, Span, TimeValue, stable_hash
from communique.store import PreparedDocument, RunCounts, Store
from communique.store.rows import extraction_rows

TYPES = ("CONSULT", "AGREE", "SUPPORT", "ACCUSE", "REQUEST", "COOPERATE", "AID", "DEMAND", "THREATEN",
         "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "RETREAT", "REJECT")
COUNTRIES = ("RUS", "CHN", "USA", "IND", "KAZ", "UZB", "TUR", "IRN", "PAK", "FRA", "DEU", "BRA", "ZAF", "EGY", "IDN")


def synthetic_documents(events: int, per_doc: int, seed: int = 7):
    """Yield PreparedDocuments (rows ready for the store) until ``events`` events were made."""
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    actors = [(f"person:actor-{i}", f"Actor {i}", COUNTRIES[i % len(COUNTRIES)]) for i in range(4000)]
    places = [(f"City {i}", COUNTRIES[i % len(COUNTRIES)], 100000 + i) for i in range(400)]
    made = 0
    n = 0
    pending_copies: list[tuple] = []
    while made < events:
        n += 1
        publisher = f"Publisher {n % 60}"
        acts = []
        for k in range(per_doc):
            if pending_copies and rng.random() < 0.5:
                acts.append(pending_copies.pop())  # another publisher reports it a day later
                continue
            act = (rng.choice(TYPES), rng.choice(actors), rng.choice(actors),
                   start + timedelta(days=rng.randrange(3 * 365)), rng.choice(places) if rng.random() < 0.7 else None)
            acts.append(act)
            if rng.random() < 0.25:
                kind, a, b, day, place = act
                pending_copies.append((kind, a, b, day + timedelta(days=1), place))
        text = " ".join(f"{a[1]} and {b[1]} ({kind.lower()}) sentence {n}-{k}." for k, (kind, a, b, _, _) in
                        enumerate(acts))
        document = Document(text=text, source_id=f"syn-{n}", publisher=publisher, published=acts[0][3],
                            source=f"synthetic:{n}")
        extraction = Extraction(document=document)
        offset = 0
        for k, (kind, a, b, day, place) in enumerate(acts):
            sentence = f"{a[1]} and {b[1]} ({kind.lower()}) sentence {n}-{k}."
            s, t = offset, offset + len(a[1]) + 5
            event = Event(
                doc_id=document.doc_id, type=kind, mode=None,
                source=[Participant(a[0], a[1], "person", a[2], "GOV", "Minister", None, Span(s, s + len(a[1])))],
                target=[Participant(b[0], b[1], "person", b[2], "GOV", None, None, Span(t, t + len(b[1])))],
                sentence_span=Span(offset, offset + len(sentence)), trigger_span=Span(s, s + 3), rule="synthetic",
                cameo="040", quad_class=1, goldstein=1.0, contexts=["diplomatic"],
                date=TimeValue(day.isoformat(), "day"),
                location=Place(place[0], place[1], geonameid=place[2]) if place else None,
                evidence=sentence, mentions=[Span(s, s + 3)] if k % 3 == 0 else [],
            )
            event.finalise_id()
            extraction.events.append(event)
            offset += len(sentence) + 1
        made += len(acts)
        fingerprint = stable_hash(document.doc_id, n, length=32)
        yield PreparedDocument(document.doc_id, fingerprint, extraction_rows(extraction, fingerprint, None),
                               document.source_id, document.source)


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--events-per-doc", type=int, default=5)
    ap.add_argument("--batch-docs", type=int, default=10_000, help="documents per write transaction")
    ap.add_argument("--db", default=None, help="database file (default: a temporary one, deleted)")
    args = ap.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="communique-bench-")
    db = Path(args.db) if args.db else Path(folder.name) / "synthetic.duckdb"
    store = Store(db)
    run_id, _ = store.start_run(run_key="synthetic", command="ingest", engine="synthetic", workers=1,
                                inputs=["synthetic"], config={})
    generated = write_s = 0.0
    batch: list[PreparedDocument] = []
    docs = events = 0
    t_gen = time.perf_counter()
    for prepared in synthetic_documents(args.events, args.events_per_doc):
        batch.append(prepared)
        if len(batch) >= args.batch_docs:
            generated += time.perf_counter() - t_gen
            t0 = time.perf_counter()
            stats = store.write(batch, run_id=run_id)
            write_s += time.perf_counter() - t0
            docs += len(batch)
            events += stats.events
            batch = []
            t_gen = time.perf_counter()
    if batch:
        t0 = time.perf_counter()
        stats = store.write(batch, run_id=run_id)
        write_s += time.perf_counter() - t0
        docs += len(batch)
        events += stats.events
    store.finish_run(run_id, "finished", RunCounts(documents_read=docs, events=events))
    t0 = time.perf_counter()
    incidents = store.rebuild_incidents()
    incidents_s = time.perf_counter() - t0
    counts = store.counts()
    size_mb = db.stat().st_size / 2**20

    busy = store.query_events(limit=1)[0]
    actor, country = busy["source_actor_ids"][0], busy["source_countries"][0]
    queries = {
        "first page of events (50, by date)": lambda: store.query_events(limit=50),
        "events of one actor (page of 50)": lambda: store.query_events(actor=actor, limit=50),
        "type + country + year (page of 50)": lambda: store.query_events(type="CONSULT", country=country,
                                                                          date_from="2023", date_to="2023",
                                                                          limit=50),
        "first page of incidents (50)": lambda: store.query_events(unit="incident", limit=50),
        "incidents of one actor (page of 50)": lambda: store.query_events(unit="incident", actor=actor, limit=50),
        "summary (by type, busiest actors, samples)": lambda: store.summary(),
    }
    latencies = {name: timed(fn) for name, fn in queries.items()}

    print(f"{events:,} events in {docs:,} documents ({args.events_per_doc} per document), "
          f"{args.batch_docs} documents per transaction; database {size_mb:.0f} MB; "
          f"peak resident memory {peak_rss_mb():.0f} MB; Python {sys.version.split()[0]}\n")
    print("| stage | seconds | rows/s |")
    print("| --- | ---: | ---: |")
    print(f"| generate the rows (not counted) | {generated:.1f} | |")
    print(f"| write into DuckDB (`Store.write`, {docs // args.batch_docs + bool(docs % args.batch_docs)} "
          f"transactions) | {write_s:.1f} | {events / write_s:,.0f} events/s |")
    print(f"| rebuild incidents ({incidents:,} from {counts['events']:,} events) | {incidents_s:.1f} | "
          f"{counts['events'] / incidents_s:,.0f} events/s |")
    print("\n| query | median ms |")
    print("| --- | ---: |")
    for name, ms in latencies.items():
        print(f"| {name} | {ms:.0f} |")
    store.close()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
