"""When and where: dates resolved against the publication date, ranges of
gatherings, historical events, places from the clause, the gathering or the
dateline, and visits read from where a meeting took place.

Sentences written for these tests; publication dates chosen so every expected
value can be checked by hand (2023-05-10 is a Wednesday).  xfail marks
(strict) are what the pipeline does not handle yet.
"""

from __future__ import annotations

import pytest

from communique.model import Event

PUBLISHED = "2023-05-10"  # a Wednesday


def only(evts: list[Event], type_: str) -> Event:
    found = [e for e in evts if e.type == type_]
    assert found, f"no {type_} among {[(e.type, e.rule) for e in evts]}"
    return found[0]


def date_of(event: Event) -> tuple[str, str] | None:
    return (event.date.value, event.date.precision) if event.date else None


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, value, precision, stated", [
    ("Japan criticized China on Tuesday.", "2023-05-09", "day", "Tuesday"),
    ("Japan criticized China on Monday.", "2023-05-08", "day", "Monday"),
    ("Japan criticized China yesterday.", "2023-05-09", "day", "yesterday"),
    ("Japan criticized China on 14 March 2023.", "2023-03-14", "day", "14 March 2023"),
    ("Japan criticized China on 14 March.", "2023-03-14", "day", "14 March"),
    ("Japan criticized China in March.", "2023-03", "month", "March"),
    ("Japan criticized China last month.", "2023-04", "month", "last month"),
    ("In May of this year, Japan criticized China.", "2023-05", "month", "May of this year"),
])
def test_a_stated_date_is_resolved_against_the_publication_date(events, sentence, value, precision, stated):
    criticism = only(events(sentence, PUBLISHED), "ACCUSE")
    assert date_of(criticism) == (value, precision)
    assert criticism.date.span is not None
    assert stated in sentence[criticism.date.span.start:criticism.date.span.end]


def test_a_past_event_on_a_day_later_in_the_year_than_publication_is_last_year(events):
    talks = only(events("Japan and China held talks on 3 June.", PUBLISHED), "CONSULT")
    assert date_of(talks) == ("2022-06-03", "day")


def test_undated_current_news_gets_the_publication_month(events):
    criticism = only(events("Japan criticized China.", PUBLISHED), "ACCUSE")
    assert date_of(criticism) == ("2023-05", "month")
    assert criticism.date.span is None
    assert "publication" in criticism.date.rule


def test_without_publication_date_or_date_in_the_text_there_is_no_date(events):
    assert only(events("Japan criticized China."), "ACCUSE").date is None


def test_this_year_is_the_year_of_the_first_full_date_when_there_is_no_publication_date(events):
    text = ("On 28 August 2022, Kazakhstan said that in May of this year, President Kassym-Jomart Tokayev met "
            "with President Shavkat Mirziyoyev.")
    meeting = only(events(text), "CONSULT")
    assert date_of(meeting) == ("2022-05", "month")


def test_a_day_stated_once_carries_to_the_next_act_in_the_story(events):
    evts = events("On Monday, Kenya praised Uganda. Kenya also thanked Tanzania.", PUBLISHED)
    assert [date_of(e) for e in evts] == [("2023-05-08", "day"), ("2023-05-08", "day")]


def test_an_act_named_in_passing_by_a_participle_takes_no_date_or_place_from_the_story(events):
    text = ("On Monday, Kenya praised Uganda in Nairobi. "
            "Kenya also welcomed the loan given by Uganda.")
    evts = events(text, PUBLISHED)
    loan = only(evts, "AID")
    assert loan.date is None and loan.location is None
    welcome = [e for e in evts if e.type == "SUPPORT" and e is not evts[0]][-1]
    assert date_of(welcome) == ("2023-05-08", "day")


def test_a_date_qualifying_a_noun_does_not_date_the_act(events):
    claim = only(events("Foreign Minister Ana Ruiz claimed that Kenya, as this year's chair of the bloc, "
                        "had deceived its neighbours.",
                        PUBLISHED), "ACCUSE")
    assert date_of(claim) == ("2023-05", "month")  # undated current news, not "this year"


def test_the_day_a_report_was_made_dates_the_act_it_announces(events):
    sanction = only(events("On May 8, the United States said that it was imposing sanctions on nine officials.",
                           PUBLISHED), "SANCTION")
    assert date_of(sanction) == ("2023-05-08", "day")
    assert {p.country for p in sanction.source} == {"USA"}


def test_a_deal_worked_out_during_talks_is_theirs_and_takes_their_date_and_place(events):
    text = ("The ministers referred to a roadmap worked out by Presidents Emmanuel Macron and Cyril Ramaphosa "
            "during talks in the Kenyan port city last year.")
    evts = events(text, PUBLISHED)
    talks, deal = only(evts, "CONSULT"), only(evts, "AGREE")
    for e in (talks, deal):
        assert {p.name for p in e.source + e.target} == {"Emmanuel Macron", "Cyril Ramaphosa"}
        assert date_of(e) == ("2022", "year")
        assert e.location is not None and e.location.country == "KEN"


def test_a_meeting_told_again_with_its_dates_takes_them(events):
    text = ("Minister Ana Ruiz paid an official visit to Kenya. The visit from May 2 to 4 was Ruiz's first "
            "official visit.")
    visits = [e for e in events(text, PUBLISHED) if e.type == "CONSULT"]
    assert len(visits) == 1, [(e.rule, date_of(e)) for e in visits]
    assert date_of(visits[0]) == ("2023-05-02", "day")


def test_an_act_praised_later_is_not_dated_by_the_praise(events):
    text = "On Monday, President Ana Ruiz praised the Secretary-General's speech at the Security Council debate."
    speech = [e for e in events(text, PUBLISHED) if e.type == "CONSULT"]
    assert speech and speech[0].date is None
    assert date_of(only(events(text, PUBLISHED), "SUPPORT")) == ("2023-05-08", "day")


def test_an_event_years_before_publication_is_historical_but_still_happened(events):
    old = only(events("Lithuania condemned Russia on 5 April 2015.", PUBLISHED), "ACCUSE")
    assert old.historical and old.asserted
    recent = only(events("Lithuania condemned Russia on 5 April 2023.", PUBLISHED), "ACCUSE")
    assert not recent.historical


def test_an_event_dated_by_a_year_long_past_is_historical(events):
    old = only(events("Armenia and Azerbaijan signed a peace agreement in 1994.", PUBLISHED), "SUPPORT")
    assert date_of(old) == ("1994", "year")
    assert old.historical


# --- gatherings and their ranges -----------------------------------------------------------------

FORUM = "Kazakhstan and Uzbekistan signed a trade agreement at the 5th Silk Road Forum, held in Xi'an between 23 and 26 August."


def test_a_gathering_range_gives_start_end_and_place(extract):
    extraction = extract(FORUM, "2023-09-01")
    forum = next(g for g in extraction.gatherings if "Silk Road Forum" in g.name)
    assert (forum.start, forum.end) == ("2023-08-23", "2023-08-26")
    assert forum.location is not None and forum.location.country == "CHN"
    assert FORUM[forum.span.start:forum.span.end] == forum.name


def test_the_gathering_is_a_multilateral_consult_over_its_range(extract):
    meeting = only(extract(FORUM, "2023-09-01").events, "CONSULT")
    assert meeting.mode == "multilateral"
    assert (meeting.date.value, meeting.date.end, meeting.date.precision) == ("2023-08-23", "2023-08-26", "day")
    assert meeting.location.name in ("Xi'an", "Xi\u2019an") and meeting.location.country == "CHN"


def test_an_act_at_a_gathering_takes_its_dates_and_place(events):
    signings = [e for e in events(FORUM, "2023-09-01") if e.type == "SUPPORT"]
    assert any(e.date.value == "2023-08-23" and e.location and e.location.country == "CHN" for e in signings)


def test_attending_a_gathering_is_taking_part_in_it(events):
    text = "President Kassym-Jomart Tokayev attended the 5th Silk Road Forum in Xi'an between 23 and 26 August."
    attendance = only(events(text, "2023-09-01"), "CONSULT")
    assert attendance.mode == "multilateral"
    assert [p.name for p in attendance.source] == ["Kassym-Jomart Tokayev"]
    assert (attendance.date.value, attendance.date.end) == ("2023-08-23", "2023-08-26")
    assert attendance.location.country == "CHN"


@pytest.mark.xfail(reason="references: a gathering 'held in X between 23 and 26 August' in its own main clause gets "
                          "no dates or place in the gatherings output", strict=True)
def test_a_gathering_held_in_its_own_clause_has_its_range(extract):
    extraction = extract("The 5th Silk Road Forum was held in Xi'an between 23 and 26 August.", "2023-09-01")
    forum = next(g for g in extraction.gatherings if "Silk Road Forum" in g.name)
    assert (forum.start, forum.end) == ("2023-08-23", "2023-08-26")


def test_an_act_at_a_gathering_named_earlier_takes_its_dates(events):
    text = ("The 5th Silk Road Forum was held in Xi'an between 23 and 26 August. "
            "Kazakhstan and Uzbekistan signed a trade agreement at the forum.")
    signings = [e for e in events(text, "2023-09-01") if e.type == "SUPPORT"]
    assert signings and all(e.date.value == "2023-08-23" for e in signings)


# --- places ---------------------------------------------------------------------------------------------


def test_a_meeting_in_a_capital_is_placed_there_with_coordinates(events):
    meeting = only(events("Ministers of Kenya and Uganda met in Beijing yesterday.", PUBLISHED), "CONSULT")
    place = meeting.location
    assert (place.name, place.country) == ("Beijing", "CHN")
    assert place.lat == pytest.approx(39.9, abs=0.5) and place.lon == pytest.approx(116.4, abs=0.5)
    assert "Beijing" == "Ministers of Kenya and Uganda met in Beijing yesterday."[place.span.start:place.span.end]


def test_two_leaders_meeting_in_one_leaders_capital_is_a_visit_by_the_other(events):
    meeting = only(events("Lavrov and Tokayev met in Astana.", PUBLISHED), "CONSULT")
    assert meeting.location.country == "KAZ"
    assert meeting.mode == "visit"
    assert [p.name for p in meeting.source] == ["Lavrov"]  # the visitor
    assert [p.name for p in meeting.target] == ["Tokayev"]  # the host


def test_a_place_opening_the_sentence_places_the_meeting(events):
    text = "In Astana on 14 March 2023, Foreign Minister Sergey Lavrov met President Kassym-Jomart Tokayev."
    meeting = only(events(text, PUBLISHED), "CONSULT")
    assert (meeting.location.name, meeting.location.country) == ("Astana", "KAZ")
    assert meeting.mode == "visit" and [p.name for p in meeting.source] == ["Sergey Lavrov"]


def test_an_arrest_in_a_city_is_placed_in_that_citys_country(events):
    arrest = only(events("Police detained dozens of activists in Moscow.", PUBLISHED), "COERCE")
    assert (arrest.location.name, arrest.location.country) == ("Moscow", "RUS")


def test_the_dateline_places_events_that_name_no_place(events):
    text = "BEIJING, May 8 (Xinhua) -- Chinese Foreign Minister Qin Gang criticized the United States on Monday."
    criticism = only(events(text, PUBLISHED), "ACCUSE")
    assert (criticism.location.name, criticism.location.country) == ("Beijing", "CHN")
    assert [p.name for p in criticism.source] == ["Qin Gang"]
    assert date_of(criticism) == ("2023-05-08", "day")


@pytest.mark.xfail(reason="coder: a capitalised dateline city is taken as the subject, and the two parties are lost",
                   strict=True)
def test_the_dateline_city_is_not_a_party(events):
    talks = only(events("NAIROBI, 9 May 2023 \u2013 Kenya and Uganda held talks.", PUBLISHED), "CONSULT")
    assert {p.name for p in talks.source + talks.target} == {"Kenya", "Uganda"}


def test_a_meeting_with_someone_in_a_city_is_placed_there(events):
    text = "President Kassym-Jomart Tokayev met with President Shavkat Mirziyoyev in Tashkent on Monday."
    meeting = only(events(text, PUBLISHED), "CONSULT")
    assert meeting.location is not None and meeting.location.name == "Tashkent"


def test_talks_held_in_a_city_are_placed_there(events):
    talks = only(events("Egypt and Jordan held talks in Cairo.", PUBLISHED), "CONSULT")
    assert talks.location is not None and talks.location.name == "Cairo"


def test_a_visited_capital_is_where_the_visit_took_place(events):
    visit = only(events("Foreign Minister Sergey Lavrov visited Astana on 14 March 2023.", PUBLISHED), "CONSULT")
    assert visit.mode == "visit"
    assert visit.location is not None and visit.location.name == "Astana"


# --- the place of an incident told in another sentence ------------------------------------------


def test_where_the_fighting_broke_out_places_the_killing_told_before(events):
    evts = events("Two soldiers were killed on Monday when rebels attacked an army post. "
                  "The fighting broke out near the Malian town of Gao.", PUBLISHED)
    for attack in [e for e in evts if e.type == "ASSAULT"]:
        assert (attack.location.name, attack.location.country) == ("Gao", "MLI")
        assert attack.location.rule == "where the incident happened, told in another sentence"


def test_an_unknown_place_in_a_known_region_is_named_as_the_text_names_it(events):
    evts = events("A border guard was killed in a clash with rebels on Tuesday. "
                  "The firefight broke out in the Sangvor area close to the Tajik city of Khujand.", PUBLISHED)
    killing = only(evts, "ASSAULT")
    assert (killing.location.name, killing.location.country) == ("Sangvor area", "TJK")


def test_a_place_stated_in_the_acts_own_sentence_is_kept(events):
    evts = events("Rebels killed two soldiers on Monday in Bamako. "
                  "The clash took place in the Sahel region of Niger.", PUBLISHED)
    assert only(evts, "ASSAULT").location.name == "Bamako"


def test_an_act_one_is_thanked_for_was_done_before_and_takes_no_date_from_the_story(events):
    evts = events("Foreign Minister Ana Ruiz met President Tomas Berg in Lima on Monday. "
                  "She thanked him for inviting her to the Andean Forum.", PUBLISHED)
    invitation = only(evts, "AGREE")
    assert invitation.date is None
    assert invitation.location is None
    assert date_of(only(evts, "SUPPORT")) is not None
