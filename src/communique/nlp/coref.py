"""Rule-based coreference over ``doc._.mentions``.

No neural coreference model installs here, and press releases are written in
a narrow register where a handful of rules go far:

* a surname, or an honorific/title plus surname ("Mr Chen", "Secretary Chen"),
  refers to the earlier full name containing it;
* a definite description ("the SCO Secretary-General", "the Chinese official",
  "the municipal government") refers to the most recent compatible named actor
  (same title, same organisation or same country);
* a personal pronoun refers to the most salient earlier person: subjects
  before objects, the current sentence before earlier ones — never to a
  co-argument of its own verb ("X thanked Y for inviting him": him ≠ Y);
* "we"/"our" inside a quote refers to the speaker's side; elsewhere it is left
  unresolved.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from communique.nlp.mentions import Mention
from communique.text import fold

_WINDOW_SENTENCES = 4
# Verbs whose object is a position held for someone: "conveyed Freedonia's support".
_POSITION_VERBS = {"convey", "express", "reaffirm", "reiterate", "voice", "state", "restate", "outline",
                   "present", "explain", "underline", "emphasise", "emphasize", "stress"}
_GENERIC_ROLES = {"official", "officials", "diplomat", "leader", "side", "politician", "representative", "guest"}


# the generic words for a diplomat, and the titles they may refer back to
_DIPLOMATS = {"envoy", "diplomat"}
_DIPLOMATIC_TITLES = {"ambassador", "envoy", "charge", "chargé", "consul", "diplomat", "high commissioner", "commissioner"}

# a person named by the peer of another: "his Egyptian counterpart", "her Chinese colleague"
_PEERS = {"counterpart", "colleague"}


def _words(name: str | None) -> set[str]:
    return set(fold(name).replace(".", "").replace("-", " ").split()) if name else set()


def _is_subject(doc: Doc, m: Mention) -> bool:
    return any(doc[i].dep_ in ("nsubj", "nsubjpass") for i in range(m.start, m.end))


def _governing_verb(tok: Token) -> Token | None:
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod",):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _coarguments(doc: Doc, pron: Token) -> set[int]:
    """Token indices the pronoun cannot refer to: the other arguments of its own
    verb and that verb's understood subject ("X thanked Y for inviting him":
    Y invited, so him ≠ Y — but him may be X)."""
    out: set[int] = set()
    verb = _governing_verb(pron)
    if verb is None:
        return out

    def span(tok: Token) -> range:
        return range(tok.left_edge.i, tok.right_edge.i + 1)

    has_subject = False
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj", "iobj", "dative") and child.i != pron.i:
            out.update(span(child))
            has_subject = has_subject or child.dep_ in ("nsubj", "nsubjpass")
    if not has_subject and verb.head.i != verb.i:
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            governor = head.head
            obj = next((c for c in governor.children if c.dep_ == "dobj"), None)
            if obj is not None:
                out.update(span(obj))
        elif verb.dep_ == "xcomp":
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
            controller = obj or subj
            if controller is not None and controller.i != pron.i:
                out.update(span(controller))
    return out


def _compatible(desc: Mention, cand: Mention, kb=None) -> bool:
    """Could a definite description refer to this named actor?"""
    if cand.kind not in ("person", "organisation", "state", "subnational", "place"):
        return False
    if kb is not None and cand.kind == "person" and desc.role and cand.role and not desc.plural:
        # "the head of state" after "President Jeenbekov": same rank of office, same country
        a, b = kb.title(desc.role), kb.title(cand.role)
        # the SCO's Secretary-General is not the UN's: "IGO" is no one country, the body decides
        if desc.org and cand.org:
            same_body = bool(_words(desc.org) & _words(cand.org))
        else:
            same_body = desc.country != "IGO" or not desc.org
        if a is not None and b is not None and a.rank is not None and a.rank <= 2 and a.rank == b.rank \
                and (desc.country is None or desc.country == cand.country) and same_body:
            return True
    if desc.rule.startswith("description:subnational"):
        return cand.kind in ("subnational", "place") or (cand.kind == "organisation" and "municipal" in (cand.name or "").lower())
    if cand.kind != "person" and desc.role and desc.sector not in (None, "GOV", "IGO"):
        return False
    if desc.country and cand.country and "IGO" not in (desc.country, cand.country) and desc.country != cand.country:
        return False  # "Iran's U.N. ambassador" is not the British one
    if desc.role and cand.role:
        if _words(desc.role) <= _DIPLOMATS and _words(cand.role) & _DIPLOMATIC_TITLES:
            return True  # "the envoy" after "Japan's ambassador to China": news calls an ambassador so
        if _words(desc.role) - {"the"} < _words(cand.role) and cand.kind == "person" and not desc.plural \
                and not desc.org and desc.country not in (None, "IGO") and desc.country == cand.country:
            return True  # "the Russian minister" after "Foreign Minister Sergey Lavrov"
        if kb is not None:
            ta, tb = kb.title(desc.role), kb.title(cand.role)
            if ta is not None and tb is not None and ta.id != tb.id:
                return False  # the Foreign Minister is not the Prime Minister, though both are ministers
        a, b = _words(desc.role), _words(cand.role)
        if a & b - {"of", "the", "and"}:
            if desc.org and cand.org and not (_words(desc.org) & _words(cand.org)):
                # the SCO's Secretary-General is not the UN's; two ministers of one state may be
                return desc.country not in (None, "IGO") and desc.country == cand.country
            return True
    if desc.plural and cand.kind == "person":
        return False  # "Ukrainian officials" are not Zelenskyy
    if desc.country and cand.country and desc.country == cand.country and cand.kind == "person":
        # "the Chinese official" may be the Chinese person named before; "Russia's envoy" is
        # not Putin: an office-specific title needs the same office
        words = fold(desc.role).split() if desc.role else []
        generic = not words or words[-1] in _GENERIC_ROLES
        return desc.kind == "description" and generic
    if desc.org and cand.org and _words(desc.org) & _words(cand.org) and cand.kind == "person":
        return True
    return False


class Coreference:
    def __init__(self, kb=None) -> None:
        self.kb = kb

    def __call__(self, doc: Doc) -> Doc:
        mentions: list[Mention] = doc._.mentions
        self._sent_index = {sp.start: i for i, sp in enumerate(doc.sents)}
        self._link_forward(mentions)
        named: list[Mention] = []
        for m in mentions:
            if m.kind == "person":
                self._link_name(m, named)
                named.append(m)
            elif m.kind in ("organisation", "state", "subnational", "place"):
                named.append(m)
            elif m.kind == "collective" and m.plural:
                named.append(m)  # "Radical French farmers said they would ..."
            elif m.kind == "collective" and m.country and doc[m.end - 1].lemma_.lower() in _PEERS:
                # "thanked his Egyptian counterpart": the person of that country named before
                m.antecedent = self._best(doc, m, named, lambda c: c.kind == "person" and c.resolved.country == m.country)
                if m.antecedent is not None:
                    m.role = None  # "counterpart" is no office: the person's own role stands
            elif m.kind == "description":
                if m.antecedent is None:  # "the Ambassador of X, Ana Ruiz": linked where found
                    m.antecedent = self._best(doc, m, named, lambda c: _compatible(m, c, self.kb))
                if m.antecedent is None and m.role and not m.plural:
                    named.append(m)  # "the Prime Minister of Uzbekistan": a person, unnamed
                elif m.antecedent is None and m.plural:
                    named.append(m)  # "the rebels said they will ..."
            elif m.kind == "pronoun":
                self._link_pronoun(doc, m, named)
        self._share_roles(mentions)
        self._countries_spoken_for(doc, mentions)
        return doc

    @staticmethod
    def _countries_spoken_for(doc: Doc, mentions: list[Mention]) -> None:
        """An official the text gives no country is the country whose position
        they state: "the Vice Minister expressed Freedonia's concern", "the envoy
        conveyed Freedonia's support", "spoke on behalf of Freedonia"."""
        index = doc._.mention_index or {}

        def state_of(tok: Token) -> str | None:
            other = index.get(tok.i)
            return other.country if other is not None and other.kind == "state" else None

        for m in mentions:
            r = m.resolved
            if r.kind != "person" or r.country or r.kb_id:
                continue
            heads = [doc[i] for i in range(m.start, m.end) if not (m.start <= doc[i].head.i < m.end)]
            subj = next((t for t in heads if t.dep_ == "nsubj"), None)
            if subj is None:
                continue
            verb = subj.head
            found = None
            if verb.lemma_.lower() in _POSITION_VERBS:
                for obj in verb.children:
                    if obj.dep_ == "dobj":
                        found = next((state_of(c) for c in obj.children if c.dep_ == "poss" and state_of(c)), None)
            for prep in verb.children:
                if found is None and prep.lower_ == "on" and prep.dep_ == "prep":
                    for behalf in prep.children:
                        if behalf.lower_ == "behalf":
                            found = next((state_of(o) for p in behalf.children if p.lower_ == "of"
                                          for o in p.children if state_of(o)), None)
            if found:
                r.country = found

    @staticmethod
    def _share_roles(mentions: list[Mention]) -> None:
        """A person's office is stated once ("Governor of the Northern Province
        Li Wei") and holds for the whole chain: the named root takes
        the first stated title, and a description ("the head of state") resolved to
        the person reports the person's own title."""
        for m in mentions:
            r = m.resolved
            if r is m or r.kind != "person" or not m.role:
                continue
            if r.role is None and m.kind == "person":
                r.role, r.org, r.role_start, r.role_end = m.role, m.org, m.role_start, m.role_end
                r.country = r.country or m.country
                r.sector = r.sector or m.sector
        for m in mentions:
            r = m.resolved
            if m.kind == "description" and r is not m and r.kind == "person" and r.role:
                m.role, m.org = r.role, r.org

    @staticmethod
    def _link_forward(mentions: list[Mention]) -> None:
        """A headline names "Jaishankar" before the lead names "S Jaishankar":
        a one-word name with no fuller form before it takes the first fuller
        form after it."""
        persons = [m for m in mentions if m.kind == "person" and m.name]
        # "Ruiz Meets Envoy" in a title-case headline comes out of the NER as an
        # organisation: one unknown word that is a word of a person's full name is that person
        full_words = {w: p for p in persons if len(_words(p.name)) >= 2 for w in _words(p.name)}
        for m in mentions:
            if m.kind == "organisation" and not m.kb_id and m.name and m.end - m.start == 1 \
                    and len(_words(m.name)) == 1 and next(iter(_words(m.name))) in full_words:
                m.kind, m.sector, m.country = "person", None, None
                m.antecedent = full_words[next(iter(_words(m.name)))]
                m.rule += "+name-of-person"
        for i, m in enumerate(persons):
            words = _words(m.name)
            if len(words) != 1 or any(words <= _words(c.name) for c in persons[:i]):
                continue
            later = next((c for c in persons[i + 1:] if words < _words(c.name)), None)
            if later is not None:
                m.antecedent = later
                m.rule += "+cataphora"

    @staticmethod
    def _link_name(m: Mention, earlier: list[Mention]) -> None:
        if m.antecedent is not None:
            return
        """A shorter name whose words all occur in an earlier longer name."""
        words = _words(m.name)
        if not words:
            return
        for cand in reversed(earlier):
            if cand.kind != "person" or cand is m or not cand.name:
                continue
            cw = _words(cand.name)
            if words <= cw:
                m.antecedent = cand.resolved
                if m.role is None:
                    m.role, m.org = cand.resolved.role, cand.resolved.org
                if m.country is None:
                    m.country = cand.resolved.country
                if m.sector is None:
                    m.sector = cand.resolved.sector
                return

    @staticmethod
    def _best(doc: Doc, m: Mention, cands: list[Mention], ok) -> Mention | None:
        sent_i = doc[m.start].sent.start
        best, best_score = None, None
        for c in cands:
            if c.start >= m.start:
                continue
            if not ok(c):
                continue
            distance = m.start - c.start
            if distance > 400:
                continue
            r = c.resolved
            score = (0 if doc[c.start].sent.start == sent_i else 1, -c.start)
            if best_score is None or score < best_score:
                best, best_score = r, score
        return best

    @staticmethod
    def _quote_speaker(doc: Doc, tok: Token, named: list[Mention]) -> Mention | None:
        """'"We released 86 fishermen," Raja Mumtaz said': "we" is the speaker's side —
        the state or organisation the speaker acts for, else the speaker."""
        sent = tok.sent
        text = sent.text
        rel = tok.idx - sent.start_char
        if text[:rel].count('"') % 2 == 0:
            return None  # not inside a quotation
        index = doc._.mention_index or {}
        for t in sent:
            if t.lemma_.lower() in ("say", "add", "tell", "state", "note", "stress") and t.i > tok.i:
                subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
                if subj is None:
                    continue
                m = index.get(subj.i)
                if m is None:
                    continue
                r = m.resolved
                if r.kind == "person" and r.country and r.country != "IGO":
                    state = next((c for c in named if c.kind == "state" and c.country == r.country), None)
                    if state is not None:
                        return state.resolved
                return r
        return None

    def _link_pronoun(self, doc: Doc, m: Mention, named: list[Mention]) -> None:
        tok = doc[m.start]
        low = tok.lower_
        if low in ("we", "us", "our", "ours"):
            speaker = self._quote_speaker(doc, tok, named)
            if speaker is not None:
                m.antecedent = speaker
                m.rule = f"{m.rule}->speaker"
            return
        excluded_tokens = _coarguments(doc, tok)
        index = doc._.mention_index or {}
        excluded = {id(index[i].resolved) for i in excluded_tokens if i in index}
        if tok.dep_ == "poss":
            # "He told her of his meetings": a possessive is free to be its clause's
            # subject, and is most likely that
            verb = _governing_verb(tok)
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None) if verb else None
            owner = index.get(subj.i) if subj is not None and subj.i < tok.i else None
            if owner is not None and owner is not m:
                r = owner.resolved
                person = low in ("his", "her")
                if (r.kind == "person" or (r.kind == "description" and r.role and not r.plural)) == person \
                        and (low != "their" or r.plural or r.kind in ("state", "organisation")):
                    m.antecedent = r
                    m.rule = f"{m.rule}->subject"
                    return
        sent = tok.sent
        want_person = low in ("he", "him", "his", "she", "her", "hers", "himself", "herself")
        want_plural = low in ("they", "them", "their", "theirs")
        sent_index = self._sent_index
        best, best_score = None, None
        partitive = tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.like_num
        for c in named:
            if c.start >= m.start:
                continue
            r = c.resolved
            if id(r) in excluded:
                continue
            if want_person and not (r.kind == "person" or (r.kind == "description" and r.role and not r.plural)):
                continue
            if not want_person and not want_plural and r.kind not in ("organisation", "state", "subnational"):
                continue
            if want_plural and r.kind == "person":
                continue
            if not want_plural and r.kind == "collective":
                continue
            if want_plural and r.kind in ("collective", "description") and not r.plural:
                continue  # "the recognised government ... after they took power": they ≠ the government
            # the nearer sentence first: "... quoted Kumar. He said ..." is Kumar, not
            # the subject of a sentence further back (for "they", any earlier sentence
            # is as good: groups are named once and referred to long after)
            sent_gap = sent_index[sent.start] - sent_index[doc[c.start].sent.start]
            if not want_person:
                sent_gap = min(sent_gap, 1)
            if m.start - c.start > 300:
                continue
            subject = _is_subject(doc, c)
            # Salience: same sentence first, then subjects, then recency; a part of a
            # group ("four of them") is of the group named last
            score = (sent_gap, 0 if subject and not partitive else 1, -c.start)
            if best_score is None or score < best_score:
                best, best_score = r, score
        if best is not None and low == "it" and tok.dep_ in ("dobj", "pobj"):
            # "participated in the meeting but criticised it": an object "it" after a
            # thing named in its sentence is that thing, not an actor further back
            between = doc[max(best.end, sent.start):tok.i]
            if any(t.pos_ == "NOUN" and t.dep_ in ("dobj", "pobj", "nsubj") and t.i not in index for t in between):
                best = None
        if best is not None:
            m.antecedent = best
            m.rule = f"{m.rule}->antecedent"
