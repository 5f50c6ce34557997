"""What a document refers to besides events: named instruments (agreements,
programmes, concepts, resolutions), named gatherings (summits, forums, expos,
sessions) with their dates and places, and the areas of cooperation it lists."""

from __future__ import annotations

import re
from typing import Sequence

from spacy.tokens import Doc, Span as SpacySpan, Token

from communique.model import Gathering, Instrument, Place, Span

_INSTRUMENT_HEADS = (
    "Agreement|Treaty|Memorandum|Convention|Charter|Declaration|Protocol|Programme|Program|Concept|"
    "Regulations|Regulation|Strategy|Plan|Roadmap|Road Map|Resolution|Accord|Pact|Statute|Initiative|"
    "Action Plan|Framework|Communiqu[eé]|Joint Statement|Code of Conduct"
)
_CONNECT = r"(?:of|on|for|in|and|the|between|to|against|with|&)"
_CALENDAR = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
             r"July|August|September|October|November|December)\b")
_CAP = rf"(?:(?!{_CALENDAR})[A-Z][\w'’.-]*|\d+(?:st|nd|rd|th)?)"
# "the Strategy for Cooperation of the Member States in Transport and Energy ..."
_INSTRUMENT = re.compile(
    rf"\b(?:{_CAP}\s+)*?(?:{_INSTRUMENT_HEADS})\b(?:\s+(?:{_CONNECT}\s+)*{_CAP})*"
)
_GATHERING_HEADS = {"summit", "forum", "expo", "exhibition", "conference", "session", "congress",
                    "meeting", "fair", "games", "festival", "dialogue", "assembly", "symposium"}
_NOT_GATHERING = {"meeting"}  # a bare "the meeting" is an event, not a named gathering
_COOPERATION = {"cooperation", "co-operation", "collaboration", "ties", "relations", "partnership",
                "interaction", "links", "exchanges"}


def _trim(name: str) -> str:
    words = name.split()
    while words and words[-1].lower() in {"of", "on", "for", "in", "and", "the", "between", "to", "with", "&"}:
        words.pop()
    while words and words[0].lower() in {"the", "a", "an"}:
        words.pop(0)
    return " ".join(words)


_NEXT_INSTRUMENT = re.compile(rf"\s+and\s+(?:the\s+)?(?=(?:{_CAP}\s+)*?(?:{_INSTRUMENT_HEADS})\b)")


def instrument_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of named instruments: "the Regulations of X and the
    Programme for Y" is two instruments, not one."""
    spans: list[tuple[int, int]] = []
    for m in _INSTRUMENT.finditer(text):
        raw = m.group(0)
        pieces, pos = [], 0
        for sep in _NEXT_INSTRUMENT.finditer(raw):
            pieces.append((pos, sep.start()))
            pos = sep.end()
        pieces.append((pos, len(raw)))
        for a, b in pieces:
            chunk = raw[a:b]
            name = _trim(chunk)
            if len(name.split()) < 2:
                continue  # a bare head word ("Agreement") is not a name
            start = m.start() + a + chunk.find(name)
            spans.append((start, start + len(name)))
    return spans


def _spans_of(doc: Doc) -> list[tuple[int, int]]:
    """The instrument spans the mention finder found, else found now."""
    cached = doc._.instrument_spans if Doc.has_extension("instrument_spans") else None
    return cached if cached is not None else instrument_spans(doc.text)


def find_instruments(doc: Doc) -> list[Instrument]:
    text = doc.text
    out: list[Instrument] = []
    seen: set[str] = set()
    for start, end in _spans_of(doc):
        name = text[start:end]
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        out.append(Instrument(name=name, span=Span(start, end), kind=_kind(name)))
    return out


def _kind(name: str) -> str:
    low = name.lower()
    for word in ("agreement", "treaty", "memorandum", "convention", "charter", "declaration", "protocol",
                 "programme", "program", "concept", "regulations", "strategy", "plan", "roadmap",
                 "resolution", "accord", "pact", "initiative", "framework", "statement"):
        if word in low:
            return word
    return "instrument"


def _gathering_words(name: str) -> set[str]:
    stop = {"the", "of", "a", "an", "in", "on", "and"}
    words = {w.strip("'’").lower() for w in name.split()} - stop
    return {w for w in words if not re.fullmatch(r"\d+(st|nd|rd|th)?", w)}


def find_gatherings(doc: Doc, times: Sequence, gazetteer) -> list[Gathering]:
    """Named gatherings: an ordinal, a proper name or a place before the head
    noun.  Restatements ("the 2nd Smart China Expo" ... "the Smart China Expo
    held in Kazan between 4 and 7 May") are one gathering, with the
    dates and place of whichever mention states them."""
    out: list[Gathering] = []
    inside = _spans_of(doc)
    index = doc._.mention_index or {}
    for tok in doc:
        if tok.lemma_.lower() not in _GATHERING_HEADS or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if any(a <= tok.idx < b for a, b in inside):
            continue  # "the Rules of the Mayors Forum" names a document
        left = tok.left_edge.i
        while left < tok.i and (doc[left].dep_ in ("det", "predet", "punct") or doc[left].lower_ in ("the", "a", "an", "its", "his", "her", "their")):
            left += 1
        mods = doc[left:tok.i]
        named = any(t.pos_ == "PROPN" or t.ent_type_ in ("ORDINAL", "GPE", "ORG", "NORP", "FAC", "EVENT") for t in mods)
        end = tok.i + 1
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            if pobj is not None and (pobj.pos_ == "PROPN" or pobj.ent_type_):
                end = pobj.right_edge.i + 1
                named = True
        if not named:
            continue
        # drop relative/participial clauses from the name
        span = doc[left:end]
        raw = span.text
        name = raw.strip()
        name_start = span.start_char + (len(raw) - len(raw.lstrip()))
        if name.endswith("'s") or name.endswith("’s"):
            continue
        start_date = end_date = None
        location = None
        sent = tok.sent
        # dates and places stated with it: "held in Kazan between 4 and 7 May"
        scope_lo = span.start_char
        scope_hi = sent.end_char
        acl = next((c for c in tok.children if c.dep_ in ("acl", "relcl")), None)
        if acl is not None:
            scope_hi = acl.right_edge.idx + len(acl.right_edge)
        else:
            scope_hi = min(sent.end_char, doc[tok.right_edge.i].idx + len(doc[tok.right_edge.i]))
        for t in times:
            if scope_lo <= t.span.start < scope_hi and t.value:
                start_date = t.value
                end_date = t.end or t.value
                break
        stated = list(doc[tok.i + 1:doc[tok.right_edge.i].i + 1] if acl is None else acl.subtree)
        for t in stated + list(doc[left:tok.i]):
            m = index.get(t.i)
            is_place = t.ent_type_ in ("GPE", "LOC") or (m is not None and m.kind in ("state", "subnational", "place"))
            if is_place and t.dep_ in ("compound", "pobj", "nmod", "amod", "npadvmod"):
                if m is not None and m.name:
                    s0, s1, text = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]), m.name
                else:
                    ent = next((e for e in doc.ents if e.start <= t.i < e.end), None)
                    if ent is None:
                        continue
                    s0, s1, text = ent.start_char, ent.end_char, ent.text
                place = gazetteer.lookup(text)
                if place is not None:
                    rule = "stated with the gathering" if t.i > tok.i else "in the gathering's name"
                    location = Place(text, place.country, place.lat, place.lon, place.geonameid,
                                     Span(s0, s1), rule)
                    break
        words = _gathering_words(name)
        same = next((g for g in out if _gathering_words(g.name) <= words or words <= _gathering_words(g.name)), None)
        if same is not None:
            if same.start is None and start_date is not None:
                same.start, same.end = start_date, end_date
            if location is not None and (same.location is None or (
                    same.location.rule != "stated with the gathering" and location.rule == "stated with the gathering")):
                same.location = location
            if len(name) > len(same.name) and not re.match(r"\d", same.name):
                same.name, same.span = name, Span(name_start, name_start + len(name))
            continue
        out.append(Gathering(name=name, span=Span(name_start, name_start + len(name)),
                             start=start_date, end=end_date, location=location))
    return out


def find_topics(doc: Doc) -> list[str]:
    """Areas of cooperation: "trade, economic, research ... and humanitarian cooperation"."""
    topics: list[str] = []
    for tok in doc:
        if tok.lemma_.lower() not in _COOPERATION or tok.pos_ != "NOUN":
            continue
        for mod in tok.lefts:
            if mod.dep_ not in ("amod", "compound", "nmod"):
                continue
            for t in [mod] + list(mod.conjuncts):
                word = t.lower_
                if t.pos_ in ("ADJ", "NOUN", "PROPN") and word.isalpha() and word not in (
                        "further", "close", "closer", "mutual", "bilateral", "multilateral", "practical",
                        "comprehensive", "strategic", "interregional", "regional", "international",
                        "good", "friendly", "mutually", "beneficial", "broad", "deep", "deeper", "active",
                        "growing", "new", "existing", "fruitful", "long-standing", "all-round", "pragmatic",
                        "traditional", "sco", "future", "effective", "productive", "strong") and word not in topics:
                    topics.append(word)
    return topics
