from communique.text import fold, normalise


def test_normalise_keeps_every_offset():
    original = "Chen Min\u2019er met\u00a0Norov \u201cin Chongqing\u201d \u2013 on 24\u202fAugust.\r\n"
    cleaned = normalise(original)
    assert len(cleaned) == len(original)
    assert "Min'er" in cleaned and "met Norov" in cleaned and '"in Chongqing"' in cleaned
    # the same offsets point at the same words in both texts
    start = cleaned.index("Chongqing")
    assert original[start:start + len("Chongqing")] == "Chongqing"


def test_normalise_replaces_control_characters_one_for_one():
    text = "a\x00b\x07c"
    assert normalise(text) == "a b c"


def test_fold_is_case_accent_and_hyphen_insensitive():
    assert fold("Secretary-General") == fold("secretary general")
    assert fold("Erdoğan") == fold("Erdogan")
    assert fold("Min\u2019er") == fold("Min'er")
