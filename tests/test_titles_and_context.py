"""Titles read across commas, abbreviations and counterparts; officials who take
the country they speak for or the one their sentence is about; meetings of a
body; journeys made to attend something; glued datelines; headline surnames.

Sentences written for these tests; the people in them are invented and unknown
to the knowledge base.  xfail marks (strict) are what the pipeline does not
handle yet, each with what goes wrong.
"""

from __future__ import annotations

import pytest

from communique.model import Event, Participant

PUBLISHED = "2023-05-10"


def only(evts: list[Event], type_: str) -> Event:
    found = [e for e in evts if e.type == type_]
    assert found, f"no {type_} among {[(e.type, e.rule) for e in evts]}"
    return found[0]


def one(parts: list[Participant]) -> Participant:
    assert len(parts) == 1, parts
    return parts[0]


def everything(extract, text: str) -> list[Event]:
    """All events, including those stated as purposes, plans or conditions."""
    return extract(text, PUBLISHED).events


# --- a title, a comma, then the name ----------------------------------------------------------


def test_a_title_before_a_comma_belongs_to_the_name_after_it(events):
    evts = events("President Ana Ruiz received the Ambassador of the Russian Federation to Kenya, Ivan Petrovsky.",
                  PUBLISHED)
    call = only(evts, "CONSULT")
    visitor = one(call.source)
    assert visitor.name == "Ivan Petrovsky"
    assert (visitor.country, visitor.sector) == ("RUS", "GOV")
    assert "Ambassador" in visitor.role
    assert one(call.target).name == "Ana Ruiz"


def test_who_after_a_titled_name_is_that_person(events):
    evts = events("The Secretary-General of the SCO, Ivan Petrovsky, who met Foreign Minister Ana Ruiz on Monday, "
                  "praised the agreement.", PUBLISHED)
    meeting = only(evts, "CONSULT")
    petrovsky = one(meeting.source)
    assert (petrovsky.name, petrovsky.country, petrovsky.role) == (
        "Ivan Petrovsky", "IGO", "Secretary-General of the SCO")
    assert one(meeting.target).name == "Ana Ruiz"
    assert one(only(evts, "SUPPORT").source).name == "Ivan Petrovsky"


@pytest.mark.parametrize("sentence, country, role", [
    ("The National Coordinator of Pakistan for the SCO, Ali Raza, praised the agreement.", "PAK",
     "National Coordinator"),
    ("The Ambassador of Pakistan to the African Union, Tomas Berg, praised the agreement.", "PAK", "Ambassador"),
])
def test_a_title_with_a_posting_after_it_belongs_to_the_name_after_the_comma(events, sentence, country, role):
    speaker = one(only(events(sentence, PUBLISHED), "SUPPORT").source)
    assert speaker.name in ("Ali Raza", "Tomas Berg")
    assert speaker.country == country and role in (speaker.role or "")


# --- abbreviations and particles inside titles and names ------------------------------------

MOS = ("Minister of State (MoS) for External Affairs and Culture Priya Sharma met the Kenyan delegation "
       "in New Delhi on Monday. MoS Sharma also held talks with the Ugandan delegation on Tuesday.")


def test_a_parenthetical_abbreviation_is_left_out_of_the_role(events):
    meeting = [e for e in events(MOS, PUBLISHED) if e.type == "CONSULT"][0]
    sharma = one(meeting.source)
    assert sharma.name == "Priya Sharma"
    assert sharma.role == "Minister of State for External Affairs and Culture"
    assert sharma.sector == "GOV"


def test_the_abbreviated_title_and_surname_later_is_the_same_person(events):
    meetings = [e for e in events(MOS, PUBLISHED) if e.type == "CONSULT"]
    assert len(meetings) == 2
    first, later = (one(e.source) for e in meetings)
    assert later.name == "Priya Sharma"
    assert later.actor_id == first.actor_id


def test_a_name_with_a_particle_between_hyphens_is_one_name(events):
    welcome = only(events("The minister welcomed the Pakistani Ambassador to China, Zia-ul-Rahman.", PUBLISHED),
                   "SUPPORT")
    ambassador = one(welcome.target)
    assert ambassador.name == "Zia-ul-Rahman"
    assert (ambassador.country, ambassador.role) == ("PAK", "Ambassador")


# --- counterparts ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "Foreign Minister Anna Berg of Sweden held talks with her Kenyan counterpart John Mwangi.",
    "Swedish Foreign Minister Anna Berg held talks with her Kenyan counterpart John Mwangi.",
])
def test_a_counterpart_holds_the_same_office_in_the_country_named(events, sentence):
    talks = only(events(sentence, PUBLISHED), "CONSULT")
    assert (one(talks.source).name, one(talks.source).country) == ("Anna Berg", "SWE")
    mwangi = one(talks.target)
    assert mwangi.name == "John Mwangi"
    assert mwangi.country == "KEN"
    assert "Foreign Minister" in mwangi.role


def test_a_counterpart_in_a_coordinated_agent_takes_the_office_of_the_first(events):
    signing = only(events("The MoU was signed by Kenyan Trade Minister Peter Otieno and his Ugandan counterpart "
                          "Samuel Okello.", PUBLISHED), "SUPPORT")
    signers = {p.name: p for p in signing.source}
    assert set(signers) == {"Peter Otieno", "Samuel Okello"}
    assert signers["Peter Otieno"].country == "KEN"
    assert signers["Samuel Okello"].country == "UGA"
    assert "Minister" in signers["Samuel Okello"].role


# --- the country an official speaks for, or the one the sentence is about -------------------


@pytest.mark.parametrize("sentence, type_", [
    ("Vice Foreign Minister Li Wen expressed Japan's strong condemnation of the missile launch.", "ACCUSE"),
    ("Vice Foreign Minister Li Wen conveyed Japan's support for the ceasefire proposal.", "SUPPORT"),
    pytest.param("Vice Foreign Minister Li Wen expressed Japan's strong dissatisfaction with the decision.", "ACCUSE",
                 marks=pytest.mark.xfail(strict=True, reason="lexicon: 'expressed dissatisfaction' is coded as "
                                         "no event at all (only condemnation, criticism, protest ... are)")),
])
def test_an_official_is_of_the_country_whose_position_he_states(events, sentence, type_):
    speaker = one(only(events(sentence, PUBLISHED), type_).source)
    assert speaker.name == "Li Wen"
    assert (speaker.country, speaker.role) == ("JPN", "Vice Foreign Minister")


def test_an_official_of_no_country_acts_in_the_only_country_his_sentence_names(events):
    curfew = only(events("President Laurent Kouassi extended the curfew in Abidjan on Sunday.", PUBLISHED), "COERCE")
    president = one(curfew.source)
    assert president.name == "Laurent Kouassi"
    assert (president.country, president.role) == ("CIV", "President")


@pytest.mark.parametrize("sentence, type_, country", [
    ("Judge Alma Reyes charged five Chilean government officials with fraud on Monday.", "ACCUSE", "CHL"),
    ("President Laurent Kouassi threatened to impose a curfew in Bouake.", "THREATEN", "CIV"),
])
def test_an_office_holder_of_no_country_holds_office_in_the_one_country_named(events, sentence, type_, country):
    officer = one(only(events(sentence, PUBLISHED), type_).source)
    assert officer.country == country
    # (a curfew's place counts as the sentence's country before the office-holder rule is needed)
    assert officer.rule.split("+")[-1] in ("country-of-sentence:office-holder", "country-of-sentence")


@pytest.mark.parametrize("sentence, type_", [
    ("President Laurent Kouassi criticized Ghana on Monday.", "ACCUSE"),
    ("Foreign ministry spokesman Ahmad Karimi said Islamabad must address its internal issues.", "REQUEST"),
])
def test_an_office_holder_does_not_take_the_country_of_the_government_he_addresses(events, sentence, type_):
    assert one(only(events(sentence, PUBLISHED), type_).source).country is None


def test_with_two_countries_in_the_sentence_the_official_keeps_no_country(events):
    criticism = only(events("President Laurent Kouassi criticized Ghana and Togo for closing the border.",
                            PUBLISHED), "ACCUSE")
    assert {p.country for p in criticism.target} == {"GHA", "TGO"}
    president = one(criticism.source)
    assert president.name == "Laurent Kouassi"
    assert president.country is None


@pytest.mark.parametrize("sentence, not_hers", [
    ("Foreign Minister Ana Ruiz visited Nairobi on Monday.", "KEN"),
    ("Foreign Minister Ana Ruiz met Pakistani Ambassador Ali Raza on Monday.", "PAK"),
])
def test_a_country_the_official_visits_or_meets_is_not_hers(events, sentence, not_hers):
    ruiz = next(p for e in events(sentence, PUBLISHED) for p in e.source + e.target if p.name == "Ana Ruiz")
    assert ruiz.country != not_hers


# --- meetings of a body ---------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "Defence Minister Rajesh Kumar attended a meeting of SCO defence ministers in Moscow on Friday.",
    "The Meeting of the Council of National Coordinators was held in Tashkent on Monday.",
])
def test_a_meeting_of_a_body_or_group_is_multilateral(events, sentence):
    assert only(events(sentence, PUBLISHED), "CONSULT").mode == "multilateral"


def test_a_body_of_states_meeting_on_its_own_is_multilateral(events):
    meeting = only(events("The SCO Council of Foreign Ministers held talks by the lake on Friday.", PUBLISHED), "CONSULT")
    assert meeting.mode == "multilateral" and not meeting.target


def test_a_journey_made_to_attend_a_gathering_is_taking_part_in_it(events):
    text = ("Defence Minister Rajesh Kumar held talks with Defence Minister Tomas Berg in Tehran on Monday. "
            "Kumar visited the Russian capital in May to attend a meeting of SCO defence ministers.")
    kumar = [e for e in events(text, PUBLISHED) if e.type == "CONSULT"]
    # the gathering he travelled to is neither a visit to Russia nor the talks with Berg
    assert sorted(str(e.mode) for e in kumar) == ["None", "multilateral"], [(e.mode, e.rule) for e in kumar]
    gathering = next(e for e in kumar if e.mode == "multilateral")
    assert [p.name for p in gathering.source] == ["Rajesh Kumar"] and gathering.location.country == "RUS"


def test_a_meeting_on_the_sidelines_of_a_gathering_is_no_visit(events):
    at_home = only(events("Foreign Minister Ana Ruiz met Kenyan President Tomas Berg in Nairobi on Monday.",
                          PUBLISHED), "CONSULT")
    assert at_home.mode == "visit"  # the meeting in Kenya: Ruiz came to him
    sideline = only(events("Foreign Minister Ana Ruiz met Kenyan President Tomas Berg on the sidelines of "
                           "the African Union summit in Nairobi on Monday.", PUBLISHED), "CONSULT")
    assert sideline.mode is None  # both came for the summit


MEETING_OF_TWO = "The meeting of Foreign Minister Ana Ruiz and Ambassador Tomas Berg was held in Geneva on Monday."


def test_a_meeting_of_two_people_is_not_a_gathering(extract):
    assert not [e for e in everything(extract, MEETING_OF_TWO) if e.mode == "multilateral"]


@pytest.mark.xfail(strict=True, reason="coder: 'the meeting of A and B was held' is rejected as a gathering and "
                   "the bilateral sense wants 'with'/'between', so no event is coded at all")
def test_a_meeting_of_two_people_is_their_consultation(events):
    meeting = only(events(MEETING_OF_TWO, PUBLISHED), "CONSULT")
    assert {p.name for p in meeting.source + meeting.target} == {"Ana Ruiz", "Tomas Berg"}
    assert meeting.mode != "multilateral"


# --- purposes of journeys -------------------------------------------------------------------


def test_attending_is_done_once_the_journey_to_it_is_made(events):
    text = "Defence Minister Rajesh Kumar flew to Moscow on Friday to attend a meeting of SCO defence ministers."
    meeting = only(events(text, PUBLISHED), "CONSULT")
    assert meeting.asserted and not meeting.hypothetical
    assert (one(meeting.source).name, meeting.mode) == ("Rajesh Kumar", "multilateral")


@pytest.mark.parametrize("sentence, type_", [
    ("Foreign Minister Ana Ruiz flew to Nairobi on Friday to sign a trade agreement.", "SUPPORT"),
    ("Defence Minister Rajesh Kumar will fly to Moscow on Friday to attend a meeting of SCO defence ministers.",
     "CONSULT"),
    ("The minister travelled to Nairobi to reach an agreement.", "AGREE"),
])
def test_other_purposes_and_journeys_still_to_come_are_not_asserted(extract, sentence, type_):
    purpose = only(everything(extract, sentence), type_)
    assert not purpose.asserted


@pytest.mark.xfail(strict=True, reason="coder: the parser makes 'reach' an xcomp of 'led' (not an advcl), so "
                   "the purpose reading is not applied and the agreement is coded as reached")
def test_an_agreement_talks_were_led_to_reach_is_not_asserted(extract):
    agreement = only(everything(extract, "The minister led talks to reach an agreement."), "AGREE")
    assert not agreement.asserted


# --- datelines and headlines ----------------------------------------------------------------


@pytest.mark.parametrize("text, type_", [
    ("KABUL, May 2 (AP):Foreign Minister Ana Ruiz met her Pakistani counterpart Ali Raza on Tuesday.", "CONSULT"),
    ("KABUL, May 2 (Reuters):Foreign Minister Ana Ruiz criticized the decision of the Pakistani government.",
     "ACCUSE"),
])
def test_a_lead_glued_to_its_dateline_keeps_its_subject(events, text, type_):
    event = only(events(text, PUBLISHED), type_)
    ruiz = one(event.source)
    assert (ruiz.name, ruiz.role) == ("Ana Ruiz", "Foreign Minister")


def test_a_headline_surname_is_the_person_named_in_the_lead(events):
    text = ("Novak Meets Swedish Envoy\n\n"
            "Foreign Minister Maria Novak met Swedish Ambassador Tomas Berg in Zagreb on Monday.")
    meetings = [e for e in events(text, PUBLISHED) if e.type == "CONSULT"]
    assert len(meetings) == 1, [(e.rule, [p.name for p in e.source + e.target]) for e in meetings]
    assert {p.name for p in meetings[0].source + meetings[0].target} == {"Maria Novak", "Tomas Berg"}


# --- titles of international organisations --------------------------------------------------


def test_ministers_of_the_european_union_act_for_an_igo(events):
    agreement = only(events("European Union trade ministers agreed on Friday to lift the tariffs.",
                            PUBLISHED), "AGREE")
    ministers = one(agreement.source)
    assert ministers.name is None
    assert (ministers.country, ministers.role) == ("IGO", "trade ministers")


def test_a_un_mediator_acts_for_an_igo(events):
    criticism = only(events("U.N. mediator Diego Alvarez criticized the government of Sudan.", PUBLISHED), "ACCUSE")
    mediator = one(criticism.source)
    assert mediator.name == "Diego Alvarez"
    assert mediator.country == "IGO"
    assert "mediator" in mediator.role.lower()
    assert one(criticism.target).country == "SDN"


# --- acts done to a place; ethnic groups ---------------------------------------------------------


@pytest.mark.parametrize("sentence, type_, country", [
    ("Serbia lifted the weekend curfew in Montenegro on Friday.", "CONCEDE", "MNE"),
    ("The Red Cross suspended aid deliveries in Mosul on Friday.", "SANCTION", "IRQ"),
    ("Sudan's government on Friday lifted the state of emergency in North Darfur.", "CONCEDE", "SDN"),
])
def test_an_act_done_to_a_place_targets_its_country(events, sentence, type_, country):
    act = only(events(sentence, PUBLISHED), type_)
    target = one(act.target)
    assert target.country == country
    assert target.rule.startswith("place-of-act")


def test_people_counted_in_a_place_are_the_target_not_the_place(events):
    arrest = only(events("Iraqi police arrested seven suspected militants in Anbar on Monday.", PUBLISHED), "COERCE")
    assert all(p.rule != "place-of-act" for p in arrest.target)


def test_the_place_of_a_meeting_is_not_its_target(events):
    meeting = only(events("Foreign Minister Ana Ruiz held talks in Nairobi on Monday.", PUBLISHED), "CONSULT")
    assert not meeting.target


def test_a_place_alone_does_not_make_an_attack_an_event(events):
    assert not [e for e in events("A bomb exploded in Kabul on Monday.", PUBLISHED) if e.type == "ASSAULT"]


@pytest.mark.parametrize("sentence, country", [
    ("Ethnic Albanians in Serbia demanded a referendum on Monday.", "SRB"),
    ("Ethnic Armenian fighters operating in Azerbaijan attacked a police station on Friday.", "AZE"),
])
def test_an_ethnic_group_belongs_where_the_text_places_it(events, sentence, country):
    act = [e for e in events(sentence, PUBLISHED) if e.type in ("REQUEST", "ASSAULT")][0]
    assert one(act.source).country == country


def test_a_nationality_is_still_a_country(events):
    demand = only(events("Albanian officials demanded a referendum in Serbia on Monday.", PUBLISHED), "REQUEST")
    assert one(demand.source).country == "ALB"


# --- countries from the parties and the place: courts, police, victims, protests -----------------


@pytest.mark.parametrize("sentence, type_", [
    ("Kenyan police arrested three protesters on Monday.", "COERCE"),
    ("A Ghanaian court sentenced former minister Kofi Mensah to ten years in prison.", "SANCTION"),
])
def test_people_a_countrys_courts_or_police_act_on_are_in_that_country(events, sentence, type_):
    act = only(events(sentence, PUBLISHED), type_)
    source, target = one(act.source), one(act.target)
    assert target.country == source.country
    assert target.rule.endswith("country-of-sentence:domestic")


@pytest.mark.parametrize("sentence", [
    "A French minister criticised the activists on Monday.",
    "Senator Ana Ruiz called on the Communist leadership to explain its maritime plans.",
])
def test_people_a_minister_or_senator_speaks_to_may_be_foreign(events, sentence):
    act = [e for e in events(sentence, PUBLISHED) if e.type in ("ACCUSE", "REQUEST")][0]
    assert one(act.target).country is None


def test_a_party_unknown_to_the_knowledge_base_is_placed_like_a_person_but_not_an_international_body(events):
    home = only(events("Algerian police raided the offices of the Islamic Renewal Front on Monday.", PUBLISHED),
                "COERCE")
    assert one(home.target).country == "DZA"
    abroad = only(events("Algerian police raided the offices of the International Renewal Front on Monday.",
                         PUBLISHED), "COERCE")
    assert one(abroad.target).country is None


def test_victims_are_of_the_country_where_the_act_happened(events):
    killing = [e for e in events("Two gunmen killed nine people on Sunday when they opened fire in Mombasa.",
                                 PUBLISHED) if e.rule == "verb:kill"][0]
    assert one(killing.target).country == "KEN"


def test_bombers_are_a_group_of_their_own_country(events):
    attack = only(events("Two Chechen suicide bombers attacked a police post in Grozny on Sunday.", PUBLISHED),
                  "ASSAULT")
    bombers = one(attack.source)
    assert bombers.role and "bombers" in bombers.role
    assert bombers.sector == "REB"


@pytest.mark.parametrize("sentence, country, rule", [
    ("Dock workers of the Kenyan Ports Union went on an indefinite strike on Monday.",
     "KEN", "government-of-protesters"),
    ("Hundreds of Kenyan farmers staged a sit-in outside the parliament.", "KEN", "government-of-protesters"),
    ("Students held a sit-in in Nairobi on Monday.", "KEN", "place-of-act"),
])
def test_a_protest_with_no_target_is_against_the_government_where_it_is_held(events, sentence, country, rule):
    protest = only(events(sentence, PUBLISHED), "PROTEST")
    target = one(protest.target)
    assert (target.country, target.kind) == (country, "state")
    assert target.rule.startswith(rule)
    assert target.span is not None


def test_one_protesters_nationality_does_not_say_whose_government_she_protests(events):
    protest = only(events("Ana Ruiz, a Chilean student, joined protests at a London university.", PUBLISHED),
                   "PROTEST")
    assert not protest.target


@pytest.mark.parametrize("sentence", [
    "The United Nations Humanitarian Affairs Coordinator urged Sudan to open the roads.",
    "The UN refugee envoy urged Kenya to keep the camps open.",
])
def test_a_title_with_portfolio_words_after_its_organisation_is_the_organisations(events, sentence):
    demand = only(events(sentence, PUBLISHED), "REQUEST")
    assert one(demand.source).country == "IGO"


@pytest.mark.parametrize("sentence", [
    "Foreign Minister Ana Ruiz held talks with ministers of Peru's new cabinet on Monday.",
    "Foreign Minister Ana Ruiz held talks with officials of the Peruvian government on Monday.",
])
def test_people_of_a_body_named_after_them_are_of_its_country(events, sentence):
    talks = only(events(sentence, PUBLISHED), "CONSULT")
    assert one(talks.target).country == "PER"


def test_a_militant_network_is_no_country_of_the_sentence(events):
    attack = only(events("Gunmen loyal to al-Qaeda's leader in Yemen attacked a police post.", PUBLISHED), "ASSAULT")
    assert one(attack.source).country == "YEM"


def test_who_threatens_to_act_on_a_capital_is_of_its_country(events):
    # the capital is the place of the act threatened, not a government addressed
    threat = only(events("President Ana Ruiz threatened to order a lockdown in Nairobi.", PUBLISHED), "THREATEN")
    assert one(threat.target).rule.startswith("place-of-act")
    assert one(threat.source).country == "KEN"


def test_an_unknown_body_whose_name_works_across_borders_is_non_governmental(events):
    criticism = only(events("The Pan-African Lawyers Forum criticised Kenya on Monday.", PUBLISHED), "ACCUSE")
    forum = one(criticism.source)
    assert forum.country == "NGO"


def test_the_ilo_speaks_through_the_international_labour_office(events):
    criticism = only(events("The International Labour Office criticised Kenya on Monday.", PUBLISHED), "ACCUSE")
    assert one(criticism.source).country == "IGO"


@pytest.mark.parametrize("sentence, type_, expected", [
    ("Greek and Italian warships began joint naval drills in the Aegean.", "COOPERATE", {"GRC", "ITA"}),
    ("US and South Korean troops began joint military drills on Monday.", "COOPERATE", {"USA", "KOR"}),
])
def test_a_group_of_two_nationalities_is_both_countries_groups(events, sentence, type_, expected):
    act = only(events(sentence, PUBLISHED), type_)
    assert {p.country for p in act.source} == expected


def test_officials_of_two_nationalities_meeting_in_one_capital_are_a_visit_by_the_others(events):
    talks = only(events("Chinese and Russian officials held talks in Beijing.", PUBLISHED), "CONSULT")
    assert {p.country for p in talks.source + talks.target} == {"CHN", "RUS"}


def test_a_name_after_a_title_that_the_tagger_took_for_an_organisation_is_a_person(events):
    # (the small model tags "Kiprop Awori" as an organisation)
    refusal = only(events("Vice-President Kiprop Awori has declined to step down despite mounting criticism.",
                          PUBLISHED), "REJECT")
    officer = one(refusal.source)
    assert (officer.name, officer.kind, officer.role) == ("Kiprop Awori", "person", "Vice-President")
