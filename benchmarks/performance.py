"""Throughput and memory of a whole ingest, next to raw spaCy parsing of the same texts.

    .venv/bin/python benchmarks/performance.py                    # VOA to >= 20,000 sentences, 1 and 2 workers
    .venv/bin/python benchmarks/performance.py --ray              # and the Ray engine on 2 local workers
    .venv/bin/python benchmarks/performance.py --sentences 3000   # a quick look

The parser is the physical limit: the figure that matters is end-to-end / raw parse,
measured in the same run on the same texts (``../shared/data/voa_stories.jsonl``
repeated, each copy under another URL so that every copy is a new document).

* raw parse: ``spacy.load(model).pipe(texts, n_process=N)``, model load excluded;
* end-to-end: ``communique.engines.run`` — read, normalise, parse, communique's
  components, coding, dates, places, rows, DuckDB writes with the run log, incidents.
  Reported over the whole run (worker start-up and model loads included) and at
  steady state (from the first batch out of the NLP to the end: the model loads
  excluded, as for the raw parse), which is what the ratio uses.

The machine is shared, so wall time depends on what else runs; CPU time (user +
system, of every process involved, model loads excluded) much less so: both
ratios are printed.

Each measurement runs in a fresh process, so that peak resident memory is its own:
the parent (reader and writer) and each worker.  The corpus is also ingested at a
tenth of its size, to show that memory does not grow with the corpus.  Prints
Markdown for docs/performance.md, with the load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa_stories.jsonl"
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[A-Z\"'(])")


def _estimate_sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text)) + 1


def make_corpus(source: Path, sentences: int, folder: Path, name: str) -> tuple[Path, int, int]:
    """``source`` repeated until it holds about ``sentences`` sentences; returns (path, copies, documents)."""
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    per_copy = sum(_estimate_sentences(r.get("text", "")) for r in records)
    copies = max(1, math.ceil(sentences * 1.05 / per_copy))
    path = folder / name
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in records:
                url = record.get("url") or f"https://example.org/{record.get('id')}"
                out.write(json.dumps({**record, "id": f"{record.get('id')}#{copy}", "url": f"{url}#copy-{copy}"})
                          + "\n")
    return path, copies, copies * len(records)


# --- measurements, each in its own process -------------------------------------------------

def child_raw(corpus: Path, workers: int, batch_size: int) -> dict:
    import resource

    import spacy

    from communique.engines.local import cpu_seconds, peak_rss_mb
    from communique.engines.work import DEFAULT_MODEL
    from communique.readers import read_paths
    from communique.text import normalise

    texts = [normalise(d.text) for d in read_paths([corpus]) if hasattr(d, "text")]
    nlp = spacy.load(DEFAULT_MODEL)
    list(nlp.pipe(texts[:4]))  # warm up
    def children_cpu() -> float:  # spaCy's worker processes, once joined
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    cpu0, t0 = cpu_seconds() + children_cpu(), time.perf_counter()
    sentences = 0
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=workers):
        sentences += sum(1 for _ in doc.sents)
    seconds = time.perf_counter() - t0
    return {"docs": len(texts), "sentences": sentences, "words": sum(len(t.split()) for t in texts),
            "seconds": seconds, "cpu": cpu_seconds() + children_cpu() - cpu0, "peak_mb": peak_rss_mb()}


def child_engine(corpus: Path, workers: int, batch_size: int, engine: str) -> dict:
    from communique.engines import run
    from communique.engines.local import cpu_seconds, peak_rss_mb
    from communique.engines.work import PipelineSpec
    from communique.store import Store

    with tempfile.TemporaryDirectory(prefix="communique-perf-") as folder:
        store = Store(Path(folder) / "perf.duckdb")
        first: list[tuple[float, int]] = []

        def progress(counts) -> None:  # steady state: from the first batch out of the NLP
            if not first and counts.documents_read:
                first.append((time.perf_counter(), counts.documents_read))

        # one process: the model is loaded here, timed apart (its CPU is not extraction work);
        # workers load theirs at start-up, which the whole-run time includes and their CPU time does not
        load_s, pipeline = 0.0, None
        if engine == "local" and workers == 1:
            t0 = time.perf_counter()
            pipeline = PipelineSpec.create().build()
            load_s = time.perf_counter() - t0
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        report = run([corpus], store, engine=engine, workers=workers, batch_size=batch_size, pipeline=pipeline,
                     on_progress=progress)
        seconds = time.perf_counter() - t0 + load_s
        cpu = cpu_seconds() - cpu0 + sum(c for pid, c in report.cpu_seconds.items() if pid != os.getpid())
        t_first, docs_first = first[0] if first else (t0, 0)
        steady = (report.documents - docs_first) / max(time.perf_counter() - t_first, 1e-9) if first else None
        return {"docs": report.documents, "events": report.events, "incidents": report.incidents,
                "seconds": seconds, "steady_docs_per_s": steady, "cpu": cpu if engine == "local" else None, "new": report.new, "failed": report.failed,
                "parent_peak_mb": peak_rss_mb(), "worker_peak_mb": sorted(report.peak_rss_mb.values()),
                "db_mb": (Path(folder) / "perf.duckdb").stat().st_size / 2**20}


def child_memory(source: Path, passes: int, batch_size: int) -> dict:
    """One process extracting the source ``passes`` times over (each pass new documents):
    its resident memory after each pass and its peak so far."""
    import gc

    from communique.engines.local import peak_rss_mb
    from communique.engines.work import PipelineSpec, extract_batch
    from communique.model import Document
    from communique.readers import read_paths

    def resident_mb() -> float:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    pipeline = PipelineSpec.create().build()
    base = [d for d in read_paths([source]) if isinstance(d, Document)]
    rows = [{"pass": 0, "documents": 0, "resident_mb": resident_mb(), "peak_mb": peak_rss_mb()}]
    for n in range(1, passes + 1):
        docs = [Document(text=d.text, source_id=f"{d.source_id}#{n}", url=f"{d.url}#{n}", published=d.published)
                for d in base]
        for i in range(0, len(docs), batch_size):
            extract_batch(pipeline, docs[i:i + batch_size], batch_size)
        gc.collect()
        rows.append({"pass": n, "documents": n * len(base), "resident_mb": resident_mb(), "peak_mb": peak_rss_mb()})
    return {"rows": rows}


def measure(kind: str, corpus: Path, workers: int, batch_size: int, engine: str = "local") -> dict:
    command = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus), "--workers", str(workers),
               "--batch-size", str(batch_size), "--engine", engine]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} with {workers} worker(s) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report -----------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", default=str(VOA))
    ap.add_argument("--sentences", type=int, default=20_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--ray", action="store_true", help="also the Ray engine on 2 local workers")
    ap.add_argument("--memory-passes", type=int, default=0,
                    help="only measure one process's memory over this many passes of the input")
    ap.add_argument("--child", choices=("raw", "engine", "memory"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "raw":
        print(json.dumps(child_raw(Path(args.corpus), args.workers[0], args.batch_size)))
        return 0
    if args.child == "engine":
        print(json.dumps(child_engine(Path(args.corpus), args.workers[0], args.batch_size, args.engine)))
        return 0
    if args.child == "memory":
        print(json.dumps(child_memory(Path(args.corpus), args.memory_passes, args.batch_size)))
        return 0
    if args.memory_passes:
        command = [sys.executable, __file__, "--child", "memory", "--corpus", args.input,
                   "--memory-passes", str(args.memory_passes), "--batch-size", str(args.batch_size)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows = json.loads(done.stdout.strip().splitlines()[-1])["rows"]
        print(f"One process, {Path(args.input).name} extracted {args.memory_passes} times over "
              f"(batch size {args.batch_size}); load average {os.getloadavg()[0]:.1f}.\n")
        print("| pass | documents so far | resident after the pass, MB | peak so far, MB |")
        print("| ---: | ---: | ---: | ---: |")
        for row in rows:
            print(f"| {row['pass']} | {row['documents']} | {row['resident_mb']:.0f} | {row['peak_mb']:.0f} |")
        return 0

    source = Path(args.input)
    if not source.exists():
        print(f"input not found: {source}", file=sys.stderr)
        return 1
    load_before = os.getloadavg()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="communique-perf-") as folder:
        corpus, copies, n_docs = make_corpus(source, args.sentences, Path(folder), "corpus.jsonl")
        small, small_copies, _ = make_corpus(source, args.sentences // 10, Path(folder), "small.jsonl")
        results: dict[str, dict] = {}
        for n in args.workers:
            results[f"raw{n}"] = measure("raw", corpus, n, args.batch_size)
            results[f"local{n}"] = measure("engine", corpus, n, args.batch_size)
        top = max(args.workers)
        results["small"] = measure("engine", small, top, args.batch_size)
        if args.ray:
            results["ray2"] = measure("engine", corpus, 2, args.batch_size, engine="ray")
    load_after = os.getloadavg()

    raw1 = results[f"raw{args.workers[0]}"]
    sentences, words = raw1["sentences"], raw1["words"]
    print(f"Corpus: {source.name} ×{copies} = {n_docs} documents, {sentences:,} sentences, {words:,} words; "
          f"batch size {args.batch_size}; {os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after ({(time.time() - started) / 60:.0f} min).\n")
    print("| run | workers | wall s | docs/s | sentences/s | words/s | end-to-end / raw (wall) "
          "| CPU s | end-to-end / raw (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.workers:
        raw, local = results[f"raw{n}"], results[f"local{n}"]
        raw_rate = raw["docs"] / raw["seconds"]
        raw_cpu = raw.get("cpu")
        print(f"| raw spaCy parse (`nlp.pipe`, n_process={n}) | {n} | {raw['seconds']:.0f} | {raw_rate:.2f} | "
              f"{sentences / raw['seconds']:.0f} | {words / raw['seconds']:,.0f} | | "
              f"{raw_cpu or 0:.0f} | |")
        whole = local["docs"] / local["seconds"]
        steady = local["steady_docs_per_s"] or whole
        cpu = local.get("cpu")
        cpu_ratio = f"**{raw_cpu / cpu:.2f}**" if cpu and raw_cpu else ""
        print(f"| communique ingest, whole run (start-up included) | {n} | {local['seconds']:.0f} | {whole:.2f} | "
              f"{whole * sentences / n_docs:.0f} | {whole * words / n_docs:,.0f} | {whole / raw_rate:.2f} | "
              f"{cpu or 0:.0f} | {cpu_ratio} |")
        print(f"| communique ingest, steady state | {n} | | {steady:.2f} | {steady * sentences / n_docs:.0f} | "
              f"{steady * words / n_docs:,.0f} | **{steady / raw_rate:.2f}** | | |")
    if args.ray:
        ray, local2 = results["ray2"], results.get("local2")
        rate = ray["docs"] / ray["seconds"]
        compare = f" (local engine, 2 workers: {local2['docs'] / local2['seconds']:.2f} docs/s)" if local2 else ""
        print(f"| Ray engine, 2 local actors, whole run | 2 | {ray['seconds']:.0f} | {rate:.2f} | "
              f"{rate * sentences / n_docs:.0f} | {rate * words / n_docs:,.0f} | | | |")
        print(f"\nRay: {rate:.2f} docs/s{compare}; same events ({ray['events']} vs "
              f"{results['local2']['events'] if local2 else '?'}).")

    print("\n| memory (peak resident, MB) | documents | parent (reader + writer) | each worker |")
    print("| --- | ---: | ---: | --- |")
    print(f"| raw spaCy parse, 1 process | {raw1['docs']} | {raw1['peak_mb']:.0f} | |")
    for label, key in ((f"ingest ×{small_copies}, {top} workers", "small"), (f"ingest ×{copies}, {top} workers",
                                                                              f"local{top}")):
        r = results[key]
        print(f"| {label} | {r['docs']} | {r['parent_peak_mb']:.0f} | "
              f"{', '.join(f'{m:.0f}' for m in r['worker_peak_mb'])} |")
    if 1 in args.workers:
        r = results["local1"]
        print(f"| ingest ×{copies}, 1 process (NLP in the parent) | {r['docs']} | {r['parent_peak_mb']:.0f} | |")
    print("\n" + json.dumps({"load": [load_before[0], load_after[0]], **results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
