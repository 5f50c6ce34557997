"""Hand-judged precision audit on news nobody tuned for (VOA stories).

    .venv/bin/python benchmarks/audit.py sample      # draw the sample, show what needs judging
    .venv/bin/python benchmarks/audit.py report      # score the judgements, write docs/accuracy.md's audit

A seeded sample of asserted events (ranked by a hash of their keys, so that a
coder change adds or drops events rather than re-drawing the sample) extracted from
``../shared/data/voa_stories.jsonl``.  Judgements live in
``docs/audit/voa_judgements.jsonl``, one line per event: its key (document id,
trigger span, type), ``coded`` (the type, mode and actors judged), ``correct``
(true/false) and a ``reason`` written by the judge.  A judgement counts only
while the event is still coded as it was judged: new events and events whose
actors or mode changed show up as UNJUDGED or CHANGED and are judged again.  No text from the
stories is stored in the project: the sample is re-drawn from the data at run
time, and the judgement file holds only ids, spans, codes and our reasons.
"""

from __future__ import annotations

import argparse
import json
import hashlib
import sys
from pathlib import Path

from communique.model import Document, event_record
from communique.pipeline import Pipeline
from communique.readers import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
VOA = ROOT.parent / "shared" / "data" / "voa_stories.jsonl"
JUDGEMENTS = ROOT / "docs" / "audit" / "voa_judgements.jsonl"
ACCURACY = ROOT / "docs" / "accuracy.md"
BEGIN, END = "<!-- audit -->", "<!-- /audit -->"


def key(record: dict) -> str:
    return f"{record['doc_id']}:{record['trigger_span'][0]}-{record['trigger_span'][1]}:{record['type']}"


def coded(record: dict) -> str:
    """What was judged: type, mode and both sides. A judgement whose coding has
    changed since (another source, a lost target) is stale and is judged again."""
    def side(parts):
        return "; ".join(f"{p['name'] or p['role'] or '?'} ({p['country']})" for p in parts) or "—"
    return f"{record['type']}/{record['mode'] or '-'}: {side(record['source'])} → {side(record['target'])}"


def current(judgement: dict | None, record: dict) -> dict | None:
    """The judgement if it was made on this coding, else None."""
    if judgement is None or judgement.get("coded") != coded(record):
        return None
    return judgement


def draw(size: int, seed: int) -> tuple[list[dict], dict[str, str]]:
    docs = [d for d in read_jsonl(VOA) if isinstance(d, Document)]
    pipeline = Pipeline()
    records, texts = [], {}
    for ex in pipeline.pipe(docs):
        texts[ex.document.public_id] = ex.document.text
        records.extend(event_record(e, ex.document) for e in ex.events if e.asserted)
    # Stable under coder changes: events are ranked by a seeded hash of their key,
    # so a change only adds or drops events instead of re-drawing the whole sample.
    def rank(r: dict) -> str:
        return hashlib.sha256(f"{seed}:{key(r)}".encode()).hexdigest()
    return sorted(sorted(records, key=rank)[:size], key=key), texts


def load_judgements() -> dict[str, dict]:
    if not JUDGEMENTS.exists():
        return {}
    return {j["key"]: j for j in map(json.loads, JUDGEMENTS.read_text(encoding="utf-8").splitlines()) if j}


def describe(r: dict, text: str) -> str:
    def who(side):
        return "; ".join(f"{p['name'] or p['role']} ({p['country']})" for p in r[side]) or "—"
    sent = text[r["sentence_span"][0]:r["sentence_span"][1]].replace("\n", " ")
    trig = text[r["trigger_span"][0]:r["trigger_span"][1]]
    return (f"{key(r)}  {r['type']}/{r['mode'] or '-'}  {who('source')} -> {who('target')}  "
            f"date {r['date']}  place {(r['location'] or {}).get('name')}  rule {r['rule']}\n"
            f"    trigger '{trig}' in: {sent}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["sample", "report"])
    ap.add_argument("--size", type=int, default=80)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if not VOA.exists():
        print(f"needs {VOA}", file=sys.stderr)
        return 1
    sample, texts = draw(args.size, args.seed)
    judged = load_judgements()
    if args.command == "sample":
        for r in sample:
            mark = judged.get(key(r))
            if mark is None:
                status = "UNJUDGED"
            elif current(mark, r) is None:
                status = "CHANGED (judged on: " + mark.get("coded", "an unrecorded coding") + ")"
            else:
                status = "correct" if mark["correct"] else "wrong"
            print(f"[{status}] {describe(r, texts[r['doc_id']])}\n    coded: {coded(r)}\n")
        return 0
    rows = [(r, current(judged.get(key(r)), r)) for r in sample]
    done = [(r, j) for r, j in rows if j is not None]
    right = sum(1 for _, j in done if j["correct"])
    precision = right / len(done) if done else 0.0
    lines = [BEGIN, "## Hand-judged audit on unseen news (VOA stories)", "",
             f"`benchmarks/audit.py report`: a sample (the first by a seeded hash of their keys, seed {args.seed}) of {len(sample)} asserted events "
             f"extracted from `../shared/data/voa_stories.jsonl`, each judged by hand as a correct PLOVER coding "
             f"(type, and source/target where stated) or not, with the reason.",
             "", f"**Precision: {right}/{len(done)} = {precision:.2f}**"
             + (f" ({len(rows) - len(done)} sampled events not yet judged)" if len(done) < len(rows) else ""), "",
             "| event (doc:trigger span:type) | coded | verdict | reason |", "| --- | --- | --- | --- |"]
    for r, j in rows:
        verdict = "—" if j is None else ("correct" if j["correct"] else "wrong")
        reason = (j or {}).get("reason", "not judged on this coding")
        lines.append(f"| {key(r)} | {coded(r).replace('|', '/')} | {verdict} | {reason} |")
    lines.append(END)
    block = "\n".join(lines) + "\n"
    existing = ACCURACY.read_text(encoding="utf-8") if ACCURACY.exists() else "# Accuracy\n"
    if BEGIN in existing:
        head, rest = existing.split(BEGIN, 1)
        tail = rest.split(END, 1)[1] if END in rest else ""
        existing = head + block + tail.lstrip("\n")
    else:
        existing = existing.rstrip("\n") + "\n\n" + block
    ACCURACY.write_text(existing, encoding="utf-8")
    print(f"precision {precision:.2f} over {len(done)} judged events; wrote {ACCURACY}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
