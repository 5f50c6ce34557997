"""Accuracy report: runs the coder over the gold sets and writes docs/accuracy.md.

    .venv/bin/python benchmarks/accuracy.py            # prints and writes docs/accuracy.md
    .venv/bin/python benchmarks/accuracy.py --no-write # prints only

Sets: the seed document, the diplomatic press releases (document level), the
PLOVER gold-standard sentences (sentence level) — all read from ../shared/data
— and the team's own demo corpus (examples/, document level).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from communique.evaluate import render_markdown, score_documents, score_sentences
from communique.model import Document, event_record
from communique.pipeline import Pipeline
from communique.readers import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(pipeline: Pipeline, docs_path: Path) -> tuple[list[dict], dict[str, str], int]:
    docs = [d for d in read_jsonl(docs_path) if isinstance(d, Document)]
    preds: list[dict] = []
    texts: dict[str, str] = {}
    for ex in pipeline.pipe(docs):
        texts[ex.document.public_id] = ex.document.text
        preds.extend(event_record(e, ex.document) for e in ex.events)
    return preds, texts, len(docs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "docs" / "accuracy.md"))
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"needs the evaluation data in {SHARED}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    pipeline = Pipeline()
    sections: list[str] = []
    summary: list[tuple[str, str]] = []

    sets = [
        ("Seed document (SCO, document level)", SHARED / "seed" / "seed.jsonl", SHARED / "seed" / "seed.gold.jsonl"),
        ("Diplomatic press releases, dev (document level)", SHARED / "diplo_dev" / "docs.jsonl",
         SHARED / "diplo_dev" / "gold.jsonl"),
        ("Demo corpus, examples/ (document level, written by the team)", ROOT / "examples" / "demo.jsonl",
         ROOT / "examples" / "demo.gold.jsonl"),
    ]
    for title, docs_path, gold_path in sets:
        preds, texts, n = run(pipeline, docs_path)
        report = score_documents(_load(gold_path), preds, texts)
        sections.append(render_markdown(report, title))
        summary.append((title, f"event P {report['precision']:.2f} R {report['recall']:.2f} F1 {report['f1']:.2f}"))
        print(summary[-1])

    preds, texts, n = run(pipeline, SHARED / "plover_gsr_dev.jsonl")
    report = score_sentences(_load(SHARED / "plover_gsr_dev.jsonl"), preds)
    title = "PLOVER gold-standard sentences, dev (sentence level)"
    sections.append(render_markdown(report, title))
    summary.append((title, f"type accuracy {report['type_accuracy']:.2f}, macro-F1 {report['macro_f1']:.2f}, "
                           f"precision {report['event_precision']:.2f}"))
    print(summary[-1])
    elapsed = time.perf_counter() - t0

    header = [
        "# Accuracy",
        "",
        "Produced by `.venv/bin/python benchmarks/accuracy.py` (scoring as defined in",
        "`../shared/docs/EVAL.md`, implemented in `src/communique/evaluate/`). Events flagged",
        "negated, future or hypothetical are not counted. Regenerate with every change that moves them.",
        "",
        "| set | headline |",
        "| --- | --- |",
        *[f"| {t} | {s} |" for t, s in summary],
        "",
        f"Run time for all sets: {elapsed:.1f} s.",
        "",
        "",
    ]
    text = "\n".join(header) + "\n\n".join(sections) + "\n"
    if not args.no_write:
        out = Path(args.out)
        existing = out.read_text(encoding="utf-8") if out.exists() else ""
        marker = "<!-- audit -->"
        keep = existing[existing.index(marker):] if marker in existing else ""
        out.write_text(text + ("\n" + keep if keep else ""), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
