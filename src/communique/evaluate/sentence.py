"""Sentence-level scoring against PLOVER gold-standard records (docs/EVAL.md).

Each gold record is one sentence ``{id, text, event, source, target, ...}`` that
codes the *main* event only; predictions are event records whose ``doc_id`` is
the record id.  Definitions:

- **type accuracy** — share of records that are *type-correct*: at least one
  extracted event has the gold type;
- **event precision** — share of extracted events whose type is the gold type
  of their sentence (two events of the gold type both count as right);
- **per type** — for each record with gold type *t*: one TP for *t* if *t* is
  among the predicted types, else one FN for *t*; every extracted event of a
  type *u* ≠ *t* is one FP for *u*.  So TP and FN count records, FP counts
  events.  F1 = 2·TP / (2·TP + FP + FN); **macro-F1** averages it over the
  types that occur in the gold or in the predictions;
- **no-event share** — records with no extracted event at all;
- **source / target country accuracy** — over type-correct records: the set
  of country codes of the extracted actors equals the gold set (codes
  normalised, JAP→JPN; actors without a code ignored; an empty gold target
  must be matched by an empty extracted target).  Of several events of the
  gold type, the one that gets most sides right is scored.

Events flagged negated, future or hypothetical are not assertions of fact and
are dropped first (``asserted_only=True``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Iterable

from .names import normalise_country
from .report import f1_score, is_asserted, ratio


def _codes(actors: Iterable[dict[str, Any]], key: str) -> frozenset[str]:
    codes = (normalise_country(a.get(key)) for a in actors or ())
    return frozenset(c for c in codes if c)


def _country_agreement(record: dict[str, Any], events: list[dict[str, Any]]) -> tuple[bool, bool]:
    """(source right, target right) for the best event of the gold type."""
    gold_source, gold_target = _codes(record.get("source"), "code"), _codes(record.get("target"), "code")
    best = (False, False)
    for event in events:
        if event.get("type") != record["event"]:
            continue
        result = (_codes(event.get("source"), "country") == gold_source,
                  _codes(event.get("target"), "country") == gold_target)
        if sum(result) > sum(best):
            best = result
    return best


def score_sentences(gold: list[dict[str, Any]], pred: list[dict[str, Any]], *,
                    asserted_only: bool = True) -> dict[str, Any]:
    by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ignored = 0
    for event in pred:
        if asserted_only and not is_asserted(event):
            ignored += 1
            continue
        by_record[str(event.get("doc_id"))].append(event)

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    n_events = right_events = type_correct = no_event = source_ok = target_ok = 0
    misses = []
    for record in gold:
        gold_type = record["event"]
        events = by_record.get(str(record["id"]), [])
        types = [e.get("type") for e in events]
        gold_count[gold_type] += 1
        n_events += len(events)
        right_events += sum(t == gold_type for t in types)
        no_event += not events
        for wrong in (t for t in types if t != gold_type):
            fp[wrong] += 1
        if gold_type in types:
            tp[gold_type] += 1
            type_correct += 1
            src, tgt = _country_agreement(record, events)
            source_ok += src
            target_ok += tgt
        else:
            fn[gold_type] += 1
            misses.append({"id": record["id"], "gold_type": gold_type, "predicted_types": types})

    per_type = {}
    for t in sorted(set(gold_count) | set(fp)):
        per_type[t] = {
            "gold": gold_count[t], "tp": tp[t], "fp": fp[t], "fn": fn[t],
            "precision": ratio(tp[t], tp[t] + fp[t]), "recall": ratio(tp[t], tp[t] + fn[t]),
            "f1": f1_score(tp[t], fp[t], fn[t]),
        }
    n = len(gold)
    unknown_ids = sorted(set(by_record) - {str(r["id"]) for r in gold})
    f1s = [v["f1"] for v in per_type.values()]
    support = {
        "type_accuracy": [type_correct, n], "event_precision": [right_events, n_events],
        "no_event_share": [no_event, n], "source_country_accuracy": [source_ok, type_correct],
        "target_country_accuracy": [target_ok, type_correct],
    }
    report: dict[str, Any] = {"level": "sentence", "records": n, "events": n_events, "ignored_events": ignored}
    report.update({name: ratio(k, total) for name, (k, total) in support.items()})
    report["macro_f1"] = sum(f1s) / len(f1s) if f1s else None
    report.update({
        "support": support, "per_type": per_type,
        "confusions": _confusions(misses), "misses": misses,
        "unknown_ids": unknown_ids, "warnings": [],
    })
    if unknown_ids:
        report["warnings"].append(f"{len(unknown_ids)} extracted doc_ids are not gold record ids; not counted")
    return report


def _confusions(misses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold type → what was predicted instead, most frequent first."""
    counts = Counter(
        (m["gold_type"], ", ".join(sorted(set(m["predicted_types"]))) or "(none)") for m in misses
    )
    return [{"gold_type": g, "predicted": p, "count": c} for (g, p), c in counts.most_common()]
