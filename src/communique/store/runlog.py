"""The run log: what each ingest did with each input, so that a killed run can be
resumed and failures re-tried.

A run is created with status ``running`` and set to ``finished`` at its end.  A run
still ``running`` when the next run with the same ``run_key`` starts was killed:
the new run copies what it had done as ``skipped`` items, so those documents are
not extracted again, and marks it ``interrupted``.  Items are written in the same
transaction as the documents they describe, so the log never claims a document
that is not stored.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Sequence

import duckdb
import pyarrow as pa

# What happened to one input in one run.
NEW, REPLACED, UNCHANGED, SKIPPED, FAILED, UNREADABLE = "new", "replaced", "unchanged", "skipped", "failed", "unreadable"
DONE = (NEW, REPLACED, UNCHANGED, SKIPPED, FAILED)  # statuses a resumed run does not redo
RUN_STATUSES = ("running", "finished", "interrupted", "failed")
COUNT_COLUMNS = {
    NEW: "documents_new", REPLACED: "documents_replaced", UNCHANGED: "documents_unchanged",
    SKIPPED: "documents_skipped", FAILED: "documents_failed", UNREADABLE: "inputs_unreadable",
}


@dataclass(frozen=True, slots=True)
class RunItem:
    status: str
    doc_id: str | None = None
    source_id: str | None = None
    source: str | None = None
    reason: str | None = None


@dataclass
class RunCounts:
    documents_read: int = 0
    events: int = 0  # extracted
    events_written: int = 0  # of documents new or replaced
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, n: int = 1) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + n

    def get(self, status: str) -> int:
        return self.by_status.get(status, 0)


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


_ITEM_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("doc_id", pa.string()), ("source_id", pa.string()), ("source", pa.string()),
    ("status", pa.string()), ("reason", pa.string()), ("logged_at", pa.timestamp("us")),
])


def insert_items(con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[RunItem], at: datetime) -> None:
    if not items:
        return
    n = len(items)
    table = pa.table({
        "run_id": [run_id] * n, "doc_id": [i.doc_id for i in items], "source_id": [i.source_id for i in items],
        "source": [i.source for i in items], "status": [i.status for i in items],
        "reason": [i.reason for i in items], "logged_at": [at] * n,
    }, schema=_ITEM_SCHEMA)
    con.register("incoming_items", table)  # one statement, not one per row
    try:
        con.execute("INSERT INTO run_items BY NAME SELECT * FROM incoming_items")
    finally:
        con.unregister("incoming_items")


def start(con: duckdb.DuckDBPyConnection, *, run_key: str, command: str, engine: str, workers: int,
          inputs: Sequence[str], config: dict[str, Any], resume: bool = True) -> tuple[str, str | None]:
    """Create a run (in the caller's transaction); resume the last one with this key if it never finished.

    Returns (run_id, the run resumed or None)."""
    now = utc_now()
    run_id = new_run_id(now)
    previous = con.execute(
        "SELECT run_id, status FROM runs WHERE run_key = ? ORDER BY started_at DESC, run_id DESC LIMIT 1",
        [run_key],
    ).fetchone()
    resumed = previous[0] if previous and previous[1] != "finished" and resume else None
    con.execute(
        "INSERT INTO runs (run_id, run_key, resumes, command, engine, workers, inputs, config, started_at, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
        [run_id, run_key, resumed, command, engine, workers, list(inputs), json.dumps(config, sort_keys=True), now],
    )
    if resumed:
        if previous[1] == "running":
            con.execute("UPDATE runs SET status = 'interrupted' WHERE run_id = ?", [resumed])
        # one row per document, whatever the old run did with it (it may have met a text twice)
        con.execute(
            f"""INSERT INTO run_items
                SELECT ?, doc_id, any_value(source_id), any_value(source), '{SKIPPED}',
                       'done by run ' || ? || ' (resumed)', ?
                FROM run_items WHERE run_id = ? AND doc_id IS NOT NULL AND list_contains(?, status)
                GROUP BY doc_id""",
            [run_id, resumed, now, resumed, list(DONE)],
        )
    return run_id, resumed


def finish(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: RunCounts,
           message: str | None = None) -> None:
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    skipped = con.execute(
        f"SELECT count(*) FROM run_items WHERE run_id = ? AND status = '{SKIPPED}'", [run_id]
    ).fetchone()[0]
    values = {column: counts.get(status_) for status_, column in COUNT_COLUMNS.items()}
    values["documents_skipped"] = skipped
    assignments = ", ".join(f"{column} = ?" for column in values)
    con.execute(
        f"UPDATE runs SET status = ?, finished_at = ?, message = ?, documents_read = ?, events = ?, {assignments}"
        " WHERE run_id = ?",
        [status, utc_now(), message, counts.documents_read, counts.events, *values.values(), run_id],
    )


def handled(con: duckdb.DuckDBPyConnection, run_id: str, doc_ids: Sequence[str]) -> set[str]:
    """Which of these documents this run has already done (or inherited as done)."""
    rows = con.execute(
        "SELECT DISTINCT doc_id FROM run_items WHERE run_id = ? AND list_contains(?, doc_id)",
        [run_id, list(doc_ids)],
    ).fetchall()
    return {r[0] for r in rows}


def handled_all(con: duckdb.DuckDBPyConnection, run_id: str) -> set[str]:
    rows = con.execute("SELECT DISTINCT doc_id FROM run_items WHERE run_id = ? AND doc_id IS NOT NULL", [run_id])
    return {r[0] for r in rows.fetchall()}


def failed_now(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Documents whose latest outcome is a failure, with the reason and the run's inputs."""
    cursor = con.execute(
        f"""WITH latest AS (
                SELECT i.*, row_number() OVER (PARTITION BY i.doc_id ORDER BY i.logged_at DESC, i.run_id DESC) AS n
                FROM run_items i WHERE i.doc_id IS NOT NULL AND i.status != '{SKIPPED}')
            SELECT l.doc_id, l.source_id, l.source, l.reason, l.run_id, r.inputs
            FROM latest l JOIN runs r USING (run_id)
            WHERE l.n = 1 AND l.status = '{FAILED}' ORDER BY l.logged_at, l.source"""
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
