"""Incidents: the same act reported by several documents is counted once, by rules kept as data."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.dedup import IncidentRules, Report, load_rules, merge
from communique.model import Document, Event, Extraction, Participant, Place, Span, TimeValue
from communique.store import INCIDENT_COLUMNS, MENTION_COLUMNS, Store

runner = CliRunner()

ANNA = ("person:anna-berg", "Anna Berg", "RUR")
OTTO = ("person:otto-kessel", "Otto Kessel", "FRE")
LIN = ("person:lin-wei", "Lin Wei", "CHN")


def report(source_id: str, text: str, *, publisher: str, published: date, acts: list[dict]) -> Extraction:
    """A document and its events; each act names its trigger word, sides, date and place."""
    doc = Document(text=text, source_id=source_id, publisher=publisher, published=published)
    events = []
    for act in acts:
        start = text.index(act["trigger"])

        def side(actors):
            return [Participant(a[0], a[1], "person", a[2], "GOV", None, None,
                                Span(text.index(a[1]), text.index(a[1]) + len(a[1]))) for a in actors]

        when = act.get("date")
        event = Event(
            doc_id=doc.doc_id, type=act.get("type", "CONSULT"), mode=act.get("mode"),
            source=side(act["source"]), target=side(act.get("target", [])),
            sentence_span=Span(0, len(text)), trigger_span=Span(start, start + len(act["trigger"])),
            rule="test", date=TimeValue(when, {10: "day", 7: "month", 4: "year"}[len(when)]) if when else None,
            location=Place(act["place"], act.get("place_country"), geonameid=act.get("geonameid"))
            if act.get("place") else None,
            negated=act.get("negated", False), evidence=text,
            mentions=[Span(text.index(m), text.index(m) + len(m)) for m in act.get("mentions", [])],
        )
        event.finalise_id()
        events.append(event)
    return Extraction(document=doc, events=events)


def meeting(source_id: str, publisher: str, text: str, day: str, **act) -> Extraction:
    act.setdefault("trigger", "met")
    act.setdefault("source", [ANNA])
    act.setdefault("target", [OTTO])
    return report(source_id, text, publisher=publisher, published=date.fromisoformat(day[:7] + "-28"),
                  acts=[{"date": day, **act}])


def incidents_of(*extractions: Extraction, rules: IncidentRules | None = None) -> list[dict]:
    store = Store(":memory:")
    store.upsert(extractions)
    store.rebuild_incidents(rules)
    return store.query_events(unit="incident", include_unasserted=True)


# --- the acceptance cases -------------------------------------------------------------------

def test_one_meeting_reported_by_two_publishers_is_one_incident_with_two_documents():
    ministry = meeting("mfa-1", "Ministry of Foreign Affairs of Ruritania",
                       "Anna Berg met Otto Kessel in Strelsau on 1 May and discussed trade.", "2024-05-01",
                       place="Strelsau", geonameid=101, mentions=["discussed"])
    # the other side's agency reports it the next morning, the other way round
    wire = meeting("wire-7", "Freedonia Press Agency",
                   "Otto Kessel received Anna Berg in Strelsau for talks.", "2024-05-02",
                   trigger="received", source=[OTTO], target=[ANNA], place="Strelsau", geonameid=101)

    (incident,) = incidents_of(ministry, wire)

    assert incident["unit"] == "incident" and incident["type"] == "CONSULT"
    assert (incident["num_documents"], incident["num_publishers"], incident["num_mentions"]) == (2, 2, 3)
    assert sorted(incident["doc_ids"]) == ["mfa-1", "wire-7"]
    assert (str(incident["date_first"]), str(incident["date_last"])) == ("2024-05-01", "2024-05-02")
    assert incident["location_name"] == "Strelsau"
    assert "2 reports in 2 documents merged" in incident["explanation"]
    assert "the same participants (either side)" in incident["explanation"]
    assert "1 day after the first report (2024-05-01)" in incident["explanation"]


def test_two_meetings_of_the_same_pair_on_different_days_stay_two():
    first = meeting("mfa-1", "Ministry A", "Anna Berg met Otto Kessel in Strelsau.", "2024-05-01", place="Strelsau")
    second = meeting("mfa-2", "Ministry A", "Anna Berg met Otto Kessel again in Strelsau.", "2024-05-09",
                     place="Strelsau")
    found = incidents_of(first, second)
    assert [(i["num_documents"], str(i["date_first"])) for i in found] == [(1, "2024-05-01"), (1, "2024-05-09")]
    assert all(i["explanation"].startswith("one report") for i in found)


# --- what keeps reports apart, and what does not ---------------------------------------------

def test_a_report_without_a_place_joins_but_two_places_stay_apart():
    strelsau = meeting("a", "A", "Anna Berg met Otto Kessel in Strelsau.", "2024-05-01", place="Strelsau")
    geneva = meeting("b", "B", "Anna Berg met Otto Kessel in Geneva.", "2024-05-01", place="Geneva")
    nowhere = meeting("c", "C", "Anna Berg met Otto Kessel.", "2024-05-01")

    found = incidents_of(strelsau, geneva, nowhere)
    assert sorted(i["num_documents"] for i in found) == [1, 2]
    merged = next(i for i in found if i["num_documents"] == 2)
    assert "no place stated" in merged["explanation"]


def test_one_sided_acts_keep_their_direction():
    praise = report("a", "Anna Berg praised Otto Kessel.", publisher="A", published=date(2024, 5, 1),
                    acts=[{"type": "SUPPORT", "trigger": "praised", "date": "2024-05-01",
                           "source": [ANNA], "target": [OTTO]}])
    praised_back = report("b", "Otto Kessel praised Anna Berg.", publisher="B", published=date(2024, 5, 1),
                          acts=[{"type": "SUPPORT", "trigger": "praised", "date": "2024-05-01",
                                 "source": [OTTO], "target": [ANNA]}])
    assert len(incidents_of(praise, praised_back)) == 2


def test_other_actors_month_dates_and_denials_are_never_merged():
    base = meeting("a", "A", "Anna Berg met Otto Kessel on Wednesday.", "2024-05-01")
    other_pair = meeting("b", "B", "Anna Berg met Lin Wei.", "2024-05-01", target=[LIN])
    vague = meeting("c", "C", "Anna Berg met Otto Kessel in May.", "2024-05")
    denied = meeting("d", "D", "Anna Berg never met Otto Kessel.", "2024-05-01", negated=True)

    found = incidents_of(base, other_pair, vague, denied)
    assert [i["num_documents"] for i in found] == [1, 1, 1, 1]
    assert any(i["explanation"] == "not merged: dated only to the month" for i in found)


def test_two_events_of_one_document_stay_two_incidents():
    text = "Anna Berg met Otto Kessel in the morning; she met him again in the evening."
    doc = report("a", text, publisher="A", published=date(2024, 5, 1), acts=[
        {"trigger": "met", "date": "2024-05-01", "source": [ANNA], "target": [OTTO]},
        {"trigger": "met him", "date": "2024-05-01", "source": [ANNA], "target": [OTTO]},
    ])
    assert len(incidents_of(doc)) == 2


def test_the_rules_are_data(tmp_path):
    first = meeting("a", "A", "Anna Berg met Otto Kessel on Wednesday.", "2024-05-01")
    later = meeting("b", "B", "Anna Berg met Otto Kessel on Saturday.", "2024-05-04")
    assert len(incidents_of(first, later)) == 2

    lenient = tmp_path / "rules.yaml"
    lenient.write_text("max_days_apart: 3\n", encoding="utf-8")
    (incident,) = incidents_of(first, later, rules=load_rules(lenient))
    assert "3 days after" in incident["explanation"]

    bad = tmp_path / "bad.yaml"
    bad.write_text("max_days: 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key"):
        load_rules(bad)


def test_the_merge_does_not_depend_on_the_order_documents_arrive_in():
    reports = [
        meeting("a", "A", "Anna Berg met Otto Kessel (report A).", "2024-05-01"),
        meeting("b", "B", "Anna Berg met Otto Kessel in Strelsau.", "2024-05-02", place="Strelsau"),
        meeting("c", "C", "Anna Berg met Otto Kessel in Geneva.", "2024-05-02", place="Geneva"),
        meeting("d", "D", "Anna Berg met Otto Kessel (report D).", "2024-05-03"),
    ]

    def membership(extractions):
        return sorted(tuple(sorted(i["doc_ids"])) for i in incidents_of(*extractions))

    assert membership(reports) == membership(reports[::-1]) == membership(reports[2:] + reports[:2])


def test_merge_keeps_within_max_days_of_the_first_report():
    def r(event_id: str, day: int) -> Report:
        return Report(event_id, f"doc-{event_id}", "CONSULT", ("a",), ("b",), date(2024, 5, day), "day")

    members = list(merge([r("e1", 1), r("e2", 2), r("e3", 3)], IncidentRules()))
    assert [m.position for m in members] == [0, 1, 0]  # day 3 is two days after day 1: a new incident
    assert members[0].incident_id == members[1].incident_id != members[2].incident_id


# --- in the store and on the command line ----------------------------------------------------

def test_incidents_are_rebuilt_only_when_something_changed(tmp_path):
    store = Store(tmp_path / "i.duckdb")
    store.upsert([meeting("a", "A", "Anna Berg met Otto Kessel in the morning.", "2024-05-01")])
    assert store.incidents_stale() and store.rebuild_incidents() == 1
    assert not store.incidents_stale() and store.rebuild_incidents() is None
    store.upsert([meeting("b", "B", "Anna Berg met Otto Kessel, a spokesman said.", "2024-05-01")])
    assert store.rebuild_incidents() == 1 and store.counts()["documents"] == 2
    assert store.rebuild_incidents(IncidentRules(max_days_apart=0)) == 1  # other rules: rebuilt


def test_events_and_export_choose_the_unit(tmp_path):
    db = tmp_path / "u.duckdb"
    store = Store(db)
    store.upsert([
        meeting("mfa-1", "A", "Anna Berg met Otto Kessel and discussed trade.", "2024-05-01", mentions=["discussed"]),
        meeting("wire-7", "B", "Anna Berg met Otto Kessel on Wednesday.", "2024-05-01"),
    ])
    store.rebuild_incidents()
    store.close()

    def listing(unit: str) -> list[str]:
        result = runner.invoke(cli.app, ["events", "--db", str(db), "--unit", unit, "--format", "csv"])
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    incidents, events, mentions = listing("incident"), listing("event"), listing("mention")
    assert incidents[0].split(",") == list(INCIDENT_COLUMNS) and len(incidents) == 2
    assert len(events) == 3 and all(line.startswith("event,") for line in events[1:])
    assert mentions[0].split(",") == list(MENTION_COLUMNS) and len(mentions) == 4
    assert sorted(line.split(",")[-1] for line in mentions[1:]) == ["discussed", "met", "met"]

    table = runner.invoke(cli.app, ["events", "--db", str(db), "--unit", "incident"])
    assert "2/2/3" in table.output  # documents / publishers / mentions

    out = tmp_path / "incidents.jsonl"
    result = runner.invoke(cli.app, ["export", "--db", str(db), "--unit", "incident", "-o", str(out)])
    assert result.exit_code == 0 and "1 incidents" in result.output
    assert '"unit":"incident"' in out.read_text(encoding="utf-8")


def test_listing_incidents_warns_when_documents_changed_since_they_were_built(tmp_path):
    db = tmp_path / "s.duckdb"
    store = Store(db)
    store.upsert([meeting("a", "A", "Anna Berg met Otto Kessel.", "2024-05-01")])
    store.rebuild_incidents()
    store.upsert([meeting("b", "B", "Anna Berg met Otto Kessel in Strelsau.", "2024-05-01")])  # not rebuilt
    store.close()
    result = runner.invoke(cli.app, ["events", "--db", str(db), "--unit", "incident"])
    assert result.exit_code == 0 and "documents changed since the incidents were built" in result.output
    quiet = runner.invoke(cli.app, ["events", "--db", str(db)])
    assert "incidents were built" not in quiet.output
