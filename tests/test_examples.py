"""The demo corpus in examples/ is well-formed and its gold is usable for scoring."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLOVER_TYPES = (
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST "
    "ACCUSE REJECT THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT"
).split()
CONSULT_MODES = {"visit", "phone", "multilateral", "third-party", None}
FULL_DATE = re.compile(
    r"\b\d{1,2}\s+(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{4}\b"
)


@lru_cache(maxsize=None)
def demo_lines() -> tuple[str, ...]:
    return tuple((EXAMPLES / "demo.jsonl").read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=None)
def demo_docs() -> dict[str, dict]:
    return {d["id"]: d for d in map(json.loads, demo_lines())}


@lru_cache(maxsize=None)
def gold() -> dict[str, dict]:
    lines = (EXAMPLES / "demo.gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {g["doc_id"]: g for g in map(json.loads, lines)}


def gold_events():
    for doc_id, record in gold().items():
        for event in record["events"]:
            yield doc_id, event


def text_files() -> list[Path]:
    return sorted((EXAMPLES / "texts").glob("*.txt"))


@pytest.mark.parametrize("line_no", range(len(demo_lines())))
def test_every_demo_line_is_a_complete_document(line_no):
    record = json.loads(demo_lines()[line_no])
    for key in ("id", "text", "published", "publisher"):
        assert key in record, f"line {line_no + 1} lacks {key!r}"
    assert record["id"] and record["publisher"] and record["text"].strip()
    if record["published"] is not None:
        date.fromisoformat(record["published"])
    words = len(record["text"].split())
    assert 80 <= words <= 250, f"{record['id']} has {words} words"


def test_demo_ids_are_unique():
    ids = [json.loads(line)["id"] for line in demo_lines()]
    assert len(ids) == len(set(ids))


def test_undated_documents_carry_a_full_date_in_their_text():
    undated = [d for d in demo_docs().values() if d["published"] is None]
    assert len(undated) == 2
    for doc in undated:
        assert FULL_DATE.search(doc["text"]), doc["id"]


def test_corpus_size_is_between_25_and_40_documents():
    assert 25 <= len(demo_docs()) + len(text_files()) <= 40


def test_text_files_have_a_title_and_a_body_not_repeated_in_the_jsonl():
    assert text_files(), "examples/texts/ has no .txt file"
    jsonl_texts = {" ".join(d["text"].split()) for d in demo_docs().values()}
    for path in text_files():
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        assert title.strip() and len(body.split()) >= 80, path.name
        assert " ".join(body.split()) not in jsonl_texts, path.name


def test_gold_covers_exactly_the_jsonl_documents():
    assert set(gold()) == set(demo_docs())


def test_gold_has_every_plover_type_at_least_twice():
    counts = Counter(event["type"] for _, event in gold_events())
    assert set(counts) <= set(PLOVER_TYPES), set(counts) - set(PLOVER_TYPES)
    missing = {t: counts[t] for t in PLOVER_TYPES if counts[t] < 2}
    assert not missing, f"types with fewer than two gold events: {missing}"


def test_gold_consult_uses_every_mode():
    modes = {e["mode"] for _, e in gold_events() if e["type"] == "CONSULT"}
    assert modes == CONSULT_MODES


def test_every_gold_evidence_is_a_substring_of_its_document():
    docs = demo_docs()
    misses = [(doc_id, e["evidence"]) for doc_id, e in gold_events()
              if not e["evidence"] or e["evidence"] not in docs[doc_id]["text"]]
    assert not misses


def test_gold_events_have_the_fields_a_scorer_reads():
    actor_keys = {"name", "role", "org", "country", "sector"}
    for doc_id, event in gold_events():
        assert {"type", "mode", "source", "target", "date", "location", "evidence"} <= set(event)
        for actor in event["source"] + event["target"]:
            assert set(actor) == actor_keys, (doc_id, actor)
        if event["date"] is not None:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"]), (doc_id, event["date"])


def test_readme_counts_agree_with_the_gold():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    counts = Counter(event["type"] for _, event in gold_events())
    for plover_type in PLOVER_TYPES:
        row = re.search(rf"^\| {plover_type} \| (\d+) \|$", readme, re.MULTILINE)
        assert row, f"README has no count for {plover_type}"
        assert int(row.group(1)) == counts[plover_type], plover_type
    assert f"Gold events: {sum(counts.values())}" in readme
    assert f"Documents: {len(demo_docs()) + len(text_files())}" in readme
