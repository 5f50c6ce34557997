"""Document-level scoring against gold event lists (docs/EVAL.md).

**Pairing.**  A gold and an extracted event *may* pair when the type is equal and

- at least one named gold actor matches an extracted actor on the same side
  (:mod:`.names`: normalised names, word containment, acronyms, states); the
  sides may also be crossed when the gold event is *directionless*: every
  CONSULT (EVAL.md), and events whose evidence states reciprocity ("each
  other", "mutual", "exchanged", "the two sides", "clashed", "signed", ...),
  which GUIDELINES.md §4 lists once with an arbitrary direction;
- or, when all gold actors are unnamed (collectives, or no actor at all), the
  extracted ``trigger_span`` or ``sentence_span`` overlaps the gold evidence,
  located in the document whitespace-insensitively (its words joined by \\s+).

The events of a document are then paired one-to-one by an optimal assignment
(``scipy.optimize.linear_sum_assignment``): a pair is worth a constant larger
than any total agreement, plus its agreement, so the pairing first has as many
pairs as possible and then agrees most.  Agreement (0–16): evidence overlap 8,
each side's actors 0–2 (share of gold actors that correspond; an unnamed gold
actor corresponds to an extracted one of its country; the better orientation
for directionless events), date 2, place 1, CONSULT mode 1.

**Event scores**: TP = pairs, precision = TP / extracted, recall = TP / gold,
overall and per type.  Extracted events of documents missing from the gold
file are not counted (they are reported under ``unknown_doc_events``).

**Field scores over the pairs**

- *CONSULT mode*: PLOVER modes; ``host`` (either file) is read as ``visit``
  with source and target swapped and ``meet`` as null, as GUIDELINES.md
  prescribes.  A gold ``visit`` is matched only by an extracted ``visit``
  whose source (the visitor) corresponds to a gold source: "A visited B" and
  "B visited A" are different relations, and confusing the host with the
  visitor is exactly the error to catch.  Other modes (phone, multilateral,
  third-party, null) must be equal; their direction carries no meaning.
- *date*: the extracted date starts with the gold date at a date boundary, so
  it has at least the gold's precision and agrees ("2019-05" gold,
  "2019-05-14" extracted: right; the reverse: wrong).  A null gold date means
  "not knowable from the text", so only a null extracted date is right.
  ``date_accuracy`` is over all pairs, ``date_accuracy_dated`` over pairs
  whose gold has a date.
- *location*: over pairs whose gold has a location — country (pairs whose
  gold location has a country) equal after alias normalisation; name equal or
  one's words inside the other's.
- *actors*, for each named gold actor of a pair: *found* when an extracted
  actor on the same side (either side for directionless events) matches it;
  over the found ones, *country* and *sector* equal (null = null), *role*
  (where the gold has one) one contained in the other, case-insensitively.

Events flagged negated, future or hypothetical are dropped first
(``asserted_only=True``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .names import actor_corresponds, actor_match, best_match, normalise_country, place_names_match
from .report import f1_score, is_asserted, ratio

_RECIPROCAL = re.compile(
    r"\b(?:each other|one another|mutual(?:ly)?|reciprocal|exchang\w*|both sides|two sides|the sides"
    r"|clash\w*|jointly|together|sign(?:ed|ing)?)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
DIRECTIONLESS_TYPES = frozenset({"CONSULT"})

W_EVIDENCE, W_SIDE, W_DATE, W_PLACE, W_MODE = 8, 2, 2, 1, 1
MAX_AGREEMENT = W_EVIDENCE + 2 * W_SIDE + W_DATE + W_PLACE + W_MODE


def locate_evidence(evidence: str | None, text: str | None) -> list[tuple[int, int]]:
    """Every place where ``evidence`` occurs in ``text``, ignoring how whitespace is written."""
    words = (evidence or "").split()
    if not words or not text:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    return [m.span() for m in pattern.finditer(text)]


def consult_mode(event_type: str, mode: str | None, source: list, target: list) -> tuple[str | None, list, list]:
    """PLOVER view of a CONSULT: ``host`` becomes ``visit`` with the roles swapped, ``meet`` null."""
    if event_type != "CONSULT":
        return mode, source, target
    mode = (mode or "").strip().lower() or None
    if mode == "host":
        return "visit", target, source
    if mode == "meet":
        return None, source, target
    return mode, source, target


def date_correct(gold: str | None, pred: str | None) -> bool:
    if not gold:
        return not pred
    return bool(pred) and (pred == gold or pred.startswith(gold + "-"))


def _role_text(role: str | None) -> str:
    return _SPACES.sub(" ", role or "").strip().lower()


def roles_agree(gold: str | None, pred: str | None) -> bool:
    g, p = _role_text(gold), _role_text(pred)
    return bool(g and p) and (g in p or p in g)


def _spans_overlap(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> bool:
    return any(s < oe and os_ < e for s, e in spans for os_, oe in others)


@dataclass(slots=True)
class _Gold:
    index: int
    raw: dict[str, Any]
    type: str
    mode: str | None
    source: list[dict[str, Any]]
    target: list[dict[str, Any]]
    evidence_spans: list[tuple[int, int]]
    directionless: bool
    all_unnamed: bool


@dataclass(slots=True)
class _Pred:
    raw: dict[str, Any]
    type: str
    mode: str | None
    source: list[dict[str, Any]]
    target: list[dict[str, Any]]
    spans: list[tuple[int, int]]


def _gold_event(index: int, raw: dict[str, Any], text: str | None) -> _Gold:
    mode, source, target = consult_mode(raw["type"], raw.get("mode"), raw.get("source") or [], raw.get("target") or [])
    evidence = raw.get("evidence") or ""
    return _Gold(
        index=index, raw=raw, type=raw["type"], mode=mode, source=source, target=target,
        evidence_spans=locate_evidence(evidence, text),
        directionless=raw["type"] in DIRECTIONLESS_TYPES or bool(_RECIPROCAL.search(evidence)),
        all_unnamed=not any(a.get("name") for a in source + target),
    )


def _pred_event(raw: dict[str, Any]) -> _Pred:
    mode, source, target = consult_mode(raw.get("type", ""), raw.get("mode"), raw.get("source") or [], raw.get("target") or [])
    spans = [tuple(raw[k]) for k in ("trigger_span", "sentence_span") if raw.get(k)]
    return _Pred(raw=raw, type=raw.get("type", ""), mode=mode, source=source, target=target, spans=spans)


def _orientations(g: _Gold, p: _Pred) -> list[tuple[list, list]]:
    """The (source, target) views of the extracted event to compare with the gold's."""
    views = [(p.source, p.target)]
    if g.directionless:
        views.append((p.target, p.source))
    return views


def may_pair(g: _Gold, p: _Pred) -> bool:
    if g.type != p.type:
        return False
    if g.all_unnamed:
        return _spans_overlap(g.evidence_spans, p.spans)
    for src, tgt in _orientations(g, p):
        for gold_side, pred_side in ((g.source, src), (g.target, tgt)):
            if any(actor_match(ga, pa) for ga in gold_side for pa in pred_side):
                return True
    return False


def _side_agreement(gold_side: list, pred_side: list) -> float:
    if not gold_side:
        return 1.0 if not pred_side else 0.0
    return sum(any(actor_corresponds(ga, pa) for pa in pred_side) for ga in gold_side) / len(gold_side)


def mode_correct(g: _Gold, p: _Pred) -> bool:
    if g.mode != p.mode:
        return False
    if g.mode == "visit":  # the visitor must be the same actor
        return any(actor_corresponds(ga, pa) for ga in g.source for pa in p.source)
    return True


def _location_checks(gold: dict | None, pred: dict | None) -> dict[str, bool | None]:
    """Country and name agreement; None where the gold gives nothing to check."""
    if not gold:
        return {"location_country": None, "location_name": None}
    pred = pred or {}
    gold_country = normalise_country(gold.get("country"))
    return {
        "location_country": None if gold_country is None else normalise_country(pred.get("country")) == gold_country,
        "location_name": place_names_match(gold.get("name"), pred.get("name")),
    }


def agreement(g: _Gold, p: _Pred) -> float:
    score = W_EVIDENCE * _spans_overlap(g.evidence_spans, p.spans)
    score += W_SIDE * max(
        _side_agreement(g.source, src) + _side_agreement(g.target, tgt) for src, tgt in _orientations(g, p)
    )
    score += W_DATE * date_correct(g.raw.get("date"), p.raw.get("date"))
    gold_loc, pred_loc = g.raw.get("location"), p.raw.get("location")
    if gold_loc:
        checks = _location_checks(gold_loc, pred_loc)
        score += W_PLACE * (0.5 * bool(checks["location_country"]) + 0.5 * checks["location_name"])
    else:
        score += W_PLACE * (not pred_loc)
    if g.type == "CONSULT":
        score += W_MODE * mode_correct(g, p)
    return score


def assign(golds: list[_Gold], preds: list[_Pred]) -> list[tuple[int, int]]:
    """Optimal one-to-one pairing: most pairs first, then most agreement."""
    if not golds or not preds:
        return []
    pair_value = MAX_AGREEMENT * (min(len(golds), len(preds)) + 1) + 1
    weights = np.zeros((len(golds), len(preds)))
    for i, g in enumerate(golds):
        for j, p in enumerate(preds):
            if may_pair(g, p):
                weights[i, j] = pair_value + agreement(g, p)
    if not weights.any():
        return []
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if weights[i, j] > 0]


def _actor_label(actor: dict[str, Any]) -> str:
    return actor.get("name") or f"({actor.get('role') or actor.get('org') or actor.get('country') or 'unnamed'})"


def _span_text(text: str | None, span: Any) -> str | None:
    if not text or not span:
        return None
    return _SPACES.sub(" ", text[int(span[0]) : int(span[1])]).strip()


def _pair_checks(g: _Gold, p: _Pred) -> dict[str, Any]:
    checks: dict[str, Any] = {
        "consult_mode": mode_correct(g, p) if g.type == "CONSULT" else None,
        "date": date_correct(g.raw.get("date"), p.raw.get("date")),
        "date_dated": date_correct(g.raw.get("date"), p.raw.get("date")) if g.raw.get("date") else None,
    }
    checks.update(_location_checks(g.raw.get("location"), p.raw.get("location")))
    everyone = p.source + p.target
    sides = ((g.source, everyone if g.directionless else p.source),
             (g.target, everyone if g.directionless else p.target))
    actors = []
    for gold_side, candidates in sides:
        for ga in gold_side:
            if ga.get("name"):
                actors.append(_actor_checks(ga, best_match(ga, candidates)))
    checks["actors"] = actors
    return checks


def _actor_checks(gold: dict[str, Any], found: dict[str, Any] | None) -> dict[str, Any]:
    """Found, and if so whether country, sector and role (where the gold has one) agree."""
    if found is None:
        return {"gold": gold.get("name"), "found": None, "country": None, "sector": None, "role": None}
    return {
        "gold": gold.get("name"),
        "found": found.get("name") or _actor_label(found),
        "country": normalise_country(found.get("country")) == normalise_country(gold.get("country")),
        "sector": (found.get("sector") or "").upper() == (gold.get("sector") or "").upper(),
        "role": roles_agree(gold.get("role"), found.get("role")) if gold.get("role") else None,
    }


def _gold_view(g: _Gold) -> dict[str, Any]:
    return {
        "index": g.index, "type": g.type, "mode": g.mode,
        "source": [_actor_label(a) for a in g.source], "target": [_actor_label(a) for a in g.target],
        "date": g.raw.get("date"), "evidence": g.raw.get("evidence"),
    }


def _pred_view(p: _Pred, text: str | None) -> dict[str, Any]:
    return {
        "event_id": p.raw.get("event_id"), "type": p.type, "mode": p.mode,
        "source": [_actor_label(a) for a in p.source], "target": [_actor_label(a) for a in p.target],
        "date": p.raw.get("date"), "trigger": _span_text(text, p.raw.get("trigger_span")),
        "sentence": _span_text(text, p.raw.get("sentence_span")), "rule": p.raw.get("rule"),
    }


_FIELD_CHECKS = ("consult_mode", "date", "date_dated", "location_country", "location_name")
_FIELD_NAMES = {
    "consult_mode": "consult_mode_accuracy", "date": "date_accuracy", "date_dated": "date_accuracy_dated",
    "location_country": "location_country_accuracy", "location_name": "location_name_accuracy",
}


def score_documents(gold: list[dict[str, Any]], pred: list[dict[str, Any]], documents: dict[str, str], *,
                    asserted_only: bool = True) -> dict[str, Any]:
    gold_by_doc = {str(g["doc_id"]): g.get("events") or [] for g in gold}
    pred_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ignored = unknown = 0
    for event in pred:
        if asserted_only and not is_asserted(event):
            ignored += 1
        elif str(event.get("doc_id")) not in gold_by_doc:
            unknown += 1
        else:
            pred_by_doc[str(event.get("doc_id"))].append(event)

    warnings: list[str] = []
    gold_types: Counter[str] = Counter()
    pred_types: Counter[str] = Counter()
    tp_types: Counter[str] = Counter()
    fields: dict[str, list[int]] = {name: [0, 0] for name in _FIELD_CHECKS}
    actor_fields: dict[str, list[int]] = {name: [0, 0] for name in ("found", "country", "sector", "role")}
    per_document = []
    for doc_id, gold_events in gold_by_doc.items():
        text = documents.get(doc_id)
        golds = [_gold_event(i, e, text) for i, e in enumerate(gold_events)]
        preds = [_pred_event(e) for e in pred_by_doc.get(doc_id, [])]
        warnings.extend(_evidence_warnings(doc_id, golds, text))
        gold_types.update(g.type for g in golds)
        pred_types.update(p.type for p in preds)
        pairs = assign(golds, preds)
        pair_views = []
        for i, j in pairs:
            g, p = golds[i], preds[j]
            tp_types[g.type] += 1
            checks = _pair_checks(g, p)
            for name in _FIELD_CHECKS:
                if checks[name] is not None:
                    fields[name][0] += checks[name]
                    fields[name][1] += 1
            for actor in checks["actors"]:
                _tally(actor_fields["found"], actor["found"] is not None)
                for name in ("country", "sector", "role"):
                    if actor[name] is not None:
                        _tally(actor_fields[name], actor[name])
            pair_views.append({"gold_index": g.index, "event_id": p.raw.get("event_id"), "type": g.type, "checks": checks})
        paired_gold, paired_pred = {i for i, _ in pairs}, {j for _, j in pairs}
        per_document.append({
            "doc_id": doc_id, "gold": len(golds), "pred": len(preds), "matched": len(pairs),
            "unmatched_gold": [_gold_view(g) for i, g in enumerate(golds) if i not in paired_gold],
            "unmatched_pred": [_pred_view(p, text) for j, p in enumerate(preds) if j not in paired_pred],
            "pairs": pair_views,
        })
    if unknown:
        warnings.append(f"{unknown} extracted events belong to documents absent from the gold file; not counted")

    tp, n_gold, n_pred = sum(tp_types.values()), sum(gold_types.values()), sum(pred_types.values())
    per_type = {
        t: {"gold": gold_types[t], "pred": pred_types[t], "tp": tp_types[t],
            "precision": ratio(tp_types[t], pred_types[t]), "recall": ratio(tp_types[t], gold_types[t]),
            "f1": f1_score(tp_types[t], pred_types[t] - tp_types[t], gold_types[t] - tp_types[t])}
        for t in sorted(set(gold_types) | set(pred_types))
    }
    support = {_FIELD_NAMES[name]: counts for name, counts in fields.items()}
    support.update({f"actor_{name}": counts for name, counts in actor_fields.items()})
    report: dict[str, Any] = {
        "level": "document", "documents": len(gold_by_doc), "gold_events": n_gold, "pred_events": n_pred,
        "ignored_events": ignored, "unknown_doc_events": unknown,
        "tp": tp, "fp": n_pred - tp, "fn": n_gold - tp,
        "precision": ratio(tp, n_pred), "recall": ratio(tp, n_gold), "f1": f1_score(tp, n_pred - tp, n_gold - tp),
        "consult_recall": per_type.get("CONSULT", {}).get("recall"),
    }
    report.update({name: ratio(k, n) for name, (k, n) in support.items()})
    report.update({"support": support, "per_type": per_type, "per_document": per_document, "warnings": warnings})
    return report


def _tally(counts: list[int], ok: bool) -> None:
    counts[0] += bool(ok)
    counts[1] += 1


def _evidence_warnings(doc_id: str, golds: list[_Gold], text: str | None) -> list[str]:
    needs_text = [g for g in golds if g.raw.get("evidence")]
    if not needs_text:
        return []
    if text is None:
        return [f"{doc_id}: no document text, so gold evidence cannot be located (unnamed-actor events cannot pair)"]
    return [f"{doc_id}: gold event {g.index} evidence not found in the text" for g in needs_text if not g.evidence_spans]
