"""The Ray engine: the same extraction on a Ray cluster, through Parquet shards.

    communique ingest s3://bucket/news/ --engine ray --address ray://head:10001 --workers 32 \
        --shards s3://bucket/communique/run-1/

The plan Ray Data runs:

1. ``from_items(inputs)`` → ``flat_map(read)``: each input (a local path, a folder,
   or an object-store URI Ray's pyarrow can open) read with communique's own
   readers, so errors and ``path:line`` provenance are those of the local engine;
2. ``map_batches(Extractor, concurrency=N)``: an actor pool; each actor builds the
   Pipeline once and turns a batch of documents into the rows of the store's
   tables (one output row per document, one list-of-struct column per table);
3. ``write_parquet(shards)``: the output dataset, written by the cluster.

The driver then loads the shards into the DuckDB store, in input order (DuckDB
sorts them, on disk if need be), through the same idempotent per-document writes
and run log as the local engine.  The shards are a Parquet dataset you can also
query directly (``docs/scaling.md``); shards written to the default place beside
the database are deleted once loaded.

Ray is optional (``pip install communique[ray]``) and imported only here.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pyarrow as pa

from communique.engines import DONE_BEFORE
from communique.engines.work import Outcome, PipelineSpec, extract_batch
from communique.errors import CommuniqueError, ReadError
from communique.model import Document
from communique.store import PreparedDocument, RunItem
from communique.store import runlog

BLOCK_BYTES = 128 * 1024  # about 30 news stories
_DOCUMENT_FIELDS = ("text", "doc_id", "source_id", "title", "published", "url", "publisher", "language", "source")


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        from communique.engines import EngineError

        raise EngineError("the Ray engine needs Ray: pip install 'communique[ray]'") from exc
    return ray


def default_shards(db_path: str, run_id: str) -> str:
    if db_path == ":memory:":
        return str(Path(tempfile.gettempdir()) / "communique-shards" / run_id)
    return f"{db_path}.shards/{run_id}"


# --- rows in transit -------------------------------------------------------------------

def _document_json(document: Document) -> str:
    plain = {name: getattr(document, name) for name in _DOCUMENT_FIELDS}
    if isinstance(plain["published"], date):
        plain["published"] = plain["published"].isoformat()
    return json.dumps(plain, ensure_ascii=False)


def _document(text: str) -> Document:
    plain = json.loads(text)
    if plain.get("published"):
        plain["published"] = date.fromisoformat(plain["published"])
    return Document(**plain)


@lru_cache(maxsize=1)
def table_schemas() -> dict[str, pa.Schema]:
    """The Arrow schemas of the store's tables (from an in-memory database, so never out of date)."""
    from communique.store import Store

    with Store(":memory:") as store:
        return dict(store._arrow_schemas)


@lru_cache(maxsize=1)
def output_schema() -> pa.Schema:
    fields = [
        ("input", pa.int64()), ("seq", pa.int64()), ("status", pa.string()), ("doc_id", pa.string()),
        ("source_id", pa.string()), ("source", pa.string()), ("reason", pa.string()), ("fingerprint", pa.string()),
    ]
    tables = [(name, pa.list_(pa.struct(list(schema)))) for name, schema in sorted(table_schemas().items())]
    return pa.schema(fields + tables)


def _output_row(input_: int, seq: int, outcome: Outcome) -> dict[str, Any]:
    tables = table_schemas()
    if isinstance(outcome, PreparedDocument):
        row = {"input": input_, "seq": seq, "status": "document", "doc_id": outcome.doc_id,
               "source_id": outcome.source_id, "source": outcome.source, "reason": None,
               "fingerprint": outcome.fingerprint}
        row.update({name: outcome.rows.get(name, []) for name in tables})
        return row
    row = {"input": input_, "seq": seq, "status": outcome.status, "doc_id": outcome.doc_id,
           "source_id": outcome.source_id, "source": outcome.source, "reason": outcome.reason, "fingerprint": None}
    row.update({name: [] for name in tables})
    return row


def _outcome(row: dict[str, Any]) -> Outcome:
    if row["status"] == "document":
        rows = {name: row[name] or [] for name in table_schemas()}
        return PreparedDocument(row["doc_id"], row["fingerprint"], rows, row["source_id"], row["source"])
    return RunItem(row["status"], row["doc_id"], row["source_id"], row["source"], row["reason"])


# --- stage 1: reading ------------------------------------------------------------------

def _read_input(item: dict[str, Any], reader: Callable[[list[str]], Any]) -> Iterator[dict[str, Any]]:
    """All the documents and read errors of one input, numbered in reading order."""
    path = str(item["path"])
    local, tmp = _local_copy(path)
    try:
        for seq, found in enumerate(reader([local])):
            if isinstance(found, ReadError):
                source = found.source.replace(local, path, 1) if tmp else found.source
                where = f"{source}:{found.line}" if found.line else source
                status = runlog.SKIPPED if type(found).__name__ == "Skipped" else runlog.UNREADABLE
                yield {"input": item["input"], "seq": seq, "document": None, "status": status,
                       "source": where, "reason": found.message}
            else:
                if tmp and found.source:
                    found.source = found.source.replace(local, path, 1)
                yield {"input": item["input"], "seq": seq, "document": _document_json(found), "status": None,
                       "source": None, "reason": None}
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _local_copy(path: str) -> tuple[str, str | None]:
    """A local path for an input: itself, or a copy of an object-store file or prefix."""
    if "://" not in path or path.startswith("file://"):
        return path.removeprefix("file://"), None
    from pyarrow import fs as pafs

    filesystem, root = _filesystem(path)
    tmp = tempfile.mkdtemp(prefix="communique-input-")
    info = filesystem.get_file_info(root)
    if info.type == pafs.FileType.Directory:
        files = [f for f in filesystem.get_file_info(pafs.FileSelector(root, recursive=True))
                 if f.type == pafs.FileType.File]
        local = os.path.join(tmp, "input")
        for f in files:
            target = os.path.join(local, os.path.relpath(f.path, root))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            pafs.copy_files(f.path, target, source_filesystem=filesystem)
        return local, tmp
    local = os.path.join(tmp, os.path.basename(root))
    pafs.copy_files(root, local, source_filesystem=filesystem)
    return local, tmp


def _filesystem(uri: str) -> tuple[Any, str]:
    """The pyarrow file system of a URI, and the path in it."""
    from pyarrow import fs as pafs

    return pafs.FileSystem.from_uri(uri)


# --- stage 2: extraction (one actor per worker) -------------------------------------------

class Extractor:
    """A Ray Data callable class: the Pipeline is built once per actor."""

    def __init__(self, spec: PipelineSpec, batch_size: int, skip: Any = None, wanted: Any = None) -> None:
        import ray

        self.pipeline = spec.build()
        self.batch_size = batch_size
        self.skip = ray.get(skip) if skip is not None else frozenset()
        self.wanted = ray.get(wanted) if wanted is not None else None

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows = batch.to_pylist()
        out: list[tuple[int, int, Outcome]] = []
        todo: list[tuple[int, int, Document]] = []
        for row in rows:
            if row["document"] is None:
                out.append((row["input"], row["seq"], RunItem(row["status"], source=row["source"], reason=row["reason"])))
                continue
            document = _document(row["document"])
            if self.wanted is not None and document.doc_id not in self.wanted:
                continue
            if document.doc_id in self.skip:
                out.append((row["input"], row["seq"], RunItem(DONE_BEFORE, document.doc_id)))
                continue
            todo.append((row["input"], row["seq"], document))
        outcomes = extract_batch(self.pipeline, [d for _, _, d in todo], self.batch_size)
        out.extend((i, s, o) for (i, s, _), o in zip(todo, outcomes))
        return pa.Table.from_pylist([_output_row(i, s, o) for i, s, o in out], schema=output_schema())


# --- the run ---------------------------------------------------------------------------------

@dataclass
class RayRun:
    inputs: Sequence[str]
    spec: PipelineSpec
    workers: int = 2
    batch_size: int = 32
    address: str | None = None
    shards: str = ""
    skip: set[str] = field(default_factory=set)
    wanted: set[str] | None = None
    reader: Callable[[list[str]], Any] | None = None
    keep_shards: bool = False

    def outcomes(self, on_read_error: Callable[[ReadError], None] | None = None,
                 load_batch: int = 256) -> Iterator[list[Outcome]]:
        self.execute()
        try:
            yield from load_shards(self.shards, on_read_error, load_batch)
        finally:
            if not self.keep_shards and "://" not in self.shards:
                shutil.rmtree(self.shards, ignore_errors=True)
                parent = Path(self.shards).parent
                if parent.name.endswith(".shards") and not any(parent.iterdir()):
                    parent.rmdir()

    def execute(self) -> None:
        """Run the Ray Data plan: read, extract, write the shards."""
        ray = _ray()
        started_here = not ray.is_initialized()
        if started_here:
            init: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                init["address"] = self.address
            else:
                init["num_cpus"] = max(1, self.workers)
                # Ray lowers its workers' priority (nice 15) to keep its own daemons responsive; on a
                # machine shared with other work that starves the extraction (1.6x slower measured)
                os.environ.setdefault("RAY_worker_niceness", "0")
            ray.init(**init)
        try:
            from ray.data import DataContext

            context = DataContext.get_current()
            saved = context.enable_progress_bars, context.target_max_block_size
            context.enable_progress_bars = sys.stderr.isatty()
            # Small blocks, so that every actor gets work (a block goes to one actor).  Not
            # `repartition`: its tasks need a CPU, and the actors may hold them all — a deadlock.
            context.target_max_block_size = BLOCK_BYTES
            reader = self.reader or _default_reader()
            items = [{"input": i, "path": p} for i, p in enumerate(self.inputs)]
            ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
            # reading is light: it must not wait for the CPUs the extraction actors hold
            ds = ds.flat_map(_read_input, fn_kwargs={"reader": reader}, num_cpus=0)
            ds = ds.map_batches(
                Extractor, batch_format="pyarrow", batch_size=self.batch_size,
                compute=ray.data.ActorPoolStrategy(size=max(1, self.workers)), num_cpus=1,
                fn_constructor_kwargs={
                    "spec": self.spec, "batch_size": self.batch_size,
                    "skip": ray.put(frozenset(self.skip)) if self.skip else None,
                    "wanted": ray.put(frozenset(self.wanted)) if self.wanted is not None else None,
                },
            )
            if "://" not in self.shards:
                Path(self.shards).mkdir(parents=True, exist_ok=True)
            try:
                ds.write_parquet(self.shards, ray_remote_args={"num_cpus": 0})
            finally:
                context.enable_progress_bars, context.target_max_block_size = saved
        except CommuniqueError:
            raise
        except Exception as exc:
            from communique.engines import EngineError

            raise EngineError(f"the Ray job failed: {type(exc).__name__}: {exc}") from exc
        finally:
            if started_here:
                ray.shutdown()


def _default_reader() -> Callable[[list[str]], Any]:
    from communique.readers import read_paths

    return read_paths


def load_shards(shards: str, on_read_error: Callable[[ReadError], None] | None = None,
                batch: int = 256) -> Iterator[list[Outcome]]:
    """The outcomes stored in Parquet shards, in input order, a batch at a time."""
    import duckdb
    import pyarrow.dataset as pads

    dataset = pads.dataset(shards, format="parquet", schema=output_schema())
    con = duckdb.connect(":memory:")
    try:
        con.register("shards", dataset)
        reader = con.sql("SELECT * FROM shards ORDER BY input, seq").to_arrow_reader(batch)
        for record_batch in reader:
            outcomes: list[Outcome] = []
            for row in record_batch.to_pylist():
                outcome = _outcome(row)
                if on_read_error and isinstance(outcome, RunItem) and outcome.status in (runlog.UNREADABLE, runlog.SKIPPED):
                    on_read_error(ReadError(outcome.source or "", None, outcome.reason or ""))
                outcomes.append(outcome)
            yield outcomes
    finally:
        con.close()
