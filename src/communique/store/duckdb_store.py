"""The event database: one DuckDB file, written in short transactions.

DuckDB lets one process hold a file for writing, and no other process may open it
meanwhile — not even to read.  So a Store keeps no connection open: every write
batch and every query opens the file, does its work and closes it again, and waits
(up to ``lock_timeout``) while another process holds it.  An ingest therefore
leaves the file free between batches, and users can browse while it runs.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa

from communique.errors import (
    SchemaVersionError, StoreBusyError, StoreError, StoreNotFoundError,
)
from communique.model import Extraction
from communique.store.export import EventFilters, copy_sql, flat_sql, format_for
from communique.store import runlog
from communique.store.rows import PreparedDocument, prepare
from communique.store.runlog import RunCounts, RunItem
from communique.store.schema import META_DDL, PER_DOCUMENT_TABLES, TABLES, migrations, schema_version

DEFAULT_DB = "communique.duckdb"
MEMORY = ":memory:"

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
}


@dataclass
class UpsertStats:
    documents_new: int = 0
    documents_unchanged: int = 0
    documents_replaced: int = 0
    events: int = 0  # events written (new and replaced documents)

    @property
    def documents(self) -> int:
        return self.documents_new + self.documents_unchanged + self.documents_replaced


def _arrow_type(duckdb_type: str) -> pa.DataType:
    if duckdb_type.endswith("[]"):
        return pa.list_(_arrow_type(duckdb_type[:-2]))
    return _ARROW_TYPES[duckdb_type]


def _first_status(prepared: PreparedDocument, stored: dict[str, str]) -> str:
    if prepared.doc_id not in stored:
        return runlog.NEW
    return runlog.UNCHANGED if stored[prepared.doc_id] == prepared.fingerprint else runlog.REPLACED


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


class Store:
    """communique's event database.  ``Store(":memory:")`` keeps everything in memory (tests, notebooks)."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False, lock_timeout: float = 60.0) -> None:
        self.path = str(path)
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self._memory = self.path == MEMORY
        self._kept: duckdb.DuckDBPyConnection | None = None
        if self._memory:
            if read_only:
                raise StoreError("an in-memory store is empty: open it for writing")
            self._kept = duckdb.connect(MEMORY)
        elif read_only and not Path(self.path).exists():
            raise StoreNotFoundError(f"no database at {self.path}: create one with `communique ingest PATH --db {self.path}`")
        with self._connect(write=not read_only) as con:
            self._prepare(con)
            self._arrow_schemas = {table: self._arrow_schema(con, table) for table in TABLES}

    # --- connections ---------------------------------------------------------------

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _connect(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._memory:
            if self._kept is None:
                raise StoreError("this store is closed")
            yield self._kept
            return
        if write and self.read_only:
            raise StoreError(f"{self.path} was opened read-only")
        con = self._open(read_only=not write)
        try:
            yield con
        finally:
            con.close()

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.02
        while True:
            try:
                return duckdb.connect(self.path, read_only=read_only)
            except duckdb.ConnectionException as exc:
                raise StoreBusyError(
                    f"{self.path} is already open in this process with other settings ({exc}); "
                    "close the other Store first"
                ) from exc
            except duckdb.Error as exc:
                if not _is_lock_conflict(exc):
                    raise StoreError(f"cannot open {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{self.path} has been held by another process for {self.lock_timeout:.0f} s; "
                        "try again when it finishes (an ingest frees the file between batches)"
                    ) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    # --- schema --------------------------------------------------------------------

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        """Check the schema version; migrate a writable database to the current one."""
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        version = 0
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
        elif tables:
            raise StoreError(f"{self.path} is a DuckDB file but not a communique database: choose another --db")
        supported = schema_version()
        if version > supported:
            raise SchemaVersionError(
                f"{self.path} has schema version {version}, newer than this communique supports ({supported}): "
                "upgrade communique (pip install --upgrade communique)"
            )
        if version == supported:
            return
        if self.read_only:
            raise SchemaVersionError(
                f"{self.path} has schema version {version}; this communique needs {supported}. "
                "Open it once for writing (e.g. `communique ingest`) to migrate it"
            )
        for number, sql in migrations()[version:]:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(META_DDL)
                con.execute(sql)
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)]
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @staticmethod
    def _arrow_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]
        ).fetchall()
        return pa.schema([(name, _arrow_type(kind)) for name, kind in columns])

    def schema_version(self) -> int:
        with self._connect(write=False) as con:
            return int(con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

    # --- writing -------------------------------------------------------------------

    def upsert(self, extractions: Iterable[Extraction], batch_size: int = 64) -> UpsertStats:
        """Store extractions, idempotently, keyed by document.

        A document seen before with an identical extraction is skipped (not even
        ``ingested_at`` changes); one whose extraction changed is replaced wholesale.
        Each batch is one transaction, and the file is held only while it is written:
        the iterable (where the NLP runs) is consumed with the file closed.
        """
        stats = UpsertStats()
        items = iter(extractions)
        while batch := list(islice(items, max(1, batch_size))):
            self.write([prepare(extraction) for extraction in batch], stats=stats)
        return stats

    def write(self, batch: Sequence[PreparedDocument], *, run_id: str | None = None,
              log: Sequence[RunItem] = (), stats: UpsertStats | None = None) -> UpsertStats:
        """Write one batch of prepared documents in one transaction; with ``run_id``, log
        what happened to each (and the extra ``log`` items: failures, unreadable input)
        in the same transaction."""
        stats = stats if stats is not None else UpsertStats()
        pending: dict[str, PreparedDocument] = {}
        outcomes: list[tuple[PreparedDocument, str | None]] = []  # None: decided against the stored rows
        for prepared in batch:
            earlier = pending.get(prepared.doc_id)
            if earlier is not None:  # the same document twice in one batch: the last one wins
                outcomes.append((prepared, runlog.UNCHANGED if earlier.fingerprint == prepared.fingerprint
                                 else runlog.REPLACED))
                if earlier.fingerprint == prepared.fingerprint:
                    continue
            else:
                outcomes.append((prepared, None))
            pending[prepared.doc_id] = prepared

        ingested_at = runlog.utc_now()
        written = 0
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                stored = dict(con.execute(
                    "SELECT doc_id, extraction_hash FROM documents WHERE list_contains(?, doc_id)",
                    [list(pending)],
                ).fetchall()) if pending else {}
                to_write = [p for p in pending.values() if stored.get(p.doc_id) != p.fingerprint]
                gone = [p.doc_id for p in to_write if p.doc_id in stored]
                if gone:
                    for table in PER_DOCUMENT_TABLES:
                        con.execute(f"DELETE FROM {table} WHERE list_contains(?, doc_id)", [gone])
                rows: dict[str, list[dict[str, Any]]] = {}
                for prepared in to_write:
                    for table, table_rows in prepared.rows.items():
                        rows.setdefault(table, []).extend(table_rows)
                for row in rows.get("documents", ()):
                    row["ingested_at"] = ingested_at
                actors = rows.pop("actors", [])
                for table, table_rows in rows.items():
                    self._insert(con, table, table_rows)
                self._merge_actors(con, actors)
                if to_write:
                    con.execute("INSERT OR REPLACE INTO meta VALUES ('incidents_stale', '1')")
                if run_id is not None:
                    items = [runlog.RunItem(status or _first_status(p, stored), p.doc_id, p.source_id, p.source)
                             for p, status in outcomes]
                    runlog.insert_items(con, run_id, [*items, *log], ingested_at)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        written = len(rows.get("events", []))
        for prepared, status in outcomes:
            status = status or _first_status(prepared, stored)
            if status == runlog.NEW:
                stats.documents_new += 1
            elif status == runlog.REPLACED:
                stats.documents_replaced += 1
            else:
                stats.documents_unchanged += 1
        stats.events += written
        return stats

    # --- the run log -----------------------------------------------------------------

    def start_run(self, *, run_key: str, command: str, engine: str, workers: int, inputs: Sequence[str],
                  config: dict[str, Any], resume: bool = True) -> tuple[str, str | None]:
        """A new run; it resumes the last run with this key if that one never finished.
        Returns (run_id, id of the run resumed or None)."""
        with self._transaction() as con:
            return runlog.start(con, run_key=run_key, command=command, engine=engine, workers=workers,
                                inputs=inputs, config=config, resume=resume)

    def log(self, run_id: str, items: Sequence[RunItem]) -> None:
        """Log items that write no document (unreadable input, failures) on their own."""
        if items:
            with self._transaction() as con:
                runlog.insert_items(con, run_id, items, runlog.utc_now())

    def finish_run(self, run_id: str, status: str, counts: RunCounts, message: str | None = None) -> None:
        with self._transaction() as con:
            runlog.finish(con, run_id, status, counts, message)

    def handled(self, run_id: str, doc_ids: Sequence[str]) -> set[str]:
        """Which of these documents the run has already done (or inherited from the run it resumed)."""
        if not doc_ids:
            return set()
        with self._connect(write=False) as con:
            return runlog.handled(con, run_id, doc_ids)

    def handled_all(self, run_id: str) -> set[str]:
        """Every document the run has done so far (for engines that cannot look them up as they go)."""
        with self._connect(write=False) as con:
            return runlog.handled_all(con, run_id)

    def failed_documents(self) -> list[dict[str, Any]]:
        """Documents whose latest outcome is a failure: doc_id, source, reason, run_id, the run's inputs."""
        with self._connect(write=False) as con:
            return runlog.failed_now(con)

    def runs(self, limit: int | None = 20) -> list[dict[str, Any]]:
        """The most recent runs first."""
        return self._fetch("SELECT * EXCLUDE (config) FROM runs ORDER BY started_at DESC, run_id DESC"
                           + (" LIMIT ?" if limit else ""), [limit] if limit else [])

    def run_items(self, run_id: str, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM run_items WHERE run_id = ?" + (" AND status = ?" if status else "")
        sql += " ORDER BY logged_at, source" + (" LIMIT ?" if limit else "")
        return self._fetch(sql, [run_id, *([status] if status else []), *([limit] if limit else [])])

    # --- incidents ---------------------------------------------------------------------

    def incidents_stale(self) -> bool:
        """True when documents changed since the incidents were last built."""
        with self._connect(write=False) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'incidents_stale'").fetchone()
            return row is not None and row[0] == "1"

    def rebuild_incidents(self, rules: Any = None, force: bool = False) -> int | None:
        """Merge the events of all documents into incidents (communique.dedup); one transaction.
        Skipped (returns None) when nothing changed since the last build with the same rules."""
        from communique import dedup

        rules = rules or dedup.load_rules()
        with self._transaction() as con:
            state = dict(con.execute(
                "SELECT key, value FROM meta WHERE key IN ('incidents_stale', 'incident_rules')").fetchall())
            if not force and state.get("incidents_stale") == "0" and state.get("incident_rules") == rules.digest:
                return None
            count = dedup.rebuild(con, rules)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('incidents_stale', '0')")
            con.execute("INSERT OR REPLACE INTO meta VALUES ('incident_rules', ?)", [rules.digest])
            return count

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _insert(self, con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        data = pa.Table.from_pylist(rows, schema=self._arrow_schemas[table])
        con.register("incoming_rows", data)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
        finally:
            con.unregister("incoming_rows")

    def _merge_actors(self, con: duckdb.DuckDBPyConnection, incoming: list[dict[str, Any]]) -> None:
        """Actors are shared by documents: fill in what is known, and merge aliases."""
        if not incoming:
            return
        ids = list(dict.fromkeys(a["actor_id"] for a in incoming))
        cursor = con.execute("SELECT * FROM actors WHERE list_contains(?, actor_id)", [ids])
        names = [c[0] for c in cursor.description]
        stored = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
        merged = {k: dict(v) for k, v in stored.items()}
        for actor in incoming:
            current = merged.setdefault(actor["actor_id"], dict(actor))
            for key, value in actor.items():
                if key == "aliases":
                    current["aliases"] = list(dict.fromkeys([*(current.get("aliases") or []), *(value or [])]))
                elif value is not None:
                    current[key] = value
        changed = [row for actor_id, row in merged.items() if stored.get(actor_id) != row]
        if not changed:
            return
        con.execute("DELETE FROM actors WHERE list_contains(?, actor_id)", [[row["actor_id"] for row in changed]])
        self._insert(con, "actors", changed)

    # --- reading -------------------------------------------------------------------

    def _fetch(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self._connect(write=False) as con:
            cursor = con.execute(sql, params or [])
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def query_events(
        self, *, type: str | list[str] | None = None, actor: str | None = None, country: str | None = None,
        date_from: Any = None, date_to: Any = None, include_unasserted: bool = False,
        limit: int | None = None, doc_id: str | None = None, unit: str = "event",
    ) -> list[dict[str, Any]]:
        """Flat rows (see docs/cli.md for the columns), ordered by date then document: one per
        event, or with ``unit`` one per ``incident`` (events of several documents merged) or
        per ``mention``."""
        filters = EventFilters(type, actor, country, date_from, date_to, include_unasserted, doc_id, limit)
        sql, params = flat_sql(unit, filters)
        return self._fetch(sql, params)

    def export_events(self, path: str | Path, fmt: str | None = None, unit: str = "event", **filters: Any) -> int:
        """Write the flat table of a unit (event, incident, mention) to ``path`` as csv, parquet or
        jsonl; returns the row count."""
        fmt = format_for(str(path), fmt)
        sql, params = flat_sql(unit, EventFilters(**filters), for_csv=fmt == "csv")
        with self._connect(write=False) as con:
            row = con.execute(f"COPY ({sql}) TO ? {copy_sql(fmt)}", [*params, str(path)]).fetchone()
        return int(row[0]) if row else 0

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self._connect(write=False) as con:
            return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in sorted(TABLES)}

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document (by content hash or input id) with its events, mentions, instruments and gatherings."""
        found = self._fetch(
            "SELECT * FROM documents WHERE doc_id = ? OR source_id = ? ORDER BY doc_id = ? DESC, ingested_at LIMIT 1",
            [doc_id, doc_id, doc_id],
        )
        if not found:
            return None
        doc = found[0]
        doc["events"] = self.query_events(doc_id=doc["doc_id"], include_unasserted=True)
        for table in ("mentions", "actor_roles", "instruments", "gatherings"):
            doc[table] = self._fetch(
                f"SELECT * EXCLUDE (doc_id) FROM {table} WHERE doc_id = ? ORDER BY span_start NULLS LAST",
                [doc["doc_id"]],
            )
        return doc

    def summary(self, sample: int = 5, top: int = 10) -> dict[str, Any]:
        """What an ingest produced: events by type (asserted only), busiest actors, and sample events."""
        asserted = "NOT (e.negated OR e.future OR e.hypothetical)"
        with self._connect(write=False) as con:
            documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            total, stated = con.execute(f"SELECT count(*), count(*) FILTER ({asserted}) FROM events e").fetchone()
            by_type = con.execute(
                f"SELECT type, count(*) FROM events e WHERE {asserted} GROUP BY type ORDER BY 2 DESC, 1"
            ).fetchall()
            actors = con.execute(
                f"""SELECT a.actor_id, coalesce(any_value(k.name), any_value(a.name)), any_value(a.country),
                           count(DISTINCT a.event_id)
                    FROM event_actors_corrected a JOIN events e ON e.event_id = a.event_id
                    LEFT JOIN actors k ON k.actor_id = a.actor_id
                    WHERE {asserted} AND a.actor_id IS NOT NULL
                    GROUP BY a.actor_id ORDER BY 4 DESC, 2, 1 LIMIT ?""",
                [top],
            ).fetchall()
            # One event per type in turn, preferring events with both a source and a target.
            picks = con.execute(
                f"""WITH sides AS (SELECT event_id, count(DISTINCT side) AS n FROM event_actors GROUP BY event_id)
                    SELECT event_id FROM (
                        SELECT e.event_id, e.confidence, row_number() OVER (
                            PARTITION BY e.type ORDER BY coalesce(s.n, 0) DESC, e.confidence DESC, e.event_id
                        ) AS rank
                        FROM events e LEFT JOIN sides s ON s.event_id = e.event_id WHERE {asserted})
                    ORDER BY rank, confidence DESC, event_id LIMIT ?""",
                [sample],
            ).fetchall()
        samples = [self._sample(event_id) for (event_id,) in picks]
        return {
            "documents": documents,
            "events": total,
            "asserted_events": stated,
            "by_type": [{"type": t, "events": n} for t, n in by_type],
            "busiest_actors": [
                {"actor_id": a, "name": name, "country": country, "events": n} for a, name, country, n in actors
            ],
            "samples": samples,
        }

    def _sample(self, event_id: str) -> dict[str, Any]:
        row = self._fetch(
            """SELECT e.*, d.text, coalesce(d.source_id, d.doc_id) AS public_id, d.title,
                      (SELECT string_agg(coalesce(name, role, actor_id), '; ' ORDER BY position) FROM event_actors_corrected a
                       WHERE a.event_id = e.event_id AND side = 'source') AS source,
                      (SELECT string_agg(coalesce(name, role, actor_id), '; ' ORDER BY position) FROM event_actors_corrected a
                       WHERE a.event_id = e.event_id AND side = 'target') AS target
               FROM events e JOIN documents d USING (doc_id) WHERE e.event_id = ?""",
            [event_id],
        )[0]
        start, end = row["sentence_start"], row["sentence_end"]
        return {
            "event_id": event_id, "doc_id": row["public_id"], "title": row["title"], "type": row["type"],
            "mode": row["mode"], "date": row["date"], "location": row["location_name"],
            "source": row["source"], "target": row["target"], "evidence": row["evidence"],
            "sentence": row["text"][start:end],
            "trigger": [row["trigger_start"] - start, row["trigger_end"] - start],
        }
