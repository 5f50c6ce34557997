"""The DuckDB store: idempotent, replace-wholesale upserts; filters; exports; schema versions."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest

from communique.errors import SchemaVersionError, StoreNotFoundError
from communique.model import (
    Actor, ActorMention, Document, Event, Extraction, Gathering, Instrument, Participant, Place, Role, Span,
    TimeValue,
)
from communique.store import EXPORT_COLUMNS, Store, schema_version
from communique.store.schema import TABLES


# --- a small factory: extractions built by hand ---------------------------------------

def person(actor_id: str, name: str, country: str | None, start: int, role: str | None = None) -> Participant:
    return Participant(actor_id=actor_id, name=name, kind="person", country=country, sector="GOV",
                       role=role, org=None, span=Span(start, start + len(name)))


def make_extraction(source_id: str, text: str, acts: list[dict], *, published: date | None = date(2024, 5, 2)) -> Extraction:
    """``acts``: dicts with type, source, target (Participants), trigger word, and optional flags/date/place."""
    doc = Document(text=text, source_id=source_id, title=f"Release {source_id}", published=published,
                   publisher="Ministry of Foreign Affairs of Ruritania")
    events = []
    for act in acts:
        trigger_start = text.index(act["trigger"])
        event = Event(
            doc_id=doc.doc_id, type=act["type"], mode=act.get("mode"), source=act["source"],
            target=act.get("target", []), sentence_span=Span(0, len(text)),
            trigger_span=Span(trigger_start, trigger_start + len(act["trigger"])), rule="test:" + act["trigger"],
            cameo=act.get("cameo"), quad_class=act.get("quad_class"), goldstein=act.get("goldstein"),
            contexts=act.get("contexts", ["diplomatic"]),
            date=TimeValue(act["date"], {10: "day", 7: "month", 4: "year"}[len(act["date"])]) if act.get("date") else None,
            location=Place(act["place"], act.get("place_country")) if act.get("place") else None,
            negated=act.get("negated", False), future=act.get("future", False), evidence=text,
            confidence=act.get("confidence", 0.8), mentions=[Span(0, 3)],
        )
        event.finalise_id()
        events.append(event)
    participants = {p.actor_id: p for e in events for p in e.source + e.target}
    actors = [Actor(actor_id=p.actor_id, name=p.name or "", kind=p.kind, country=p.country, sector=p.sector,
                    aliases=[p.name or ""], roles=[Role(role=p.role, span=p.span)] if p.role else [])
              for p in participants.values()]
    mentions = [ActorMention(span=p.span, name=p.name, actor_id=p.actor_id, kind=p.kind, country=p.country,
                             role=p.role, rule="test") for p in participants.values()]
    return Extraction(
        document=doc, events=events, actors=actors, mentions=mentions,
        instruments=[Instrument(name="Trade Pact", span=Span(0, 3))],
        gatherings=[Gathering(name="Spring Forum", span=Span(0, 3), start="2024-05-01", end="2024-05-03",
                              location=Place("Strelsau", "RUR"))],
        topics=["trade"], reference_date=TimeValue("2024-05-01", "day"),
    )


ANNA = ("anna", "Anna Berg")
OTTO = ("otto", "Otto Kessel")
LIN = ("lin", "Lin Wei")


def corpus() -> list[Extraction]:
    t1 = "Anna Berg met Otto Kessel in Strelsau on 1 May 2024."
    t2 = "Lin Wei criticised Otto Kessel over the border closure."
    t3 = "Anna Berg will visit Lin Wei next year; she did not sign the accord."
    return [
        make_extraction("r1", t1, [{"type": "CONSULT", "mode": "visit", "trigger": "met", "date": "2024-05-01",
                                    "place": "Strelsau", "place_country": "RUR", "cameo": "043", "quad_class": 1,
                                    "source": [person(*ANNA, "RUR", 0, "Foreign Minister")],
                                    "target": [person(*OTTO, "FRE", 14)]}]),
        make_extraction("r2", t2, [{"type": "ACCUSE", "trigger": "criticised", "date": "2023-11",
                                    "cameo": "111", "quad_class": 3,
                                    "source": [person(*LIN, "CHN", 0, "Ambassador")], "target": [person(*OTTO, "FRE", 19)]}]),
        make_extraction("r3", t3, [
            {"type": "CONSULT", "mode": "visit", "trigger": "visit", "date": "2025", "future": True,
             "source": [person(*ANNA, "RUR", 0)], "target": [person(*LIN, "CHN", 21)]},
            {"type": "AGREE", "trigger": "sign", "date": "2024", "negated": True,
             "source": [person(*ANNA, "RUR", 0)]},
        ]),
    ]


def dump(path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two equal dumps mean two identical databases."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES + ("meta",)}
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    return tmp_path / "events.duckdb"


# --- idempotence and replacement -------------------------------------------------------

def test_ingesting_the_same_input_twice_changes_nothing(db):
    store = Store(db)
    first = store.upsert(corpus())
    before = dump(db)
    second = store.upsert(corpus())

    assert (first.documents_new, first.events) == (3, 4)
    assert (second.documents_new, second.documents_unchanged, second.documents_replaced, second.events) == (0, 3, 0, 0)
    assert dump(db) == before  # ingested_at included
    assert store.counts()["documents"] == 3 and store.counts()["actors"] == 3


def test_a_changed_extraction_replaces_its_document_and_leaves_the_others_alone(db):
    store = Store(db)
    store.upsert(corpus())
    before = dump(db)
    changed = corpus()[1]
    changed.events[0].type = "DISAPPROVE"
    changed.events[0].finalise_id()
    changed.mentions = changed.mentions[:1]

    stats = store.upsert([changed])

    assert (stats.documents_replaced, stats.documents_new, stats.events) == (1, 0, 1)
    after = dump(db)
    r2 = changed.document.doc_id
    for table in ("documents", "events", "event_actors", "event_mentions", "actor_roles", "mentions",
                  "instruments", "gatherings"):
        assert [r for r in after[table] if r2 not in r] == [r for r in before[table] if r2 not in r], table
        assert any(r2 in r for r in after[table]), table
    assert [e["type"] for e in store.query_events(doc_id="r2")] == ["DISAPPROVE"]
    assert len(store.document("r2")["mentions"]) == 1


def test_actors_are_shared_and_their_aliases_merged(db):
    store = Store(db)
    store.upsert(corpus())
    extra = make_extraction("r4", "Minister Berg met Lin Wei.", [
        {"type": "CONSULT", "trigger": "met", "source": [person("anna", "Minister Berg", "RUR", 0)],
         "target": [person(*LIN, "CHN", 18)]}])
    store.upsert([extra])
    con = duckdb.connect(str(db), read_only=True)
    aliases = con.execute("SELECT aliases FROM actors WHERE actor_id = 'anna'").fetchone()[0]
    con.close()
    assert aliases == ["Anna Berg", "Minister Berg"]


def test_a_crash_mid_batch_leaves_no_partial_document_and_a_rerun_completes(db):
    store = Store(db)
    docs = corpus()

    def crashing():
        yield docs[0]
        yield docs[1]
        yield docs[2]
        raise RuntimeError("the NLP died")

    with pytest.raises(RuntimeError):
        store.upsert(crashing(), batch_size=2)
    assert [store.document(i) is not None for i in ("r1", "r2", "r3")] == [True, True, False]
    assert store.counts()["events"] == 2  # the third document has no orphan rows either

    stats = store.upsert(corpus(), batch_size=2)
    assert (stats.documents_unchanged, stats.documents_new) == (2, 1)
    assert store.counts()["events"] == 4


def test_a_failure_while_writing_rolls_back_the_whole_batch(db, monkeypatch):
    store = Store(db)
    store.upsert(corpus())
    before = dump(db)
    changed = corpus()
    for extraction in changed:
        extraction.topics = ["security"]
    original = Store._insert

    def failing_insert(self, con, table, rows):
        if table == "mentions":  # after the old rows were deleted and the new events written
            raise OSError("disk full")
        return original(self, con, table, rows)

    monkeypatch.setattr(Store, "_insert", failing_insert)
    with pytest.raises(OSError):
        store.upsert(changed)
    assert dump(db) == before


def test_the_file_is_free_for_readers_between_batches(db):
    """Users browse while an ingest runs: another process can open the database between batches."""
    store = Store(db)
    seen = []

    def slow_extractions():
        for i, extraction in enumerate(corpus()):
            if i == 2:  # the first batch (2 documents) is written; the NLP works on the next one
                probe = subprocess.run(
                    [sys.executable, "-c",
                     "import sys; from communique.store import Store;"
                     "print(Store(sys.argv[1], read_only=True, lock_timeout=5).counts()['documents'])", str(db)],
                    capture_output=True, text=True, timeout=60,
                )
                seen.append((probe.returncode, probe.stdout.strip(), probe.stderr[-300:]))
            yield extraction

    store.upsert(slow_extractions(), batch_size=2)
    assert seen == [(0, "2", "")]


# --- queries -------------------------------------------------------------------------------

def test_default_queries_show_asserted_events_only(db):
    store = Store(db)
    store.upsert(corpus())
    assert {e["type"] for e in store.query_events()} == {"CONSULT", "ACCUSE"}
    everything = store.query_events(include_unasserted=True)
    assert len(everything) == 4
    assert {(e["type"], e["negated"], e["future"]) for e in everything if e["doc_id"] == "r3"} == {
        ("CONSULT", False, True), ("AGREE", True, False)}


def test_query_filters(db):
    store = Store(db)
    store.upsert(corpus())
    ids = lambda rows: sorted(r["doc_id"] for r in rows)  # noqa: E731

    assert ids(store.query_events(type="accuse")) == ["r2"]
    assert ids(store.query_events(type=["CONSULT", "ACCUSE"])) == ["r1", "r2"]
    assert ids(store.query_events(actor="kessel")) == ["r1", "r2"]
    assert ids(store.query_events(actor="lin")) == ["r2"]  # by id
    assert ids(store.query_events(country="chn", include_unasserted=True)) == ["r2", "r3"]
    assert ids(store.query_events(date_from="2024-01-01")) == ["r1"]
    assert ids(store.query_events(date_to="2023-12-31")) == ["r2"]
    assert ids(store.query_events(date_from="2023-11-15", date_to="2023-11-20")) == ["r2"]  # month overlaps
    assert ids(store.query_events(date_from="2024", date_to="2024", include_unasserted=True)) == ["r1", "r3"]
    assert len(store.query_events(limit=1)) == 1


def test_rows_carry_the_output_contract_fields(db):
    store = Store(db)
    store.upsert(corpus())
    (row,) = store.query_events(doc_id="r1")
    assert row["doc_hash"] == corpus()[0].document.doc_id
    assert row["source_names"] == ["Anna Berg"] and row["source_roles"] == ["Foreign Minister"]
    assert row["target_countries"] == ["FRE"] and row["location_name"] == "Strelsau"
    assert (row["cameo"], row["quad_class"], row["date"], row["date_precision"]) == ("043", 1, "2024-05-01", "day")
    assert row["trigger_start"] == 10 and row["evidence"].startswith("Anna Berg met")
    assert set(row) == set(EXPORT_COLUMNS)


def test_document_view_and_summary(db):
    store = Store(db)
    store.upsert(corpus())
    doc = store.document("r3")
    assert doc["title"] == "Release r3" and doc["topics"] == ["trade"] and len(doc["events"]) == 2
    assert doc["gatherings"][0]["name"] == "Spring Forum" and store.document("nope") is None

    report = store.summary(sample=5)
    assert report["by_type"] == [{"type": "ACCUSE", "events": 1}, {"type": "CONSULT", "events": 1}]
    assert report["busiest_actors"][0]["name"] == "Otto Kessel"
    sample = next(s for s in report["samples"] if s["type"] == "ACCUSE")
    start, end = sample["trigger"]
    assert sample["sentence"][start:end] == "criticised"


# --- exports -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_export_round_trips_rows_and_columns(db, tmp_path, fmt):
    store = Store(db)
    store.upsert(corpus())
    out = tmp_path / f"events.{fmt}"
    written = store.export_events(out, fmt, include_unasserted=True)
    assert written == 4
    if fmt == "csv":
        with out.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert next(r for r in rows if r["doc_id"] == "r1")["source_roles"] == "Foreign Minister"
    elif fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
        assert next(r for r in rows if r["doc_id"] == "r1")["source_names"] == ["Anna Berg"]
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert next(r for r in rows if r["doc_id"] == "r2")["target_names"] == ["Otto Kessel"]
    assert len(rows) == 4 and list(rows[0]) == list(EXPORT_COLUMNS)


def test_csv_keeps_participant_lists_aligned_when_a_value_is_missing(db, tmp_path):
    store = Store(db)
    pair = make_extraction("r9", "Anna Berg and Lin Wei met.", [
        {"type": "CONSULT", "trigger": "met",
         "source": [person("anna", "Anna Berg", None, 0), person(*LIN, "CHN", 14)]}])
    store.upsert([pair])
    store.export_events(tmp_path / "e.csv")
    (row,) = csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8"))
    assert row["source_names"] == "Anna Berg; Lin Wei" and row["source_countries"] == "; CHN"


# --- schema ----------------------------------------------------------------------------------

def test_schema_version_is_recorded(db):
    Store(db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(schema_version()),)
    con.close()
    assert Store(db, read_only=True).schema_version() == schema_version()


def test_a_database_from_a_newer_communique_is_refused_with_advice(db):
    Store(db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(schema_version() + 1)])
    con.close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match="upgrade communique"):
            Store(db, read_only=read_only)


def test_reading_a_missing_database_says_how_to_create_one(tmp_path):
    with pytest.raises(StoreNotFoundError, match="communique ingest"):
        Store(tmp_path / "absent.duckdb", read_only=True)
    assert not (tmp_path / "absent.duckdb").exists()


def test_in_memory_store(tmp_path):
    with Store(":memory:") as store:
        assert store.upsert(corpus()).events == 4
        assert store.counts()["events"] == 4


def test_the_same_text_under_two_ids_is_stored_once_and_stays_put(db):
    store = Store(db)
    text = "Anna Berg met Otto Kessel in Strelsau."
    act = {"type": "CONSULT", "trigger": "met", "source": [person(*ANNA, "RUR", 0)], "target": [person(*OTTO, "FRE", 14)]}
    copies = lambda: [make_extraction("wire-1", text, [act]), make_extraction("wire-2", text, [act])]  # noqa: E731
    store.upsert(copies(), batch_size=1)
    before = dump(db)
    stats = store.upsert(copies(), batch_size=1)
    assert (stats.documents_unchanged, stats.events) == (2, 0)
    assert dump(db) == before and store.document("wire-1") is not None


# --- the run log ---------------------------------------------------------------------------------

def start(store: Store, key: str = "job-1") -> tuple[str, str | None]:
    return store.start_run(run_key=key, command="ingest", engine="local", workers=1, inputs=["news/"], config={})


def test_run_log_items_are_written_with_the_documents_they_describe(db, monkeypatch):
    from communique.store import RunItem, prepare

    store = Store(db)
    run_id, _ = start(store)
    docs = [prepare(e) for e in corpus()]
    failure = RunItem("failed", "d0c", "r9", "news.jsonl:9", "ValueError: no")
    original = Store._insert

    def failing_insert(self, con, table, rows):
        if table == "mentions":
            raise OSError("disk full")
        return original(self, con, table, rows)

    monkeypatch.setattr(Store, "_insert", failing_insert)
    with pytest.raises(OSError):
        store.write(docs, run_id=run_id, log=[failure])
    assert store.counts()["documents"] == 0 and store.run_items(run_id) == []  # neither, not one of them

    monkeypatch.setattr(Store, "_insert", original)
    stats = store.write(docs + docs[:1], run_id=run_id, log=[failure])
    assert (stats.documents_new, stats.documents_unchanged) == (3, 1)
    assert sorted(i["status"] for i in store.run_items(run_id)) == ["failed", "new", "new", "new", "unchanged"]


def test_a_run_that_never_finished_is_resumed_by_the_next_with_the_same_key(db):
    from communique.store import RunCounts, prepare

    store = Store(db)
    killed, resumed = start(store)
    assert resumed is None
    store.write([prepare(e) for e in corpus()[:2]], run_id=killed)  # ...and then the process died

    other, resumed = start(store, key="another-job")
    assert resumed is None  # other inputs or settings: a new job
    store.finish_run(other, "finished", RunCounts())

    again, resumed = start(store)
    assert resumed == killed
    ids = [e.document.doc_id for e in corpus()]
    assert store.handled(again, ids) == set(ids[:2])  # done: skipped without extraction
    statuses = {r["run_id"]: r["status"] for r in store.runs()}
    assert statuses[killed] == "interrupted" and statuses[again] == "running"

    store.finish_run(again, "finished", RunCounts(documents_read=3))
    fresh, resumed = start(store)
    assert resumed is None and store.handled(fresh, ids) == set()  # after a finished run, all is checked again


def test_failed_documents_are_those_whose_last_attempt_failed(db):
    from communique.store import RunItem, prepare

    store = Store(db)
    first, _ = start(store)
    one, two = corpus()[:2]
    store.write([], run_id=first, log=[RunItem("failed", one.document.doc_id, "r1", "a.jsonl:1", "boom"),
                                       RunItem("failed", two.document.doc_id, "r2", "a.jsonl:2", "boom")])
    second, _ = start(store, key="job-2")
    store.write([prepare(one)], run_id=second)
    assert [(f["source"], f["reason"], f["inputs"]) for f in store.failed_documents()] == [
        ("a.jsonl:2", "boom", ["news/"])]
