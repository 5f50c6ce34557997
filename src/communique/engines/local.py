"""The local engine: Documents through the pipeline in this process or in a pool of
worker processes, in bounded memory.

Why not spaCy's ``nlp.pipe(n_process=N)``: it ships Docs back to the parent, and
communique's Doc extensions hold Python objects that do not survive that trip; and
the parent would still do the coding.  Instead each worker builds one Pipeline
(``PipelineSpec.build`` in the pool initializer), takes chunks of Documents, and
returns the rows to store.  At most ``window`` chunks are in flight, and results
come back in input order, so memory does not grow with the corpus and a run with
N workers stores exactly what a run with one does.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterable, Iterator

from communique.engines.work import Outcome, PipelineSpec, extract_batch, failure
from communique.model import Document


@dataclass
class WorkerStats:
    """For each process that ran the pipeline (by pid): its peak resident memory (MB), and the
    CPU seconds it spent extracting (the model load excluded)."""

    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    cpu_seconds: dict[int, float] = field(default_factory=dict)

    def record(self, pid: int, rss_mb: float, cpu: float = 0.0) -> None:
        self.peak_rss_mb[pid] = max(rss_mb, self.peak_rss_mb.get(pid, 0.0))
        self.cpu_seconds[pid] = max(cpu, self.cpu_seconds.get(pid, 0.0))  # cumulative per process


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, max(1, size))):
        yield chunk


def extract_local(documents: Iterable[Document], spec: PipelineSpec, *, workers: int = 1, chunk_size: int = 32,
                  pipeline: Any = None, window: int | None = None,
                  stats: WorkerStats | None = None) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, in input order.  ``pipeline`` (an object already built)
    is used when running in this process; workers build their own from ``spec``."""
    stats = stats if stats is not None else WorkerStats()
    if workers <= 1:
        pipeline = pipeline if pipeline is not None else spec.build()
        for chunk in chunks(documents, chunk_size):
            cpu = cpu_seconds()
            outcomes = extract_batch(pipeline, chunk, chunk_size)
            stats.record(os.getpid(), peak_rss_mb(), stats.cpu_seconds.get(os.getpid(), 0.0) + cpu_seconds() - cpu)
            yield outcomes
        return
    yield from _pooled(documents, spec, workers, chunk_size, window or 2 * workers, stats)


# --- the pool ------------------------------------------------------------------------

_worker_pipeline: Any = None
_worker_batch_size = 32
_worker_cpu_at_start = 0.0


def _init_worker(spec: PipelineSpec, batch_size: int, parent: int) -> None:
    global _worker_pipeline, _worker_batch_size, _worker_cpu_at_start
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()
    _worker_pipeline = spec.build()
    _worker_batch_size = batch_size
    _worker_cpu_at_start = cpu_seconds()


def _exit_with(parent: int, every: float = 1.0) -> None:
    """A worker outlives a parent killed with SIGKILL (its queues never close): leave with it."""
    while True:
        time.sleep(every)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid was reused by another user's process: the parent is gone
            os._exit(1)


def _work(chunk: list[Document]) -> tuple[int, float, float, list[Outcome]]:
    outcomes = extract_batch(_worker_pipeline, chunk, _worker_batch_size)
    return os.getpid(), peak_rss_mb(), cpu_seconds() - _worker_cpu_at_start, outcomes


def _context() -> multiprocessing.context.BaseContext:
    # Never fork: the parent may hold DuckDB, threads or a loaded model.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _new_pool(spec: PipelineSpec, workers: int, chunk_size: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker,
                               initargs=(spec, chunk_size, os.getpid()))


def _pooled(documents: Iterable[Document], spec: PipelineSpec, workers: int, chunk_size: int, window: int,
            stats: WorkerStats) -> Iterator[list[Outcome]]:
    pool = _new_pool(spec, workers, chunk_size)
    in_flight: deque[tuple[list[Document], Future]] = deque()
    pending = chunks(documents, chunk_size)
    try:
        while True:
            while len(in_flight) < window:
                chunk = next(pending, None)
                if chunk is None:
                    break
                in_flight.append((chunk, pool.submit(_work, chunk)))
            if not in_flight:
                return
            chunk, future = in_flight.popleft()
            try:
                pid, rss, cpu, outcomes = future.result()
            except BrokenProcessPool as exc:
                # A worker died (killed, out of memory, crashed in C): the chunks in flight
                # are lost.  Report them as failed — `--retry-failed` re-tries them — and go on.
                lost = [chunk, *(c for c, _ in in_flight)]
                in_flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(spec, workers, chunk_size)
                reason = RuntimeError(f"a worker process died ({exc or 'no message'})")
                for lost_chunk in lost:
                    yield [failure(d, reason) for d in lost_chunk]
                continue
            stats.record(pid, rss, cpu)
            yield outcomes
    finally:
        for _, future in in_flight:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
