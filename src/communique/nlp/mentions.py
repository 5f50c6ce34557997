"""Actor mentions on a parsed Doc: names with the titles, roles and
appositions around them, collectives ("Kenyan police"), metonyms ("Beijing"),
and definite descriptions ("the SCO Secretary-General") for coreference.

Long titles are parsed badly by the small English model ("Deputy Permanent
Representative of the Republic of Freedonia to the Union Ana Ruiz" comes out as a
string of compounds and prepositions), so titled names are found on the
surface — a run of title-case words and connectors ending in a name — and every
token of the run is mapped to the mention.  An argument found on the parse
anywhere inside the run then resolves to the person, not to a country in the
title.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

import yaml
from communique.coding.references import instrument_spans
from communique.place import find_dateline
from spacy.tokens import Doc, Span as SpacySpan, Token

# Words allowed inside a title phrase besides title-case words.
_CONNECTORS = {"of", "the", "for", "and", "in", "on", "to", "ad", "de", "du", "'s", "'", "-", "&", "at"}
_HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "h.e.", "h.e", "madam", "sir", "prof", "prof.",
               "excellency", "his", "her"}
_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
_PLURAL_PRONOUNS = {"they", "them", "their", "theirs"}
_IT_PRONOUNS = {"it", "its"}
_FIRST_PERSON = {"we", "us", "our", "ours"}
# Capitalised words the small NER model takes for one-word person names.
_NOT_NAMES = {"States", "Nations", "Members", "Parties", "Forces", "Affairs", "Republic", "Union", "Kingdom",
              "Council", "Committee", "Assembly", "Ministry", "Government", "Parliament", "Secretariat",
              "Member", "Minister", "President", "Summit", "Forum", "Office", "Agency", "Court"}
# Lower-case words that stay inside a title phrase ("Nigerian junior foreign minister").
_TITLE_MODIFIERS = {"junior", "senior", "deputy", "vice", "former", "acting", "top", "chief", "first",
                    "interim", "outgoing", "incoming", "new", "newly", "appointed", "elected", "then",
                    "state", "foreign", "defence", "defense", "interior", "finance", "trade", "prime",
                    "counterpart"}
_ORGAN_WORDS = {"council", "committee", "executive", "secretariat", "commission", "board", "assembly",
                "conference", "presidium", "bureau", "permanent", "general", "security", "standing"}
_ORG_HEADS = {"party", "movement", "front", "alliance", "coalition", "group", "union", "bloc", "faction"}
# words by which an organisation's name says it works across borders
TRANSNATIONAL = re.compile(r"(?i)\b(?:international|world|global|regional|african|european|asian|continental)\b")
_ENVOY = re.compile(r"(?i)\b(?:ambassador|envoy|representative|delegate|emissary)s?\b")
_SUBNATIONAL_NOUNS = {"municipal", "city", "provincial", "regional", "local", "state", "municipality", "province"}
# bodies that act as one even unnamed: "the military was behind it", "law enforcement charged him"
_INSTITUTIONS = {"military", "army", "police", "enforcement", "navy", "junta", "judiciary"}
_GOV_NOUNS = {"government", "authorities", "authority", "administration", "leadership"}


def _parenthesis_start(doc: Doc, close: int, floor: int) -> int | None:
    """Index of the "(" that opens a parenthetical abbreviation ending at
    ``close`` ("(SCO)", "(MoS)"), or None."""
    if doc[close].text != ")":
        return None
    for j in range(close - 1, max(floor, close - 3) - 1, -1):
        if doc[j].text == "(":
            return j if _abbreviation_inside(doc, j + 1, close) else None
    return None


def _parenthesis_end(doc: Doc, opening: int, ceiling: int) -> int | None:
    """Index just after the ")" closing a parenthetical abbreviation opened at ``opening``."""
    if opening >= len(doc) or doc[opening].text != "(":
        return None
    for j in range(opening + 1, min(ceiling, opening + 4)):
        if doc[j].text == ")":
            return j + 1 if _abbreviation_inside(doc, opening + 1, j) else None
    return None


def _abbreviation_inside(doc: Doc, start: int, end: int) -> bool:
    """"(SCO)", "(MoS)", "(UN DPPA)": only abbreviations, which a title may carry."""
    return end > start and all(_acronym(doc[k].text) or doc[k].text.isupper() for k in range(start, end))


def _inside_parenthesis(span: SpacySpan, i: int) -> bool:
    depth = 0
    for t in span:
        if t.text == "(":
            depth += 1
        if t.i == i:
            return depth > 0
        if t.text == ")":
            depth = max(0, depth - 1)
    return False


@lru_cache(maxsize=1)
def _portfolio_words() -> frozenset[str]:
    return frozenset(w.lower() for w in _cue_data().get("portfolio_words", ()))


def _ethnic(doc: Doc, start: int) -> int:
    """1 when "ethnic" stands before a demonym: "ethnic Albanians in Serbia" are a
    people, not Albania's — their country is where the text places them."""
    return 1 if start > 0 and doc[start - 1].lower_ == "ethnic" else 0


def _placed_in(head: Token, label_at) -> str | None:
    """The KB id of the state a group is placed in: "Albanians in Serbia", "guerrillas
    operating in Macedonia", "Kurds living in Syria"."""
    heads = [head] + [c for c in head.children if c.dep_ in ("acl", "relcl")]
    for h in heads:
        for p in h.children:
            if p.dep_ == "prep" and p.lower_ in ("in", "inside", "across", "throughout"):
                for o in p.children:
                    sp = label_at.get(o.i)
                    if o.dep_ == "pobj" and sp is not None and sp.label_ in {"STATE", "CAPITAL", "SUBNATIONAL"}:
                        return sp.kb_id_
    return None


@dataclass(eq=False)
class Mention:
    """A token-level actor mention inside one Doc (internal to the NLP stage)."""

    start: int  # token span of the whole mention (title + name)
    end: int
    kind: str  # person | organisation | state | subnational | collective | pronoun | description
    name: str | None = None  # the name as written (None for unnamed actors)
    name_start: int | None = None
    name_end: int | None = None
    role: str | None = None
    role_start: int | None = None  # char span of the role phrase
    role_end: int | None = None
    org: str | None = None
    country: str | None = None
    sector: str | None = None
    kb_id: str | None = None
    rank: int | None = None
    rule: str = ""
    antecedent: "Mention | None" = None
    plural: bool = False
    members: list["Mention"] = field(default_factory=list)  # "US and South Korean troops": the other countries' troops

    @property
    def resolved(self) -> "Mention":
        """The named mention this one ultimately refers to (itself if none)."""
        m, seen = self, 0
        while m.antecedent is not None and seen < 20:
            m, seen = m.antecedent, seen + 1
        return m

    def char_span(self, doc: Doc) -> tuple[int, int]:
        if self.name_start is not None:
            s, e = self.name_start, self.name_end
        else:
            s, e = self.start, self.end
        return doc[s].idx, doc[e - 1].idx + len(doc[e - 1])


@lru_cache(maxsize=1)
def _trigger_lemmas() -> frozenset[str]:
    from communique.coding.lexicon import default_lexicon

    lex = default_lexicon()
    return frozenset(lex.verbs) | {"say", "hold", "tell", "call", "vow", "hail", "eye", "mull", "hit", "slam"}


def _acronym(word: str) -> bool:
    """"MoU", "CFM", "UNGA": capitals inside a short word."""
    return len(word) <= 6 and sum(c.isupper() for c in word) >= 2


def _headline_verb(word: str) -> bool:
    """"meets", "holds", "says", "urges": a verb in the third person of a trigger."""
    if not word.endswith("s") or len(word) < 4:
        return False
    lemmas = _trigger_lemmas()
    return word[:-1] in lemmas or (word.endswith("es") and word[:-2] in lemmas)


@lru_cache(maxsize=1)
def _cue_data() -> dict:
    return yaml.safe_load(resources.files("communique").joinpath("data/sector_cues.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def sector_cues() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    data = _cue_data()
    org_words = tuple((w.lower(), s) for w, s in data["org_words"])
    return org_words, {k.lower(): v for k, v in data["collective_nouns"].items()}


def sector_from_words(text: str) -> str | None:
    low = f" {text.lower()} "
    for cue, sector in sector_cues()[0]:
        if f" {cue} " in low or f" {cue}'s " in low:
            return sector
    return None


class MentionFinder:
    """Builds ``doc._.mentions`` from entities, knowledge-base spans and the parse."""

    def __init__(self, kb) -> None:
        self.kb = kb

    # -- helpers over KB spans ------------------------------------------------

    @staticmethod
    def _kb_spans(doc: Doc) -> list[SpacySpan]:
        return list(doc.spans.get("kb", []))

    # -- main -----------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        kb_spans = self._kb_spans(doc)
        label_at: dict[int, SpacySpan] = {}
        for sp in kb_spans:
            for i in range(sp.start, sp.end):
                prev = label_at.get(i)
                if prev is None or len(prev) < len(sp):
                    label_at[i] = sp
        # Looked up token by token below and again by the coder and the pipeline:
        # computed once per document and kept on the Doc.
        doc._.kb_label_at = label_at
        doc._.instrument_spans = instrument_spans(doc.text)
        doc._.dateline = dateline = find_dateline(doc.text)
        mentions: list[Mention] = []
        taken: set[int] = set()

        names = self._name_spans(doc, kb_spans)
        # a dateline ("NAIROBI, 9 May 2023 –") names where, not who
        if dateline is not None:
            d0, d1 = dateline[1].start, dateline[1].end
            names = [sp for sp in names if not (d0 <= sp.start_char < d1)]
        # Persons first: their titles swallow the organisations and countries they name.
        for sp in names:
            if sp.label_ == "PERSON":
                m = self._person(doc, sp, label_at)
                if m and not (set(range(m.start, m.end)) & taken):
                    mentions.append(m)
                    taken.update(range(m.start, m.end))
        def take(found: Iterable[Mention | None]) -> None:
            for m in found:
                if m is not None and not (set(range(m.start, m.end)) & taken):
                    mentions.append(m)
                    taken.update(range(m.start, m.end))

        take(self._surnames(doc, mentions, taken))
        # Titles without a name next: "the SCO Secretary-General" swallows "SCO".
        take(self._titles_without_names(doc, label_at, taken))
        take(self._named_non_person(doc, sp, label_at) for sp in names
             if sp.label_ != "PERSON" and not (set(range(sp.start, sp.end)) & taken))
        take(self._collectives(doc, label_at, taken))
        take(self._peoples(doc, label_at, taken))
        for tok in doc:
            if tok.i in taken:
                continue
            low = tok.lower_
            if tok.pos_ == "PRON" and (low in _PERSON_PRONOUNS or low in _PLURAL_PRONOUNS
                                       or low in _IT_PRONOUNS or low in _FIRST_PERSON):
                kind = "pronoun"
                mentions.append(Mention(tok.i, tok.i + 1, kind, rule=f"pronoun:{low}",
                                        plural=low in _PLURAL_PRONOUNS or low in _FIRST_PERSON))
                taken.add(tok.i)
        mentions.sort(key=lambda m: m.start)
        self._people_taken_for_places(doc, mentions)
        self._titles_before_comma(doc, mentions)
        mentions = self._group_nouns_before_names(doc, mentions)
        self._members_of_bodies(doc, mentions)
        doc._.mentions = mentions
        index: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                index[i] = m
        doc._.mention_index = index
        return doc

    # -- candidate names --------------------------------------------------------

    def _name_spans(self, doc: Doc, kb_spans: list[SpacySpan]) -> list[SpacySpan]:
        """NER entities and KB matches, merged: longest first, no overlaps."""
        wanted = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
        cands: list[tuple[int, int, str, str, int]] = []  # start, end, label, kb_id, priority
        for ent in doc.ents:
            if ent.label_ in wanted:
                s, e = ent.start, ent.end
                while s < e and doc[s].lower_ in ("the", "a", "an"):
                    s += 1
                while e > s and doc[e - 1].is_punct:
                    e -= 1
                # "SCO's pavilion": the possessive is not part of the name
                if e > s and doc[e - 1].tag_ == "POS":
                    e -= 1
                # headlines in title case: "Wang Yi Meets with ..." — the verb is not a name
                while e > s + 1 and _headline_verb(doc[e - 1].lower_):
                    e -= 1
                # "Vice Premier Liu He": a capitalised "He" right after a name, mid-sentence, is its end
                if ent.label_ == "PERSON" and e < len(doc) and doc[e].text in ("He", "Xi", "Li") \
                        and not doc[e].is_sent_start and doc[e].i == ent.end:
                    e += 1
                label = ent.label_
                # "the Freedom Union party": the generic head noun is part of the name
                if label == "ORG" and e < len(doc) and doc[e].lemma_.lower() in _ORG_HEADS \
                        and doc[e - 1].head.i == e and doc[e].pos_ == "NOUN":
                    e += 1
                if label == "ORG":
                    # "MoS Lekhi", "Ambassador Haque" as one ORG: a title and a name
                    t = s
                    while t < e and self._is_title_token(doc, t):
                        t += 1
                    if s < t < e and e - t <= 3 and all(doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper()
                                                        and k not in doc._.kb_label_at for k in range(t, e)) \
                            and sector_from_words(doc[t:e].text) is None:
                        s, label = t, "PERSON"
                if s < e:
                    cands.append((s, e, label, "", 0))
        # NER takes pieces of document names for organisations ("the Concept of
        # Cooperation of the SCO ..."): an unknown organisation inside a named
        # instrument is not an actor.
        inside = doc._.instrument_spans
        cands = [c for c in cands if c[2] not in ("ORG", "FAC") or not any(
            a <= doc[c[0]].idx < b for a, b in inside)]
        # a nationality word the NER took for a name ("Tajik forces"): a modifier, not an actor
        demonyms = {(sp.start, sp.end) for sp in kb_spans if sp.label_ == "DEMONYM"}
        cands = [c for c in cands if c[4] or (c[0], c[1]) not in demonyms]
        for sp in kb_spans:
            if sp.label_ == "TITLE" or sp.label_ == "DEMONYM":
                continue
            label = {"STATE": "GPE", "CAPITAL": "GPE", "SUBNATIONAL": "GPE", "IGO": "ORG", "PERSON": "PERSON"}.get(sp.label_, sp.label_)
            cands.append((sp.start, sp.end, label, sp.kb_id_, 1))
        # Known persons first (the NER often runs a title into a name: "UN
        # Secretary-General Antonio Guterres" as one ORG); then the longest span,
        # at equal length the KB span (it carries an id).
        cands.sort(key=lambda c: (not (c[4] and c[2] == "PERSON"), -(c[1] - c[0]), -c[4], c[0]))
        chosen: list[SpacySpan] = []
        used: set[int] = set()
        for s, e, label, kb_id, _ in cands:
            if used.intersection(range(s, e)):
                continue
            # A person name that is really a title ("Secretary-General") is not a name,
            # nor is a plural proper noun ("Member States").
            if label == "PERSON" and not kb_id and (all(self._is_title_token(doc, i) for i in range(s, e))
                                                    or (e - s == 1 and (doc[s].tag_ == "NNPS" or doc[s].text in _NOT_NAMES
                                                                        or _acronym(doc[s].text)))):
                continue  # "MoU", "CFM": abbreviations the NER took for names
            if label == "PERSON" and not kb_id:
                # "Deputy Minister of Infrastructure Serhiy Derkach": the NER tagged only
                # the surname; capitalised words right before it, outside titles and
                # known names, belong to the name
                first = s
                while s > 0 and first - s < 2 and doc[s - 1].pos_ == "PROPN" and doc[s - 1].text[:1].isupper() \
                        and not self._is_title_token(doc, s - 1) and (s - 1) not in used \
                        and doc[s - 1].lower_ not in _HONORIFICS \
                        and not (s > 1 and doc[s - 2].lower_ in _CONNECTORS) \
                        and (s - 1) not in doc._.kb_label_at:
                    s -= 1
                # "H.E. Ms. Battsetseg Batmunkh": honorifics are no name; the name follows them
                while s < e and doc[s].lower_ in _HONORIFICS:
                    s += 1
                if s == e:
                    k = e
                    while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper() and k - e < 4:
                        k += 1
                    if k == e:
                        continue
                    e = k
            if label == "PERSON" and kb_id and doc[s].ent_type_ == "PERSON" and doc[s].ent_iob_ == "I":
                # "Makhdoom Shah Mehmood Qureshi": the knowledge base knows the shorter
                # name; the NER's longer one is the name as written
                while s > 0 and doc[s - 1].ent_type_ == "PERSON" and (s - 1) not in used \
                        and not self._is_title_token(doc, s - 1) and doc[s - 1].lower_ not in _HONORIFICS:
                    s -= 1
            span = SpacySpan(doc, s, e, label=label, kb_id=kb_id)
            chosen.append(span)
            used.update(range(s, e))
        chosen.sort(key=lambda sp: sp.start)
        # "Abdisaid Muse" + "Ali": two unknown person names with nothing between are one name
        merged: list[SpacySpan] = []
        for sp in chosen:
            prev = merged[-1] if merged else None
            if prev is not None and sp.label_ == prev.label_ == "PERSON" and prev.end == sp.start \
                    and not prev.kb_id_ and not sp.kb_id_ and doc[prev.end - 1].tag_ != "POS":
                merged[-1] = SpacySpan(doc, prev.start, sp.end, label="PERSON")
            else:
                merged.append(sp)
        return merged

    @staticmethod
    def _is_title_token(doc: Doc, i: int) -> bool:
        sp = (doc._.kb_label_at or {}).get(i)
        return sp is not None and sp.label_ == "TITLE"

    # -- persons -------------------------------------------------------------------

    def _person(self, doc: Doc, name: SpacySpan, label_at: dict[int, SpacySpan]) -> Mention | None:
        s, e = name.start, name.end
        # strip honorifics and title words the NER put inside the name ("Secretary Chen")
        while s < e - 1 and (doc[s].lower_ in _HONORIFICS or self._is_title_token(doc, s)):
            s += 1
        if s >= e:
            return None
        name_text = doc[s:e].text
        kb_person = self.kb.person(name_text) if self.kb else None
        if kb_person is None and name.kb_id_ and self.kb:
            kb_person = self.kb.get(name.kb_id_)
        m = Mention(start=s, end=e, kind="person", name=name_text, name_start=s, name_end=e,
                    kb_id=kb_person.kb_id if kb_person else None, rule="ner:person")
        title_start = self._title_prefix(doc, name.start, label_at)
        if title_start is not None and title_start < name.start:
            self._apply_title(doc, m, title_start, name.start, label_at)
            m.start = title_start
            m.rule = "title-before-name"
        else:
            app = self._apposition(doc, e, label_at)
            if app is not None:
                a_start, a_end = app
                self._apply_title(doc, m, a_start, a_end, label_at, choose_best=True)
                m.end = a_end
                m.rule = "apposition"
        if e + 1 < len(doc) and doc[e].lower_ == "of":
            after = label_at.get(e + 1) or (label_at.get(e + 2) if doc[e + 1].lower_ == "the" else None)
            if after is not None and after.label_ in {"STATE", "CAPITAL"} and m.country in (None, "IGO") and m.org is None:
                m.country = self.kb.country_code_for(after.kb_id_)
                m.end = after.end
        if m.country is None and kb_person is not None:
            m.country = kb_person.country
        return m

    def _title_prefix(self, doc: Doc, name_start: int, label_at: dict[int, SpacySpan]) -> int | None:
        """Start of the title phrase right before a name, or None."""
        sent_start = doc[name_start].sent.start
        i = name_start - 1
        has_title = False
        while i >= sent_start:
            tok = doc[i]
            sp = label_at.get(i)
            if sp is not None and sp.label_ == "TITLE":
                has_title = True
                i = sp.start - 1
                continue
            opening = _parenthesis_start(doc, i, sent_start)
            if opening is not None:
                i = opening - 1  # "Secretary-General of the Union (AU) Ana Ruiz"
                continue
            if sp is not None and sp.label_ in {"STATE", "CAPITAL", "IGO", "SUBNATIONAL", "DEMONYM"}:
                i = sp.start - 1
                continue
            if (sp is not None and sp.label_ == "PERSON") or tok.ent_type_ == "PERSON" or tok.lower_ in ("and", ","):
                break  # "Foreign Minister Sergey Lavrov and President Tokayev": each name has its own title
            text = tok.text
            if tok.lower_ in _TITLE_MODIFIERS:
                i -= 1
                continue
            if text[:1].isupper() or tok.lower_ in _CONNECTORS or tok.is_digit or tok.tag_ == "POS" or tok.like_num:
                if tok.lower_ in ("the",) or text in ("The",):
                    i -= 1
                    break
                if tok.ent_type_ == "DATE" or tok.pos_ == "VERB":
                    break
                i -= 1
                continue
            break
        start = i + 1
        # Do not start on a connector
        while start < name_start and doc[start].lower_ in _CONNECTORS:
            start += 1
        if not has_title:
            return None
        return start

    def _apposition(self, doc: Doc, name_end: int, label_at: dict[int, SpacySpan]) -> tuple[int, int] | None:
        """", member of ... and Secretary of the ... Committee," after a name."""
        if name_end >= len(doc) or doc[name_end].text != ",":
            return None
        sent_end = doc[name_end - 1].sent.end
        i = name_end + 1
        has_title = False
        while i < sent_end:
            tok = doc[i]
            if tok.text in {",", ".", ";", ":", "(", ")", '"'} or tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "relcl":
                break
            sp = label_at.get(i)
            if sp is not None and sp.label_ == "TITLE":
                has_title = True
            i += 1
        if not has_title or i == name_end + 1:
            return None
        return name_end + 1, i

    def _apply_title(self, doc: Doc, m: Mention, start: int, end: int, label_at, choose_best: bool = False) -> None:
        """Read role, organisation, country and sector from a title phrase."""
        titles: list[SpacySpan] = []
        i = start
        while i < end:
            sp = label_at.get(i)
            if sp is not None and sp.label_ == "TITLE":
                if not (sp.start > 0 and doc[sp.start - 1].text == "("):  # "(MoS)" restates the title
                    titles.append(sp)
                i = sp.end
            else:
                i += 1
        if not titles:
            return
        chosen = titles[0]
        if choose_best or len(titles) > 1:
            ranked = [(self._title_rank(t), -t.start, t) for t in titles]
            # the best (lowest) rank; ties → the last title ("member of ... and Secretary of ...")
            chosen = min(ranked, key=lambda r: (r[0], r[1]))[2]
        # the role phrase runs from the chosen title to the next title or the end
        nxt = [t.start for t in titles if t.start > chosen.start]
        role_end = min(nxt) if nxt else end
        while role_end > chosen.end and doc[role_end - 1].lower_ in _CONNECTORS | {","}:
            role_end -= 1
        # a posting place ("... in China") is not part of the role
        for j in range(chosen.end, role_end):
            if doc[j].lower_ in ("in", "to") and j > chosen.end:
                role_end = j
                break
        role_span = doc[chosen.start:role_end]
        # "Minister of State (MoS) for Culture": the role reads without the abbreviation
        m.role = role_span.text
        if "(" in m.role:
            m.role = " ".join("".join(t.text_with_ws for t in role_span
                                      if not _inside_parenthesis(role_span, t.i)).split())
        m.role_start, m.role_end = role_span.start_char, role_span.end_char
        entry = self.kb.title(chosen.text) if self.kb else None
        if entry is not None and (chosen.text.isupper() or _acronym(chosen.text)) and len(chosen.text) <= 4 and role_end == chosen.end:
            m.role = entry.title  # "PM" is "Prime Minister"; the span still points at "PM
        m.rank = entry.rank if entry else None
        # organisation and country: the phrase's KB spans, modifiers first
        org_sp = country = org_name = None
        for j in range(start, end):
            sp = label_at.get(j)
            if sp is None or sp.start != j:
                continue
            if j > chosen.end and j >= role_end and doc[j - 1].lower_ in ("in", "to"):
                continue  # posting place or destination
            if sp.label_ == "IGO" and org_sp is None:
                org_sp = sp
            elif sp.label_ in {"STATE", "CAPITAL", "DEMONYM", "SUBNATIONAL"} and country is None:
                country = self.kb.country_code_for(sp.kb_id_)
        if org_sp is None and country is None:
            # a title variant that names its organisation ("UN Secretary-General")
            for tok in chosen:
                for match in self.kb.match(tok.text) if tok.text[:1].isupper() else ():
                    entry = match.entry
                    if getattr(entry, "kind", "") == "organisation" and org_sp is None:
                        org_sp = SpacySpan(doc, tok.i, tok.i + 1, label="IGO", kb_id=entry.kb_id)
                    elif getattr(entry, "kind", "") == "state" and country is None:
                        country = entry.iso3
        complement = doc[chosen.end:role_end].text
        org_words_sector = sector_from_words(doc[start:role_end].text)
        if org_sp is not None and country is not None and _ENVOY.search(chosen.text):
            # "Britain's U.N. ambassador": a state's envoy to the organisation acts for the state
            m.org = self.kb.display_name(org_sp.kb_id_) or org_sp.text
            m.country, m.sector = country, "GOV"
        elif org_sp is not None:
            m.org = self.kb.display_name(org_sp.kb_id_) or org_sp.text
            m.country = "IGO" if self.kb.is_igo(org_sp.kb_id_) else (country or self.kb.country_code_for(org_sp.kb_id_))
            m.sector = "IGO" if m.country == "IGO" else (org_words_sector or (entry.sector if entry else None))
        else:
            if complement.lower().startswith(" of ") or complement.lower().startswith("of "):
                org_name = complement.strip()[3:].strip()
                if org_name.lower().startswith("the "):
                    org_name = org_name[4:]
                m.org = org_name or None
            m.country = country
            m.sector = org_words_sector if org_words_sector else (entry.sector if entry else None)
            if m.sector == "IGO" and m.country != "IGO":
                m.sector = "GOV"

    def _title_rank(self, sp: SpacySpan) -> int:
        entry = self.kb.title(sp.text) if self.kb else None
        return entry.rank if entry and entry.rank is not None else 50

    # -- organisations, states, places --------------------------------------------

    def _named_non_person(self, doc: Doc, sp: SpacySpan, label_at) -> Mention | None:
        kb_id = sp.kb_id_
        if sp.label_ in {"GPE", "LOC", "FAC"}:
            if kb_id:
                kind = self.kb.kind_of(kb_id)
                return Mention(sp.start, sp.end, kind, name=sp.text, name_start=sp.start, name_end=sp.end,
                               country=self.kb.country_code_for(kb_id), sector="GOV", kb_id=kb_id,
                               rule=f"kb:{kind}")
            # an unknown place: an actor only if it is an argument; the country comes later.
            # Facilities (an expo, a stadium) are places, never governments.
            kind = "facility" if sp.label_ == "FAC" else "place"
            return Mention(sp.start, sp.end, kind, name=sp.text, name_start=sp.start, name_end=sp.end,
                           sector="GOV" if kind == "place" else None, rule=f"ner:{kind}")
        if sp.label_ == "NORP":
            return None  # demonyms are handled as modifiers of collectives
        # organisations
        organ = self._organ_before(doc, sp) if kb_id else None
        if organ is not None:
            # "the Council of the Union": an organ named before its body is that organ
            return Mention(organ, sp.end, "organisation", name=doc[organ:sp.end].text, name_start=organ,
                           name_end=sp.end, country=self.kb.country_code_for(kb_id),
                           sector="IGO" if self.kb.is_igo(kb_id) else self.kb.sector_of(kb_id),
                           kb_id=kb_id, rule="kb:organ-of-organisation")
        if kb_id:
            return Mention(sp.start, sp.end, "organisation", name=self.kb.display_name(kb_id) or sp.text,
                           name_start=sp.start, name_end=sp.end,
                           country=self.kb.country_code_for(kb_id),
                           sector="IGO" if self.kb.is_igo(kb_id) else self.kb.sector_of(kb_id),
                           kb_id=kb_id, rule="kb:organisation")
        first = label_at.get(sp.start)
        if first is not None and first.label_ == "IGO" and first.start == sp.start and first.end < sp.end:
            # "FSB Investigative Department", "SCO Secretariat staff": a unit of a known body
            return Mention(sp.start, sp.end, "organisation", name=self.kb.display_name(first.kb_id_) or first.text,
                           name_start=sp.start, name_end=sp.end, country=self.kb.country_code_for(first.kb_id_),
                           sector="IGO" if self.kb.is_igo(first.kb_id_) else self.kb.sector_of(first.kb_id_),
                           kb_id=first.kb_id_, role=sp.text, rule="kb:organisation-unit")
        country = None
        for j in range(sp.start, sp.end):
            inner = label_at.get(j)
            if inner is not None and inner.label_ in {"STATE", "DEMONYM", "CAPITAL", "SUBNATIONAL"}:
                country = self.kb.country_code_for(inner.kb_id_)
                break
        # "the Chinese Foreign Ministry", "Russia's Foreign Ministry": the country just before the name
        if country is None and sp.start > 0:
            j = sp.start - 1
            if doc[j].tag_ == "POS" and j > 0:
                j -= 1
            prev = label_at.get(j)
            if prev is not None and prev.label_ in {"DEMONYM", "STATE", "CAPITAL"}:
                country = self.kb.country_code_for(prev.kb_id_)
        sector = sector_from_words(sp.text)
        rule = "ner:organisation"
        if country is None and sector in (None, "CVL") and TRANSNATIONAL.search(sp.text):
            # "the Third World Water Forum", "the Association of African Jurists": a body the
            # knowledge base does not know, working across borders, is a non-governmental one
            country, rule = "NGO", "ner:organisation:transnational"
        return Mention(sp.start, sp.end, "organisation", name=sp.text, name_start=sp.start, name_end=sp.end,
                       country=country, sector=sector, rule=rule)

    @staticmethod
    def _organ_before(doc: Doc, sp: SpacySpan) -> int | None:
        """Start of "Council of (the)" / "Executive Committee of" right before a known
        organisation, or None."""
        j = sp.start - 1
        if j >= 0 and doc[j].lower_ == "the":
            j -= 1
        if j < 1 or doc[j].lower_ != "of":
            return None
        k = j - 1
        while k >= 0 and j - k <= 3 and doc[k].text[:1].isupper() and doc[k].lower_ in _ORGAN_WORDS:
            k -= 1
        return k + 1 if k + 1 < j else None

    # -- unnamed actors ---------------------------------------------------------------

    def _titles_without_names(self, doc: Doc, label_at, taken: set[int]) -> Iterable[Mention]:
        """"the SCO Secretary-General", "the Prime Minister of Uzbekistan", "the minister"."""
        for sp in doc.spans.get("kb", []):
            if sp.label_ != "TITLE" or sp.start in taken:
                continue
            # a title used as a modifier ("SCO Member States", "minister-level talks") is not an actor
            nxt = doc[sp.end] if sp.end < len(doc) else None
            if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and nxt.i not in taken and nxt.ent_type_ != "PERSON" \
                    and not self._name_taken_for_org(doc, nxt, label_at):
                continue
            # extend left over modifiers (the SCO / Chinese / Uzbek) and right over "of X"
            s = sp.start
            while s - 1 >= sp.sent.start and (s - 1) not in taken:
                prev = label_at.get(s - 1)
                if prev is not None and prev.label_ == "DEMONYM" and _ethnic(doc, prev.start):
                    break  # "ethnic Albanian guerrillas" are not Albania's
                if prev is not None and prev.label_ in {"IGO", "STATE", "DEMONYM", "SUBNATIONAL", "CAPITAL"}:
                    s = prev.start
                elif doc[s - 1].tag_ == "POS" and s - 2 >= sp.sent.start and label_at.get(s - 2) is not None:
                    s = label_at[s - 2].start
                elif (k := self._portfolio_words_before(doc, s, sp.end, sp.sent.start, taken, label_at)) is not None:
                    s = k  # "the United Nations Emergency Relief Coordinator", "the UN refugee envoy"
                else:
                    break
            e = sp.end
            if e < len(doc) and doc[e].lower_ == "of" and e + 1 < len(doc):
                j = e + 1
                if doc[j].lower_ == "the":
                    j += 1
                nxt = label_at.get(j)
                if nxt is not None and nxt.label_ in {"IGO", "STATE", "SUBNATIONAL"}:
                    e = nxt.end
            e = self._portfolio_extension(doc, e, sp.sent.end)
            if any(i in taken for i in range(s, e)):
                continue
            m = Mention(s, e, "description", rule="title-description")
            self._apply_title(doc, m, s, e, label_at)
            if m.country is None and s > sp.sent.start and _ethnic(doc, s - 1):
                home = _placed_in(doc[sp.end - 1], label_at)  # "ethnic Albanian guerrillas in Macedonia"
                m.country = self.kb.country_code_for(home) if home else None
            head = doc[sp.end - 1]
            m.plural = head.tag_ in ("NNS", "NNPS")
            if m.plural and m.country:
                self._add_partners(doc, m, head, label_at)  # "Chinese and Russian officials"
            named = self._name_after_title(doc, e, label_at, taken)
            if named is not None and not m.plural:
                n0, n1 = named
                m.kind, m.name, m.name_start, m.name_end, m.end = "person", doc[n0:n1].text, n0, n1, n1
                kb_person = self.kb.person(m.name)
                m.kb_id = kb_person.kb_id if kb_person else None
                m.rule = "title-before-name:unrecognised-name"
            yield m

    def _add_partners(self, doc: Doc, m: Mention, head: Token, label_at) -> None:
        """"French and Egyptian warships", "US and South Korean troops": a group named
        with two nationalities is two groups, one of each country (``m.members``)."""
        words = [x for c in head.lefts if c.dep_ in ("amod", "compound", "nmod") for x in (c, *c.conjuncts)]
        j = m.start - 1  # the parser may leave the first country outside the group's phrase
        while j >= 1 and doc[j].lower_ in ("and", ",") and (prev := label_at.get(j - 1)) is not None:
            words.append(doc[prev.start])
            j = prev.start - 1
        codes: list[str] = []
        for x in words:
            sp = label_at.get(x.i)
            if sp is None or sp.label_ not in {"DEMONYM", "STATE"} or (sp.label_ == "DEMONYM" and _ethnic(doc, sp.start)):
                continue
            code = self.kb.country_code_for(sp.kb_id_)
            if code and code != m.country and code not in codes:
                codes.append(code)
        m.members = [Mention(m.start, m.end, m.kind, country=code, sector=m.sector, role=m.role, plural=True,
                             rule="collective:coordinated-nationality") for code in codes]

    @staticmethod
    def _portfolio_words_before(doc: Doc, start: int, head_end: int, sent_start: int, taken: set[int],
                                label_at) -> int | None:
        """Where a title's organisation or country stands before its portfolio
        words ("United Nations | Emergency Relief | Coordinator"): the start of
        that name when the knowledge base knows it, else None."""
        k = start
        while True:
            named = label_at.get(k - 1) if k < start else None
            if named is not None and named.end == k and named.label_ in {"IGO", "STATE", "DEMONYM", "SUBNATIONAL"}:
                return named.start
            j = k - 1
            if j < sent_start or start - j > 3 or j in taken:
                return None
            t = doc[j]
            if t.dep_ not in ("compound", "amod") or not j < t.head.i < head_end:
                return None
            k = j

    @staticmethod
    def _portfolio_extension(doc: Doc, end: int, sent_end: int) -> int:
        """The end of a title that goes on past its head: "Minister of State (MoS)
        for External Affairs and Culture" — a parenthetical abbreviation, then "for"
        and portfolio words joined by "and"."""
        e = end
        close = _parenthesis_end(doc, e, sent_end)
        if close is not None:
            e = close
        if e < sent_end and doc[e].lower_ == "for":
            words = _portfolio_words()
            k, last = e + 1, None
            while k < sent_end and (doc[k].lower_ in words or (doc[k].lower_ in ("and", "&", ",")
                                                              and last is not None)):
                if doc[k].lower_ in words:
                    last = k
                k += 1
            if last is not None:
                e = last + 1
        return e

    def _peoples(self, doc: Doc, label_at, taken: set[int]) -> Iterable[Mention]:
        """"168 Liberians", "Palestinians blamed Israel": a plural demonym standing alone is a people."""
        for sp in doc.spans.get("kb", []):
            if sp.label_ != "DEMONYM" or any(i in taken for i in range(sp.start, sp.end)):
                continue
            head = doc[sp.end - 1]
            if head.tag_ not in ("NNS", "NNPS") or head.dep_ in ("amod", "compound", "nmod"):
                continue
            ethnic = _ethnic(doc, sp.start)
            home = sp.kb_id_ if not ethnic else _placed_in(head, label_at)
            yield Mention(sp.start - ethnic, sp.end, "collective",
                          country=self.kb.country_code_for(home) if home else None,
                          sector="CVL", role=doc[sp.start - ethnic:sp.end].text, plural=True,
                          rule="collective:ethnic-group" if ethnic else "collective:people")

    @staticmethod
    def _people_taken_for_places(doc: Doc, mentions: list[Mention]) -> None:
        """"Hideo Tarumi, Japan's ambassador to China": a name the NER took for an
        unknown place is a person when a title stands in apposition to it."""
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.kind != "place" or m.kb_id or m.end >= len(doc) or doc[m.end].text != ",":
                continue
            app = by_start.get(m.end + 1)
            if app is None and m.end + 2 < len(doc) and doc[m.end + 1].lower_ == "the":
                app = by_start.get(m.end + 2)  # "Kenzo Ito, the United Nations ... Coordinator"
            if app is None or app.kind != "description" or not app.role or app.plural:
                continue
            m.kind, m.role, m.org, m.country, m.sector = "person", app.role, app.org, app.country, app.sector
            m.role_start, m.role_end = app.role_start, app.role_end
            m.rule = "ner:place-with-title-apposition"
            app.antecedent = m

    @staticmethod
    def _members_of_bodies(doc: Doc, mentions: list[Mention]) -> None:
        """"Leaders of Romania's new government", "officials of the Kenyan army":
        people of a body named after them are of its country."""
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}
        for m in mentions:
            if m.kind not in ("collective", "description") or m.country is not None or m.end >= len(doc) \
                    or doc[m.end].lower_ != "of":
                continue
            of = doc[m.end]
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            body = by_token.get(pobj.i) if pobj is not None else None
            if body is None or body is m or body.kind not in ("state", "organisation", "collective", "description") \
                    or not body.country:
                continue
            m.country = body.country
            if body.kind == "organisation" and body.name:
                m.org = m.org or body.name
            m.rule = f"{m.rule}+member-of-body"

    @staticmethod
    def _titles_before_comma(doc: Doc, mentions: list[Mention]) -> None:
        """"the Ambassador of Freedonia to Ruritania, Ana Ruiz": a title, then a
        comma, then a name without a title of its own — the title is the name's."""
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.kind != "description" or not m.role or m.plural or m.antecedent is not None:
                continue
            pos = m.end
            if pos + 1 < len(doc) and doc[pos].lower_ in ("to", "in", "for"):
                # "... to Ruritania, Ana Ruiz", "National Coordinator for the Union, Ana Ruiz"
                posting = by_start.get(pos + 1) or (by_start.get(pos + 2) if doc[pos + 1].lower_ == "the" else None)
                if posting is None or posting.kind not in ("state", "subnational", "place", "organisation"):
                    continue
                pos = posting.end
            if pos >= len(doc) or doc[pos].text != ",":
                continue
            person = by_start.get(pos + 1)
            if person is None or person.kind != "person" or person.role or not person.name:
                continue
            person.role, person.role_start, person.role_end = m.role, m.role_start, m.role_end
            person.org = person.org or m.org
            person.country = m.country or person.country
            person.sector = person.sector or m.sector
            person.rule = "title-apposition-before-name"
            m.antecedent = person

    @staticmethod
    def _group_nouns_before_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """A group noun right before a name is the person's title: "top White
        House official Jake Ruiz".  "His Rwandan counterpart Ana Ruiz" holds, in
        her country, the office of the titled person she is the counterpart of
        (the nearest one before her, in the sentence or the one before)."""
        out: list[Mention] = []
        for m in mentions:
            prev = out[-1] if out else None
            # "his Rwandan counterpart" + "Ana Ruiz" as two mentions: one
            if prev is not None and m.kind == "person" and prev.end == m.start and prev.kind in ("collective", "description") \
                    and doc[prev.end - 1].lemma_.lower() == "counterpart":
                m.start = prev.start
                m.country = prev.country or m.country
                out[-1] = m
            # "top White House official" + "Jake Ruiz": the group noun is her title
            elif prev is not None and m.kind == "person" and prev.end == m.start and not m.role \
                    and prev.kind in ("collective", "description") and not prev.plural and prev.role \
                    and doc[prev.end - 1].tag_ == "NN" and doc[prev.end - 1].lemma_.lower() in sector_cues()[1]:
                m.role, m.role_start, m.role_end = prev.role, doc[prev.start].idx, doc[prev.end - 1].idx + len(doc[prev.end - 1])
                m.country = m.country or prev.country
                m.sector = m.sector or prev.sector
                m.start = prev.start
                m.rule = "group-noun-before-name"
                out[-1] = m
                continue
            else:
                out.append(m)
                if m.kind != "person" or not any(doc[i].lemma_.lower() == "counterpart"
                                                 for i in range(m.start, m.name_start or m.start)):
                    continue
            sent = doc[m.start].sent
            floor = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
            peer = next((q for q in reversed(out[:-1]) if q.kind == "person" and q.role and q.start >= floor
                         and "counterpart" not in q.role.lower() and q.country != m.country), None)
            if peer is None:
                continue
            m.role, m.role_start, m.role_end = peer.role, peer.role_start, peer.role_end
            m.sector = peer.sector or m.sector
            m.rule = "counterpart-of-titled-person"
        return out

    @staticmethod
    def _surnames(doc: Doc, persons: list[Mention], taken: set[int]) -> Iterable[Mention]:
        """"Zhang thanked ..." after "Zhang Ming": a word of an earlier full name,
        standing alone where the NER saw no name, is that person."""
        words: dict[str, Mention] = {}
        for m in sorted(persons, key=lambda x: x.start):
            if m.kind == "person" and m.name and len(m.name.split()) >= 2:
                for w in m.name.split():
                    if len(w) > 2 and w[:1].isupper():
                        words.setdefault(w, m)
        if not words:
            return
        first = min(m.start for m in persons if m.kind == "person")
        for tok in doc:
            if tok.i in taken or tok.i <= first or tok.pos_ != "PROPN" or tok.ent_type_ not in ("", "PERSON", "NORP", "ORG"):
                continue
            m = words.get(tok.text)
            if m is not None and m.start < tok.i and not (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN"):
                yield Mention(tok.i, tok.i + 1, "person", name=tok.text, name_start=tok.i, name_end=tok.i + 1,
                              rule="surname-of-earlier-name")

    @staticmethod
    def _name_taken_for_org(doc: Doc, tok: Token, label_at) -> bool:
        """"Vice-President Kiprop Awori": two or three capitalised words after a title
        that the NER called an organisation, with no word of an organisation's name
        and unknown to the knowledge base, are a person's name."""
        if tok.ent_iob_ != "B" or tok.ent_type_ != "ORG":
            return False
        end = tok.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        ent = doc[tok.i:end]  # read off the token's entity tags, not a scan of every entity
        return 2 <= len(ent) <= 3 \
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() and t.is_alpha and label_at.get(t.i) is None
                    for t in ent) and sector_from_words(ent.text) is None

    @staticmethod
    def _name_after_title(doc: Doc, end: int, label_at, taken: set[int]) -> tuple[int, int] | None:
        """The name the NER missed after a title: "Consul General of
        the Republic of Freedonia in Lyon Ana Ruiz" → "Ana Ruiz"."""
        j = end
        if j + 1 < len(doc) and doc[j].lower_ in ("in", "to"):
            nxt = label_at.get(j + 1)
            if nxt is not None and nxt.label_ in ("STATE", "CAPITAL", "SUBNATIONAL"):
                j = nxt.end
        close = _parenthesis_end(doc, j, len(doc))
        if close is not None:
            j = close  # "Secretary-General of the Union (AU), Ana Ruiz"
        if j + 1 < len(doc) and doc[j].text == "," and doc[j + 1].pos_ == "PROPN":
            j += 1  # "the Ambassador of Freedonia to Ruritania, Ana Ruiz
        k = j
        while k < len(doc) and k - j < 6 and k not in taken and (
                (doc[k].pos_ == "PROPN" and doc[k].text[:1].isupper()
                 and (label_at.get(k) is None or label_at[k].label_ == "PERSON"))
                or (doc[k].text == "-" and k > j and k + 1 < len(doc) and doc[k + 1].is_alpha)
                or (doc[k].text[:1].isupper() and doc[k].is_alpha and k > j and doc[k - 1].text == "-")
                # "Moin-ul-Haque", "Abd-al-Rahman": a lower-case particle between hyphens
                or (doc[k].is_lower and doc[k].is_alpha and len(doc[k]) <= 3 and k > j
                    and doc[k - 1].text == "-" and k + 1 < len(doc) and doc[k + 1].text == "-")):
            k += 1
        while k > j and doc[k - 1].text == "-":
            k -= 1
        if k - j >= 2 and doc[j].sent.start == doc[end - 1].sent.start:
            return j, k
        return None

    def _collectives(self, doc: Doc, label_at, taken: set[int]) -> Iterable[Mention]:
        """"Kenyan police", "Hungarian officials", "the Chinese side", "the municipal government"."""
        collective = sector_cues()[1]
        for tok in doc:
            if tok.i in taken or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            lemma = tok.lemma_.lower()
            low = tok.lower_
            sector = collective.get(low) or collective.get(lemma)
            if sector is None:
                continue
            country = None
            mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "poss")]
            for c in mods:
                sp = label_at.get(c.i)
                if sp is not None and sp.label_ in {"DEMONYM", "STATE", "CAPITAL", "SUBNATIONAL"}:
                    if sp.label_ == "DEMONYM" and _ethnic(doc, sp.start):
                        break  # "ethnic Albanian guerrillas": of no state by that word
                    country = self.kb.country_code_for(sp.kb_id_)
                    break
                if sp is not None and sp.label_ == "IGO" and self.kb.is_igo(sp.kb_id_):
                    country = "IGO"  # "Union foreign ministers", "UN inspectors"
                    break
            if country is None:
                # "security forces in Somalia", "officials of Kenya"
                for p in tok.children:
                    if p.dep_ == "prep" and p.lower_ in ("in", "of", "from"):
                        for o in p.children:
                            sp = label_at.get(o.i)
                            if o.dep_ == "pobj" and sp is not None and sp.label_ in {"STATE", "CAPITAL"}:
                                country = self.kb.country_code_for(sp.kb_id_)
            # "the separatist group", "a rebel faction": a modifier that names an actor
            # kind makes a singular group noun an actor of that kind
            marker = next((collective.get(c.lemma_.lower()) for c in mods
                           if collective.get(c.lemma_.lower()) not in (None, "CVL", "GOV")), None)
            if marker is not None and sector in ("CVL", None):
                sector = marker
            subnational = any(c.lower_ in _SUBNATIONAL_NOUNS for c in mods)
            det = any(c.dep_ == "det" and c.lower_ == "the" for c in tok.lefts)
            # Without a nationality, only groups that are actors by what they are
            # ("protesters", "rebels", "journalists") count; "officials" alone does not.
            of_group = any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
            # Groups count even without a nationality when plural and acting ("security
            # forces detained", "environmental groups accused"); a bare singular does not.
            institution = lemma in _INSTITUTIONS and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") \
                and not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.lefts)
            if country is None and not subnational and not (det and lemma in _GOV_NOUNS | {"side"}) and not institution \
                    and not (of_group and tok.tag_ in ("NNS", "NNPS")) and marker is None \
                    and (tok.tag_ not in ("NNS", "NNPS") or tok.dep_ not in ("nsubj", "nsubjpass", "pobj", "dobj", "conj")):
                continue
            left = min([c.i for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "poss", "det")] + [tok.i])
            if tok.i in taken:
                continue
            while left < tok.i and any(i in taken for i in range(left, tok.i)):
                left += 1  # "U.S. lawmakers": the state is its own mention; the group keeps its country
            kind = "description" if det else "collective"
            m = Mention(left, tok.i + 1, kind, country=country, sector=sector,
                        role=doc[left:tok.i + 1].text if not det else doc[left + 1:tok.i + 1].text,
                        rule="collective:" + ("subnational" if subnational else "demonym" if country else "definite"),
                        plural=tok.tag_ in ("NNS", "NNPS") or lemma in ("police", "side") and False)
            if subnational:
                m.kind = "description"
                m.rule = "description:subnational-government"
            if country and m.plural:
                self._add_partners(doc, m, tok, label_at)
            yield m
