"""`communique extract` keeps the output contract of docs/EVAL.md, end to end.

A small JSON Lines input written here goes through the real command (readers,
the real NLP pipeline, serialisation); every event line and every
``--documents-out`` line must carry the contract's fields with values of the
right shape, spans that point into the input text, and ids that do not change
from one run to the next.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.model import Document
from communique.ontology import plover_types

DOCS = [
    {"id": "astana-talks", "published": "2023-05-10", "title": "Talks in Astana", "publisher": "Test Desk",
     "text": ("In Astana on Tuesday, Foreign Minister Sergey Lavrov met President Kassym-Jomart Tokayev. "
              "Chancellor Olaf Scholz did not meet President Joe Biden. "
              "President Kassym-Jomart Tokayev took part in the 5th Silk Road Forum, held in Xi'an between 23 and "
              "26 August 2022. The two sides discussed economic, scientific and cultural cooperation and the "
              "Programme of Multilateral Trade and Economic Cooperation of the SCO Member States.")},
    {"id": "typeset", "published": "2023-03-20",
     "text": ("Chen Min\u2019er, Secretary of the CPC Chongqing Municipal Committee, thanked the SCO\u00a0Secretariat "
              "for its support on 14\u00a0March\u00a02023. Kenyan police arrested 20 protesters in Nairobi.")},
]
EVENT_FIELDS = {"doc_id", "event_id", "type", "mode", "contexts", "cameo", "source", "target", "date",
                "date_precision", "date_span", "location", "sentence_span", "trigger_span", "negated",
                "confidence", "rule"}
ACTOR_FIELDS = {"name", "actor_id", "country", "sector", "role", "org", "span"}
PLACE_FIELDS = {"name", "country", "lat", "lon", "span"}
DATE_SHAPES = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


@pytest.fixture(scope="module")
def input_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "input.jsonl"
    lines = [json.dumps(DOCS[0], ensure_ascii=False), "{this line is not JSON", json.dumps({"id": "no-text"}),
             json.dumps(DOCS[1], ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_extract(pipeline, input_file):
    """Runs ``communique extract`` with the session's pipeline; returns (result, events, documents)."""
    def run(out_dir: Path):
        events_path, docs_path = out_dir / "events.jsonl", out_dir / "documents.jsonl"
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(cli, "load_pipeline", lambda actors_files=(): pipeline)
            result = CliRunner().invoke(cli.app, ["extract", str(input_file), "-o", str(events_path),
                                                  "--documents-out", str(docs_path)])
        assert result.exit_code == 0, result.output
        read = lambda p: [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        return result, read(events_path), read(docs_path)

    return run


@pytest.fixture(scope="module")
def extracted(run_extract, tmp_path_factory):
    return run_extract(tmp_path_factory.mktemp("run1"))


def text_of(doc_id: str) -> str:
    return next(d["text"] for d in DOCS if d["id"] == doc_id)


def test_bad_input_lines_are_reported_with_their_line_number_and_skipped(extracted):
    result, events, documents = extracted
    assert {d["doc_id"] for d in documents} == {"astana-talks", "typeset"}
    assert ":2" in result.output and ":3" in result.output


def test_every_event_line_has_the_fields_of_the_output_contract(extracted):
    _, events, _ = extracted
    assert len(events) >= 5
    types = plover_types()
    for e in events:
        assert EVENT_FIELDS <= set(e), EVENT_FIELDS - set(e)
        assert e["doc_id"] in ("astana-talks", "typeset")
        assert e["type"] in types
        assert e["mode"] is None or e["mode"] in types[e["type"]].modes
        assert isinstance(e["contexts"], list) and e["cameo"]
        assert isinstance(e["negated"], bool) and 0 <= e["confidence"] <= 1 and e["rule"]
        for p in e["source"] + e["target"]:
            assert ACTOR_FIELDS <= set(p), ACTOR_FIELDS - set(p)
        if e["date"] is not None:
            assert re.fullmatch(DATE_SHAPES[e["date_precision"]], e["date"])
        if e["location"] is not None:
            assert PLACE_FIELDS <= set(e["location"])


def test_every_span_in_the_output_lies_in_its_document_and_the_trigger_in_its_sentence(extracted):
    _, events, _ = extracted
    for e in events:
        text = text_of(e["doc_id"])
        spans = [e["sentence_span"], e["trigger_span"], e["date_span"]] + [p["span"] for p in e["source"] + e["target"]]
        if e["location"] is not None:
            spans.append(e["location"]["span"])
        for span in filter(None, spans):
            assert 0 <= span[0] < span[1] <= len(text), span
        s0, s1 = e["sentence_span"]
        assert s0 <= e["trigger_span"][0] < e["trigger_span"][1] <= s1


def test_the_contract_values_of_one_visit_read_as_in_the_text(extracted):
    _, events, _ = extracted
    text = text_of("astana-talks")
    visit = next(e for e in events if e["doc_id"] == "astana-talks" and e["type"] == "CONSULT"
                 and e["mode"] == "visit")
    lavrov, tokayev = visit["source"][0], visit["target"][0]
    assert (lavrov["name"], lavrov["country"], lavrov["sector"], lavrov["role"]) == (
        "Sergey Lavrov", "RUS", "GOV", "Foreign Minister")
    assert text[slice(*lavrov["span"])] == "Sergey Lavrov"
    assert (tokayev["name"], tokayev["country"]) == ("Kassym-Jomart Tokayev", "KAZ")
    assert (visit["date"], visit["date_precision"]) == ("2023-05-09", "day")
    assert text[slice(*visit["date_span"])] == "Tuesday"
    assert visit["location"]["name"] == "Astana" and visit["location"]["country"] == "KAZ"
    assert visit["location"]["lat"] == pytest.approx(51.18, abs=0.5)
    assert text[slice(*visit["trigger_span"])] == "met"
    assert visit["cameo"].startswith("04") and visit["negated"] is False


def test_a_meeting_that_did_not_happen_is_written_with_negated_true(extracted):
    _, events, _ = extracted
    denied = [e for e in events if e["doc_id"] == "astana-talks" and e["negated"]]
    assert [(e["type"], [p["name"] for p in e["source"]]) for e in denied] == [("CONSULT", ["Olaf Scholz"])]


def test_spans_in_a_typeset_text_point_at_the_typeset_words(extracted):
    _, events, _ = extracted
    text = text_of("typeset")
    thanks = next(e for e in events if e["doc_id"] == "typeset" and e["type"] == "SUPPORT")
    assert text[slice(*thanks["source"][0]["span"])] == "Chen Min\u2019er"
    assert thanks["source"][0]["name"] == "Chen Min'er"
    assert text[slice(*thanks["target"][0]["span"])] == "SCO\u00a0Secretariat"
    assert text[slice(*thanks["date_span"])] == "14\u00a0March\u00a02023"


def test_documents_out_has_instruments_gatherings_topics_and_actors(extracted):
    _, _, documents = extracted
    for d in documents:
        assert {"doc_id", "instruments", "gatherings", "topics", "actors"} <= set(d)
        for a in d["actors"]:
            assert {"name", "actor_id", "country", "sector", "roles"} <= set(a)
    talks = next(d for d in documents if d["doc_id"] == "astana-talks")
    assert talks["published"] == "2023-05-10" and talks["title"] == "Talks in Astana"
    forum = next(g for g in talks["gatherings"] if "Silk Road Forum" in g["name"])
    assert (forum["start"], forum["end"]) == ("2022-08-23", "2022-08-26")
    assert forum["location"]["country"] == "CHN"
    assert {"economic", "scientific", "cultural"} <= set(talks["topics"])
    programme = next(i for i in talks["instruments"] if i["name"].startswith("Programme of Multilateral Trade"))
    assert text_of("astana-talks")[slice(*programme["span"])].startswith("Programme of Multilateral Trade")
    lavrov = next(a for a in talks["actors"] if a["name"] == "Sergey Lavrov")
    assert (lavrov["country"], lavrov["sector"]) == ("RUS", "GOV")
    assert any(r["role"] == "Foreign Minister" for r in lavrov["roles"])


def test_event_ids_are_the_same_on_a_second_run(extracted, run_extract, tmp_path_factory):
    _, first, _ = extracted
    _, second, _ = run_extract(tmp_path_factory.mktemp("run2"))
    assert [e["event_id"] for e in first] == [e["event_id"] for e in second]
    assert len({e["event_id"] for e in first}) == len(first)


def test_event_ids_depend_on_the_text_not_on_the_run(pipeline):
    text = "Japan criticized China on 14 March 2023."
    once = pipeline.extract(Document(text=text)).events
    again = pipeline.extract(Document(text=text)).events
    other = pipeline.extract(Document(text=text.replace("Japan", "Korea"))).events
    assert [e.event_id for e in once] == [e.event_id for e in again] != [e.event_id for e in other]
    assert all(e.event_id for e in once)
