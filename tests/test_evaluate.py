"""The scorers of docs/EVAL.md, on small hand-written cases and on the shared gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from communique.evaluate import (
    evaluate_files, read_jsonl, render_markdown, render_rich, score_documents, score_sentences,
)
from communique.evaluate.document import date_correct, locate_evidence
from communique.evaluate.names import names_match, normalise_country

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# --- fixtures: an invented press release -------------------------------------

TEXT = (
    "On 3 March 2021, Secretary-General Ines Varga of the Northern Forum Organisation "
    "received Foreign Minister Tomas Lindqvist of Sweden at the Secretariat in Tallinn. "
    "Mr Lindqvist thanked the NFO for its help with the flood relief. "
    "The\u00a0heads of\u00a0delegation held a plenary session later that day."
)
DOC = "press-1"


def at(phrase: str) -> list[int]:
    start = TEXT.index(phrase)
    return [start, start + len(phrase)]


def actor(name, country, sector="GOV", role=None, org=None):
    return {"name": name, "country": country, "sector": sector, "role": role, "org": org}


VARGA = actor("Ines Varga", "IGO", "IGO", "Secretary-General", "Northern Forum Organisation")
LINDQVIST = actor("Tomas Lindqvist", "SWE", "GOV", "Foreign Minister", "Ministry of Foreign Affairs of Sweden")
NFO = actor("Northern Forum Organisation", "IGO", "IGO", None, "NFO")
HEADS = actor(None, None, "GOV", "heads of delegation")
TALLINN = {"name": "Tallinn", "country": "EST"}

GOLD_EVENTS = [
    {"type": "CONSULT", "mode": "visit", "source": [LINDQVIST], "target": [VARGA], "date": "2021-03-03",
     "location": TALLINN,
     "evidence": "Secretary-General Ines Varga of the Northern Forum Organisation received Foreign Minister Tomas Lindqvist"},
    {"type": "SUPPORT", "mode": "thank", "source": [LINDQVIST], "target": [NFO], "date": "2021-03-03",
     "location": TALLINN, "evidence": "Mr Lindqvist thanked the NFO"},
    # written with ordinary spaces; the text has non-breaking ones
    {"type": "CONSULT", "mode": "multilateral", "source": [HEADS], "target": [], "date": "2021-03-03",
     "location": TALLINN, "evidence": "heads of delegation held a plenary session"},
]
GOLD = [{"doc_id": DOC, "events": GOLD_EVENTS}]
DOCUMENTS = {DOC: TEXT}


def pred(type_, source, target, phrase, mode=None, date="2021-03-03", location=TALLINN, **flags):
    span = at(phrase)
    return {"doc_id": DOC, "event_id": f"{type_}-{span[0]}", "type": type_, "mode": mode, "source": source,
            "target": target, "date": date, "location": location, "trigger_span": span, "sentence_span": span,
            **flags}


def perfect():
    return [
        pred("CONSULT", [LINDQVIST], [VARGA], "received", "visit"),
        pred("SUPPORT", [LINDQVIST], [NFO], "thanked", "thank"),
        pred("CONSULT", [HEADS], [], "held a plenary session", "multilateral"),
    ]


def score(predictions, gold=GOLD):
    return score_documents(gold, predictions, DOCUMENTS)


# --- document level: pairing -------------------------------------------------

def test_perfect_prediction_scores_one_everywhere():
    report = score(perfect())
    assert (report["precision"], report["recall"], report["f1"]) == (1.0, 1.0, 1.0)
    for key in ("consult_mode_accuracy", "date_accuracy", "location_country_accuracy", "location_name_accuracy",
                "actor_found", "actor_country", "actor_sector", "actor_role"):
        assert report[key] == 1.0, key
    assert report["per_document"][0]["unmatched_gold"] == []


def test_missing_event_lowers_recall_and_is_listed():
    report = score(perfect()[:2])
    assert report["precision"] == 1.0
    assert report["recall"] == pytest.approx(2 / 3)
    missed = report["per_document"][0]["unmatched_gold"]
    assert [m["evidence"] for m in missed] == [GOLD_EVENTS[2]["evidence"]]


def test_extra_event_lowers_precision_and_is_listed():
    extra = pred("ACCUSE", [VARGA], [LINDQVIST], "flood relief")
    report = score(perfect() + [extra])
    assert report["recall"] == 1.0
    assert report["precision"] == pytest.approx(3 / 4)
    assert report["per_document"][0]["unmatched_pred"][0]["trigger"] == "flood relief"


def test_wrong_type_does_not_pair():
    report = score([pred("AGREE", [LINDQVIST], [NFO], "thanked")])
    assert report["tp"] == 0


def test_swapped_consult_pairs_but_a_swapped_visitor_is_a_wrong_mode():
    swapped = pred("CONSULT", [VARGA], [LINDQVIST], "received", "visit")
    report = score([swapped], gold=[{"doc_id": DOC, "events": GOLD_EVENTS[:1]}])
    assert report["tp"] == 1
    assert report["actor_found"] == 1.0  # both people are there, direction aside
    assert report["consult_mode_accuracy"] == 0.0


def test_host_is_read_as_a_visit_by_the_other_side():
    hosted = pred("CONSULT", [VARGA], [LINDQVIST], "received", "host")
    report = score([hosted], gold=[{"doc_id": DOC, "events": GOLD_EVENTS[:1]}])
    assert report["consult_mode_accuracy"] == 1.0


def test_swapped_direction_does_not_pair_a_directed_event():
    reversed_thanks = pred("SUPPORT", [NFO], [LINDQVIST], "thanked", "thank")
    gold = [{"doc_id": DOC, "events": [dict(GOLD_EVENTS[1], target=[actor("Nobody Else", "FIN")])]}]
    assert score([reversed_thanks], gold=gold)["tp"] == 0


def test_acronym_matches_the_organisation_name():
    by_acronym = pred("SUPPORT", [LINDQVIST], [actor("NFO", "IGO", "IGO")], "thanked", "thank")
    only_target = [{"doc_id": DOC, "events": [dict(GOLD_EVENTS[1], source=[actor("Someone Else", "NOR")])]}]
    report = score([by_acronym], gold=only_target)
    assert report["tp"] == 1
    assert names_match("SCO", "Shanghai Cooperation Organisation") == "acronym"
    assert names_match("SCO", "Security Council") is None


def test_name_normalisation_titles_accents_apostrophes_and_containment():
    assert names_match("Mr. Chen Min\u2019er", "Chen Min'er") == "exact"
    assert names_match("H.E. José Pérez", "Jose Perez") == "exact"
    assert names_match("Lindqvist", "Tomas Lindqvist") == "contained"
    assert names_match("Tomas Lindqvist", "Tomas Berg") is None


def test_a_state_is_matched_by_an_actor_acting_for_it():
    gold = [{"doc_id": DOC, "events": [
        {"type": "SUPPORT", "mode": "praise", "source": [actor("India", "IND")], "target": [NFO],
         "date": None, "location": None, "evidence": "thanked the NFO"},
    ]}]
    modi = pred("SUPPORT", [actor("Narendra Modi", "IND", role="Prime Minister")], [], "thanked", date=None, location=None)
    khan = pred("SUPPORT", [actor("Imran Khan", "PAK", role="Prime Minister")], [], "thanked", date=None, location=None)
    assert score([modi], gold=gold)["tp"] == 1
    assert score([khan], gold=gold)["tp"] == 0


def test_unnamed_actors_pair_through_evidence_despite_non_breaking_spaces():
    gold = [{"doc_id": DOC, "events": GOLD_EVENTS[2:]}]
    on_evidence = pred("CONSULT", [], [], "plenary session", "multilateral")
    elsewhere = pred("CONSULT", [], [], "received", "multilateral")
    assert locate_evidence(GOLD_EVENTS[2]["evidence"], TEXT)
    assert score([on_evidence], gold=gold)["tp"] == 1
    assert score([elsewhere], gold=gold)["tp"] == 0


def test_unnamed_actors_cannot_pair_without_the_document_text():
    report = score_documents([{"doc_id": DOC, "events": GOLD_EVENTS[2:]}],
                             [pred("CONSULT", [], [], "plenary session")], {})
    assert report["tp"] == 0
    assert report["warnings"]


def test_assignment_is_optimal_where_greedy_would_lose_a_pair():
    # P1 may pair with G1 (best, its trigger is on G1's evidence) or G2; P2 only with G1.
    # Greedy on agreement takes P1–G1 and strands P2; the optimum pairs both.
    g1 = {"type": "SUPPORT", "mode": "thank", "source": [LINDQVIST], "target": [NFO], "date": "2021-03-03",
          "location": TALLINN, "evidence": "Mr Lindqvist thanked the NFO"}
    g2 = {"type": "SUPPORT", "mode": "praise", "source": [actor("Ana Ruiz", "ESP")], "target": [VARGA],
          "date": None, "location": None, "evidence": "flood relief"}
    p1 = pred("SUPPORT", [LINDQVIST], [VARGA], "thanked", "thank")
    p2 = pred("SUPPORT", [actor("Lindqvist", "SWE")], [], "Tallinn", date=None, location=None)
    report = score([p1, p2], gold=[{"doc_id": DOC, "events": [g1, g2]}])
    assert report["tp"] == 2


def test_negated_future_and_hypothetical_events_are_not_counted():
    ghosts = [
        pred("ACCUSE", [VARGA], [LINDQVIST], "received", negated=True),
        pred("SANCTION", [VARGA], [LINDQVIST], "received", future=True),
        pred("THREATEN", [VARGA], [LINDQVIST], "received", hypothetical=True),
    ]
    report = score(perfect() + ghosts)
    assert report["precision"] == 1.0
    assert report["ignored_events"] == 3
    assert score_documents(GOLD, perfect() + ghosts, DOCUMENTS, asserted_only=False)["precision"] == 0.5


def test_date_needs_at_least_the_gold_precision():
    assert date_correct("2019-05", "2019-05-14")
    assert not date_correct("2019-05-14", "2019-05")
    assert date_correct("2019", "2019-11")
    assert not date_correct("2019-1", "2019-11-02")
    assert date_correct(None, None) and not date_correct(None, "2019-05")
    month_gold = [{"doc_id": DOC, "events": [dict(GOLD_EVENTS[1], date="2021-03")]}]
    assert score([perfect()[1]], gold=month_gold)["date_accuracy"] == 1.0
    vague = dict(perfect()[1], date="2021-03")
    assert score([vague], gold=[{"doc_id": DOC, "events": [GOLD_EVENTS[1]]}])["date_accuracy"] == 0.0


def test_wrong_fields_are_scored_on_the_pair():
    wrong = pred("CONSULT", [actor("Lindqvist", "NOR", "MIL", "Defence Minister")], [VARGA], "received", "visit",
                 date="2021-03-04", location={"name": "Riga", "country": "LVA"})
    report = score([wrong], gold=[{"doc_id": DOC, "events": GOLD_EVENTS[:1]}])
    assert report["tp"] == 1
    assert report["date_accuracy"] == 0.0
    assert report["location_country_accuracy"] == 0.0 and report["location_name_accuracy"] == 0.0
    assert report["actor_found"] == 1.0
    assert report["actor_country"] == 0.5  # Lindqvist wrong, Varga right
    assert report["actor_role"] == 0.5


def test_markdown_shows_no_text_unless_asked():
    report = score(perfect()[:1])
    evidence = GOLD_EVENTS[1]["evidence"]
    assert evidence not in render_markdown(report, "fixture")
    assert evidence in render_markdown(report, "fixture", details=True)
    console = Console(record=True, width=200)
    console.print(render_rich(report))
    assert "event recall" in console.export_text()


# --- sentence level -----------------------------------------------------------

def record(id_, type_, source, target):
    return {"id": id_, "text": "…", "event": type_,
            "source": [{"text": "x", "code": c, "sector": ""} for c in source],
            "target": [{"text": "y", "code": c, "sector": ""} for c in target]}


def sentence_event(id_, type_, source=(), target=(), **flags):
    return {"doc_id": id_, "type": type_, "source": [{"country": c} for c in source],
            "target": [{"country": c} for c in target], **flags}


def test_sentence_scores_by_hand():
    gold = [record("r1", "AGREE", ["USA"], ["JOR"]), record("r2", "AGREE", ["FRA"], []),
            record("r3", "ACCUSE", ["RUS"], ["UKR"]), record("r4", "REJECT", ["CHN"], ["USA"])]
    pred = [
        sentence_event("r1", "AGREE", ["USA"], ["JOR"]),
        sentence_event("r2", "AGREE", ["FRA"], ["DEU"]), sentence_event("r2", "SUPPORT", ["FRA"]),
        sentence_event("r3", "AGREE", ["RUS"], ["UKR"]),
    ]
    report = score_sentences(gold, pred)
    # AGREE: TP 2 (r1, r2), FP 1 (r3), FN 0 → F1 4/5; ACCUSE: FN 1 → 0;
    # REJECT: FN 1 → 0; SUPPORT: FP 1 → 0.  Macro over 4 types = 0.2.
    assert report["per_type"]["AGREE"]["f1"] == pytest.approx(0.8)
    assert report["macro_f1"] == pytest.approx(0.2)
    assert report["type_accuracy"] == 0.5
    assert report["event_precision"] == pytest.approx(2 / 4)
    assert report["no_event_share"] == 0.25
    assert report["source_country_accuracy"] == 1.0
    assert report["target_country_accuracy"] == 0.5  # r2's gold target is empty
    assert {m["id"]: m["predicted_types"] for m in report["misses"]} == {"r3": ["AGREE"], "r4": []}


def test_sentence_country_codes_are_normalised_and_the_best_event_is_scored():
    gold = [record("r1", "SANCTION", ["JAP"], ["SRB"])]
    pred = [sentence_event("r1", "SANCTION", ["RUS"], []), sentence_event("r1", "SANCTION", ["JPN"], ["SRB"])]
    report = score_sentences(gold, pred)
    assert report["source_country_accuracy"] == 1.0 and report["target_country_accuracy"] == 1.0
    assert normalise_country("jap") == "JPN"


def test_sentence_negated_events_are_not_counted():
    gold = [record("r1", "ASSAULT", ["ISR"], ["LBN"])]
    report = score_sentences(gold, [sentence_event("r1", "ASSAULT", ["ISR"], ["LBN"], negated=True)])
    assert report["type_accuracy"] == 0.0 and report["no_event_share"] == 1.0


# --- files --------------------------------------------------------------------

def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_files_detects_the_level_and_finds_the_documents(tmp_path):
    gold = write_jsonl(tmp_path / "press.gold.jsonl", GOLD)
    write_jsonl(tmp_path / "press.jsonl", [{"id": DOC, "text": TEXT}])
    preds = write_jsonl(tmp_path / "pred.jsonl", perfect())
    with preds.open("a") as handle:
        handle.write("{not json\n")
    report = evaluate_files(gold, preds)
    assert report["level"] == "document" and report["f1"] == 1.0
    assert any(":4:" in w for w in report["warnings"])

    sentences = write_jsonl(tmp_path / "gsr.jsonl", [record("r1", "AGREE", ["USA"], [])])
    report = evaluate_files(sentences, write_jsonl(tmp_path / "p2.jsonl", [sentence_event("r1", "AGREE", ["USA"])]))
    assert report["level"] == "sentence" and report["type_accuracy"] == 1.0


# --- the shared gold files scored against themselves --------------------------

def gold_as_predictions(gold, documents):
    out = []
    for doc in gold:
        for i, event in enumerate(doc["events"]):
            span = list(locate_evidence(event["evidence"], documents[doc["doc_id"]])[0])
            out.append({"doc_id": doc["doc_id"], "event_id": f"{doc['doc_id']}#{i}", "type": event["type"],
                        "mode": event["mode"], "source": event["source"], "target": event["target"],
                        "date": event["date"], "location": event["location"],
                        "trigger_span": span, "sentence_span": span})
    return out


@pytest.mark.shared
@pytest.mark.parametrize("gold_name, docs_name", [("diplo_dev/gold.jsonl", "diplo_dev/docs.jsonl"),
                                                  ("seed/seed.gold.jsonl", "seed/seed.jsonl")])
def test_shared_gold_against_itself_scores_one(gold_name, docs_name):
    if not (SHARED / gold_name).is_file():
        pytest.skip(f"shared evaluation data not found at {SHARED}")
    gold = read_jsonl(SHARED / gold_name)
    documents = {d["id"]: d["text"] for d in read_jsonl(SHARED / docs_name)}
    report = score_documents(gold, gold_as_predictions(gold, documents), documents)
    assert report["f1"] == 1.0
    assert report["consult_mode_accuracy"] == 1.0 and report["date_accuracy"] == 1.0
    assert report["actor_found"] == 1.0
    assert all(p["gold_index"] == int(p["event_id"].rsplit("#", 1)[1])
               for d in report["per_document"] for p in d["pairs"])


@pytest.mark.shared
def test_shared_sentence_gold_against_itself_scores_one():
    path = SHARED / "plover_gsr_dev.jsonl"
    if not path.is_file():
        pytest.skip(f"shared evaluation data not found at {SHARED}")
    gold = read_jsonl(path)
    pred = [sentence_event(r["id"], r["event"], [a["code"] for a in r["source"]], [a["code"] for a in r["target"]])
            for r in gold]
    report = score_sentences(gold, pred)
    assert report["type_accuracy"] == 1.0 and report["macro_f1"] == 1.0
    assert report["target_country_accuracy"] == 1.0
