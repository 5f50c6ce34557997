"""Read-only access to the event database, shared politely with a running ingest.

DuckDB lets one process write a file and no other process open it meanwhile, not
even to read; a writer that finds the file open tries again (an ingest every 0.5 s
at most, for a minute).  So the server holds the file only while it is being used:

* requests that overlap, or follow each other within ``linger`` seconds, share one
  read-only connection (each on its own cursor), so its caches stay warm while a
  person clicks through the explorer;
* the file is closed once idle for ``linger``, and in any case after ``max_hold``
  seconds, when it stays free for ``writer_gap`` seconds: a waiting ingest gets in;
* once a write has been seen (the file changed while closed), the server is *polite*
  for ``polite_for`` seconds: it closes the file as soon as no request uses it,
  and an ingest writes between requests;
* a request that finds the file held by a writer waits for that batch (with
  back-off), and answers 503 only if the writer keeps it for ``lock_timeout``.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, TypeVar

import duckdb

from communique.errors import StoreBusyError, StoreError, StoreNotFoundError
from communique.store import Store

T = TypeVar("T")
_OPEN: "weakref.WeakSet[Database]" = weakref.WeakSet()


# People's corrections of actors (merges, splits, edits; schema 4) are applied when data is read,
# through views with the columns of the tables they correct.  Without corrections the tables
# themselves are read: the same rows, and their indexes serve look-ups.
CORRECTED_VIEWS = {"event_actors": "event_actors_corrected", "actors": "actors_corrected",
                   "mentions": "mentions_corrected", "actor_roles": "actor_roles_corrected"}
_ACTOR_TABLES = re.compile(r"\b(" + "|".join(CORRECTED_VIEWS) + r")\b")
# Corrections of events (schema 5): the events table read where a query reads from it
# (not where a column or alias happens to be called `events`).
_EVENTS_TABLE = re.compile(r"\b(FROM|JOIN)(\s+)events\b")


class Reader:
    """A read-only cursor that reads actors and events as corrected, when there are corrections."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, corrected: bool, events_corrected: bool = False) -> None:
        self.cursor = cursor
        self.corrected = corrected
        self.events_corrected = events_corrected

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        if self.corrected:
            sql = _ACTOR_TABLES.sub(lambda m: CORRECTED_VIEWS[m.group(1)], sql)
        if self.events_corrected:
            sql = _EVENTS_TABLE.sub(r"\1\2events_corrected", sql)
        return self.cursor.execute(sql, params if params is not None else [])

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


class Database:
    """The file behind the API: checked once (exists, schema version), then opened on demand."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 20.0, linger: float = 0.5,
                 max_hold: float = 10.0, writer_gap: float = 0.6, polite_for: float = 30.0,
                 cache_size: int = 256) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise StoreNotFoundError(
                f"no database at {self.path}: create one with `communique ingest PATH --db {self.path}`"
            )
        Store(self.path, read_only=True, lock_timeout=lock_timeout).close()  # says what is wrong with the file
        self.lock_timeout, self.linger, self.max_hold = lock_timeout, linger, max_hold
        self.writer_gap, self.polite_for, self.cache_size = writer_gap, polite_for, cache_size
        self._state = threading.Condition()
        self._shared: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._opened_at = self._last_used = 0.0
        self._draining = False
        self._reopen_after = 0.0
        self._closed_signature: tuple[int, ...] | None = None
        self._polite_until = 0.0
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_guard = threading.Lock()
        self._corrections: tuple[tuple[int, ...], tuple[bool, bool]] | None = None
        self._stopped = False
        self._writing = False
        _OPEN.add(self)
        if linger > 0:
            threading.Thread(target=self._close_when_idle, name="communique-db-closer", daemon=True).start()

    def close(self) -> None:
        """Close the file now (requests still running finish first) and stop lingering."""
        with self._state:
            self._stopped = True
            while self._users:
                self._state.wait(0.05)
            if self._shared is not None:
                self._close(gap=False)
            self._state.notify_all()

    # --- connections -------------------------------------------------------------------

    @contextmanager
    def cursor(self) -> Iterator[Reader]:
        """A read-only cursor on one snapshot of the file."""
        shared = self._acquire()
        try:
            cursor = shared.cursor()
        except BaseException:
            self._release()
            raise
        try:
            cursor.execute("SET enable_progress_bar = false")  # a server has no terminal to draw it on
            yield Reader(cursor, *self._has_corrections(cursor))
        finally:
            cursor.close()
            self._release()

    def _has_corrections(self, cursor: duckdb.DuckDBPyConnection) -> tuple[bool, bool]:
        """Whether people corrected (actors or the participants of events, events)."""
        signature = self.signature()
        known = self._corrections
        if known is None or known[0] != signature:
            tables = {row[0] for row in cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_name IN ('actor_corrections', 'event_corrections')").fetchall()}
            actors = "actor_corrections" in tables and bool(
                cursor.execute("SELECT count(*) FROM actor_corrections").fetchone()[0])
            events, participants = (False, False)
            if "event_corrections" in tables:
                events, participants = cursor.execute(
                    "SELECT count(*) > 0, coalesce(bool_or(list_has_any(fields, ['source', 'target'])), false) "
                    "FROM event_corrections").fetchone()
            known = self._corrections = (signature, (actors or participants, events))
        return known[1]

    @property
    def polite(self) -> bool:
        """True while an ingest is (or was lately) writing: the file is closed after every request."""
        return time.monotonic() < self._polite_until

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._state:
            while True:
                if self._writing:  # a person's correction is being written: wait for it
                    self._state.wait(0.05)
                    continue
                now = time.monotonic()
                if self._shared is not None and not self._draining:
                    if now - self._opened_at < self.max_hold:
                        self._users += 1
                        return self._shared
                    self._draining = True  # held long enough: finish these requests, then let a writer in
                if self._shared is not None:
                    if self._users == 0:
                        self._close(gap=True)
                    else:
                        self._state.wait(0.05)
                    continue
                if now < self._reopen_after:
                    self._state.wait(self._reopen_after - now)
                    continue
                self._shared = self._open()
                self._opened_at = time.monotonic()
                signature = self.signature()
                if self._closed_signature is not None and signature != self._closed_signature:
                    self._polite_until = self._opened_at + self.polite_for  # somebody wrote meanwhile
                self._users += 1
                return self._shared

    def _release(self) -> None:
        with self._state:
            self._users -= 1
            self._last_used = time.monotonic()
            if self._users == 0 and self._shared is not None and (
                    self._draining or self.linger <= 0 or self.polite or self._stopped):
                self._close(gap=self._draining)
            self._state.notify_all()

    def _close(self, gap: bool) -> None:
        """Close the shared connection (the caller holds ``_state`` and no request uses it)."""
        self._closed_signature = self.signature()
        assert self._shared is not None
        self._shared.close()
        self._shared = None
        self._draining = False
        self._reopen_after = time.monotonic() + (self.writer_gap if gap else 0.0)
        self._state.notify_all()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The file opened for writing, for a person's correction (``communique serve
        --allow-edits``): this server's readers finish, the file is closed to them, and new
        requests wait until the write is done.  One write at a time; a running ingest is
        waited for (up to ``lock_timeout``) as any writer would."""
        with self._state:
            while self._writing:
                self._state.wait(0.05)
            self._writing = True
            try:
                while self._users:
                    self._state.wait(0.05)
                if self._shared is not None:
                    self._close(gap=False)
            except BaseException:
                self._writing = False
                self._state.notify_all()
                raise
        try:
            store = Store(self.path, lock_timeout=self.lock_timeout)
            try:
                yield store
            finally:
                store.close()
        finally:
            with self._state:
                self._writing = False
                self._closed_signature = self.signature()  # our own write: no reason to turn polite
                self._state.notify_all()

    def _close_when_idle(self) -> None:
        with self._state:
            while not self._stopped:
                if self._shared is not None and self._users == 0:
                    idle = time.monotonic() - self._last_used
                    if idle >= self.linger:
                        self._close(gap=False)
                        continue
                    self._state.wait(self.linger - idle)
                else:
                    self._state.wait()

    def _open(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.01
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error as exc:
                if not _is_lock_conflict(exc):
                    raise StoreError(f"cannot open {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{self.path} has been held by a writer for {self.lock_timeout:.0f} s; try again shortly"
                    ) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.2)

    # --- reading -----------------------------------------------------------------------

    def fetch(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.cursor() as con:
            return rows(con, sql, params)

    def cached(self, key: Hashable, compute: Callable[[Reader], T]) -> T:
        """``compute(cursor)``, remembered until the file changes: aggregates over millions of
        events are computed once per version of the database, not once per page view."""
        if self.cache_size <= 0:
            with self.cursor() as con:
                return compute(con)
        with self.cursor() as con:
            full_key = (self.signature(), key)  # read while the file is open: no writer can change it
            with self._cache_guard:
                if full_key in self._cache:
                    self._cache.move_to_end(full_key)
                    return self._cache[full_key]
            value = compute(con)
        with self._cache_guard:
            self._cache[full_key] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value

    def signature(self) -> tuple[int, ...]:
        """Changes whenever a writer changes the file (or its write-ahead log)."""
        parts: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                parts += [0, 0]
            else:
                parts += [stat.st_mtime_ns, stat.st_size]
        return tuple(parts)


@atexit.register
def _close_all() -> None:
    """A DuckDB connection left to the interpreter's teardown can abort the process."""
    for database in list(_OPEN):
        database.close()


def rows(con: Reader | duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
