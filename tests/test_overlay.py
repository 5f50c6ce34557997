"""Corrections to actors (merge, split, edit) are kept in the database, apart from what
extraction writes: they show wherever actors are read, and re-ingesting loses none."""

from __future__ import annotations

import pytest

from communique.model import Actor, ActorMention, Document, Event, Extraction, Participant, Role, Span, TimeValue
from communique.store import Store
from communique.store import actors as store_actors
from communique.store.actors import ActorFilters, ActorNotFoundError, CorrectionError


def person(actor_id: str, name: str, country: str | None = None, sector: str | None = None) -> Actor:
    return Actor(actor_id=actor_id, name=name, kind="person", country=country, sector=sector)


def document(source_id: str, text: str, meetings: list[tuple[Actor, Actor]], published: str = "2021-05-02",
             role: tuple[Actor, str, str] | None = None) -> Extraction:
    """A document in which each pair of actors met once; each name is mentioned where it is written."""
    from datetime import date

    doc = Document(text=text, source_id=source_id, published=date.fromisoformat(published))
    extraction = Extraction(document=doc)
    seen: dict[str, Actor] = {}
    for number, (a, b) in enumerate(meetings):
        sides = []
        for actor in (a, b):
            at = text.find(actor.name)
            span = Span(at, at + len(actor.name))
            sides.append(Participant(actor.actor_id, actor.name, actor.kind, actor.country, actor.sector, None, None,
                                     span))
            if actor.actor_id not in seen:
                seen[actor.actor_id] = Actor(actor.actor_id, actor.name, actor.kind, actor.country, actor.sector)
                extraction.mentions.append(ActorMention(span, actor.name, actor.actor_id, actor.kind, actor.country,
                                                        actor.sector))
        event = Event(doc_id=doc.doc_id, type="CONSULT", mode=None, source=[sides[0]], target=[sides[1]],
                      sentence_span=Span(0, len(text)), trigger_span=Span(number, number + 1), rule="test:met",
                      date=TimeValue(published, "day"), evidence=text)
        event.finalise_id()
        extraction.events.append(event)
    if role is not None:
        actor, title, org = role
        at = text.find(title)
        seen[actor.actor_id].roles.append(Role(title, org, actor.country, actor.sector, published, published,
                                               doc.doc_id, Span(at, at + len(title))))
    extraction.actors = list(seen.values())
    return extraction


ALI = person("person:ali-karimov", "Ali Karimov", "UZB", "GOV")
ALY = person("person:aly-karimov", "Aly Karimov")  # the same man, misspelt
WANG = person("person:wang-tao", "Wang Tao", "CHN", "GOV")
RUTH = person("person:ruth-odhiambo", "Ruth Odhiambo", "KEN", "GOV")
SOKOLOV = person("person:dmitri-sokolov", "Dmitriy Sokolov", "RUS", "GOV")


def corpus(version: str = "1") -> list[Extraction]:
    docs = [
        document("d1", "Minister Ali Karimov met Wang Tao in Tashkent.", [(ALI, WANG)],
                 role=(ALI, "Minister", "Ministry of Foreign Affairs")),
        document("d2", "Aly Karimov met Wang Tao in Beijing.", [(ALY, WANG)], published="2021-06-10"),
        document("d3", "Ruth Odhiambo met Wang Tao and Ali Karimov in Nairobi.", [(RUTH, WANG), (RUTH, ALI)],
                 published="2021-07-01"),
        document("d4", "Dmitriy Sokolov met Ruth Odhiambo in Moscow.", [(SOKOLOV, RUTH)], published="2021-08-01"),
    ]
    for extraction in docs:  # another extractor version: every document is rewritten on re-ingest
        for event in extraction.events:
            event.extractor_version = version
    return docs


@pytest.fixture
def store() -> Store:
    with Store(":memory:") as s:
        s.upsert(corpus())
        yield s


def participants(store: Store, actor_id: str) -> list[dict]:
    return store_actors._rows(store, "SELECT * FROM event_actors_corrected WHERE actor_id = ? ORDER BY doc_id, side",
                              [actor_id])


def actor(store: Store, actor_id: str) -> dict | None:
    found = store_actors._rows(store, "SELECT * FROM actors_corrected WHERE actor_id = ?", [actor_id])
    return found[0] if found else None


def listed(store: Store, **filters) -> dict[str, dict]:
    return {a["actor_id"]: a for a in store_actors.list_actors(store, ActorFilters(**filters, limit=None))}


# --- merge ----------------------------------------------------------------------------------

def test_a_merge_makes_two_actors_one_in_every_document(store):
    assert listed(store)["person:ali-karimov"]["events"] == 2
    store_actors.merge(store, "Aly Karimov", "person:ali-karimov", by="tester", note="a misspelling")
    merged = listed(store)
    assert "person:aly-karimov" not in merged
    assert (merged["person:ali-karimov"]["events"], merged["person:ali-karimov"]["documents"]) == (3, 3)
    rows = participants(store, "person:ali-karimov")
    assert len(rows) == 3 and {r["name"] for r in rows} == {"Ali Karimov"}
    assert "Aly Karimov" in actor(store, "person:ali-karimov")["aliases"]
    assert actor(store, "person:aly-karimov") is None


def test_merges_follow_chains_and_the_old_id_still_finds_the_actor(store):
    store_actors.merge(store, "person:aly-karimov", "person:ali-karimov")
    store_actors.merge(store, "person:ali-karimov", "person:ruth-odhiambo")  # a silly but legal correction
    assert {r["doc_id"] for r in participants(store, "person:ruth-odhiambo")} == {
        r["doc_id"] for r in store_actors._rows(store, "SELECT doc_id FROM documents")}
    assert store_actors.find_actor(store, "person:aly-karimov") == "person:ruth-odhiambo"


def test_an_actor_cannot_be_merged_into_itself(store):
    store_actors.merge(store, "person:aly-karimov", "person:ali-karimov")
    with pytest.raises(CorrectionError, match="already one actor"):
        store_actors.merge(store, "person:aly-karimov", "Ali Karimov")


# --- split ------------------------------------------------------------------------------------

def test_a_split_moves_one_documents_mentions_to_a_new_actor(store):
    done = store_actors.split(store, "Wang Tao", "d2", note="another Wang Tao")
    assert done["target_id"] == "person:wang-tao~d2"
    assert {r["doc_id"] for r in participants(store, "person:wang-tao~d2")} == {done["doc_id"]}
    assert len({r["doc_id"] for r in participants(store, "person:wang-tao")}) == 2
    split_off = actor(store, "person:wang-tao~d2")
    assert (split_off["name"], split_off["country"]) == ("Wang Tao", "CHN")
    assert listed(store)["person:wang-tao"]["events"] == 2


def test_a_split_of_a_document_that_does_not_mention_the_actor_is_refused(store):
    with pytest.raises(CorrectionError, match="not mentioned"):
        store_actors.split(store, "Ruth Odhiambo", "d1")
    with pytest.raises(CorrectionError, match="no stored document"):
        store_actors.split(store, "Ruth Odhiambo", "nowhere")


# --- edit ---------------------------------------------------------------------------------------

def test_an_edit_changes_the_actor_and_every_event_it_takes_part_in(store):
    store_actors.edit(store, "Aly Karimov", country="uzb", sector="GOV", name="Aly Karimov (Tashkent)")
    rows = participants(store, "person:aly-karimov")
    assert [(r["name"], r["country"], r["sector"]) for r in rows] == [("Aly Karimov (Tashkent)", "UZB", "GOV")]
    edited = actor(store, "person:aly-karimov")
    assert (edited["name"], edited["country"]) == ("Aly Karimov (Tashkent)", "UZB")
    assert "Aly Karimov" in edited["aliases"]
    assert "person:aly-karimov" in listed(store, country="UZB")


def test_the_latest_edit_of_a_field_wins(store):
    store_actors.edit(store, "Wang Tao", country="HKG")
    store_actors.edit(store, "Wang Tao", country="CHN", sector="PTY")
    assert (actor(store, "person:wang-tao")["country"], actor(store, "person:wang-tao")["sector"]) == ("CHN", "PTY")


@pytest.mark.parametrize("change, message", [
    ({"country": "XYZ"}, "not an ISO 3166"),
    ({"sector": "DIPLO"}, "not a sector"),
    ({}, "nothing to change"),
])
def test_an_edit_with_a_wrong_value_is_refused_and_not_logged(store, change, message):
    with pytest.raises(CorrectionError, match=message):
        store_actors.edit(store, "Wang Tao", **change)
    assert store_actors.list_corrections(store) == []


# --- the log, and re-ingesting ----------------------------------------------------------------------

def test_the_log_says_who_did_what_when_and_only_grows(store):
    store_actors.merge(store, "Aly Karimov", "Ali Karimov", by="ana", note="typo in d2")
    store_actors.edit(store, "Wang Tao", sector="PTY", by="ben")
    log = store_actors.list_corrections(store)
    assert [(c["made_by"], c["action"], c["actor_id"], c["target_id"], c["field"], c["value"], c["note"])
            for c in log] == [
        ("ana", "merge", "person:aly-karimov", "person:ali-karimov", None, None, "typo in d2"),
        ("ben", "edit", "person:wang-tao", None, "sector", "PTY", None),
    ]
    assert all(c["made_at"] is not None for c in log)
    assert [c["correction_id"] for c in store_actors.list_corrections(store, "person:wang-tao")] == [2]


def test_corrections_survive_re_ingesting_the_corpus(store):
    store_actors.merge(store, "Aly Karimov", "Ali Karimov")
    store_actors.split(store, "Wang Tao", "d2")
    store_actors.edit(store, "Ruth Odhiambo", sector="IGO", country="IGO")
    before = listed(store)
    again = store.upsert(corpus(version="2"))  # a new extractor: every document rewritten
    assert again.documents_replaced == 4
    assert listed(store) == before
    assert (actor(store, "person:ruth-odhiambo")["country"], participants(store, "person:ruth-odhiambo")[0]["sector"]) \
        == ("IGO", "IGO")
    assert len(store_actors.list_corrections(store)) == 4


def test_events_and_exports_show_corrected_actors(store, tmp_path):
    store_actors.merge(store, "Aly Karimov", "Ali Karimov")
    store_actors.edit(store, "Wang Tao", country="HKG")
    rows = store.query_events()
    assert {a for r in rows for a in r["source_actor_ids"]} >= {"person:ali-karimov"}
    assert "person:aly-karimov" not in {a for r in rows for a in r["source_actor_ids"]}
    assert {c for r in rows for c in r["target_countries"]} == {"HKG", "UZB", "KEN"}
    out = tmp_path / "events.jsonl"
    store.export_events(out)
    assert "aly-karimov" not in out.read_text(encoding="utf-8")


# --- finding an actor by what a user types -------------------------------------------------------------

def test_an_actor_is_found_by_id_name_spelling_or_a_unique_part_of_a_name(store):
    assert store_actors.find_actor(store, "person:wang-tao") == "person:wang-tao"
    assert store_actors.find_actor(store, "wang tao") == "person:wang-tao"
    assert store_actors.find_actor(store, "Odhiambo") == "person:ruth-odhiambo"
    assert store_actors.find_actor(store, "Dmitry Sokolov") == "person:dmitri-sokolov"  # another romanisation
    with pytest.raises(ActorNotFoundError, match="matches 2 actors"):
        store_actors.find_actor(store, "Karimov")
    with pytest.raises(ActorNotFoundError, match="no stored actor"):
        store_actors.find_actor(store, "Nobody Known")
