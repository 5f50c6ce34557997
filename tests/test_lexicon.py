"""The trigger lexicon is data; these tests keep it consistent with the codebooks."""

import pytest

from communique.coding.lexicon import LexiconError, default_lexicon, parse_lexicon
from communique.ontology import cameo, plover_types, validate_event_code


def test_every_trigger_maps_to_a_defined_type_and_mode():
    types = plover_types()
    for sense in default_lexicon().all_senses():
        assert sense.type in types, f"{sense.rule}: unknown type {sense.type}"
        if sense.mode is not None:
            assert sense.mode in types[sense.type].modes, f"{sense.rule}: mode {sense.mode} not defined for {sense.type}"


def test_every_trigger_cameo_code_exists_and_agrees_with_its_type():
    for sense in default_lexicon().all_senses():
        assert sense.cameo, f"{sense.rule} has no CAMEO code"
        cameo(sense.cameo)  # raises on an unknown code
        problems = [p for p in validate_event_code(sense.type, sense.mode, sense.cameo) if "mode" not in p]
        assert not problems, f"{sense.rule}: {problems}"


def test_all_sixteen_types_have_triggers():
    covered = {s.type for s in default_lexicon().all_senses()}
    assert covered == set(plover_types())


def test_unknown_constraint_is_refused():
    with pytest.raises(LexiconError, match="unknown field"):
        parse_lexicon({"verbs": {"meet": [{"type": "CONSULT", "requires_objekt": True}]}})


def test_every_plover_mode_can_be_coded():
    """Each (type, mode) of the ontology has a trigger of its own, or is derived from
    the act another act is about ("threatened to arrest" → THREATEN/arrest)."""
    lex = default_lexicon()
    reachable = {(s.type, s.mode) for s in lex.all_senses()}
    reachable |= {(t, m) for t, table in lex.derived_modes.items() for m in table.values()}
    missing = [(t, m) for t, pt in plover_types().items() for m in pt.modes if (t, m) not in reachable]
    assert missing == []


def test_every_constraint_the_lexicon_accepts_is_applied_by_the_coder():
    """A constraint the loader accepts but no code reads would silently do nothing
    (as 'requires_gathering', 'requires_held' and 'requires_adv_any' once did)."""
    import re
    from pathlib import Path

    import communique.coding.coder as coder
    import communique.pipeline as pipeline
    from communique.coding.lexicon import KNOWN_KEYS

    code = Path(coder.__file__).read_text() + Path(pipeline.__file__).read_text()
    structural = {"type", "mode", "cameo", "target", "lemmas"}  # read by the loader itself
    unread = sorted(k for k in KNOWN_KEYS - structural if not re.search(rf"[\"']{k}[\"']", code))
    assert not unread, f"accepted but never applied: {unread}"
