"""Engines: N local workers or a Ray cluster store exactly what one process stores, in bounded
memory, with a run log that names every failure and lets it be retried."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from communique import cli
from communique.engines import run
from communique.engines.work import PIPELINE_FACTORY_ENV
from communique.model import Document, Event, Extraction, Participant, Place, Span, TimeValue
from communique.store import Store
from communique.store.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
DEMO = [ROOT / "examples" / "demo.jsonl", ROOT / "examples" / "texts"]
FAKE = "test_engines:FakePipeline"
DERIVED = ("incidents", "incident_events")
runner = CliRunner()


# --- a fast, deterministic stand-in for the NLP --------------------------------------------

class FakePipeline:
    """Codes "<A> met <B>" as a CONSULT between A and B on the publication day, at the place
    after " in ".  A text containing EXPLODE makes it fail unless $FAKE_NLP_FIXED is set;
    $FAKE_NLP_DELAY slows it down (seconds per document)."""

    def __init__(self, actors_files=()):
        self.actors_files = list(actors_files)
        self.delay = float(os.environ.get("FAKE_NLP_DELAY", "0"))

    def pipe(self, documents, batch_size=32):
        for document in documents:
            if "EXPLODE" in document.text and not os.environ.get("FAKE_NLP_FIXED"):
                raise ValueError("the fake NLP chokes on this text")
            if self.delay:
                time.sleep(self.delay)
            yield self.extract(document)

    @staticmethod
    def extract(document: Document) -> Extraction:
        text = document.text
        extraction = Extraction(document=document)
        at = text.find(" met ")
        if at < 0:
            return extraction
        source = text[:at].split()[-1]
        target = text[at + 5:].split()[0].strip(".,")
        where = text.find(" in ")
        place = text[where + 4:].split()[0].strip(".,") if where > 0 else None
        t_start = at + 5

        def party(name: str, start: int) -> Participant:
            return Participant(f"person:{name.lower()}", name, "person", "RUR", "GOV", None, None,
                               Span(start, start + len(name)))

        event = Event(
            doc_id=document.doc_id, type="CONSULT", mode=None,
            source=[party(source, at - len(source))], target=[party(target, t_start)],
            sentence_span=Span(0, len(text)), trigger_span=Span(at + 1, at + 4), rule="fake:met",
            date=TimeValue(document.published.isoformat(), "day") if document.published else None,
            location=Place(place, "RUR", span=Span(where + 4, where + 4 + len(place))) if place else None,
            evidence=text,
        )
        event.finalise_id()
        extraction.events.append(event)
        return extraction


NAMES = ("Berg", "Kessel", "Wei", "Okafor", "Lund")
PLACES = ("Strelsau", "Geneva", "")
PUBLISHERS = ("Ministry A", "Agency B", "Daily C")


def write_corpus(path: Path, n: int, *, explode: tuple[int, ...] = (), bad_line: bool = True) -> Path:
    """``n`` documents: meetings among a few people on a few days, so that some are the same
    incident; every 17th a wire copy of an earlier text under another id."""
    lines = []
    for i in range(n):
        if i and i % 17 == 0:
            earlier = json.loads(lines[i // 2])
            lines.append(json.dumps({**earlier, "id": f"copy-{i}"}))
            continue
        a, b = NAMES[i % 5], NAMES[(i * 3 + 1) % 5]
        if a == b:
            b = NAMES[(i + 2) % 5]
        place = PLACES[i % 3]
        text = f"Minister {a} met {b}" + (f" in {place}" if place else "") + f" (report {i})."
        if i in explode:
            text += " EXPLODE"
        lines.append(json.dumps({"id": f"doc-{i}", "text": text, "publisher": PUBLISHERS[i % 3],
                                 "published": date(2024, 5, 1 + i % 4).isoformat()}))
    if bad_line:
        lines.insert(len(lines) // 2, '{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dump(db: Path | str) -> dict[str, list[tuple]]:
    """Every row of the data tables and incidents, sorted, without the ingestion time."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in TABLES + DERIVED:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] != "ingested_at"]
            out[table] = sorted(con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def items(db: Path | str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT status, doc_id, source, reason FROM run_items ORDER BY source").fetchall()
    finally:
        con.close()


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv(PIPELINE_FACTORY_ENV, FAKE)
    monkeypatch.delenv("FAKE_NLP_FIXED", raising=False)


# --- local workers -------------------------------------------------------------------------

def test_two_workers_store_exactly_what_one_process_stores(fake, tmp_path):
    corpus = write_corpus(tmp_path / "news.jsonl", 300)
    one = run([corpus], Store(tmp_path / "one.duckdb"), workers=1, batch_size=8)
    two = run([corpus], Store(tmp_path / "two.duckdb"), workers=2, batch_size=8)

    assert dump(tmp_path / "one.duckdb") == dump(tmp_path / "two.duckdb")
    assert (one.documents, one.new, one.unchanged, one.unreadable) == (300, 283, 17, 1)  # 17 wire copies
    assert (two.documents, two.new, two.unchanged, two.unreadable) == (300, 283, 17, 1)
    assert two.peak_rss_mb and os.getpid() not in two.peak_rss_mb  # the NLP ran in the workers, not here
    assert one.incidents and one.incidents < one.events  # reports of one meeting merged


def test_memory_stays_bounded_whatever_the_corpus_size(fake, tmp_path):
    """The engine never runs ahead of the store: documents read but not yet stored stay few."""
    read = 0
    lag = []

    def counting_reader(paths):
        nonlocal read
        for i in range(1000):
            read += 1
            yield Document(text=f"Minister Berg met Kessel (report {i}).", source_id=str(i))

    run([], Store(tmp_path / "m.duckdb"), workers=2, batch_size=8, reader=counting_reader, write_every=64,
        on_progress=lambda counts: lag.append(read - counts.documents_read))
    assert read == 1000 and max(lag) <= 2 * 2 * 8 + 8  # the chunks in flight, and the one being read


def test_a_document_the_nlp_fails_on_is_logged_and_can_be_retried(fake, tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "news.jsonl", 40, explode=(5,), bad_line=True)
    db = tmp_path / "f.duckdb"
    report = run([corpus], Store(db), batch_size=8)

    # 40 lines: one failure, 37 new, 2 wire copies, and its batch-mates were stored
    assert (report.failed, report.new, report.unchanged, report.unreadable) == (1, 37, 2, 1)
    assert Store(db).document("doc-4") is not None and Store(db).document("doc-5") is None
    logged = items(db)
    assert ("failed", Document.content_id(json.loads(corpus.read_text().splitlines()[5])["text"]),
            f"{corpus}:6", "ValueError: the fake NLP chokes on this text") in logged
    assert any(status == "unreadable" and reason.startswith("not valid JSON") for status, _, _, reason in logged)

    listing = runner.invoke(cli.app, ["runs", "--db", str(db), "--failed"], terminal_width=200)
    assert "news.jsonl:6" in listing.output and "chokes on this text" in listing.output

    monkeypatch.setenv("FAKE_NLP_FIXED", "1")
    retried = run([], Store(db), retry_failed=True)  # no paths: the inputs of the failed run
    assert (retried.new, retried.failed) == (1, 0)
    assert Store(db).document("doc-5") is not None and Store(db).failed_documents() == []
    again = run([], Store(db), retry_failed=True)
    assert again.documents == 0


def test_ingest_command_with_workers_and_the_run_log(fake, tmp_path):
    corpus = write_corpus(tmp_path / "news.jsonl", 60)
    db = tmp_path / "c.duckdb"
    result = runner.invoke(cli.app, ["ingest", str(corpus), "--db", str(db), "--workers", "2", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "60 documents: 57 new, 3 unchanged, 0 replaced; 57 events written; 1 input(s) could not be read" \
        in result.output

    runs = runner.invoke(cli.app, ["runs", "--db", str(db)], terminal_width=200)
    assert runs.exit_code == 0 and "finished" in runs.output and "local ×2" in runs.output


# --- the real pipeline ---------------------------------------------------------------------------

@pytest.mark.slow
def test_real_pipeline_in_two_workers_stores_what_one_process_stores(tmp_path):
    one = run(DEMO, Store(tmp_path / "one.duckdb"), workers=1, batch_size=4)
    two = run(DEMO, Store(tmp_path / "two.duckdb"), workers=2, batch_size=4)
    assert one.events > 100 and (one.new, two.new) == (32, 32)
    assert dump(tmp_path / "one.duckdb") == dump(tmp_path / "two.duckdb")
    assert all(mb < 1500 for mb in two.peak_rss_mb.values())


# --- Ray --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'communique[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.ray
@pytest.mark.slow
def test_ray_engine_stores_what_the_local_engine_stores(local_ray, tmp_path):
    six = tmp_path / "six.jsonl"
    six.write_text("".join(DEMO[0].read_text(encoding="utf-8").splitlines(keepends=True)[:6]) + "not json\n",
                   encoding="utf-8")
    local = run([six], Store(tmp_path / "local.duckdb"))
    shards = tmp_path / "shards"
    # in a daemon thread: a stuck cluster fails this test instead of hanging the suite
    done: dict = {}
    job = threading.Thread(daemon=True, target=lambda: done.setdefault("report", run(
        [six], Store(tmp_path / "ray.duckdb"), engine="ray", workers=2, batch_size=2, shards=str(shards))))
    job.start()
    job.join(timeout=240)
    if "report" not in done:
        local_ray.shutdown()
        pytest.fail("the Ray job did not finish in 240 s")
    ray_run = done["report"]

    assert (ray_run.new, ray_run.unreadable, ray_run.events) == (local.new, local.unreadable, local.events) == (
        6, 1, local.events)
    assert dump(tmp_path / "local.duckdb") == dump(tmp_path / "ray.duckdb")
    assert sorted(s for s, *_ in items(tmp_path / "ray.duckdb")) == ["new"] * 6 + ["unreadable"]
    # the shards are a Parquet dataset of the output: one row per input, a column per table
    con = duckdb.connect()
    rows = con.execute(f"SELECT status, len(events) FROM read_parquet('{shards}/*.parquet')").fetchall()
    assert sorted(s for s, _ in rows) == ["document"] * 6 + ["unreadable"]
    assert sum(n for _, n in rows) == local.events


def test_object_store_inputs_are_copied_read_and_named_by_their_uri(tmp_path, monkeypatch):
    """What a Ray read task does with s3://... (here a local folder stands in for the bucket)."""
    from pyarrow import fs as pafs

    from communique.engines import ray_engine
    from communique.readers import read_paths

    bucket = tmp_path / "bucket" / "news"
    bucket.mkdir(parents=True)
    write_corpus(bucket / "may.jsonl", 3, bad_line=True)
    monkeypatch.setattr(ray_engine, "_filesystem",
                        lambda uri: (pafs.LocalFileSystem(), str(tmp_path / "bucket" / uri[len("s3://my-bucket/"):])))

    rows = list(ray_engine._read_input({"input": 0, "path": "s3://my-bucket/news"}, read_paths))
    sources = [json.loads(r["document"])["source"] if r["document"] else r["source"] for r in rows]
    assert sources == ["s3://my-bucket/news/may.jsonl:1", "s3://my-bucket/news/may.jsonl:2",
                       "s3://my-bucket/news/may.jsonl:3", "s3://my-bucket/news/may.jsonl:4"]
    assert [r["status"] for r in rows] == [None, "unreadable", None, None]
    assert [r["seq"] for r in rows] == [0, 1, 2, 3]
