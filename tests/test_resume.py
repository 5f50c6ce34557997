"""Kill an ingest with SIGKILL at any moment, run the same command again: the database ends up
exactly as after one uninterrupted run — no document lost, none stored twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from test_engines import DEMO, FAKE, dump, write_corpus  # the fake NLP and the table dump

from communique.engines.work import PIPELINE_FACTORY_ENV

TESTS = Path(__file__).resolve().parent


def ingest_command(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "communique.cli", "ingest", str(corpus), "--db", str(db), "--quiet", *extra]


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def count(db: Path, sql: str) -> int:
    """A number from a database another process is writing (retrying while it holds the file)."""
    if not db.exists():
        return 0
    for _ in range(200):
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error:
            time.sleep(0.05)
            continue
        try:
            return con.execute(sql).fetchone()[0]
        except duckdb.CatalogException:  # the schema is not created yet
            return 0
        finally:
            con.close()
    raise TimeoutError(f"{db} stayed locked")


def wait_for(predicate, process: subprocess.Popen, timeout: float = 120.0) -> bool:
    """True when the predicate holds while the process still runs; False when it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if predicate():
            return True
        time.sleep(0.05)
    raise TimeoutError("the ingest neither progressed nor ended")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the ingest and its worker processes, like `kill -9` of the job or a power cut."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def run_statuses(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT status, resumes IS NOT NULL FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()


def test_killed_at_random_moments_then_finished_equals_one_uninterrupted_run(tmp_path):
    corpus = write_corpus(tmp_path / "news.jsonl", 400)
    env = environment(**{PIPELINE_FACTORY_ENV: FAKE, "FAKE_NLP_DELAY": "0.02"})
    options = ("--workers", "2", "--batch-size", "8")
    reference, db = tmp_path / "reference.duckdb", tmp_path / "killed.duckdb"
    subprocess.run(ingest_command(corpus, reference, *options), env=env, check=True, capture_output=True)

    rng = random.Random(20240501)
    hits = 0
    for attempt in range(4):
        process = subprocess.Popen(ingest_command(corpus, db, *options), env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = wait_for(lambda: count(db, "SELECT count(*) FROM runs") > attempt, process)
        if started:
            time.sleep(rng.uniform(0.0, 2.5))  # mid-extraction, mid-write, while rebuilding incidents...
            hits += process.poll() is None
        kill(process)
    assert hits >= 1, "the runs ended before they could be killed: make the corpus larger"

    final = subprocess.run(ingest_command(corpus, db, *options), env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert dump(db) == dump(reference)
    statuses = run_statuses(db)
    assert statuses[-1] == ("finished", True)  # the last run resumed the one before
    assert {s for s, _ in statuses[:-1]} <= {"interrupted", "finished"}


@pytest.mark.slow
def test_sigkill_midway_with_the_real_pipeline(tmp_path):
    """The demo corpus six times (other URLs, so other documents), killed once after its first
    batch is stored, then run again."""
    lines = DEMO[0].read_text(encoding="utf-8").splitlines()
    corpus = tmp_path / "demo6.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for copy in range(6):
            for line in lines:
                record = json.loads(line)
                record.update(id=f"{record['id']}-{copy}", url=f"https://example.org/{copy}/{record['id']}")
                out.write(json.dumps(record) + "\n")
    total = 6 * len(lines)
    env = environment()
    env.pop(PIPELINE_FACTORY_ENV, None)
    reference, db = tmp_path / "reference.duckdb", tmp_path / "killed.duckdb"

    process = subprocess.Popen(ingest_command(corpus, db, "--batch-size", "8"), env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    midway = wait_for(lambda: 0 < count(db, "SELECT count(*) FROM documents"), process, timeout=300)
    stored_when_killed = count(db, "SELECT count(*) FROM documents")
    kill(process)
    assert midway and stored_when_killed < total, "the ingest finished before it could be killed"

    resumed = subprocess.run(ingest_command(corpus, db), env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "done before (run" in resumed.stdout  # it skipped what the killed run had stored
    subprocess.run(ingest_command(corpus, reference), env=env, check=True, capture_output=True)

    assert dump(db) == dump(reference)
    assert count(db, "SELECT count(*) FROM documents") == total
    assert [s for s, _ in run_statuses(db)] == ["interrupted", "finished"]
