"""The shape of score reports, and their rendering as Markdown (docs/accuracy.md) or rich (CLI).

Reports are plain JSON-ready dicts: headline ratios at the top level (None when
there is nothing to measure), ``support`` giving ``[right, total]`` for each,
``per_type`` tables, and lists of errors for inspection.

The Markdown rendering is meant to be committed, so by default it shows only
numbers, types and ids, never text from the evaluation data (which must not be
copied into the project); ``details=True`` adds the error lists for local use.
"""

from __future__ import annotations

from typing import Any

# --- building blocks for the scorers -----------------------------------------


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def f1_score(tp: int, fp: int, fn: int) -> float | None:
    """2·TP / (2·TP + FP + FN): the harmonic mean of P and R, 0 when TP = 0."""
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else None


def is_asserted(event: dict[str, Any]) -> bool:
    """Stated as fact: not negated, not future, not hypothetical."""
    return not (event.get("negated") or event.get("future") or event.get("hypothetical"))


# --- rows shared by both renderings -----------------------------------------

_SENTENCE_ROWS = [
    ("type accuracy (records with the gold type extracted)", "type_accuracy"),
    ("event precision (extracted events of the gold type)", "event_precision"),
    ("macro-F1 over types", "macro_f1"),
    ("records with no event", "no_event_share"),
    ("source country accuracy (type-correct records)", "source_country_accuracy"),
    ("target country accuracy (type-correct records)", "target_country_accuracy"),
]
_DOCUMENT_ROWS = [
    ("event precision", "precision"),
    ("event recall", "recall"),
    ("event F1", "f1"),
    ("CONSULT recall", "consult_recall"),
    ("CONSULT mode (paired CONSULTs)", "consult_mode_accuracy"),
    ("date (all pairs; null gold needs null)", "date_accuracy"),
    ("date (pairs with a gold date)", "date_accuracy_dated"),
    ("location country", "location_country_accuracy"),
    ("location name", "location_name_accuracy"),
    ("named gold actors found", "actor_found"),
    ("actor country (found actors)", "actor_country"),
    ("actor sector (found actors)", "actor_sector"),
    ("actor role (found actors with a gold role)", "actor_role"),
]


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _support(report: dict[str, Any], key: str) -> str:
    if key in report.get("support", {}):
        right, total = report["support"][key]
        return f"{right}/{total}"
    if report["level"] == "document" and key in ("precision", "recall", "f1"):
        return {"precision": f"{report['tp']}/{report['pred_events']}",
                "recall": f"{report['tp']}/{report['gold_events']}",
                "f1": f"TP {report['tp']}, FP {report['fp']}, FN {report['fn']}"}[key]
    if key == "consult_recall" and "CONSULT" in report.get("per_type", {}):
        row = report["per_type"]["CONSULT"]
        return f"{row['tp']}/{row['gold']}"
    return ""


def summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = _SENTENCE_ROWS if report["level"] == "sentence" else _DOCUMENT_ROWS
    return [(label, fmt(report.get(key)), _support(report, key)) for label, key in rows]


def per_type_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    if report["level"] == "sentence":
        header = ["type", "gold", "TP", "FP", "FN", "P", "R", "F1"]
        keys = ["gold", "tp", "fp", "fn"]
    else:
        header = ["type", "gold", "extracted", "TP", "P", "R", "F1"]
        keys = ["gold", "pred", "tp"]
    rows = [
        [t, *(str(row[k]) for k in keys), fmt(row["precision"]), fmt(row["recall"]), fmt(row["f1"])]
        for t, row in report["per_type"].items()
    ]
    return header, rows


def _counts_line(report: dict[str, Any]) -> str:
    if report["level"] == "sentence":
        line = f"records: {report['records']}, extracted events: {report['events']}"
    else:
        line = (f"documents: {report['documents']}, gold events: {report['gold_events']}, "
                f"extracted events: {report['pred_events']}")
    if report.get("ignored_events"):
        line += f"; {report['ignored_events']} negated/future/hypothetical events not counted"
    return line


# --- Markdown -----------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(report: dict[str, Any], title: str, *, details: bool = False) -> str:
    lines = [f"## {title}", "", _counts_line(report) + ".", ""]
    lines += _table(["metric", "value", "support"], [list(r) for r in summary_rows(report)])
    header, rows = per_type_rows(report)
    lines += ["", "Per type:", ""] + _table(header, rows)
    if report["level"] == "sentence":
        if report.get("confusions"):
            lines += ["", "Missed records, by what was extracted instead:", ""]
            lines += _table(["gold type", "extracted types", "records"],
                            [[c["gold_type"], c["predicted"], str(c["count"])] for c in report["confusions"]])
        if details and report.get("misses"):
            lines += ["", "Misses:", ""]
            lines += _table(["id", "gold type", "extracted types"],
                            [[m["id"], m["gold_type"], ", ".join(m["predicted_types"]) or "(none)"] for m in report["misses"]])
    else:
        lines += ["", "Per document:", ""]
        lines += _table(["document", "gold", "extracted", "paired"],
                        [[d["doc_id"], str(d["gold"]), str(d["pred"]), str(d["matched"])] for d in report["per_document"]])
        if details:
            lines += ["", "Unpaired events:", ""]
            lines += _table(["document", "side", "type", "mode", "source", "target", "text"], _unpaired_rows(report))
    for warning in report.get("warnings", []):
        lines.append(f"\n> warning: {warning}")
    return "\n".join(lines) + "\n"


def _unpaired_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for doc in report["per_document"]:
        for g in doc["unmatched_gold"]:
            rows.append([doc["doc_id"], "gold", g["type"], g["mode"] or "", "; ".join(g["source"]),
                         "; ".join(g["target"]), g.get("evidence") or ""])
        for p in doc["unmatched_pred"]:
            rows.append([doc["doc_id"], "extracted", p["type"], p["mode"] or "", "; ".join(p["source"]),
                         "; ".join(p["target"]), p.get("trigger") or p.get("sentence") or ""])
    return rows


# --- rich (CLI) ---------------------------------------------------------------


def render_rich(report: dict[str, Any], *, limit: int = 60):
    """Tables for the terminal, with up to ``limit`` errors to inspect."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    summary = Table(title=_counts_line(report), show_header=True)
    for column in ("metric", "value", "support"):
        summary.add_column(column, justify="right" if column != "metric" else "left")
    for row in summary_rows(report):
        summary.add_row(*row)
    header, rows = per_type_rows(report)
    types = Table(title="per type")
    for column in header:
        types.add_column(column, justify="left" if column == "type" else "right")
    for row in rows:
        types.add_row(*row)

    errors = Table(title=f"errors (first {limit})")
    if report["level"] == "sentence":
        for column in ("id", "gold type", "extracted types"):
            errors.add_column(column)
        for m in report.get("misses", [])[:limit]:
            errors.add_row(str(m["id"]), m["gold_type"], ", ".join(m["predicted_types"]) or "(none)")
    else:
        for column in ("document", "side", "type", "mode", "source", "target", "text"):
            errors.add_column(column, overflow="fold")
        for row in _unpaired_rows(report)[:limit]:
            errors.add_row(*row)
    parts: list[Any] = [summary, types, errors]
    parts += [Text(f"warning: {w}", style="yellow") for w in report.get("warnings", [])]
    return Group(*parts)
