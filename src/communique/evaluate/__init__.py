"""Scorers for the gold formats of docs/EVAL.md.

- :func:`score_sentences` — single-sentence PLOVER records (``{id, text, event, source, target}``);
- :func:`score_documents` — document-level gold (``{doc_id, events: [...]}``), which also
  needs the document texts to locate the evidence of events with unnamed actors;
- :func:`evaluate_files` — either, chosen from the shape of the gold file;
- :func:`render_markdown` / :func:`render_rich` — the tables for docs/accuracy.md and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import CommuniqueError
from .document import score_documents
from .report import render_markdown, render_rich
from .sentence import score_sentences

__all__ = [
    "EvaluationInputError", "evaluate_files", "read_jsonl", "render_markdown", "render_rich",
    "score_documents", "score_sentences",
]


class EvaluationInputError(CommuniqueError, ValueError):
    """A gold, prediction or document file that cannot be scored; the message says which and why."""


def read_jsonl(path: str | Path, warnings: list[str] | None = None) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file.  Bad lines are skipped and, when a
    ``warnings`` list is given, reported there with their line number; otherwise they raise."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
                if not isinstance(value, dict):
                    raise ValueError("not a JSON object")
            except ValueError as error:
                message = f"{path}:{number}: skipped, not a JSON object ({error})"
                if warnings is None:
                    raise EvaluationInputError(message) from error
                warnings.append(message)
                continue
            records.append(value)
    return records


def _default_docs_path(gold_path: Path) -> Path | None:
    """``X.gold.jsonl`` → ``X.jsonl``; otherwise a ``docs.jsonl`` beside the gold."""
    candidates = []
    if gold_path.name.endswith(".gold.jsonl"):
        candidates.append(gold_path.with_name(gold_path.name[: -len(".gold.jsonl")] + ".jsonl"))
    candidates.append(gold_path.with_name("docs.jsonl"))
    return next((c for c in candidates if c.is_file()), None)


def gold_level(gold: list[dict[str, Any]]) -> str:
    """"document" for ``{doc_id, events}`` lines, "sentence" for ``{id, text, event}`` lines."""
    first = gold[0] if gold else {}
    if "events" in first and "doc_id" in first:
        return "document"
    if "event" in first and "id" in first:
        return "sentence"
    raise EvaluationInputError(
        "the gold file is neither document-level ({doc_id, events}) nor sentence-level ({id, text, event}); "
        "see docs/EVAL.md"
    )


def evaluate_files(gold_path: str | Path, pred_path: str | Path, docs_path: str | Path | None = None, *,
                   asserted_only: bool = True) -> dict[str, Any]:
    gold_path = Path(gold_path)
    warnings: list[str] = []
    gold = read_jsonl(gold_path)
    pred = read_jsonl(pred_path, warnings)
    level = gold_level(gold)
    if level == "sentence":
        report = score_sentences(gold, pred, asserted_only=asserted_only)
    else:
        resolved = Path(docs_path) if docs_path else _default_docs_path(gold_path)
        documents: dict[str, str] = {}
        if resolved is None:
            warnings.append("no document texts given or found beside the gold file; "
                            "events with unnamed actors cannot be paired (pass docs_path)")
        else:
            documents = {str(d["id"]): d["text"] for d in read_jsonl(resolved, warnings) if "id" in d and "text" in d}
        report = score_documents(gold, pred, documents, asserted_only=asserted_only)
        report["docs_path"] = str(resolved) if resolved else None
    report["gold_path"], report["pred_path"] = str(gold_path), str(pred_path)
    report["warnings"] = warnings + report.get("warnings", [])
    return report
