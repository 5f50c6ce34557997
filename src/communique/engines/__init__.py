"""Engines: run the one ``extract()`` over a corpus and hand its output to the store.

    from communique.engines import run
    from communique.store import Store
    report = run(["news/"], Store("news.duckdb"), workers=2)

``engine="local"`` runs in this process or a pool of worker processes
(:mod:`communique.engines.local`); ``engine="ray"`` runs on a Ray cluster
(:mod:`communique.engines.ray_engine`, needs ``pip install communique[ray]``).
Both stream — read, extract, store in batches — so memory does not grow with the
corpus, and both write through the same loop here: every batch is one
transaction holding the documents and the run-log entries about them.  Kill a
run at any moment and run the same command again: it resumes (documents done
are skipped without re-extraction), and the database ends up exactly as after an
uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from communique.engines.local import WorkerStats, chunks, extract_local
from communique.engines.work import DEFAULT_MODEL, Outcome, PipelineSpec

DONE_BEFORE = "done-before"  # in transit only: a document the interrupted run did (already logged)
from communique.errors import CommuniqueError, ReadError
from communique.model import Document
from communique.store import PreparedDocument, RunCounts, RunItem, Store
from communique.store import runlog

ENGINES = ("local", "ray")


class EngineError(CommuniqueError):
    """An engine cannot run as asked (e.g. Ray is not installed)."""


@dataclass
class RunReport:
    run_id: str
    resumed: str | None
    engine: str
    workers: int
    counts: RunCounts
    incidents: int | None = None  # None: nothing changed, the incidents were left as they were
    seconds: float = 0.0
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # per process that ran the pipeline
    cpu_seconds: dict[int, float] = field(default_factory=dict)  # spent extracting, per process (local engine)
    shards: str | None = None  # where the Ray engine wrote its Parquet shards

    @property
    def documents(self) -> int:
        return self.counts.documents_read

    @property
    def events(self) -> int:
        return self.counts.events

    @property
    def new(self) -> int:
        return self.counts.get(runlog.NEW)

    @property
    def replaced(self) -> int:
        return self.counts.get(runlog.REPLACED)

    @property
    def unchanged(self) -> int:
        return self.counts.get(runlog.UNCHANGED)

    @property
    def skipped(self) -> int:
        """Left out: done by the run this one resumed, or by the reader (e.g. another language)."""
        return self.counts.get(runlog.SKIPPED) + self.done_before

    @property
    def done_before(self) -> int:
        """Documents the interrupted run had done, not extracted again."""
        return self.counts.get(DONE_BEFORE)

    @property
    def failed(self) -> int:
        return self.counts.get(runlog.FAILED)

    @property
    def unreadable(self) -> int:
        return self.counts.get(runlog.UNREADABLE)


Progress = Callable[[RunCounts], None]
Reader = Callable[[list[str]], Iterable["Document | ReadError"]]


def run(
    paths: Sequence[str | Path], store: Store, *, engine: str = "local", workers: int = 1, batch_size: int = 32,
    actors_files: Sequence[str | Path] = (), model: str = DEFAULT_MODEL, pipeline: Any = None,
    address: str | None = None, shards: str | None = None, retry_failed: bool = False,
    on_progress: Progress | None = None, on_read_error: Callable[[ReadError], None] | None = None,
    reader: Reader | None = None, write_every: int = 256,
) -> RunReport:
    """Read ``paths``, extract, store; resume the same job if it was killed; log the run.

    ``pipeline``: an already built pipeline to use in this process (local engine, one
    worker); worker processes and Ray actors build theirs from ``actors_files`` and
    ``model`` (or ``$COMMUNIQUE_PIPELINE_FACTORY``).
    ``retry_failed``: extract only the documents whose last attempt failed (``paths``
    may then be empty: the inputs of the runs that failed them are read again).
    ``reader``: turns the paths into Documents and ReadErrors (default
    ``communique.readers.read_paths``); must be picklable for the Ray engine.
    ``write_every``: documents per write transaction.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    started = time.monotonic()
    spec = PipelineSpec.create(actors_files, model)
    wanted: set[str] | None = None
    if retry_failed:
        failed = store.failed_documents()
        wanted = {item["doc_id"] for item in failed}
        if not paths:
            paths = list(dict.fromkeys(p for item in failed for p in item["inputs"] or ()))
    inputs = [_input_name(p) for p in paths]
    key_parts = {"inputs": inputs, "config": spec.config(), "retry": sorted(wanted) if wanted is not None else None}
    run_key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:24]
    run_id, resumed = store.start_run(
        run_key=run_key, command="retry-failed" if retry_failed else "ingest", engine=engine, workers=workers,
        inputs=inputs, config={**spec.config(), "batch_size": batch_size},
    )
    counts = RunCounts()
    stats = WorkerStats()
    report = RunReport(run_id, resumed, engine, workers, counts)
    try:
        if wanted is not None and not wanted:
            stream: Iterable[list[Outcome]] = ()
        elif engine == "local":
            log: list[RunItem] = []
            documents = _read(reader, paths, counts, log, on_read_error)
            if wanted is not None:
                documents = (d for d in documents if d.doc_id in wanted)
            if resumed:
                documents = _not_done(documents, store, run_id, counts, on_progress)
            stream = _with_log(extract_local(documents, spec, workers=workers, chunk_size=batch_size,
                                             pipeline=pipeline, stats=stats), log)
        else:
            from communique.engines import ray_engine

            skip = store.handled_all(run_id) if resumed else set()
            ray_run = ray_engine.RayRun(
                inputs=[str(p) for p in paths], spec=spec, workers=workers, batch_size=batch_size,
                address=address, shards=shards or ray_engine.default_shards(store.path, run_id),
                skip=skip, wanted=wanted, reader=reader, keep_shards=shards is not None,
            )
            report.shards = ray_run.shards
            stream = ray_run.outcomes(on_read_error=on_read_error)
            write_every = max(write_every, 2000)  # loading finished shards: fewer, larger transactions
        _write(stream, store, run_id, counts, on_progress, write_every)
        report.incidents = store.rebuild_incidents()
    except KeyboardInterrupt:
        store.finish_run(run_id, "interrupted", counts)
        raise
    except BaseException as exc:
        store.finish_run(run_id, "failed", counts, f"{type(exc).__name__}: {exc}"[:500])
        raise
    store.finish_run(run_id, "finished", counts)
    report.seconds = time.monotonic() - started
    report.peak_rss_mb = dict(stats.peak_rss_mb)
    report.cpu_seconds = dict(stats.cpu_seconds)
    return report


def _input_name(path: str | Path) -> str:
    text = str(path)
    return text if "://" in text else str(Path(text).resolve())


def _read(reader: Reader | None, paths: Sequence[str | Path], counts: RunCounts, log: list[RunItem],
          on_read_error: Callable[[ReadError], None] | None) -> Iterator[Document]:
    if reader is None:
        from communique.readers import read_paths as reader
    for item in reader([str(p) for p in paths]):
        if isinstance(item, ReadError):
            # a document left out on purpose (e.g. not in English) is a Skipped read error
            status = runlog.SKIPPED if type(item).__name__ == "Skipped" else runlog.UNREADABLE
            log.append(RunItem(status, source=f"{item.source}:{item.line}" if item.line else item.source,
                               reason=item.message))
            if on_read_error:
                on_read_error(item)
            continue
        yield item


def _not_done(documents: Iterable[Document], store: Store, run_id: str, counts: RunCounts,
              on_progress: Progress | None, lookup: int = 1024) -> Iterator[Document]:
    """Drop the documents the interrupted run already did (they were logged as skipped
    when this run started), looking them up a chunk at a time."""
    for chunk in chunks(documents, lookup):
        done = store.handled(run_id, [d.doc_id for d in chunk])
        if done:
            skipped = sum(1 for d in chunk if d.doc_id in done)
            counts.add(DONE_BEFORE, skipped)
            counts.documents_read += skipped
            if on_progress:
                on_progress(counts)
        yield from (d for d in chunk if d.doc_id not in done)


def _with_log(stream: Iterable[list[Outcome]], log: list[RunItem]) -> Iterator[list[Outcome]]:
    """Read errors are logged with the next batch written."""
    for outcomes in stream:
        if log:
            outcomes = [*log, *outcomes]
            log.clear()
        yield outcomes
    if log:
        yield list(log)
        log.clear()


def _write(stream: Iterable[list[Outcome]], store: Store, run_id: str, counts: RunCounts,
           on_progress: Progress | None, write_every: int, write_seconds: float = 5.0) -> None:
    """Write outcomes in transactions of about ``write_every`` documents (or every few
    seconds when extraction is slow): documents and their run-log items together."""
    documents: list[PreparedDocument] = []
    log: list[RunItem] = []
    last = time.monotonic()

    def flush() -> None:
        nonlocal last
        if documents or log:
            stats = store.write(documents, run_id=run_id, log=log)
            counts.add(runlog.NEW, stats.documents_new)
            counts.add(runlog.REPLACED, stats.documents_replaced)
            counts.add(runlog.UNCHANGED, stats.documents_unchanged)
            counts.events_written += stats.events
            documents.clear()
            log.clear()
        last = time.monotonic()

    for outcomes in stream:
        for outcome in outcomes:
            if isinstance(outcome, PreparedDocument):
                documents.append(outcome)
                counts.documents_read += 1
                counts.events += outcome.events
                continue
            counts.add(outcome.status)
            if outcome.doc_id:
                counts.documents_read += 1
            if outcome.status != DONE_BEFORE:  # those were logged as skipped when the run started
                log.append(outcome)
        if len(documents) + len(log) >= write_every or time.monotonic() - last >= write_seconds:
            flush()
        if on_progress:
            on_progress(counts)
    flush()


__all__ = ["run", "RunReport", "EngineError", "ENGINES", "PipelineSpec"]
