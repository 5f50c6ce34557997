"""The actor knowledge base: what a user of the dictionary notices."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
import yaml

from communique.actors import DictionaryError, KnowledgeBase

# The 193 member states of the United Nations (ISO 3166 alpha-3).
UN_MEMBERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE DNK DJI DMA DOM ECU EGY
SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN
IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR PRK KOR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI
MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR
OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR
ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.default()


def codes(matches) -> set[str]:
    return {m.entry.country for m in matches}


# --- names, metonyms, demonyms, abbreviations ----------------------------------------

@pytest.mark.parametrize("text, iso3", [("Beijing", "CHN"), ("the Kremlin", "RUS"), ("Kremlin", "RUS"),
                                        ("Downing Street", "GBR"), ("Washington", "USA"), ("Kyiv", "UKR"),
                                        ("Kiev", "UKR"), ("Jerusalem", "ISR")])
def test_seats_of_government_stand_for_their_country(kb, text, iso3):
    assert kb.country_by_capital(text).iso3 == iso3


def test_tel_aviv_is_not_coded_as_the_seat_of_israel(kb):
    assert kb.country_by_capital("Tel Aviv") is None


@pytest.mark.parametrize("word, iso3", [("Hungarian", "HUN"), ("Kenyan", "KEN"), ("Uzbekistani", "UZB"),
                                        ("Uzbek", "UZB"), ("Kyrgyz", "KGZ"), ("Kyrgyzstani", "KGZ"),
                                        ("Chinese", "CHN"), ("British", "GBR"), ("Uzbeks", "UZB")])
def test_demonyms_give_the_country(kb, word, iso3):
    assert kb.country_by_demonym(word).iso3 == iso3


def test_abbreviations_of_organisations_and_organs(kb):
    assert [m.entry.id for m in kb.match("SCO")] == ["sco"]
    rats = kb.match("RATS")
    assert [(m.entry.id, m.how) for m in rats] == [("sco/rats", "organ")]
    assert rats[0].entry.parent == "sco" and rats[0].entry.country == "IGO"
    assert [m.entry.id for m in kb.match("UNSC")] == ["un/security-council"]
    assert [m.entry.id for m in kb.match("U.N.")] == ["un"]
    assert [m.entry.id for m in kb.match("Secretariat of the Shanghai Cooperation Organisation")] == ["sco/secretariat"]
    assert [m.entry.id for m in kb.match("Organization for Security and Co-operation in Europe")] == ["osce"]


def test_pronoun_us_and_french_un_are_not_names(kb):
    assert kb.match("us") == [] and kb.match("un") == []
    assert codes(kb.match("US")) == {"USA"}
    assert codes(kb.match("U.S.")) == {"USA"}
    assert [m.entry.id for m in kb.match("UN")] == ["un"]


def test_lower_case_words_are_not_one_word_names(kb):
    assert kb.match("turkey") == [] and kb.match("chad") == []
    assert codes(kb.match("Turkey")) == {"TUR"}
    assert codes(kb.match("CHINA")) == {"CHN"}  # an all-capitals headline


def test_spelling_variants_match(kb):
    assert codes(kb.match("Côte d’Ivoire")) == {"CIV"}
    assert codes(kb.match("Cote d'Ivoire")) == {"CIV"}
    assert codes(kb.match("Türkiye")) == {"TUR"}
    assert codes(kb.match("the Russian Federation")) == {"RUS"}
    # British and American spellings are one name
    assert [m.entry.id for m in kb.match("Shanghai Cooperation Organization")] == ["sco"]
    assert [m.entry.id for m in kb.match("Regional Anti-Terrorist Structure of Shanghai Cooperation Organization")] == [
        "sco/rats"]
    assert kb.title("Minister of Defense").title == kb.title("Defence Minister").title


def test_ambiguous_names_return_every_reading(kb):
    assert {m.entry.kb_id for m in kb.match("Georgia")} == {"country:GEO", "subnational:usa/georgia"}
    assert {m.entry.country for m in kb.match("Punjab")} == {"IND", "PAK"}


def test_subnational_governments(kb):
    (m,) = kb.match("Chongqing")
    assert (m.entry.country, m.entry.kind, m.entry.sector) == ("CHN", "municipality", "GOV")
    assert [x.entry.id for x in kb.match("Chongqing Municipal Government")] == [m.entry.id]
    assert {x.entry.country for x in kb.match("Crimea")} == {"UKR"}
    assert {x.entry.kind for x in kb.match("Samarkand Region")} == {"region"}


# --- titles ---------------------------------------------------------------------------

def test_foreign_minister_titles(kb):
    fm = kb.title("Minister of Foreign Affairs")
    assert (fm.sector, fm.rank, fm.prefix) == ("GOV", 3, None)
    deputy = kb.title("Deputy Foreign Minister")
    assert (deputy.title, deputy.sector, deputy.rank, deputy.role) == ("Minister of Foreign Affairs", "GOV", 4,
                                                                       "Deputy Foreign Minister")
    acting = kb.title("Acting Minister of Foreign Affairs of Uzbekistan")
    assert (acting.rank, acting.prefix, acting.role) == (3, "Acting", "Acting Minister of Foreign Affairs")


def test_secretary_general_takes_its_sector_from_the_organisation(kb):
    for spelling in ("Secretary-General", "Secretary General", "secretary–general"):
        sg = kb.title(spelling)
        assert sg.title == "Secretary-General" and sg.sector_from_org
    assert kb.title("Deputy Secretary-General").rank == kb.title("Secretary-General").rank + 1


def test_party_secretary_is_a_party_post(kb):
    assert kb.title("Party Secretary").sector == "PTY"
    committee = kb.title("Secretary of the CPC Chongqing Municipal Committee")
    assert (committee.title, committee.sector) == ("Party Secretary", "PTY")


def test_longest_title_in_a_phrase_wins(kb):
    assert kb.title("the Chinese Foreign Minister Wang Yi").role == "Foreign Minister"
    assert kb.title("Chancellor of the Exchequer").title == "Minister of Finance"
    assert kb.title("Vice President").rank == 2


def test_title_abbreviations_are_case_sensitive(kb):
    assert kb.title("PM").title == "Prime Minister"
    assert kb.title("at 3 pm") is None


# --- persons and their roles ---------------------------------------------------------------

def test_norov_roles_over_time(kb):
    norov = kb.person("Vladimir Norov")
    sg = kb.role_at(norov, "2020")
    assert (sg.role, sg.org, sg.country, sg.sector) == ("Secretary-General", "SCO", "IGO", "IGO")
    fm = kb.role_at(norov, "2022-05")
    assert (fm.role, fm.country, fm.sector) == ("Acting Minister of Foreign Affairs", "UZB", "GOV")
    assert kb.role_at("Vladimir Norov", "2023-06-01") is None
    assert norov.country == "UZB"


def test_sco_secretaries_general_in_order(kb):
    holders = {year: next(p.name for p in kb.persons()
                          if (r := kb.role_at(p, str(year))) and r.role == "Secretary-General" and r.org == "SCO")
               for year in (2017, 2020, 2023, 2025)}
    assert holders == {2017: "Rashid Alimov", 2020: "Vladimir Norov", 2023: "Zhang Ming", 2025: "Nurlan Yermekbayev"}


def test_person_name_variants(kb):
    assert kb.person("Sergei Lavrov") is kb.person("Sergey Lavrov")
    assert kb.person("Volodymyr Zelenskyy") is kb.person("Vladimir Zelensky")
    assert kb.person("Recep Tayyip Erdoğan") is kb.person("Recep Tayyip Erdogan")
    assert kb.person("shavkat mirziyoyev").country == "UZB"


def test_current_role_is_the_government_office(kb):
    assert kb.role_at("Xi Jinping").role == "President"
    # Díaz-Canel became party leader after president: the state office still comes first
    assert kb.role_at("Miguel Díaz-Canel", "2022").role == "President"
    assert kb.role_at("Mohammed bin Abdulrahman Al Thani", "2024").role == "Prime Minister"


# --- user dictionaries -----------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_entry_overrides_a_shipped_person(tmp_path, kb):
    path = write(tmp_path, "actors.yaml", """\
persons:
  - name: Vladimir Norov
    aliases: [V. Norov]
    country: KAZ
""")
    user = KnowledgeBase.load([path])
    norov = user.person("V. Norov")
    assert norov.country == "KAZ"
    assert user.role_at(norov, "2020").org == "SCO"  # roles not given: kept
    assert kb.person("Vladimir Norov").country == "UZB"  # the shipped base is untouched


def test_user_file_adds_people_organisations_and_aliases(tmp_path):
    path = write(tmp_path, "extra.yaml", """\
countries:
  - iso3: UZB
    capitals: [Toshkent]
organisations:
  - name: Tashkent International Investment Forum
    abbreviations: [TIIF]
    country: UZB
    sector: GOV
persons:
  - name: Aziza Karimova
    country: UZB
    roles:
      - {role: Ambassador, org: Embassy of Uzbekistan in Kenya, start: 2021-03, end: 2024}
""")
    kb = KnowledgeBase.load([path])
    assert kb.country_by_capital("Toshkent").iso3 == "UZB"
    assert [m.entry.country for m in kb.match("TIIF")] == ["UZB"]
    role = kb.role_at("Aziza Karimova", "2022")
    assert (role.role, role.country, role.sector) == ("Ambassador", "UZB", "GOV")
    assert ("PERSON", "Aziza Karimova", "person:aziza-karimova") in set(kb.patterns())


def test_user_csv_one_row_per_role(tmp_path):
    path = write(tmp_path, "people.csv", """\
name,aliases,country,role,org,role_country,start,end
Jane Doe,J. Doe|Jane A. Doe,KEN,Deputy Director,UNEP,IGO,2019,2021-06
Jane Doe,,KEN,Ambassador,Embassy of Kenya in Japan,,2021-07,
""")
    kb = KnowledgeBase.load([path])
    jane = kb.person("J. Doe")
    assert [r.role for r in jane.roles] == ["Deputy Director", "Ambassador"]
    assert (kb.role_at(jane, "2020").sector, kb.role_at(jane, "2023").country) == ("IGO", "KEN")


@pytest.mark.parametrize("body, line, field, words", [
    ("persons:\n  - name: A B\n    country: XXX\n", 3, "country", "'XXX' is not an ISO 3166 alpha-3 code or IGO/NGO"),
    ("persons:\n  - name: A B\n    country: KEN\n    roles:\n      - role: Envoy\n        sector: DIPLO\n",
     6, "sector", "'DIPLO' is not a sector"),
    ("persons:\n  - country: KEN\n    aliases: [X]\n", 2, "name", "is required"),
    ("persons:\n  - name: A B\n    country: KEN\n    roles:\n      - {role: Envoy, start: 2020-13}\n",
     5, "start", "has no month 13"),
    ("persons:\n  - name: A B\n    country: KEN\n    roles:\n      - role: Envoy\n        start: 2021\n        end: 2020-05\n",
     7, "end", "ends (2020-05) before it starts (2021)"),
    ("organisations:\n  - name: Kenya Red Cross\n    country: KEN\n", 2, "sector", "is required"),
])
def test_validation_names_the_line_and_field(tmp_path, body, line, field, words):
    path = write(tmp_path, "actors.yaml", body)
    with pytest.raises(DictionaryError) as info:
        KnowledgeBase.load([path])
    err = info.value
    assert (err.line, err.field) == (line, field)
    assert str(err).startswith(f"{path}:{line}: field '{field}': ")
    assert words in str(err)


def test_csv_errors_name_the_row(tmp_path):
    path = write(tmp_path, "people.csv", "name,country\nJane Doe,KEN\nJohn Roe,KENYA\n")
    with pytest.raises(DictionaryError, match=r"people\.csv:3: field 'country': 'KENYA'"):
        KnowledgeBase.load([path])


def test_unknown_sections_and_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(DictionaryError, match="unknown section 'people2'"):
        KnowledgeBase.load([write(tmp_path, "a.yaml", "people2: []\n")])
    twice = "persons:\n  - {id: x, name: A B, country: KEN}\n  - {id: x, name: C D, country: KEN}\n"
    with pytest.raises(DictionaryError, match=r"b\.yaml:3: field 'id': id 'x' is used twice"):
        KnowledgeBase.load([write(tmp_path, "b.yaml", twice)])


# --- what the NLP components ask --------------------------------------------------------

def test_patterns_are_deterministic_and_labelled(kb):
    first = list(kb.patterns())
    assert first == list(KnowledgeBase.default().patterns())
    labels = {label for label, _, _ in first}
    assert labels == {"STATE", "CAPITAL", "DEMONYM", "IGO", "SUBNATIONAL", "PERSON", "TITLE"}
    got = set(first)
    for pattern in [("STATE", "United States", "country:USA"), ("CAPITAL", "the Kremlin", "country:RUS"),
                    ("DEMONYM", "Uzbekistani", "country:UZB"), ("IGO", "RATS", "org:sco/rats"),
                    ("SUBNATIONAL", "Chongqing", "subnational:chn/chongqing"),
                    ("PERSON", "Vladimir Norov", "person:vladimir-norov"), ("TITLE", "Deputy Foreign Minister",
                                                                            "title:minister-of-foreign-affairs")]:
        assert pattern in got
    assert kb.is_case_sensitive("US") and not kb.is_case_sensitive("United States")


def test_facts_about_kb_ids(kb):
    assert (kb.kind_of("org:sco/rats"), kb.display_name("org:sco/rats"), kb.is_igo("org:sco/rats")) == (
        "organisation", "SCO RATS", True)
    assert (kb.country_code_for("org:fsb"), kb.sector_of("org:fsb"), kb.is_igo("org:fsb")) == ("RUS", "SPY", False)
    assert (kb.kind_of("subnational:chn/chongqing"), kb.country_code_for("subnational:chn/chongqing")) == (
        "subnational", "CHN")
    assert kb.country_code_for("person:vladimir-norov") == "UZB"
    assert kb.kind_of("country:KEN") == "state" and kb.get("nothing:here") is None


# --- the shipped data ----------------------------------------------------------------

def _data(name: str):
    return resources.files("communique.actors.data").joinpath(name).read_text(encoding="utf-8")


def _yaml(name: str):
    return yaml.load(_data(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_all_un_members_are_present(kb):
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193
    missing = [c for c in UN_MEMBERS if kb.country(c) is None]
    assert missing == []
    assert {c.iso3 for c in kb.countries() if c.un_status == "member"} == set(UN_MEMBERS)
    for polity in ("KOS", "TWN", "HKG", "PSE", "ESH", "VAT"):
        assert kb.country(polity) is not None


def test_no_duplicate_ids_in_shipped_files():
    persons = [p["id"] for p in _yaml("persons.yaml")["persons"]]
    assert len(persons) == len(set(persons)) >= 300
    rows = list(csv.DictReader(_data("countries.tsv").splitlines(), delimiter="\t"))
    iso3 = [r["iso3"] for r in rows]
    assert len(iso3) == len(set(iso3))
    for name in ("igos.yaml", "organisations.yaml"):
        ids = []
        for org in _yaml(name)["organisations"]:
            ids.append(org["id"])
            ids.extend(f"{org['id']}/{o['id']}" for o in org.get("organs", []))
        assert len(ids) == len(set(ids)), name


def test_every_code_used_exists(kb):
    valid = {c.iso3 for c in kb.countries()} | {"IGO", "NGO", "IMG", "MNC"}
    sectors = set(kb.sectors)
    for p in kb.persons():
        assert p.country in valid, p.id
        assert p.roles, p.id
        for r in p.roles:
            assert r.country in valid and r.sector in sectors, (p.id, r)
            assert r.first_day <= r.last_day, (p.id, r)
    for s in kb.subnationals():
        assert s.country in valid, s.id
    for o in kb.organisations():
        assert o.country in valid and o.sector in sectors, o.id
    for t in kb.titles():
        assert t.sector in sectors, t.id


def test_docs_list_every_sector(kb):
    docs = Path(__file__).resolve().parents[1] / "docs" / "actors.md"
    text = docs.read_text(encoding="utf-8")
    assert [s for s in kb.sectors if f"`{s}`" not in text] == []


def test_the_documented_examples_load(tmp_path):
    text = (Path(__file__).resolve().parents[1] / "docs" / "actors.md").read_text(encoding="utf-8")
    blocks = {}
    for lang in ("yaml", "csv"):
        start = text.index(f"```{lang}\n") + len(lang) + 4
        blocks[lang] = write(tmp_path, f"example.{lang}", text[start:text.index("```", start)])
    kb = KnowledgeBase.load([blocks["yaml"], blocks["csv"]])
    assert kb.person("A. Karimova").country == "UZB"
    assert kb.person("Vladimir Noroff") is kb.person("Vladimir Norov")
    assert kb.country_by_demonym("Turkish Cypriot").iso3 == "XNC"
    assert kb.match("SCO Transport Ministers Council")[0].entry.parent == "sco"
    assert kb.match("Kenya Red Cross")[0].entry.sector == "NGO"
    assert kb.title("Assistant to the Khokim").rank == 5


def test_ordinary_words_are_not_titles(kb):
    assert kb.title("in general") is None
    assert kb.title("General Valery Gerasimov").sector == "MIL"
    assert kb.title("SCO member states") is None
    assert kb.title("an official visit") is None
    assert kb.is_case_sensitive("General")
