"""The codebooks as data: they must say what ../shared/docs/ONTOLOGY.md says.

Expected values are written out here from ONTOLOGY.md (and GDELT's Goldstein
table), independently of the YAML, so a wrong edit to the data fails a test.
"""

from pathlib import Path

import pytest

from communique import ontology
from communique.ontology import (
    UnknownCodeError, UnknownModeError, UnknownTypeError, cameo, cameo_codes, cameo_for, contexts,
    detect_contexts, goldstein, plover_types, quad_class, validate_event_code,
)

# type: (quad class, recipient needed, score, modes) — the table in ONTOLOGY.md
EXPECTED_TYPES = {
    "AGREE": (1, False, 2.5, []),
    "CONSULT": (1, False, 2.5, ["visit", "third-party", "multilateral", "phone"]),
    "SUPPORT": (1, False, 5, []),
    "CONCEDE": (1, False, 4.5, []),
    "COOPERATE": (2, True, 9.5, []),
    "AID": (2, True, 10, []),
    "RETREAT": (2, False, 6.5, ["withdraw", "release", "disarm", "ceasefire", "access", "resign"]),
    "REQUEST": (3, False, 0, ["assist", "change", "yield", "meet"]),
    "ACCUSE": (3, False, -2, ["disapprove", "investigate", "allege"]),
    "REJECT": (3, False, -2, ["assist", "change", "yield", "meet"]),
    "THREATEN": (3, False, -3.5, ["restrict", "arrest", "relations", "expel", "territory", "violence"]),
    "PROTEST": (4, False, -5, ["demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"]),
    "SANCTION": (4, True, -6, ["convict", "expel", "withdraw", "discontinue"]),
    "MOBILIZE": (4, False, -5.5, ["troops", "weapons", "police", "militia"]),
    "COERCE": (4, False, -7, ["seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport",
                              "withhold", "misinformation", "cyber"]),
    "ASSAULT": (4, False, -9, ["abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive",
                               "firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
                               "crowd-control", "unconventional"]),
}

EXPECTED_CONTEXTS = [
    "military", "intelligence", "executive", "legislative", "election", "political_institutions",
    "pro_democracy", "pro_autocracy", "economic", "legal", "reparations", "human_rights",
    "rights_freedoms", "repression", "human_security", "gender", "lgbt", "religion_ethnicity",
    "inequality", "diplomatic", "territory", "peacekeeping", "health", "asylum", "migration",
    "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn", "cyber",
    "misinformation", "crime", "corruption", "illegal_drugs", "trafficking",
]

# The last 3-digit child of each CAMEO root in v1.1b3: 01 has 010-019, 02 has 020-028, ...
LAST_CHILD = {
    "01": "019", "02": "028", "03": "039", "04": "046", "05": "057", "06": "064", "07": "075",
    "08": "087", "09": "094", "10": "108", "11": "116", "12": "129", "13": "139", "14": "145",
    "15": "155", "16": "166", "17": "176", "18": "186", "19": "196", "20": "204",
}

# The CAMEO -> PLOVER mapping table of ONTOLOGY.md, with its exceptions.
ROOT_TO_PLOVER = {
    "01": None, "02": None, "03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE",
    "07": "AID", "09": "ACCUSE", "10": "REQUEST", "11": "ACCUSE", "12": "REJECT", "13": "THREATEN",
    "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE", "18": "ASSAULT",
    "19": "ASSAULT", "20": "ASSAULT",
}
CODE_EXCEPTIONS = {"163": "COERCE", "175": "ASSAULT", "191": "COERCE", "192": "COERCE"}

# Values of GDELT's Goldstein table.
GOLDSTEIN = {
    "010": 0.0, "020": 3.0, "030": 4.0, "036": 4.0, "040": 1.0, "041": 1.0, "042": 1.9, "043": 2.8,
    "044": 2.5, "045": 5.0, "046": 7.0, "050": 3.5, "051": 3.4, "057": 8.0, "060": 6.0, "070": 7.0,
    "080": 5.0, "0874": 10.0, "090": -2.0, "100": -5.0, "110": -2.0, "111": -2.0, "112": -2.0,
    "120": -4.0, "130": -4.4, "140": -6.5, "150": -7.2, "160": -4.0, "163": -6.5, "170": -7.0,
    "173": -5.0, "180": -9.0, "190": -10.0, "200": -10.0,
}


def expected_plover(code: str) -> str | None:
    three = code[:3]
    if three in CODE_EXCEPTIONS:
        return CODE_EXCEPTIONS[three]
    if code[:2] == "08":
        return "RETREAT" if len(code) > 2 and three >= "084" else "CONCEDE"
    return ROOT_TO_PLOVER[code[:2]]


def gdelt_quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


# --- PLOVER types ----------------------------------------------------------------

def test_there_are_exactly_the_sixteen_plover_types():
    assert list(plover_types()) == list(EXPECTED_TYPES)


@pytest.mark.parametrize("name", EXPECTED_TYPES)
def test_type_has_the_quad_class_score_recipient_rule_and_modes_of_the_manual(name):
    quad, recipient_needed, score, modes = EXPECTED_TYPES[name]
    t = plover_types()[name]
    assert (t.quad_class, t.recipient_needed, t.score) == (quad, recipient_needed, score)
    assert list(t.modes) == modes
    assert t.definition and all(m.definition for m in t.modes.values())


def test_accuse_score_is_minus_two_and_says_the_printed_plus_three_is_a_typo():
    accuse = plover_types()["ACCUSE"]
    assert accuse.score == -2
    assert "+3" in accuse.note and "typo" in accuse.note


def test_the_four_auxiliary_flags_are_described():
    assert set(ontology.auxiliary_flags()) == {"negated", "future", "hypothetical", "historical"}


@pytest.mark.parametrize("name", EXPECTED_TYPES)
def test_cameo_for_each_type_and_mode_is_a_code_of_that_type(name):
    for mode in [None, *plover_types()[name].modes]:
        code = cameo_for(name, mode)
        assert code.plover_type == name, (name, mode, code)
        if mode is not None:  # a mode's code is of that mode, or is the code the mode names
            assert code.plover_mode in (None, mode) or plover_types()[name].modes[mode].cameo == code.code


def test_cameo_for_picks_the_mode_code_and_falls_back_to_the_type_code():
    assert cameo_for("CONSULT", "phone").code == "041"
    assert cameo_for("CONSULT", "visit").code == "042"
    assert cameo_for("CONSULT").code == "040"
    assert cameo_for("SUPPORT").code == "050"
    assert cameo_for("AGREE").code == "030"
    assert cameo_for("RETREAT", "resign").code == cameo_for("RETREAT").code  # CAMEO has no RETREAT code for it


def test_cameo_for_rejects_unknown_modes_unless_told_to_fall_back():
    with pytest.raises(UnknownModeError, match="visit, third-party"):
        cameo_for("CONSULT", "arrest")
    assert cameo_for("SUPPORT", "praise", strict=False).code == "050"
    with pytest.raises(UnknownTypeError, match="ASSAULT"):
        cameo_for("STATEMENT")


def test_each_type_records_its_cameo_roots_and_takes_only_codes_under_them():
    types = plover_types()
    for code in cameo_codes().values():
        if code.plover_type is None:
            continue
        t = types[code.plover_type]
        assert code.root in t.cameo_roots or code.code[:3] in t.cameo_extra, code
    assert types["ASSAULT"].cameo_roots == ("18", "19", "20")
    assert types["ACCUSE"].cameo_roots == ("09", "11")


# --- CAMEO codes -----------------------------------------------------------------

def test_all_roots_and_all_their_three_digit_children_are_present():
    codes = cameo_codes()
    for root, last in LAST_CHILD.items():
        children = sorted(c for c in codes if len(c) == 3 and c.startswith(root))
        expected = [f"{int(root + '0') + i:03d}" for i in range(int(last) - int(root + "0") + 1)]
        assert root in codes and children == expected, root


def test_every_code_is_digits_and_hangs_under_an_existing_parent():
    codes = cameo_codes()
    for code in codes.values():
        assert code.code.isdigit() and len(code.code) in (2, 3, 4) and code.name
        if code.parent is not None:
            assert code.parent in codes, code.code


def test_well_known_four_digit_codes_are_there():
    for code in ["0311", "0331", "0871", "0874", "1031", "1041", "1121", "1122", "1211", "1246", "2042"]:
        assert len(cameo(code).code) == 4


def test_goldstein_scores_are_on_the_scale_and_match_gdelt():
    assert all(-10 <= c.goldstein <= 10 for c in cameo_codes().values())
    assert {code: goldstein(code) for code in GOLDSTEIN} == GOLDSTEIN


def test_quad_class_follows_the_root_as_in_gdelt():
    for code in cameo_codes():
        assert quad_class(code) == gdelt_quad(code), code


def test_plover_type_follows_the_mapping_table_and_is_null_only_for_roots_01_and_02():
    types = plover_types()
    for code in cameo_codes().values():
        assert code.plover_type == expected_plover(code.code), code.code
        if code.plover_type is None:
            assert code.root in ("01", "02")
        else:
            assert code.plover_type in types
            assert code.plover_mode is None or code.plover_mode in types[code.plover_type].modes, code


def test_cameo_accepts_two_three_and_four_digit_codes():
    assert cameo("04").name.lower() == "consult"
    assert cameo("042").plover_mode == "visit"
    assert cameo("0871").plover_mode == "ceasefire"
    assert cameo(" 173 ").plover_type == "COERCE"


@pytest.mark.parametrize("bad,hint", [("047", "040, 041"), ("21", "01-20"), ("abc", "01-20"), (42, "leading zeros")])
def test_unknown_codes_raise_a_typed_error_that_says_what_is_valid(bad, hint):
    with pytest.raises(UnknownCodeError, match=hint):
        cameo(bad)
    with pytest.raises(LookupError):
        goldstein(bad)


def test_validate_event_code_reports_undefined_modes_and_foreign_codes():
    assert validate_event_code("CONSULT", "visit", "042") == []
    assert validate_event_code("CONSULT", "visit", "043") == []  # the host's view of the same visit
    assert validate_event_code("PROTEST", "boycott", "143") == []
    assert validate_event_code("ASSAULT", None, "175") == []
    assert "not defined for CONSULT" in validate_event_code("CONSULT", "arrest", "040")[0]
    assert "maps to CONSULT, not SUPPORT" in validate_event_code("SUPPORT", None, "042")[0]
    assert "no PLOVER type" in validate_event_code("SUPPORT", None, "010")[0]
    assert "CONSULT/visit, not CONSULT/phone" in validate_event_code("CONSULT", "phone", "042")[0]
    assert "unknown PLOVER type" in validate_event_code("STATEMENT", None, None)[0]


# --- contexts --------------------------------------------------------------------

def test_there_are_the_thirty_seven_contexts_with_their_exact_names():
    assert list(contexts()) == EXPECTED_CONTEXTS


@pytest.mark.parametrize("name", EXPECTED_CONTEXTS)
def test_context_cues_are_lower_case_unique_and_each_detects_its_context(name):
    ctx = contexts()[name]
    assert ctx.definition
    assert 15 <= len(ctx.cues) <= 40
    assert len(set(ctx.cues)) == len(ctx.cues)
    for cue in ctx.cues:
        assert cue == cue.lower().strip(), cue
        assert name in detect_contexts([], cue), cue  # as text
        assert name in detect_contexts(cue.split()), cue  # as lemmas


def test_detects_economic_in_trade_and_investment_talks():
    assert detect_contexts(["trade", "and", "investment", "talk"]) == ["economic"]
    assert detect_contexts([], "Trade and investment talks") == ["economic"]


def test_detects_terrorism_in_counter_terrorism_cooperation():
    assert detect_contexts(["counter", "-", "terrorism", "cooperation"]) == ["terrorism"]
    assert detect_contexts([], "Counter-terrorism cooperation") == ["terrorism"]


def test_detects_nothing_in_a_sentence_about_nothing():
    assert detect_contexts(["the", "weather", "be", "fine", "."], "The weather was fine.") == []


def test_multi_word_cues_need_their_words_in_sequence_and_allow_a_plural():
    assert detect_contexts([], "They discussed climate change.") == ["environment"]
    assert "environment" not in detect_contexts([], "a change in the investment climate")
    assert "peacekeeping" in detect_contexts([], "two peacekeeping missions")


def test_ambiguous_words_do_not_trigger_contexts():
    assert "pro_democracy" not in detect_contexts([], "the Democratic People's Republic of Korea")
    assert "intelligence" not in detect_contexts([], "cooperation in artificial intelligence")
    assert "technology" in detect_contexts([], "cooperation in artificial intelligence")
    assert detect_contexts([], "Those who came were welcome.") == []


def test_contexts_come_in_codebook_order_whatever_the_sentence_order():
    found = detect_contexts([], "Talks on terrorism, then on trade and on the embassy.")
    assert found == ["economic", "diplomatic", "terrorism"]


# --- documentation ---------------------------------------------------------------

def test_committed_docs_equal_what_the_codebooks_render():
    doc = Path(__file__).resolve().parents[1] / "docs" / "ontology.md"
    assert doc.read_text(encoding="utf-8") == ontology.render_markdown(), (
        "docs/ontology.md is stale: regenerate it with render_markdown() (command at the top of the file)")
