"""Read-only access to the event database, shared politely with a running ingest.

DuckDB lets one process write a file and no other process open it meanwhile, not
even to read.  So the server never keeps the file open while it is idle: requests
that overlap share one read-only connection (each on its own cursor), and the
last one to finish closes it.  An ingest, which holds the file only while a batch
is written, gets in between; a request that finds the file held waits for the
batch (with back-off) and answers 503 only if the writer keeps it for longer than
``lock_timeout``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, TypeVar

import duckdb

from communique.errors import StoreBusyError, StoreError, StoreNotFoundError
from communique.store import Store


T = TypeVar("T")
CACHE_SIZE = 256


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


class Database:
    """The file behind the API: checked once (exists, schema version), then opened per request."""

    def __init__(self, path: str | Path, lock_timeout: float = 20.0) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise StoreNotFoundError(
                f"no database at {self.path}: create one with `communique ingest PATH --db {self.path}`"
            )
        Store(self.path, read_only=True, lock_timeout=lock_timeout).close()  # says what is wrong with the file
        self.lock_timeout = lock_timeout
        self._guard = threading.Lock()
        self._shared: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_guard = threading.Lock()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor; the file is closed again once no request uses it."""
        with self._guard:
            if self._shared is None:
                self._shared = self._open()
            self._users += 1
            shared = self._shared
        cursor = shared.cursor()
        cursor.execute("SET enable_progress_bar = false")  # a server has no terminal to draw it on
        try:
            yield cursor
        finally:
            cursor.close()
            with self._guard:
                self._users -= 1
                if self._users == 0 and self._shared is not None:
                    self._shared.close()
                    self._shared = None

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

    def fetch(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.cursor() as con:
            return rows(con, sql, params)

    def cached(self, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``compute(cursor)``, remembered until the file changes: aggregates over millions of
        events are computed once per version of the database, not once per page view."""
        full_key = (self.signature(), key)
        with self._cache_guard:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
        with self.cursor() as con:
            value = compute(con)
        with self._cache_guard:
            self._cache[full_key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def signature(self) -> tuple[int, ...]:
        """Changes whenever a writer changes the file: the key of cached aggregates."""
        parts: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                parts += [0, 0]
            else:
                parts += [stat.st_mtime_ns, stat.st_size]
        return tuple(parts)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
