"""The event coder: triggers from the lexicon, arguments from the parse.

For each sentence it considers every token as a possible trigger — a verb
sense, an event noun under a light verb or on its own, a multi-word phrase —
checks the sense's constraints (what it takes as object, which preposition),
finds source and target on the dependency parse (subjects, objects,
prepositional attachments, passives, coordination, control), reads negation,
modality and embedding, and records why: every candidate carries the rule
that produced it and, for rejected triggers, the reason.

The result is ``doc._.events``: a list of :class:`Candidate`, token-level; the
pipeline turns them into model Events with dates, places and canonical actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, List

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from communique.coding.lexicon import Lexicon, Sense, default_lexicon
from communique.nlp.mentions import Mention, sector_cues

_SUBJ = ("nsubj", "csubj")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
# participles that state their subject's stance: "is opposed to", "is committed to"
_STANCE_PARTICIPLES = frozenset({"oppose", "commit", "dedicate", "devote"})
_RELATIVE = {"who", "which", "that", "whom"}
_NEG = {"not", "n't", "never", "no"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_MODAL_AUX = {"would", "could", "might", "may", "can", "should", "must", "ca"}
_NEGATING_GOVERNORS = {"refuse", "decline", "fail", "deny", "reject", "avoid", "cancel", "postpone", "call_off"}
_TRAVEL = {"go", "travel", "arrive", "come", "fly", "visit", "head", "land", "reach"}
_READY = {"ready", "willing", "prepared", "determined", "committed", "eager", "open"}
_NEGATIVE_EVAL = {"irresponsible", "unacceptable", "provocative", "groundless", "baseless", "unfounded",
                  "absurd", "illegal", "illegitimate", "destructive", "hostile", "unfriendly", "false",
                  "biased", "slanderous", "outrageous", "shameful", "reckless", "dangerous", "aggressive",
                  "counterproductive", "regrettable", "deplorable", "lies"}
_POSITIVE_EVAL = {"important", "key", "significant", "successful", "booming", "great", "valuable",
                  "effective", "fruitful", "productive", "constructive", "positive", "excellent",
                  "outstanding", "remarkable", "crucial", "vital", "indispensable", "leading",
                  "reliable", "trusted", "dynamic", "impressive", "contribution", "role"}
# conduct described as wrong: "the US's wrong actions", "those who behaved badly"
_CONDUCT = {"behavior", "behaviour", "action", "act", "move", "conduct", "remark", "statement", "practice",
            "interference", "deed", "policy", "step"}
_WRONG = _NEGATIVE_EVAL | {"wrong", "wrongful", "bad", "erroneous", "irresponsible", "malicious", "despicable",
                           "heinous", "unlawful", "egregious", "barbaric"}
_WRONGLY = {"badly", "wrongly", "irresponsibly", "recklessly", "illegally", "unlawfully", "disgracefully"}
_HABITUAL = {"frequently", "often", "routinely", "regularly", "usually", "habitually", "commonly",
             "sometimes", "occasionally", "typically", "generally", "traditionally"}
# Claims called false are denied (REJECT); statements called irresponsible are criticised (ACCUSE).
_CLAIMS = {"claim", "allegation", "accusation", "charge", "report", "assertion", "rumour", "rumor"}
_FALSE = {"baseless", "groundless", "unfounded", "false", "fabricated", "untrue", "lie", "lies", "absurd",
          "fake", "nonsense", "unsubstantiated", "fiction", "ridiculous"}
_ANNOUNCE = {"say", "announce", "state", "declare", "tell", "warn", "pledge", "vow", "promise", "insist",
             "confirm", "stress", "reiterate", "threaten", "affirm", "reaffirm", "decide", "add", "note"}
_CONFLICT_TYPES = {"ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
_PRAISE_NOUNS = {"contribution", "role", "effort", "efforts", "achievement", "achievements", "success",
                 "progress", "commitment", "leadership", "hospitality", "support", "work"}
_MUST = {"must", "should", "need", "ought"}
_ACCIDENTS = {"crash", "accident", "earthquake", "flood", "flooding", "fire", "blaze", "storm", "hurricane",
              "cyclone", "typhoon", "landslide", "avalanche", "collision", "derailment", "stampede", "heatwave",
              "drought", "tsunami", "eruption", "mudslide", "explosion_accident", "disease", "outbreak"}
_INTENT_NOUNS = {"request", "plan", "proposal", "offer", "bid", "attempt", "effort", "call", "demand", "invitation",
                 "intention", "decision", "readiness", "desire", "willingness", "wish", "right", "ability", "chance",
                 "opportunity", "permission", "refusal", "threat", "pledge", "promise", "commitment", "hope", "need"}
# "ten days of talks", "a series of attacks": measures of an act, not acts
_SPANS_OF = {"day", "week", "month", "hour", "year", "round", "series", "wave", "spate", "string"}
# nouns that name a place by its country ("the US city", "a Kenyan port")
PLACE_NOUNS = {"city", "town", "port", "village", "region", "province", "district", "county"}
# people the group-noun table (sector_cues.yaml) does not list, because they name no sector
_PEOPLE = {"member", "person", "man", "woman", "child", "passenger", "supporter", "suspect"}
_TALK_NOUNS = {"debate", "session", "talks", "talk", "negotiation", "negotiations", "consultation", "consultations",
               "dialogue", "discussion", "discussions", "exercise", "exercises", "drill", "drills", "mission"}
_GATHERING_NOUNS = {"summit", "forum", "conference", "session", "meeting", "congress", "assembly", "council"}
_INSTRUMENT_WORDS = {"Regulations", "Regulation", "Programme", "Program", "Concept", "Agreement", "Treaty",
                     "Charter", "Declaration", "Convention", "Protocol", "Memorandum", "Strategy", "Plan",
                     "Resolution", "Statute", "Rules"}
_SPEECH = {"note", "say", "stress", "emphasize", "emphasise", "point", "state", "declare", "add",
           "underline", "underscore", "describe", "call", "tell", "affirm", "reaffirm", "highlight", "observe",
           "announce", "insist", "argue", "assert", "conclude", "maintain"}


# acts whose possessor suffers them: "Ruiz's arrest", "the journalist's detention"
_DONE_TO = {"arrest", "detention", "jailing", "imprisonment", "killing", "murder", "assassination", "execution",
            "death", "deportation", "expulsion", "sentencing", "conviction", "abduction", "kidnapping", "torture",
            "disappearance", "eviction", "dismissal", "ouster", "removal", "extradition"}
_QUANTITIES = {"tens", "hundreds", "thousands", "dozens", "scores", "millions", "hundred", "thousand", "dozen",
               "part", "portion"}
# a state's people and offices at an organisation: "China's UN mission"
_POSTINGS = {"mission", "delegation", "ambassador", "envoy", "representative", "embassy", "office"}
# nouns naming another party by its tie to the possessor: "Israel's ally" is not Israel
_RELATIONS = {"ally", "partner", "proxy", "neighbour", "neighbor", "rival", "enemy", "foe", "friend", "client"}
_NECESSARY = {"important", "necessary", "essential", "vital", "crucial", "imperative", "critical", "key", "time"}
# acts a decision puts into effect at once ("decided to lift the curfew")
_DECIDED_ACTS = {"CONCEDE", "SANCTION", "COERCE", "RETREAT", "MOBILIZE", "REJECT", "AID"}
_ATTEMPTS = {"attempt", "bid"}
_PERMITTING = {"allow", "permit", "authorize", "authorise", "empower", "enable", "entitle"}
_DOCUMENTS = {"law", "provision", "statute", "bill", "charter", "constitution", "decree", "regulation",
              "rule", "article", "clause", "legislation", "ordinance", "amendment", "code", "text", "document"}
# "expelled from the party", "suspended from the council": the body acted
_REMOVED_FROM = {"expel", "suspend", "dismiss", "remove", "exclude", "oust", "bar", "ban", "disqualify"}
# "visited Moscow to attend the meeting": journeys and the gatherings they were for
_JOURNEYS = {"visit", "travel", "fly", "go", "come", "arrive", "head", "leave", "depart", "return", "stop"}
_ATTENDING = {"attend", "join", "participate"}
# verbs that tell that a gathering took place: "held a forum", "the conference opened"
_GATHERING_VERBS = {"hold", "attend", "host", "convene", "open", "organise", "organize", "take", "begin", "start",
                    "end", "close", "conclude", "co-chair", "chair", "address", "join", "launch", "stage", "gather"}


# subordinators of clauses that tell the circumstances of an act, not its content
# ("rejected the claims while criticising the groups": "while" keeps the act's parties)
_CIRCUMSTANCE = frozenset({"after", "before", "when", "as", "since", "because", "although", "though",
                           "until", "once", "whereas"})


_CIRCUMSTANCE_PREPS = frozenset({"without", "despite", "after", "before", "because", "instead", "during", "since",
                                  "until", "amid"})


def _necessity(clause: Token) -> Token | None:
    """The adjective that makes a to-clause a necessity ("it is important to
    support", "it is vital to act"), or None."""
    head = clause.head
    if head.pos_ == "ADJ" and head.lemma_.lower() in _NECESSARY:
        return head
    if head.lemma_.lower() == "be":
        return next((a for a in head.children if a.dep_ == "acomp" and a.lemma_.lower() in _NECESSARY), None)
    return None


@dataclass(eq=False)
class Arg:
    """An argument: the mention it resolved to (if any) and the token it was found at."""

    token: Token
    mention: Mention | None
    how: str

    @property
    def actor(self) -> Mention | None:
        if self.mention is None:
            return None
        return self.mention.resolved


@dataclass(eq=False)
class Candidate:
    sense: Sense
    type: str
    mode: str | None
    cameo: str | None
    trigger: Span  # the trigger words
    anchor: Token  # the verb carrying tense, negation and modality
    sentence: Span
    sources: list[Arg] = field(default_factory=list)
    targets: list[Arg] = field(default_factory=list)
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    reasons: list[str] = field(default_factory=list)  # how flags and direction were decided
    rule: str = ""
    confidence: float = 0.6
    place_tokens: list[Token] = field(default_factory=list)
    time_tokens: list[Token] = field(default_factory=list)
    gathering: Span | None = None  # the event IS this gathering (a summit that took place)
    at_gathering: Token | None = None  # the event happened AT this gathering

    @property
    def asserted(self) -> bool:
        return not (self.negated or self.future or self.hypothetical)


@dataclass
class Rejection:
    token: Token
    sense: Sense
    reason: str


class EventCoder:
    def __init__(self, lexicon: Lexicon | None = None, explain: bool = False, kb=None) -> None:
        self.lex = lexicon or default_lexicon()
        self.kb = kb
        self.explain = explain
        self._phrase_heads: dict[str, list[Sense]] = {}
        for sense in self.lex.phrases:
            lemmas = sense.get("lemmas")
            self._phrase_heads.setdefault(lemmas[0], []).append(sense)
        self._known_verbs = frozenset(self.lex.verbs) | frozenset(self.lex.light_verbs) | frozenset(
            self._phrase_heads) | _SPEECH

    # ------------------------------------------------------------------ API

    def _repair_lemmas(self, doc: Doc) -> None:
        """The small model's lemmatiser slips on some inflected verbs ("staged" →
        "stag"): a verb whose lemma the lexicon does not know, but whose surface
        form minus an inflection it does, takes that lemma."""
        known = self._known_verbs
        for tok in doc:
            if tok.pos_ != "VERB" or tok.lemma_.lower() in known:
                continue
            low = tok.lower_
            for cut, add in ((1, ""), (2, ""), (3, ""), (3, "e"), (3, "y"), (1, "e")):
                stem = low[:-cut] + add if len(low) > cut + 2 else ""
                if stem in known and low.endswith(("d", "s", "ing", "ed")):
                    tok.lemma_ = stem
                    break

    def __call__(self, doc: Doc) -> Doc:
        self._repair_lemmas(doc)
        candidates: list[Candidate] = []
        rejections: list[Rejection] = []
        self._earlier = candidates  # the document so far: "the two sides", agentless passives
        for sent in doc.sents:
            found = self.code_sentence(doc, sent, rejections)
            for cand in found:
                self._inherit_agent(cand, candidates)
            candidates.extend(found)
        self._earlier = []
        doc._.events = candidates
        doc._.event_candidates = rejections if self.explain else None
        return doc

    def code_sentence(self, doc: Doc, sent: Span, rejections: list[Rejection]) -> list[Candidate]:
        out: list[Candidate] = []
        used_tokens: set[int] = set()
        for tok in sent:
            if tok.i in used_tokens:
                continue
            for cand in self._candidates_at(doc, sent, tok, rejections):
                out.append(cand)
                used_tokens.update(range(cand.trigger.start, cand.trigger.end))
                # "signed an agreement", "delivered aid": the object is the same act
                if cand.sense.pos in ("VERB", "PHRASE", "ADJ"):
                    obj = self._dobj(cand.anchor)
                    # ... but "praised her speech at the summit": the speech is an act of its own
                    if obj is not None and not (cand.type in ("SUPPORT", "ACCUSE") and any(
                            n.type == "CONSULT" for n in self.lex.nouns.get(obj.lemma_.lower(), ()))):
                        used_tokens.add(obj.i)
                    for c in cand.anchor.children:
                        # ("decided to impose sanctions": the sanctions are the act decided)
                        if c.dep_ == "xcomp" and cand.anchor.lemma_.lower() != "decide":
                            for o in c.children:
                                if o.dep_ == "dobj":
                                    used_tokens.add(o.i)
                if cand.gathering is not None:
                    used_tokens.update(range(cand.gathering.start, cand.gathering.end))
                break
        out = [c for c in out if not self._media_contact(c)]
        out = self._hosts_of_gatherings(out)
        out = self._acts_named_twice(out)
        out = self._journeys_to_gatherings(out)
        out = self._embedding(out)
        out = [c for c in out if self._pledge_kept(c)]
        for cand in out:
            self._stated_intent(cand)
            self._refused_concession(cand)
        for cand in out:
            self._adversary_against(doc, cand)
            self._place_as_target(doc, cand)
        for cand in out:
            self._target_from_clause(doc, cand, out)
            self._derived_mode(cand, out)
            self._speaker_for_own_body(doc, cand)
            self._visiting_modifier(doc, cand)
        return out

    def _visiting_modifier(self, doc: Doc, cand: Candidate) -> None:
        """"Ruiz assured visiting Ruritanian minister Berg ...": the one called
        "visiting" is the visitor, the clause's subject the host."""
        tok = cand.anchor
        if cand.mode != "visit" or tok.lower_ != "visiting" or tok.i == 0 or tok.i + 1 >= len(doc):
            return
        # the parser reads "assured visiting minister Berg" as a verb with an object;
        # on the surface it is an adjective: after a verb, a preposition or "the"
        before = doc[tok.i - 1]
        if before.pos_ not in ("VERB", "AUX", "ADP", "DET"):
            return
        index = doc._.mention_index or {}
        visitor = index.get(tok.i + 1)
        if visitor is None or visitor.start != tok.i + 1 or visitor.resolved.kind not in ("person", "description", "collective"):
            return
        verb = before if before.pos_ in ("VERB", "AUX") else before.head if before.pos_ == "ADP" else tok.head
        hosts = [a for a in self._subjects(doc, verb) if a.actor is not None and a.actor is not visitor.resolved] \
            if verb.pos_ in ("VERB", "AUX") else []
        cand.sources = [Arg(doc[visitor.end - 1], visitor, "visiting")]
        cand.targets = hosts
        cand.reasons.append("'visiting' names the visitor; the clause's subject hosts")

    @staticmethod
    def _acts_named_twice(cands: list[Candidate]) -> list[Candidate]:
        """"a guard was killed in a clash with border guards": the verb and the
        noun in its "in"/"during" phrase name one act of the same type — one event,
        with the parties of both."""
        out = list(cands)
        for noun in cands:
            head = noun.anchor
            if noun.sense.pos != "NOUN" or head.dep_ != "pobj" or head.head.lower_ not in ("in", "during"):
                continue
            verb = next((c for c in out if c is not noun and c.type == noun.type
                         and c.anchor.i == head.head.head.i), None)
            if verb is None:
                continue
            known = {id(a.actor) for a in verb.sources + verb.targets if a.actor is not None}
            if not any(a.actor for a in verb.sources):
                verb.sources = [a for a in noun.sources if a.actor is not None and id(a.actor) not in known]
            verb.targets += [a for a in noun.targets if a.actor is not None and id(a.actor) not in known]
            verb.reasons.append(f"the same act as '{head.text}'")
            out.remove(noun)
        # "one guard was killed and three were wounded": coordinated verbs of one
        # violent act by the same (or no named) attacker
        for second in list(out):
            tok = second.anchor
            if second.type not in ("ASSAULT",) or tok.dep_ != "conj":
                continue
            first = next((c for c in out if c is not second and c.type == second.type and c.anchor.i == tok.head.i), None)
            if first is None:
                continue
            mine = {id(a.actor) for a in second.sources if a.actor is not None}
            theirs = {id(a.actor) for a in first.sources if a.actor is not None}
            if mine and theirs and mine != theirs:
                continue
            first.sources = first.sources if theirs else second.sources
            known = {id(a.actor) for a in first.targets if a.actor is not None}
            first.targets += [a for a in second.targets if a.actor is not None and id(a.actor) not in known]
            first.reasons.append(f"the same act as '{tok.text}'")
            out.remove(second)
        return out

    @staticmethod
    def _journeys_to_gatherings(cands: list[Candidate]) -> list[Candidate]:
        """"visited Moscow to attend a meeting of defence ministers": a journey made
        to attend a gathering is taking part in it — one multilateral event, placed
        where the journey went."""
        out = list(cands)
        for visit in cands:
            if visit.type != "CONSULT" or visit.mode != "visit" or visit.sense.pos != "VERB":
                continue
            attend = next((c for c in out if c.type == "CONSULT" and c.mode == "multilateral"
                           and c.anchor.dep_ == "advcl" and c.anchor.head.i == visit.anchor.i), None)
            if attend is None:
                continue
            attend.place_tokens += [a.token for a in visit.targets if a.actor is not None
                                    and a.actor.kind in ("state", "subnational", "place")] + visit.place_tokens
            attend.time_tokens += [t for t in visit.time_tokens if t not in attend.time_tokens]
            attend.reasons.append(f"the journey ('{visit.trigger.text}') was made to attend it")
            out.remove(visit)
        return out

    @staticmethod
    def _hosts_of_gatherings(cands: list[Candidate]) -> list[Candidate]:
        """"the summit hosted by Freedonia", "Freedonia hosted the summit": one
        event, the gathering, with its host among the participants."""
        gatherings = {c.anchor.i: c for c in cands if c.gathering is not None}
        if not gatherings:
            return cands
        out = []
        for c in cands:
            lemma = c.anchor.lemma_.lower()
            gathering = None
            if c.gathering is None and c.type == "CONSULT" and lemma in ("host", "organise", "organize", "convene"):
                if c.anchor.dep_ == "acl":
                    gathering = gatherings.get(c.anchor.head.i)
                gathering = gathering or next((gatherings.get(o.i) for o in c.anchor.children
                                               if o.dep_ in ("dobj", "nsubjpass") and o.i in gatherings), None)
            if gathering is None:
                out.append(c)
                continue
            gathering.sources += [a for a in c.sources if a.actor is not None
                                  and all(a.actor is not b.actor for b in gathering.sources)]
            gathering.reasons.append(f"hosted: '{c.anchor.text}'")
        return out

    def _speaker_for_own_body(self, doc: Doc, cand: Candidate) -> None:
        """"The Secretary-General stressed that the Secretariat was ready to help",
        "the spokesman said India reserves the right to respond": an official who
        says what his own organisation or state does is the actor — it acts
        through him."""
        if not cand.sources or any(a.actor is None or not a.actor.kb_id or a.actor.kind not in ("organisation", "state")
                                   for a in cand.sources):
            return
        node = cand.anchor
        for _ in range(3):
            if node.dep_ not in ("ccomp", "conj") or node.head.i == node.i:
                return
            node = node.head
            if node.lemma_.lower() in _SPEECH:
                break
        else:
            return
        speakers = [a for a in self._subjects(doc, node) if a.actor is not None and a.actor.kind == "person"]
        if len(speakers) != 1:
            return
        speaker = speakers[0].actor
        if all(a.actor.kind == "state" for a in cand.sources):
            if speaker.country and speaker.sector == "GOV" and all(a.actor.country == speaker.country for a in cand.sources):
                cand.sources = speakers
                cand.reasons.append("an official stating what his own state does acts for it")
            return
        if not speaker.org:
            return
        own = {m.entry.kb_id for m in self.kb.match(speaker.org)} if self.kb else set()
        families = {k.split("/")[0] for k in own if k}
        if families and all(a.actor.kb_id.split("/")[0] in families for a in cand.sources):
            cand.sources = speakers
            cand.reasons.append("an official stating what his own organisation does acts for it")

    def _derived_mode(self, cand: Candidate, sentence_cands: list[Candidate]) -> None:
        """"threatened to arrest", "urged X to withdraw", "refused to meet": the mode of
        an act about another act comes from that act (lexicon.yaml: derived_modes)."""
        table = self.lex.derived_modes.get(cand.type)
        if not table or cand.mode is not None:
            return
        inner = next((c for c in sentence_cands if c is not cand and any(
            r.startswith("embedded under") and f"'{cand.anchor.text}'" in r for r in c.reasons)), None)
        if inner is None:
            return
        for key in (f"{inner.type}/{inner.mode}", inner.type):
            if key in table:
                cand.mode = table[key]
                cand.reasons.append(f"mode '{cand.mode}' from the embedded {inner.type}")
                return

    def _adversary_against(self, doc: Doc, cand: Candidate) -> None:
        """"Mobilised reservists for a possible war against Ruritania": a hostile
        act with no target named takes the adversary an "against" names inside its
        own clause — through purpose phrases and infinitives, not into clauses with
        subjects of their own (lexicon.yaml: against_targeted)."""
        if cand.type not in self.lex.against_targeted or any(a.actor for a in cand.targets) \
                or not any(a.actor for a in cand.sources):
            return
        anchor = cand.anchor
        for tok in anchor.subtree:
            if tok.lower_ != "against" or tok.dep_ != "prep":
                continue
            node, ok = tok.head, True
            while node.i != anchor.i:
                if node.dep_ in ("ccomp", "relcl", "parataxis", "conj") or any(
                        c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                    ok = False
                    break
                node = node.head
            if not ok:
                continue
            args = [a for a in self._args(doc, self._pobjs(tok), "against") if a.actor]
            if args:
                cand.targets = args
                cand.reasons.append(f"target: named by 'against' in '{tok.head.text} {tok.text} ...'")
                return

    @staticmethod
    def _places_on(obj: Token) -> list[Token]:
        """Locative prepositions within an object's phrase, nearest first, not inside
        clauses of their own: "lines leading into Kabul", "the chief of a militia in
        southern Lebanon"."""
        found = []
        for t in obj.subtree:
            if t.dep_ != "prep" or t.lower_ not in ("in", "into", "near", "outside", "inside", "across"):
                continue
            node, hops = t.head, 1
            while node.i != obj.i and hops <= 4 and node.dep_ not in ("relcl", "ccomp", "advcl"):
                node, hops = node.head, hops + 1
            if node.i == obj.i:
                found.append((hops, t.i, t))
        return [t for _, _, t in sorted(found)]

    def _place_as_target(self, doc: Doc, cand: Candidate) -> None:
        """"Ruritania lifted the curfew in Freedonia", "protesters rallied in Lagos":
        an act done to a place, with no target named, targets the country where it
        happens (lexicon.yaml: place_targeted). Only for an act with a named agent:
        a place alone does not make "a bomb exploded in Lagos" an event."""
        if cand.type not in self.lex.place_targeted or any(a.actor for a in cand.targets) \
                or not any(a.actor for a in cand.sources):
            return
        index = doc._.mention_index or {}
        obj = self._dobj(cand.anchor)
        people = obj is not None and (obj.lemma_.lower() in _PEOPLE or obj.lemma_.lower() in sector_cues()[1])
        if people or (obj is not None and obj.i in index and any(c.dep_ == "nummod" for c in obj.children)):
            return  # "arrested seven IS members in Anbar": done to people the text counts, not to Iraq
        # "suspended aid deliveries in Baghdad", "blew up power lines leading into Kabul":
        # the place may hang on the object
        on_object = [o for p in self._places_on(obj) for o in self._pobjs(p)] if obj is not None else []
        for tok in cand.place_tokens + on_object:
            m = index.get(tok.i)
            if m is None or m.resolved.kind not in ("state", "subnational", "place") or m.resolved.country == "IGO":
                continue
            cand.targets = [Arg(tok, m, "place-of-act")]
            cand.reasons.append(f"target: the country of '{tok.text}', where the act happened")
            return

    def _target_from_clause(self, doc: Doc, cand: Candidate, sentence_cands: list[Candidate]) -> None:
        """Targets often sit in the clause the act is about: "is ready to pull its
        brigade out of Ruritania", "offered to mediate with the premier of Freedonia",
        "began a sit-in to demand the release of activists held by the Freedonian
        police": with no target of its own, the event takes the embedded event's
        target, else the first other actor named in its complement or purpose clause."""
        if any(a.actor for a in cand.targets) or cand.type == "CONSULT" and cand.mode == "multilateral":
            return
        sources = {id(a.actor) for a in cand.sources if a.actor}
        # "..., telling journalists that ...": whom one talks to about it is not the target
        # ("resigned as the opposition threatened to storm ...": a clause of time or
        # cause tells what happened around the act, not whom it is done to)
        clauses = [c for c in cand.anchor.children if c.dep_ in ("xcomp", "advcl", "ccomp")
                   and not (c.dep_ == "advcl" and c.lemma_.lower() in _SPEECH | {"tell", "speak", "talk"})
                   and not (c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CIRCUMSTANCE
                                                      for m in c.children))]
        if cand.trigger[-1].i != cand.anchor.i and cand.type not in ("SUPPORT", "COOPERATE"):
            # ("signed an agreement to combat the rebels": what a deal is about is not its other party)
            clauses += [c for c in cand.trigger[-1].children if c.dep_ in ("xcomp", "acl", "ccomp")]
        for clause in clauses:
            inner = next((c for c in sentence_cands if c is not cand and c.anchor.i == clause.i), None)
            if inner is not None:
                # a demand is made of whoever is to act: "demanded that Israel ease restrictions on ..."
                found = [a for a in inner.sources if a.actor and id(a.actor) not in sources] \
                    if cand.type == "REQUEST" else []
                found = found or [a for a in inner.targets if a.actor and id(a.actor) not in sources]
                if found:
                    cand.targets = found
                    cand.reasons.append(f"target from the embedded '{inner.trigger.text}'")
                    return
            index = doc._.mention_index or {}
            for tok in clause.subtree:
                m = index.get(tok.i)
                # the clause's own subject counts: "demanded that Ruritania withdraw"
                if m is None or m.kind in ("pronoun", "facility") or self._aside(tok, clause):
                    continue
                r = m.resolved
                if id(r) in sources or r.kind == "pronoun":
                    continue
                # ("threatened to impose a curfew in Algiers": the place of the act it is about)
                where = tok.dep_ == "pobj" and tok.head.lower_ in ("in", "at", "into", "across", "throughout")
                cand.targets = [Arg(tok, m, "place-of-act:clause" if where else "clause")]
                cand.reasons.append(f"target from the clause '{clause.text}'")
                return

    @staticmethod
    def _aside(tok: Token, clause: Token) -> bool:
        """Whether a word sits in a circumstance of the clause rather than in its
        content: "agreed to resign without returning to Ruritania"."""
        node = tok
        while node.i != clause.i and node.head.i != node.i:
            if node.dep_ in ("advcl", "relcl") or (node.dep_ == "prep" and node.lower_ in _CIRCUMSTANCE_PREPS):
                return True
            node = node.head
        return False

    @staticmethod
    def _media_contact(cand: Candidate) -> bool:
        """Talking to the press is not diplomacy: an interview, a press conference, a
        conversation with a news outlet is no CONSULT."""
        if cand.type != "CONSULT":
            return False
        if any(a.actor is not None and a.actor.sector in ("JRN", "MED") for a in cand.sources + cand.targets):
            return True
        words = {t.lemma_.lower() for t in cand.anchor.subtree} | {t.lemma_.lower() for t in cand.trigger}
        if any(c.lower_ in ("press", "news", "media") for t in cand.trigger for c in t.lefts):
            return True  # a press conference
        return bool(words & {"interview", "reporter", "journalist", "podcast", "newspaper", "broadcaster"})

    @staticmethod
    def _inherit_agent(cand: Candidate, earlier: list[Candidate]) -> None:
        """"Kyrgyzstan sent humanitarian aid to Kazakhstan. A second batch was sent on
        April 13": an agentless passive takes its parties from the last event of its
        type in the two sentences before."""
        if any(a.actor for a in cand.sources) or not cand.anchor.tag_ == "VBN":
            return
        if cand.type not in ("AID", "COOPERATE", "SUPPORT", "AGREE", "CONCEDE", "RETREAT"):
            return  # "X was accused of ...": an accuser left unnamed is not the last speaker
        if not any(c.dep_ in ("auxpass", "nsubjpass") for c in cand.anchor.children):
            return
        sent_start = cand.sentence.start
        for prev in reversed(earlier):
            if prev.sentence.start >= sent_start or cand.sentence.start - prev.sentence.end > 120:
                continue
            if prev.type == cand.type and any(a.actor for a in prev.sources):
                cand.sources = list(prev.sources)
                cand.at_gathering = cand.at_gathering or prev.at_gathering
                if not any(a.actor for a in cand.targets):
                    cand.targets = list(prev.targets)
                cand.reasons.append(f"parties from the earlier '{prev.trigger.text}'")
                cand.rule += "+previous-sentence"
                return
        # "The Council met in Tashkent. ... A decision was taken on ...": decisions and
        # approvals without an agent are the meeting's, told just before
        if cand.type in ("AGREE", "SUPPORT"):
            # (the body that met decides, not the delegations listed as attending it)
            meeting = next((p for p in reversed(earlier) if p.gathering is not None and p.sentence.start < sent_start
                            and cand.sentence.start - p.sentence.end < 600 and any(a.actor for a in p.sources)
                            and p.rule != "gathering:attended-by"), None)
            if meeting is not None:
                cand.sources = [a for a in meeting.sources if a.actor]
                cand.at_gathering = cand.at_gathering or meeting.anchor
                cand.reasons.append(f"decided at the '{meeting.trigger.text}' told before")
                cand.rule += "+at-earlier-gathering"

    def _light_use(self, verb: Token, lemma: str) -> bool:
        """"offered condolences", "offered a counterargument": the verb is only the
        light verb of its object, whose lexicon entry names it (light_only), so the
        noun's event is the act, not the verb's own sense ("offered to mediate")."""
        if lemma not in self.lex.light_verbs:
            return False
        obj = self._dobj(verb)
        if obj is None:
            return False
        return any(lemma in (sense.get("light_only") or ()) for sense in self.lex.nouns.get(obj.lemma_.lower(), ()))

    @staticmethod
    def _joint(noun: Token, light: Token) -> bool:
        """"joint war games", "war games with Egypt", "French and Egyptian warships
        launched war games": more than one side takes part."""
        if any(c.lower_ in ("joint", "combined", "bilateral", "trilateral", "multinational") for c in noun.lefts):
            return True
        if any(c.dep_ == "prep" and c.lower_ == "with" for c in list(noun.children) + list(light.children)):
            return True
        subjects = [c for c in light.children if c.dep_ in _SUBJ]
        return any(t.dep_ == "conj" for s in subjects for t in s.subtree)

    @staticmethod
    def _pledge_kept(cand: Candidate) -> bool:
        """"will make every effort to help" is a pledge, said now; "made every effort to
        find them" tells what was done and is no event (lexicon.yaml: future_pledge)."""
        if not cand.sense.get("future_pledge"):
            return True
        if not cand.future:
            return False
        cand.future = False
        cand.reasons.append("a pledge: what it will do, said now")
        return True

    def _stated_intent(self, cand: Candidate) -> None:
        """PLOVER codes what an actor says it will do: "Syria says it will
        withdraw", "they would blockade Paris", "X will allow refugees to return"
        are a promise (AGREE) or a threat (THREATEN), stated now.  A scheduled
        meeting ("will visit Beijing next week") stays a plan, not an event,
        unless the actor itself announces it."""
        if cand.type == "AGREE" and cand.anchor.lemma_.lower() in ("vow", "swear", "sworn", "pledge", "promise"):
            comp = next((c for c in cand.anchor.children if c.dep_ in ("xcomp", "advcl")), None)
            if comp is not None and any(s.type in _CONFLICT_TYPES for s in self.lex.verbs.get(comp.lemma_.lower(), ())):
                cand.type, cand.mode, cand.cameo = "THREATEN", None, "130"
                cand.reasons.append(f"a vow to '{comp.text}' is a threat")
                return
        if not cand.future or cand.negated or cand.type in ("AGREE", "THREATEN", "REQUEST", "REJECT"):
            return
        if any(r.startswith("embedded under") for r in cand.reasons):
            return
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in cand.anchor.children) or not any(a.actor for a in cand.sources):
            return  # "the agreement is yet to be finalized": nobody has said they will
        node, speech = cand.anchor, None
        for _ in range(4):
            if node.dep_ in ("ccomp", "xcomp", "conj") and node.head.i != node.i:
                node = node.head
                if node.lemma_.lower() in _ANNOUNCE:
                    speech = node
                    break
            else:
                break
        if cand.type == "CONSULT" and speech is None:
            return
        # a private person's wish ("the blogger wants to donate his photos") is no pledge
        if all(a.actor is None or (a.actor.kind == "person" and not a.actor.role and not a.actor.kb_id)
               for a in cand.sources):
            return
        conditional = any(t.dep_ == "mark" and t.lower_ in ("unless", "if") for t in cand.anchor.subtree)
        conflict = cand.type in _CONFLICT_TYPES or (conditional and cand.type == "RETREAT")
        new_type = "THREATEN" if conflict else "AGREE"
        cand.reasons.append(f"stated intent ({'announced' if speech is not None else 'future'}): "
                            f"{cand.type} → {new_type}")
        cand.type, cand.mode = new_type, None
        cand.cameo = "130" if conflict else "030"
        cand.future = False
        cand.rule += "+stated-intent"

    def _refused_concession(self, cand: Candidate) -> None:
        """"would not meet the demands", "failed to agree": a refusal is REJECT."""
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in cand.anchor.children)
        if cand.negated and cand.type in ("CONCEDE", "AGREE") and not cand.hypothetical and not passive:
            cand.reasons.append(f"negated {cand.type} → REJECT")
            cand.type, cand.mode, cand.cameo = "REJECT", None, "120"
            cand.negated = False
            cand.future = False
            cand.rule += "+negated-concession"

    # ------------------------------------------------------------ triggers

    def _candidates_at(self, doc: Doc, sent: Span, tok: Token, rejections) -> Iterator[Candidate]:
        lemma = tok.lemma_.lower()
        # multi-word phrases first: "speak highly of", "take part in"
        for sense in self._phrase_heads.get(lemma, ()):
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            span = self._match_phrase(doc, tok, sense.get("lemmas"))
            if span is None:
                continue
            cand = self._verbal(doc, sent, tok, sense, span, rejections)
            if cand:
                yield cand
                return
        if tok.pos_ == "VERB" and tok.dep_ == "amod":
            return  # "visiting Australian Foreign Minister", "detained journalists": a modifier, not an act here
        if tok.pos_ == "VERB" and lemma in _ATTENDING:
            cand = self._attended_by(doc, sent, tok)
            if cand:
                yield cand
                return
        if tok.pos_ == "VERB" and not self._light_use(tok, lemma):
            for sense in self.lex.verbs.get(lemma, ()):
                cand = self._verbal(doc, sent, tok, sense, doc[tok.i:tok.i + 1], rejections)
                if cand:
                    yield cand
                    return
            if lemma in _SPEECH:
                cand = self._evaluative(doc, sent, tok)
                if cand:
                    yield cand
                    return
        elif tok.pos_ in ("NOUN", "PROPN"):
            key = lemma
            if key == "protest" and self._is_crowd_protest(tok):
                key = "protest_crowd"
            # a compound of its own first: "hunger strike", "suicide bombing", "drone strike"
            for c in tok.lefts:
                if c.dep_ in ("compound", "amod") and f"{c.lemma_.lower()}_{lemma}" in self.lex.nouns:
                    key = f"{c.lemma_.lower()}_{lemma}"
            for sense in self.lex.nouns.get(key, ()):
                cand = self._nominal(doc, sent, tok, sense, rejections)
                if cand:
                    yield cand
                    return
        elif tok.pos_ == "ADJ" and lemma in _READY:
            cand = self._readiness(doc, sent, tok)
            if cand:
                yield cand

    @staticmethod
    def _match_phrase(doc: Doc, head: Token, lemmas: list[str]) -> Span | None:
        """The phrase's other words among the head's children (or right after it)."""
        idx = [head.i]
        for lem in lemmas[1:]:
            found = None
            for child in head.children:
                if child.lemma_.lower() == lem and child.i not in idx:
                    found = child
                    break
            if found is None:
                nxt = max(idx) + 1
                if nxt < len(doc) and doc[nxt].lemma_.lower() == lem:
                    found = doc[nxt]
            if found is None:
                # the object's own children ("take part in": in hangs on part)
                for i in idx[1:]:
                    for child in doc[i].children:
                        if child.lemma_.lower() == lem:
                            found = child
                            break
                    if found:
                        break
            if found is None:
                return None
            if found.pos_ == "ADP" and any(o.ent_type_ in ("DATE", "TIME") for o in found.children):
                return None  # "called X on Monday" is no "call on"
            idx.append(found.i)
        return doc[min(idx):max(idx) + 1]

    # -------------------------------------------------------------- verbs

    def _verbal(self, doc, sent, tok: Token, sense: Sense, span: Span, rejections) -> Candidate | None:
        def reject(reason: str) -> None:
            if self.explain:
                rejections.append(Rejection(tok, sense, reason))
            return None

        reduced_relative = tok.dep_ in ("acl", "advcl") and tok.tag_ in ("VBN", "VBD") and not any(
            c.dep_ in ("aux", "auxpass", "nsubj", "dobj") for c in tok.children) and (
            tok.dep_ == "acl" or any(c.dep_ == "prep" and c.lower_ in ("at", "by", "during") for c in tok.children))
        passive = any(c.dep_ in _PASS_SUBJ for c in tok.children) or any(
            c.dep_ == "auxpass" for c in tok.children) or reduced_relative
        if tok.lemma_.lower() == "oppose" and tok.i > 0 and doc[tok.i - 1].lower_ == "as":
            return reject("'as opposed to' contrasts, it opposes nothing")
        stance_holder = None
        if passive and tok.lemma_.lower() in _STANCE_PARTICIPLES and not any(c.dep_ == "agent" for c in tok.children):
            # "Israel is opposed to the mediation", "Vietnam is committed to reform": a
            # stance its subject holds, not something done to it
            passive = False
            stance_holder = next((c for c in tok.children if c.dep_ in _PASS_SUBJ), None)
        dobj = self._dobj(tok)
        if dobj is None and sense.pos == "PHRASE":
            last = span[-1]
            if last.pos_ == "VERB" and last.i != tok.i:
                dobj = self._dobj(last)
        preps = self._preps(tok)
        obj_tok = dobj
        if passive:
            obj_tok = next((c for c in tok.children if c.dep_ in _PASS_SUBJ), None)
            if obj_tok is None and tok.dep_ == "acl":
                obj_tok = tok.head  # "the Programme adopted at the summit"
            if obj_tok is None and tok.tag_ in ("VBN", "VBD") and tok.dep_ == "advcl" and not any(
                    c.dep_ in ("aux", "auxpass", "nsubj") for c in tok.children):
                obj_tok = self._preceding_noun(doc, tok)  # a reduced relative the parser took for advcl
        obj_mention = self._actor_near(doc, obj_tok) if obj_tok is not None else None

        # word-sense constraints
        lem_any = sense.lemmas("object_lemmas", "object_lemmas_any")
        if lem_any is not None:
            words = self._object_words(obj_tok)
            if not words & lem_any:
                return reject(f"object {sorted(words)[:3]} not among {sense.key}'s objects")
        forbid = sense.lemmas("not_object_lemmas", "forbid_object_lemmas")
        if forbid and obj_tok is not None and self._object_words(obj_tok) & forbid:
            return reject("object excluded by word sense")
        if sense.get("requires_object") and (obj_mention is None):
            return reject("needs an actor as object")
        if sense.get("forbid_object") and dobj is not None:
            return reject("takes no object in this sense")
        kinds = sense.get("object_kinds")
        if kinds and obj_tok is not None and obj_mention is not None and obj_mention.resolved.kind not in kinds:
            return reject(f"object is a {obj_mention.resolved.kind}")
        kinds_not = sense.get("object_kinds_not") or sense.get("forbid_object_kinds")
        if kinds_not and obj_mention is not None and obj_mention.resolved.kind in kinds_not:
            return reject(f"object is a {obj_mention.resolved.kind}")
        if sense.get("requires_prep") and sense.get("requires_prep") not in preps:
            return reject(f"needs '{sense.get('requires_prep')}'")
        if sense.get("requires_adv_any"):
            # "sexually abused", "stood firmly by", "stand in solidarity with"
            near = {c.lemma_.lower() for c in tok.children if c.dep_ in ("advmod", "npadvmod")} | {
                o.lemma_.lower() for p in tok.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"}
            if not near & set(sense.get("requires_adv_any")):
                return reject(f"needs one of {sorted(sense.get('requires_adv_any'))}")
        wanted = set(sense.get("requires_prep_any") or ())
        if wanted and not any(p in preps and not all(o.ent_type_ in ("DATE", "TIME") for o in self._pobjs(preps[p]))
                              for p in wanted):
            return reject(f"needs one of {sorted(wanted)} (not a date)")
        if sense.get("requires_prep_lemma"):
            wanted = set(sense.get("requires_prep_lemma"))
            found = any(
                (g.lemma_.lower() in wanted) for p in preps.values() for g in p.subtree
            ) or any(c.lemma_.lower() in wanted for c in tok.children)
            if not found:
                return reject(f"needs {sorted(wanted)}")
        if sense.get("requires_complement"):
            comps = set(sense.get("requires_complement"))
            has = any(c.dep_ in comps or c.lower_ in comps or (c.lower_ == "upon" and "on" in comps)
                      for c in tok.children) or bool(comps & set(preps)) or ("dobj" in comps and dobj is not None) \
                or any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in comps for m in c.children)
                       for c in tok.children)  # "pushed for the US to act": a for-to clause
            if not has:
                return reject("needs a complement (agree to/on..., decide to...)")
        if sense.get("forbid_complement_lemmas"):
            bad = set(sense.get("forbid_complement_lemmas"))
            if any(c.dep_ == "xcomp" and c.lemma_.lower() in bad for c in tok.children):
                return reject("complement makes it a threat")
        if sense.get("forbid_aux"):
            if any(c.dep_ == "aux" and c.lower_ in sense.get("forbid_aux") for c in tok.children):
                return reject("modal use")
        if sense.get("requires_threat") and not self._has_threat(tok):
            return reject("a warning without a threatened action")
        if sense.get("requires_oprd_negative"):
            if not any(c.dep_ in ("oprd", "ccomp", "xcomp") and c.lemma_.lower() in _NEGATIVE_EVAL
                       for c in tok.subtree):
                return reject("'call' without a negative evaluation")

        # "a provision of the law allows ...", "the Charter calls on ...": what a text
        # says is its content, not an act by anyone
        clause = tok.head if tok.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in tok.children) else tok
        if not passive and any(c.dep_ in ("nsubj",) and c.lemma_.lower() in _DOCUMENTS for c in clause.children):
            return reject("the subject is a text, not an actor")

        # arguments
        subjects = self._args(doc, [stance_holder], "subject") if stance_holder is not None \
            else self._subjects(doc, tok)
        sources: list[Arg] = []
        targets: list[Arg] = []
        if passive:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            if agent is not None:
                sources = self._args(doc, [p for p in agent.children if p.dep_ == "pobj"], "agent")
            if obj_tok is not None:
                # "40 sailors held for straying into its waters": the sailors were held
                targets = [a for a in self._args(doc, [obj_tok], "passive-subject") if a.actor]
            if not sources:
                sources = self._removed_by(doc, tok) or self._gathering_participants(doc, tok)
        else:
            sources = subjects
            targets = self._targets(doc, tok, sense, dobj, preps)
        if sense.get("subject_sectors") is not None:
            allowed = set(x for x in sense.get("subject_sectors"))
            secs = {a.actor.sector if a.actor else None for a in sources} or {None}
            if not secs & allowed:
                return reject(f"subject sector {secs} not {sorted(map(str, allowed))}")
        if sense.get("subject_kinds") is not None:
            ks = {a.actor.kind if a.actor else None for a in sources}
            if not ks & set(sense.get("subject_kinds")):
                return reject("subject kind")
        if sense.get("requires_source") and not any(a.actor for a in sources):
            return reject("needs an agent")
        if sense.get("requires_military_source") and not any(
                a.actor and a.actor.sector in ("MIL", "REB", "UAF", "PRM") for a in sources):
            return reject("needs an armed agent")
        if sense.get("requires_actor_arg") and not any(a.actor for a in sources + targets):
            return reject("no actor among its arguments")
        if sense.get("requires_actor_target") and not (
                any(a.actor and a.actor.kind != "pronoun" and a.mention.kind != "pronoun" for a in targets)
                and any(a.actor for a in sources)):
            return reject("a claim with no named actor it is about")
        if sense.get("requires_sentence_lemma") and not any(
                t.lemma_.lower() in sense.get("requires_sentence_lemma") for t in tok.sent):
            return reject(f"needs one of {sense.get('requires_sentence_lemma')} in the sentence")
        if sense.get("forbid_complement") and any(c.dep_ in sense.get("forbid_complement") for c in tok.children):
            return reject("a sense that takes no clause ('demonstrate that ...')")
        if sense.get("requires_visit_word") and not any(t.lemma_.lower() == "visit" for t in tok.sent):
            return reject("arriving is a visit only when the text says so")
        if sense.get("requires_location_or_visit") and not self._has_visit_cue(doc, tok, targets):
            return reject("a welcome without a visit")

        cand = Candidate(sense=sense, type=sense.type, mode=sense.mode, cameo=sense.cameo, trigger=span,
                         anchor=tok, sentence=sent, sources=sources, targets=targets, rule=sense.rule)
        cand.at_gathering = self._gathering_of(tok)
        if cand.type == "ACCUSE" and sense.key == "call" and dobj is not None and dobj.lemma_.lower() in _CLAIMS \
                and any(t.lemma_.lower() in _FALSE for t in tok.subtree):
            # "called the allegations baseless": a denial
            cand.type, cand.mode, cand.cameo = "REJECT", None, "120"
            cand.reasons.append("a claim called false is rejected")
        if sense.get("reverse") and targets:
            cand.sources, cand.targets = targets, sources
            cand.reasons.append("host receives visitor: the visitor is the source")
        self._reciprocal(cand)
        self._modality(doc, cand, tok)
        self._habitual(cand, tok)
        self._conditional(cand, tok)
        stated = tok.dep_ == "ccomp" and tok.head.lemma_.lower() in _ANNOUNCE  # "Beijing said it opposes ...": said now
        if sense.get("stance") and not stated and tok.tag_ in ("VBZ", "VBP") and not any(c.dep_ == "aux" for c in tok.children) \
                and not any(t.ent_type_ in ("DATE", "TIME") for t in tok.subtree):
            cand.hypothetical = True  # "the United States opposes China's expansion": a standing position
            cand.reasons.append("a standing position in the present tense, not an act")
        if self._accident(tok):
            return reject("deaths in an accident or disaster are not an attack")
        self._places_and_times(doc, cand, [tok])
        if not self._take_part(doc, cand, sense, span):
            return reject("takes part in something that is no gathering (a parade, a race)")
        self._consult_mode(doc, cand)
        self._confidence(cand)
        return cand

    def _take_part(self, doc: Doc, cand: Candidate, sense: Sense, span: Span) -> bool:
        """"took part in a meeting ... with X": a meeting with X, not a gathering;
        "took part in the summit": multilateral, its name the target's place.
        False when the sense needs a gathering and the thing taken part in is none
        ("participated in the National Day parade")."""
        if sense.pos != "PHRASE" or cand.type != "CONSULT":
            return True
        noun = next((t for t in span if t.dep_ == "pobj"), None)
        if noun is None:
            for t in span:
                noun = next((c for c in t.children if c.dep_ == "pobj"), noun)
        if noun is None:
            return not sense.get("requires_gathering")
        if sense.get("requires_gathering") and noun.lemma_.lower() not in _GATHERING_NOUNS | _TALK_NOUNS \
                and (doc._.mention_index or {}).get(noun.i) is None:
            return False
        withs = [p for p in noun.children if p.dep_ == "prep" and p.lower_ in ("with", "between")]
        if withs:
            cand.targets = [a for p in withs for a in self._args(doc, self._pobjs(p), p.lower_) if a.actor]
            cand.mode, cand.cameo = None, "040"
            cand.reasons.append(f"took part in a {noun.text} with a named counterpart")
            self._places_and_times(doc, cand, [noun])
        elif noun.lemma_.lower() in _GATHERING_NOUNS or noun.lemma_.lower() in ("debate", "session", "talks"):
            cand.targets = [a for a in cand.targets if a.actor and a.actor.kind in ("organisation",)]
            cand.mode, cand.cameo = "multilateral", "040"
            left = noun.left_edge.i
            while left < noun.i and doc[left].dep_ in ("det", "poss"):
                left += 1
            cand.gathering = doc[left:noun.i + 1]
            acl = [c for c in noun.children if c.dep_ in ("acl", "relcl")]
            self._places_and_times(doc, cand, [noun] + acl)
            cand.reasons.append(f"took part in the gathering '{cand.gathering.text}'")
        return True

    # -------------------------------------------------------------- nouns

    def _nominal(self, doc, sent, tok: Token, sense: Sense, rejections) -> Candidate | None:
        def reject(reason: str) -> None:
            if self.explain:
                rejections.append(Rejection(tok, sense, reason))
            return None

        if sense.get("plural_only") and tok.tag_ not in ("NNS", "NNPS"):
            return reject("singular 'talk' is not talks")
        if tok.dep_ == "compound" and not sense.get("gathering"):
            return reject("a modifier of another noun ('Consultation Meeting', 'talks process')")
        if sense.get("requires_compound_any"):
            wanted = set(sense.get("requires_compound_any"))
            if not any(c.lemma_.lower() in wanted or c.lower_ in wanted for c in tok.lefts):
                return reject(f"needs one of {sorted(wanted)} before it")
        if sense.get("requires_amod_any"):
            wanted = set(sense.get("requires_amod_any"))
            # ("an open-ended strike": the parser splits the hyphenated word)
            went_on = tok.dep_ == "pobj" and tok.head.lower_ == "on" and tok.head.head.lemma_.lower() == "go"
            if not went_on and not any(c.lower_ in wanted or c.lemma_.lower() in wanted
                                       or doc[c.left_edge.i:c.i + 1].text.lower().replace(" ", "") in wanted
                                       for c in tok.lefts):
                return reject(f"needs one of {sorted(wanted)} before it")
        if sense.get("requires_prep") and sense.get("requires_prep") not in self._preps(tok):
            return reject(f"needs '{sense.get('requires_prep')}'")
        if sense.get("requires_group_of"):
            # "the Meeting of the Council of Coordinators", "a meeting of defence
            # ministers": a body meets; "the meeting of Ruiz and Berg" is not a gathering
            of = self._preps(tok).get("of")
            members = [a for a in self._args(doc, self._pobjs(of), "of") if a.actor] if of is not None else []
            if not members or any(a.actor.kind in ("person", "state") for a in members):
                return reject("not a meeting of a body or group")
        head = tok.head
        light = None
        if sense.type == "ACCUSE" and tok.lemma_.lower() == "protest" and tok.dep_ == "pobj" and head.lower_ == "in":
            # "began a sit-in in protest against ...": a protest by the clause's subject
            sense = self.lex.nouns.get("protest_crowd", (sense,))[0]
            verb = head.head
            sources = self._subjects(doc, verb) if verb.pos_ in ("VERB", "AUX") else []
            preps = self._preps(tok)
            targets = self._noun_targets(doc, tok, sense, preps, None)
            if not any(a.actor for a in sources):
                return reject("'in protest' without a protester")
            cand = Candidate(sense=sense, type="PROTEST", mode="demo", cameo=sense.cameo, trigger=doc[head.i:tok.i + 1],
                             anchor=verb, sentence=sent, sources=sources, targets=targets, rule="nominal:in-protest")
            self._modality(doc, cand, verb)
            self._places_and_times(doc, cand, [verb])
            self._confidence(cand)
            return cand
        if tok.dep_ in ("dobj", "attr", "oprd") and head.pos_ in ("VERB", "AUX") and \
                head.lemma_.lower() in self.lex.light_verbs:
            light = head
        elif tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB" and \
                head.head.lemma_.lower() in ("take", "participate", "engage") :
            light = head.head
        elif tok.dep_ == "pobj" and head.lower_ == "on" and head.head.lemma_.lower() == "go" \
                and "go" in (sense.get("light_only") or ()):
            light = head.head  # "went on strike"
        elif tok.dep_ == "conj" and head.dep_ in ("dobj",) and head.head.lemma_.lower() in self.lex.light_verbs:
            light = head.head
        elif tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _SPANS_OF \
                and head.head.dep_ in ("dobj", "attr") and head.head.head.lemma_.lower() in self.lex.light_verbs:
            light = head.head.head  # "launched ten days of war games", "held two rounds of talks"
        dative: Arg | None = None
        if light is None and tok.dep_ == "pobj" and head.lower_ == "to" and head.head.pos_ == "VERB" \
                and head.head.lemma_.lower() in self.lex.light_verbs and tok.i > head.i + 1:
            # "conveyed to President Ruiz congratulations of ...": the parser glues the
            # name to the noun; the name is the one the noun goes to
            named = (doc._.mention_index or {}).get(tok.i - 1)
            if named is not None and named.end == tok.i and named.start > head.i:
                light, dative = head.head, Arg(doc[tok.i - 1], named, "indirect-object")
        allowed_light = sense.get("light_only")
        preps = self._preps(tok)
        if light is None and sense.get("nominal_participle"):
            # "the understandings reached during the visit", "a deal hashed out by A and B"
            part = next((c for c in tok.children if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in sense.get("nominal_participle")), None)
            if part is not None:
                light = part
        if sense.get("requires_prep_at_gathering"):
            at = [o for p in tok.children if p.dep_ == "prep" and p.lower_ in ("at", "to", "before")
                  for o in self._pobjs(p) if o.lemma_.lower() in _GATHERING_NOUNS | {"debate", "debates", "session"}]
            if not at:
                return reject("a speech not at a gathering")
        if sense.type == "COOPERATE" and light is None and any(c.lower_ in ("joint", "combined") for c in tok.lefts):
            light = tok  # "the joint border drill of the two navies": it took place
        if light is not None and light.i == tok.i:
            sources = [a for p in tok.children if p.dep_ == "prep" and p.lower_ in ("of", "by", "between")
                       for a in self._args(doc, self._pobjs(p), p.lower_) if a.actor]
            cand = Candidate(sense=sense, type=sense.type, mode=sense.mode, cameo=sense.cameo,
                             trigger=doc[tok.i:tok.i + 1], anchor=tok, sentence=sent, sources=sources, targets=[],
                             rule=f"nominal:joint-{sense.key}")
            self._noun_modality(doc, cand, tok)
            self._places_and_times(doc, cand, [tok])
            self._confidence(cand)
            return cand
        if light is not None:
            if allowed_light and light.lemma_.lower() not in allowed_light:
                return reject(f"'{light.lemma_}' is not a light verb for {sense.key}")
            if sense.get("requires_joint") and not self._joint(tok, light):
                return reject("one side's manoeuvres, not a joint act")
            sources = self._subjects(doc, light)
            passive = any(c.dep_ in _PASS_SUBJ for c in light.children)
            if passive:
                agent = next((c for c in light.children if c.dep_ == "agent"), None)
                sources = self._args(doc, [p for p in agent.children if p.dep_ == "pobj"], "agent") if agent else []
            targets = self._noun_targets(doc, tok, sense, preps, light)
            if dative is not None:
                targets = [dative]
            if sense.mode == "multilateral" and sense.get("gathering"):
                # "held the Qingdao Summit": the gathering, named, to merge with its other mentions
                left = tok.left_edge.i
                while left < tok.i and doc[left].dep_ in ("det", "poss"):
                    left += 1
                gathering_name = doc[left:tok.i + 1]
            else:
                gathering_name = None
            if light.dep_ in ("acl", "relcl") and light.head.i == tok.i:
                agent = next((c for c in light.children if c.dep_ == "agent"), None)
                sources = self._args(doc, self._pobjs(agent), "agent") if agent is not None else []
            # "passed on a congratulatory letter from Minister X": the author is the source
            authors = [a for p in tok.children if p.dep_ == "prep" and p.lower_ in (sense.get("author_from") or ())
                       for a in self._args(doc, self._pobjs(p), f"author ({p.lower_})") if a.actor]
            if authors:
                carriers = [a for a in sources if a.actor]
                sources = authors
                if not targets:
                    targets = self._noun_targets(doc, tok, sense, preps, light)
                targets = [t for t in targets if all(t.actor is not c.actor for c in carriers)] or targets
            anchor = light
            span = doc[min(light.i, tok.i):max(light.i, tok.i) + 1] if light.i > tok.i else doc[tok.i:tok.i + 1]
            rule = f"light-verb:{light.lemma_.lower()}-{sense.key}"
        else:
            gathering_name = None
            if tok.dep_ in _PASS_SUBJ and head.lemma_.lower() in ("hold", "conduct", "stage", "sign", "reach", "take", "make", "adopt"):
                # "Talks were held between A and B"
                anchor = head
            elif not sense.get("nominal") and not sense.get("nominal_poss"):
                return reject("an event noun outside a light-verb construction")
            else:
                anchor = tok
            if sense.get("nominal_poss"):
                poss = [c for c in tok.children if c.dep_ == "poss"]
                if not poss and not ("from" in preps or "by" in preps):
                    return reject("a bare invitation")
            sources = self._args(doc, [c for c in tok.children if c.dep_ == "poss"], "possessor")
            if "by" in preps:
                sources += self._args(doc, self._pobjs(preps["by"]), "by")
            if "from" in preps and sense.type in ("AGREE", "SUPPORT"):
                sources += self._args(doc, self._pobjs(preps["from"]), "from")
            # "the Russia-China talks", "US-led strikes": compound actors
            comp = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")]
            comp_args = [a for a in self._args(doc, comp, "modifier") if a.actor and (
                a.actor.kind in ("state", "person") or a.actor.kb_id)]
            targets = self._noun_targets(doc, tok, sense, preps, None)
            if sense.get("gathering"):
                return self._gathering(doc, sent, tok, sense, sources + comp_args, rejections)
            if not sources and comp_args:
                sources = comp_args
            if not sources and tok.dep_ == "pobj" and tok.head.lower_ in ("following", "after", "during", "before", "at"):
                # "Following talks with X, both leaders reaffirmed ...": the clause's subject held them
                verb = tok.head.head
                if verb.pos_ in ("VERB", "AUX"):
                    sources = [a for a in self._subjects(doc, verb) if a.actor]
                    if not sources:
                        # "a framework hashed out by A and B during talks": the agents held them
                        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                        sources = [a for a in self._args(doc, self._pobjs(agent), "agent") if a.actor] \
                            if agent is not None else []
                    for a in list(sources):
                        if any(t.actor is a.actor for t in targets):
                            sources.remove(a)
            if not sources and "between" in preps:
                sources, targets = targets, []
            if not sources and not targets and anchor is tok:
                return reject("a nominal event with no stated participant")
            if sense.mode == "visit" and not sources and all(a.actor.kind in ("subnational", "place") for a in targets if a.actor):
                return reject("a visit to a town with no visitor named")
            if not targets and sources and all(a.mention is not None and a.mention.kind == "pronoun"
                                               and (a.mention.antecedent is None or a.mention.plural) for a in sources):
                return reject("a nominal event whose only participant is a pronoun ('their meeting')")
            if sense.type == "CONSULT" and not targets and len(sources) == 1 and sources[0].actor is not None \
                    and sources[0].actor.kind == "state" and sources[0].how == "possessor":
                return reject("a state's own meetings ('China's annual political meetings') with no counterpart")
            span = doc[tok.i:tok.i + 1]
            rule = f"nominal:{sense.key}"
        cand = Candidate(sense=sense, type=sense.type, mode=sense.mode, cameo=sense.cameo, trigger=span,
                         anchor=anchor, sentence=sent, sources=sources, targets=targets, rule=rule)
        if light is not None and gathering_name is not None and len(gathering_name) > 1:
            cand.gathering = gathering_name
        if anchor.pos_ in ("VERB", "AUX") and cand.gathering is None:
            cand.at_gathering = self._gathering_of(anchor)  # "signed an agreement at the forum"
        self._reciprocal(cand)
        self._modality(doc, cand, anchor)
        self._noun_modality(doc, cand, tok)
        self._places_and_times(doc, cand, [anchor, tok])
        self._consult_mode(doc, cand)
        self._confidence(cand)
        return cand

    def _gathering(self, doc, sent, tok: Token, sense: Sense, participants: list[Arg], rejections) -> Candidate | None:
        """A named summit, forum or session that took place → CONSULT multilateral."""
        for anc in list(tok.ancestors)[:4]:
            if anc.text in _INSTRUMENT_WORDS:
                if self.explain:
                    rejections.append(Rejection(tok, sense, f"part of the name of '{anc.text}'"))
                return None
        left = tok.left_edge.i
        while left < tok.i and doc[left].dep_ in ("det", "predet") or doc[left].lower_ in ("the", "a", "an"):
            left += 1
            if left >= tok.i:
                break
        name = doc[left:tok.i + 1]
        # "the 12th Session of the Assembly of the Union"
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                name = doc[left:pobj.right_edge.i + 1]
                participants = participants + [a for a in self._args(doc, [pobj], "of") if a.actor]
        speakers = self._speakers_at(doc, tok)
        if speakers:
            participants = speakers  # "her speech at the debate and at the Summit": she took part
        named = any(t.pos_ == "PROPN" or t.ent_type_ in ("ORDINAL", "ORG", "GPE", "NORP", "EVENT")
                    or t.like_num for t in name if t.i != tok.i) or tok.text[:1].isupper()
        if not named:
            if self.explain:
                rejections.append(Rejection(tok, sense, "an unnamed gathering"))
            return None
        cand = Candidate(sense=sense, type="CONSULT", mode="multilateral", cameo=sense.cameo,
                         trigger=doc[tok.i:tok.i + 1], anchor=tok, sentence=sent,
                         sources=[a for a in participants if a.actor and a.actor.kind != "place"],
                         targets=[], rule=f"gathering:{sense.key}", gathering=name)
        self._noun_modality(doc, cand, tok)
        acl = next((c for c in tok.children if c.dep_ == "acl"), None)
        if acl is not None:
            self._modality(doc, cand, acl)
        if sense.get("requires_held") and not self._took_place(tok, acl):
            # "the Lawyers Forum criticised ...": a body so named, not a gathering told to have met
            if self.explain:
                rejections.append(Rejection(tok, sense, "not told to have taken place"))
            return None
        self._places_and_times(doc, cand, [tok] + ([acl] if acl is not None else []))
        # "the Bishkek summit": the place in its name
        index = doc._.mention_index or {}
        for c in tok.lefts:
            m = index.get(c.i)
            is_place = c.ent_type_ in ("GPE", "LOC") or (m is not None and m.kind in ("state", "subnational", "place"))
            if is_place and c.dep_ in ("compound", "nmod", "amod", "npadvmod"):
                cand.place_tokens.append(c)
        self._confidence(cand)
        return cand

    @staticmethod
    def _took_place(tok: Token, acl: Token | None) -> bool:
        """Whether the text tells that a forum or conference took place: it was held
        (or opened, attended, hosted ...), it has a place, or something happened at,
        during or on the sidelines of it."""
        if acl is not None or any(c.dep_ == "prep" and c.lower_ in ("in", "at") for c in tok.children):
            return True
        if tok.dep_ == "pobj" and tok.head.lower_ in ("at", "during", "of", "to", "on", "before", "after", "for"):
            return True
        return tok.dep_ in ("dobj", "nsubjpass", "nsubj", "conj") and tok.head.lemma_.lower() in _GATHERING_VERBS

    def _attended_by(self, doc, sent, tok: Token) -> Candidate | None:
        """"The meeting was attended by delegations of A, B and the Committee",
        "It was attended by ...": those named took part in the gathering — the one
        named as the subject, or, for "it", the gathering told last."""
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if agent is None or subj is None:
            return None
        if subj.lemma_.lower() in _GATHERING_NOUNS:
            left = subj.left_edge.i
            while left < subj.i and doc[left].dep_ in ("det", "poss"):
                left += 1
            gathering = doc[left:subj.right_edge.i + 1] if subj.right_edge.i < tok.i else doc[left:subj.i + 1]
        elif subj.lower_ == "it":
            told = [c for c in self._earlier if c.gathering is not None and c.sentence.end <= sent.start]
            if not told:
                return None
            gathering = told[-1].gathering
        else:
            return None
        sense = next((s for s in self.lex.nouns.get("meeting", ()) if s.get("gathering")), None)
        # the named states, bodies and people of the list, however the parser nested it
        # ("delegations of the authorities of A, B and the Committee of C")
        index = doc._.mention_index or {}
        named: dict[int, Arg] = {}
        for t in agent.subtree:
            m = index.get(t.i)
            if m is not None and m.resolved.kind in ("state", "organisation", "person") and id(m) not in named:
                named[id(m)] = Arg(t, m, "attended-by")
        attendees = list(named.values()) or [a for a in self._args(doc, self._pobjs(agent), "attended-by") if a.actor]
        if sense is None or not attendees:
            return None
        cand = Candidate(sense=sense, type="CONSULT", mode="multilateral", cameo=sense.cameo,
                         trigger=doc[tok.i:tok.i + 1], anchor=tok, sentence=sent, sources=attendees, targets=[],
                         rule="gathering:attended-by", gathering=gathering)
        cand.reasons.append(f"those who attended '{gathering.text}'")
        self._modality(doc, cand, tok)
        self._places_and_times(doc, cand, [tok])
        self._confidence(cand)
        return cand

    def _speakers_at(self, doc: Doc, gathering: Token) -> list[Arg]:
        """Who spoke at a gathering named as the venue of a speech: "Ruiz's speech at
        the debate and at the Summit" (the parser may hang the second venue anywhere
        in the first one's phrase)."""
        node = gathering
        for _ in range(6):
            if node.head.i == node.i:
                return []
            node = node.head
            if node.pos_ == "VERB" and node.dep_ != "pobj":
                return []  # a clause of its own
            senses = self.lex.nouns.get(node.lemma_.lower(), ())
            if node.pos_ == "NOUN" and any(s.get("requires_prep_at_gathering") for s in senses):
                owners = [c for c in node.children if c.dep_ == "poss"]
                return [a for a in self._args(doc, owners, "speaker") if a.actor]
        return []

    def _gathering_of(self, verb: Token) -> Token | None:
        """The gathering an act took place at: "endorsed at the Astana summit";
        for "during the meeting", the meeting told before; "agreed during talks in
        Geneva": the talks."""
        for p in verb.children:
            if p.dep_ == "prep" and p.lower_ in ("at", "during"):
                for o in p.children:
                    if o.dep_ == "pobj" and o.lemma_.lower() in _GATHERING_NOUNS:
                        told = self._told_gathering(o)
                        return told.anchor if told is not None else o
                    if o.dep_ == "pobj" and p.lower_ == "during" and o.lemma_.lower() in _TALK_NOUNS:
                        return o
        return None

    def _told_gathering(self, noun: Token) -> Candidate | None:
        """"the meeting" with no name of its own, after "the meeting of the Council
        was held ...": the gathering told in an earlier sentence."""
        if not all(c.dep_ == "det" for c in noun.lefts) or any(c.dep_ == "prep" for c in noun.children):
            return None
        return next((c for c in reversed(self._earlier) if c.gathering is not None
                     and c.anchor.lemma_.lower() == noun.lemma_.lower() and c.rule != "gathering:attended-by"), None)

    def _gathering_participants(self, doc: Doc, verb: Token) -> list[Arg]:
        """For "endorsed at the Astana summit": the participants of the gathering, unnamed."""
        for p in verb.children:
            if p.dep_ != "prep" or p.lower_ not in ("at", "during", "by"):
                continue
            for o in self._pobjs(p):
                if o.lemma_.lower() in _GATHERING_NOUNS:
                    earlier = self._told_gathering(o)
                    if earlier is not None and any(a.actor for a in earlier.sources):
                        # "during the meeting" after "the meeting of the Council was held":
                        # its members acted
                        return [Arg(a.token, a.mention, "gathering-participants") for a in earlier.sources if a.actor]
                    name = doc[o.left_edge.i:o.i + 1].text
                    if name.lower().startswith("the "):
                        name = name[4:]
                    m = Mention(o.left_edge.i, o.i + 1, "collective", role=f"participants of the {name}",
                                sector="GOV", rule="gathering-participants")
                    return [Arg(o, m, "gathering-participants")]
        return []

    def _readiness(self, doc, sent, tok: Token) -> Candidate | None:
        """"X is ready to render support" → AGREE (a pledge)."""
        xcomp = next((c for c in tok.children if c.dep_ in ("xcomp",)), None)
        if xcomp is None and tok.lower_ == "open":
            xcomp = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        if xcomp is None or tok.dep_ not in ("acomp", "amod", "ROOT", "ccomp", "conj"):
            return None
        verb = tok.head if tok.dep_ == "acomp" else tok
        sources = self._subjects(doc, verb)
        if not any(a.actor for a in sources):
            return None
        targets: list[Arg] = []
        for p in self._preps(xcomp).values():
            if p.lower_ in ("to", "with", "for"):
                targets += [a for a in self._args(doc, self._pobjs(p), p.lower_) if a.actor]
        etype = "AGREE"
        comp_lemma = xcomp.lemma_.lower()
        harmful = self._embedded_type(xcomp) in _CONFLICT_TYPES or any(
            t.lemma_.lower() in ("law", "curfew", "sanction", "retaliation", "countermeasure")
            for t in xcomp.subtree if t.dep_ in ("dobj", "pobj", "amod", "compound"))
        if harmful and comp_lemma not in ("cooperate", "help", "support", "provide", "assist"):
            etype = "THREATEN"
        sense = Sense(key=tok.lemma_.lower(), pos="ADJ", type=etype, mode=None, cameo="030" if etype == "AGREE" else "130", target=())
        cand = Candidate(sense=sense, type=etype, mode=None, cameo=sense.cameo, trigger=doc[tok.i:tok.i + 1],
                         anchor=verb, sentence=sent, sources=sources, targets=targets,
                         rule=f"readiness:{tok.lemma_.lower()}-to")
        self._modality(doc, cand, verb)
        cand.future = False  # a pledge is made now, whatever it promises
        self._places_and_times(doc, cand, [verb])
        self._confidence(cand)
        return cand

    def _embedded_type(self, verb: Token) -> str | None:
        """The type the verb's first applicable sense gives ("withdraw troops" is a
        RETREAT, "withdraw an ambassador" a SANCTION)."""
        words = self._object_words(self._dobj(verb))
        for sense in self.lex.verbs.get(verb.lemma_.lower(), ()):
            wanted = sense.lemmas("object_lemmas", "object_lemmas_any")
            if wanted and not words & wanted:
                continue
            return sense.type
        return None

    def _evaluative(self, doc, sent, tok: Token) -> Candidate | None:
        """"X noted that Almaty was a thriving hub of regional trade" → SUPPORT;
        "X called the statements irresponsible" → ACCUSE.  No trigger verb: the
        evaluation in the complement is the act."""
        comp = next((c for c in tok.children if c.dep_ in ("ccomp",)), None)
        speakers = self._subjects(doc, tok)
        if not any(a.actor for a in speakers):
            return None
        if comp is None:
            return self._praised_object(doc, sent, tok, speakers)
        obliged = self._obligation(doc, sent, tok, comp, speakers)
        if obliged is not None:
            return obliged
        described = self._described_conduct(doc, sent, tok, comp, speakers)
        if described is not None:
            return described
        subj = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        # "it will be a productive round": a forecast about a thing, not a judgement of an actor
        if subj is None or subj.lower_ in ("it", "this", "that") or any(
                c.dep_ == "aux" and c.lower_ in _FUTURE_AUX | _MODAL_AUX for c in comp.children):
            return None
        words = {t.lemma_.lower() for t in comp.subtree if t.pos_ in ("ADJ", "NOUN", "ADV")}
        neg = any(c.dep_ == "neg" for c in comp.children)
        positive = words & _POSITIVE_EVAL
        if any(c.dep_ == "prep" and c.lower_ == "in" and any(
                o.lemma_.lower() == "line" and any(w.lower_ == "with" for w in o.children) for o in c.children)
               for c in comp.children):
            positive = positive | {"in line with"}  # "is in line with the purposes of the Charter"
        negative = words & _NEGATIVE_EVAL
        if not positive and not negative:
            return None
        if comp.lemma_.lower() not in ("be", "play", "become", "remain", "make", "serve"):
            return None
        # "the Spirit upheld by the Union", "the Union's policy": whose thing is judged
        owners = [c for c in subj.children if c.dep_ == "poss"] + [
            o for a in subj.children if a.dep_ in ("acl", "relcl") for g in a.children if g.dep_ == "agent"
            for o in self._pobjs(g)]
        if not any(a.actor for a in self._args(doc, owners, "evaluated")):
            owners = [subj]
        targets = [a for a in self._args(doc, owners, "evaluated") if a.actor and (
            a.actor.kind in ("state", "organisation", "subnational", "place")
            or (a.actor.kind == "person" and (a.actor.role or a.actor.kb_id)))]
        if not targets:
            return None  # a militant who "played a key role" is not praised
        if any(t.actor is s.actor for t in targets for s in speakers if s.actor):
            return None
        # "our two countries' cooperation is constructive": a defence of one's own side
        own = {s.actor.country for s in speakers if s.actor and s.actor.country not in (None, "IGO")}
        if own and any(t.actor.country in own for t in targets):
            return None
        etype = "ACCUSE" if (negative and not neg) or (positive and neg) else "SUPPORT"
        if etype == "ACCUSE" and subj.lemma_.lower() in _CLAIMS and words & _FALSE:
            etype = "REJECT"  # "said the allegations were baseless"
        cand = self._said(doc, sent, tok, etype, {"ACCUSE": "111", "REJECT": "120"}.get(etype, "051"), speakers,
                          targets, f"evaluation:{tok.lemma_.lower()}-that-{'negative' if etype == 'ACCUSE' else 'positive'}",
                          0.45)
        if etype == "ACCUSE":
            cand.mode = "disapprove"
        return cand

    def _described_conduct(self, doc, sent, tok: Token, comp: Token, speakers: list[Arg]) -> Candidate | None:
        """"In response to the US's wrong actions, we ...", "those who behaved badly on the
        issue will be sanctioned," the spokesman said: conduct the speaker describes as
        wrong is criticism of whoever it is ascribed to."""
        targets: list[Arg] = []
        for t in comp.subtree:
            if t.pos_ == "NOUN" and t.lemma_.lower() in _CONDUCT and any(
                    a.dep_ == "amod" and a.lower_ in _WRONG for a in t.children):
                targets = [a for a in self._args(doc, [c for c in t.children if c.dep_ == "poss"], "wrongdoer")
                           if a.actor and a.actor.kind != "pronoun"]
            elif t.pos_ == "VERB" and t.lemma_.lower() in ("behave", "act") and any(
                    a.dep_ == "advmod" and a.lower_ in _WRONGLY for a in t.children):
                targets = [a for a in self._subjects(doc, t) if a.actor and a.actor.kind != "pronoun"]
            if targets:
                break
        targets = [a for a in targets if all(a.actor is not s.actor for s in speakers)]
        if not targets:
            return None
        cand = self._said(doc, sent, tok, "ACCUSE", "111", speakers, targets,
                          f"evaluation:{tok.lemma_.lower()}-that-conduct-was-wrong", 0.45)
        cand.mode = "disapprove"
        return cand

    def _praised_object(self, doc, sent, tok: Token, speakers: list[Arg]) -> Candidate | None:
        """"noted the contribution Ruritania makes", "highlighted Freedonia's role" → SUPPORT."""
        obj = self._dobj(tok)
        if obj is None or obj.lemma_.lower() not in _PRAISE_NOUNS or tok.lemma_.lower() not in (
                "note", "highlight", "stress", "emphasize", "emphasise", "underline", "underscore", "acknowledge",
                "recognize", "recognise", "cite", "mention"):
            return None
        owners = [c for c in obj.children if c.dep_ == "poss"]
        for c in obj.children:
            if c.dep_ in ("relcl", "acl"):
                owners += [x for x in c.children if x.dep_ in ("nsubj",)]
            if c.dep_ == "prep" and c.lower_ in ("of", "by"):
                owners += self._pobjs(c)
        targets = [a for a in self._args(doc, owners, "praised") if a.actor and a.actor.kind != "pronoun"]
        targets = [t for t in targets if all(t.actor is not s.actor for s in speakers)]
        if not targets:
            return None
        return self._said(doc, sent, tok, "SUPPORT", "051", speakers, targets,
                          f"evaluation:{tok.lemma_.lower()}-{obj.lemma_.lower()}", 0.45)

    def _said(self, doc, sent, tok: Token, etype: str, cameo: str, speakers: list[Arg], targets: list[Arg],
              rule: str, confidence: float, embeds: bool = False) -> Candidate:
        """An event made by saying something, with no trigger word of its own."""
        sense = Sense(key=tok.lemma_.lower(), pos="EVAL", type=etype, mode=None, cameo=cameo, target=(),
                      opts={"embeds": True} if embeds else {})
        cand = Candidate(sense=sense, type=etype, mode=None, cameo=cameo, trigger=doc[tok.i:tok.i + 1],
                         anchor=tok, sentence=sent, sources=speakers, targets=targets, rule=rule)
        self._modality(doc, cand, tok)
        self._places_and_times(doc, cand, [tok])
        cand.confidence = confidence
        return cand

    def _obligation(self, doc, sent, tok: Token, comp: Token, speakers: list[Arg]) -> Candidate | None:
        """"X said the US must be ready to mediate" → REQUEST from X to the US."""
        if not any(c.dep_ == "aux" and c.lemma_.lower() in _MUST for c in comp.children) and not (
                comp.lemma_.lower() == "need" and any(c.dep_ == "xcomp" for c in comp.children)):
            return None
        subj = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return None
        index = doc._.mention_index or {}
        if index.get(subj.i) is None:
            return None  # "tourism to the coast should resume": no actor is told to do anything
        targets = [a for a in self._args(doc, [subj], "obliged") if a.actor and a.actor.kind != "pronoun"]
        targets = [t for t in targets if all(t.actor is not s.actor for s in speakers)]
        # "we all should talk", "the leaders (ours too) should communicate": a general
        # maxim that binds the speaker's own side is no request to another
        # (but rebels telling their president he must act address the other side)
        own = {(s.actor.country, s.actor.sector) for s in speakers if s.actor and s.actor.country}
        if not targets or any((t.actor.country, t.actor.sector) in own for t in targets) \
                or subj.lower_ in ("we", "they", "everyone"):
            return None
        return self._said(doc, sent, tok, "REQUEST", "100", speakers, targets,
                          f"obligation:{tok.lemma_.lower()}-that-must", 0.5, embeds=True)

    # ----------------------------------------------------------- arguments

    @staticmethod
    def _dobj(tok: Token) -> Token | None:
        obj = next((c for c in tok.children if c.dep_ in ("dobj",)), None)
        if obj is None:
            # "condemned as a crime Ruritania's crackdown": the object moved after the
            # "as" phrase, which the parser reads as an apposition of it
            as_ = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"), None)
            pobj = next((c for c in as_.children if c.dep_ == "pobj"), None) if as_ is not None else None
            if pobj is not None:
                obj = next((c for c in pobj.children if c.dep_ == "appos" and c.i > pobj.i), None)
        return obj

    @staticmethod
    def _preps(tok: Token) -> dict[str, Token]:
        out: dict[str, Token] = {}
        for c in tok.children:
            if c.dep_ in ("prep", "agent", "dative") and c.pos_ == "ADP":
                out.setdefault(c.lower_, c)
        # "met with X" where the parser hangs "with X" on the object
        return out

    def _object_preps(self, obj: Token) -> dict[str, Token]:
        """The prepositions of an object, and of what it counts: "suspended part of an
        aid programme for Bosnia"."""
        preps = self._preps(obj)
        if obj.lower_ in _QUANTITIES and "of" in preps:
            counted = next(iter(self._pobjs(preps["of"])), None)
            if counted is not None:
                preps = {**self._preps(counted), **{k: v for k, v in preps.items() if k != "of"}}
        return preps

    @staticmethod
    def _pobjs(prep: Token) -> list[Token]:
        return [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]

    @staticmethod
    def _preceding_noun(doc: Doc, tok: Token) -> Token | None:
        i = tok.i - 1
        while i >= tok.sent.start and doc[i].is_punct:
            i -= 1
        if i >= tok.sent.start and doc[i].pos_ in ("NOUN", "PROPN"):
            return doc[i]
        return None

    @staticmethod
    def _object_words(tok: Token | None) -> set[str]:
        if tok is None:
            return set()
        words = {tok.lemma_.lower(), tok.lower_}
        # a titled name: "Deputy Chief of Mission Zhou Zhiyong" — the title says what it is
        m = (tok.doc._.mention_index or {}).get(tok.i)
        if m is not None and m.role:
            words.update(w.lower() for w in m.role.replace("'", " ").split())
        # the head noun of a name ("the Plan for the Protection of ... Wetlands")
        anc = tok
        for _ in range(6):
            if anc.dep_ in ("pobj", "compound", "conj") and anc.head.i != anc.i:
                anc = anc.head if anc.head.dep_ != "prep" else anc.head.head
                words.update({anc.lemma_.lower(), anc.lower_})
            else:
                break
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "conj", "appos"):
                words.update({c.lemma_.lower(), c.lower_})
        # "1,000 tons of wheat", "a batch of vaccines"
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                for o in p.children:
                    if o.dep_ == "pobj":
                        words.update({o.lemma_.lower(), o.lower_})
                        words.update(c.lemma_.lower() for c in o.children if c.dep_ in ("compound", "amod"))
        return words

    def _actor_near(self, doc: Doc, tok: Token | None) -> Mention | None:
        """The mention at a token, or the closest one in its subtree (possessors, compounds, appositions)."""
        if tok is None:
            return None
        index = doc._.mention_index or {}
        m = index.get(tok.i)
        if m is not None and m.kind in ("collective", "description") and m.antecedent is None:
            # "his Freedonian counterpart Ana Ruiz": the name in apposition is the actor
            for c in tok.children:
                if c.dep_ in ("appos", "compound") and c.i >= tok.i:
                    named = index.get(c.i)
                    if named is not None and named is not m and named.kind == "person":
                        return named
        if m is not None:
            return m
        # "tens of thousands of students", "four of them", "part of an aid programme": the
        # people or thing counted
        while tok.lower_ in _QUANTITIES or (tok.like_num and tok.dep_ in ("nsubj", "nsubjpass", "dobj")):
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if pobj is None:
                break
            tok = pobj
            if tok.i in index:
                return index[tok.i]
        frontier = [tok]
        seen = {tok.i}
        owner = None
        for _depth in range(3):
            nxt = []
            for t in frontier:
                # the name the thing bears before the name of its owner: in "Osama bin
                # Laden's al-Qaeda network" the network is al-Qaeda (but "China's UN
                # mission" is China's, the UN being where it is posted)
                posting = t.lemma_.lower() in _POSTINGS
                for c in sorted(t.children, key=lambda c: c.dep_ == "poss" and not posting):
                    if c.i in seen or c.dep_ in ("relcl", "acl", "advcl", "ccomp", "punct", "cc", "conj"):
                        continue
                    seen.add(c.i)
                    if c.dep_ == "poss" and t.lemma_.lower() in _RELATIONS:
                        continue  # "the deputy chief of Israel's militia ally": the ally is not Israel
                    if c.i in index:
                        return index[c.i]
                    if owner is None and c.dep_ in ("amod", "compound", "poss", "nmod"):
                        owner = self._state_of(doc, c)
                    nxt.append(c)
            frontier = nxt
        return owner

    def _state_of(self, doc: Doc, tok: Token) -> Mention | None:
        """An "Australian ultimatum", a "Senegalese peace plan": the state whose act it is."""
        label_at = doc._.kb_label_at or {}
        sp = label_at.get(tok.i)
        if sp is None or sp.label_ not in ("DEMONYM", "STATE", "CAPITAL") or not sp.kb_id_.startswith("country:"):
            return None
        iso3 = sp.kb_id_.split(":", 1)[1]
        entry = self.kb.country(iso3) if self.kb is not None else None
        return Mention(sp.start, sp.end, "state", name=entry.name if entry else iso3, country=iso3, sector="GOV",
                       kb_id=sp.kb_id_, rule="modifier:state")

    def _parties(self, tok: Token) -> list[Arg] | None:
        """"The two sides agreed ...": the parties of the last meeting in the document;
        "as the two met": the last two people named."""
        if tok.dep_ in ("nsubj", "nsubjpass") and (tok.lower_ == "both" or (tok.lower_ == "two" and tok.pos_ == "NUM")):
            doc = tok.doc
            index = doc._.mention_index or {}
            floor = doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else 0
            people: list[Mention] = []
            for i in range(tok.i - 1, floor - 1, -1):  # this sentence and the one before
                m = index.get(i)
                r = m.resolved if m is not None else None
                if r is None or r.kind != "person" or r in people:
                    continue
                people.append(r)
                if len(people) == 2:
                    return [Arg(tok, p, "the two") for p in reversed(people)]
            return None
        if tok.lemma_.lower() not in ("side", "party", "country", "leader", "minister", "president") or tok.tag_ not in ("NNS", "NNPS"):
            return None
        if not any(c.lower_ in ("two", "both") for c in tok.children):
            return None
        for prev in reversed(getattr(self, "_earlier", [])):
            if prev.type == "CONSULT":
                parties = [a for a in prev.sources + prev.targets if a.actor]
                if len(parties) >= 2:
                    return [Arg(tok, a.mention, "the two sides") for a in parties]
        return None

    def _args(self, doc: Doc, toks: Iterable[Token], how: str) -> list[Arg]:
        out: list[Arg] = []
        for t in toks:
            parties = self._parties(t)
            if parties:
                out.extend(parties)
                continue
            members = [t] + [c for c in t.conjuncts if c.i > t.i]
            # "Presidents Joe Biden and Xi Jinping": a plural title with its names in apposition
            members += [c for a in t.children if a.dep_ == "appos" for c in a.conjuncts if c.i > a.i]
            for member in members:
                m = self._actor_near(doc, member)
                if m is not None and m.kind == "pronoun" and m.antecedent is None:
                    m = None
                named_body = how == "from" and member.lemma_.lower() in ("party", "movement", "union", "front", "league") \
                    and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in member.lefts)
                if m is None and (how in ("subject", "agent", "relative-subject") or named_body) \
                        and (member.pos_ == "PROPN" or named_body) \
                        and member.ent_type_ not in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "GPE", "LOC"):
                    # "ICE detained ...", "expelled from the Zanu PF party": a name the
                    # tagger did not type is still the actor
                    left = member
                    while left.i > 0 and doc[left.i - 1].dep_ == "compound" and doc[left.i - 1].head.i == member.i:
                        left = doc[left.i - 1]
                    m = Mention(left.i, member.i + 1, "organisation", name=doc[left.i:member.i + 1].text,
                                name_start=left.i, name_end=member.i + 1, rule="fallback:named-subject")
                if m is not None and any(a.mention is m for a in out):
                    continue
                out.append(Arg(member, m, how))
                out.extend(Arg(member, partner, how) for partner in (m.resolved.members if m is not None else ()))
        return out

    def _subjects(self, doc: Doc, verb: Token, depth: int = 0) -> list[Arg]:
        subj = [c for c in verb.children if c.dep_ in _SUBJ]
        if subj:
            s = subj[0]
            if len(subj) > 1:
                # two subjects is a misparse ("BEIJING, Nov 18 : Minister Ruiz held"):
                # the actor is the one nearest the verb
                index = doc._.mention_index or {}
                s = next((c for c in reversed(subj) if index.get(c.i) is not None
                          and index[c.i].kind not in ("place", "facility")), s)
            dateline = doc._.dateline
            if dateline is not None and dateline[1].start <= s.idx < dateline[1].end:
                # "KABUL, (Agency) :Minister Ana Ruiz held talks": the parser took the
                # dateline's city for the subject; the actor is the name before the verb
                j = verb.i - 1
                while j > s.i and doc[j].dep_ in ("aux", "auxpass", "neg", "advmod"):
                    j -= 1
                m = (doc._.mention_index or {}).get(j)
                if m is not None and doc[m.start].idx >= dateline[1].end and \
                        m.kind in ("person", "organisation", "description", "collective", "state"):
                    return self._args(doc, [doc[j]], "subject")
            if s.lower_ in _RELATIVE and verb.dep_ == "relcl":
                head = verb.head
                if s.lower_ in ("who", "whom"):
                    # "the Coordinator for the Union, Ana Ruiz, who met ...": who is
                    # the person named just before, not the noun the parser chose
                    before = s.i - 1 if s.i > 0 and doc[s.i - 1].text == "," else s.i
                    m = (doc._.mention_index or {}).get(before - 1) if before > 0 else None
                    if m is not None and m.resolved.kind == "person" and head.i < before:
                        head = doc[m.name_end - 1] if m.name_end else doc[m.end - 1]
                return self._args(doc, [head], "relative-subject")
            return self._args(doc, [s], "subject")
        if depth >= 3:
            return []
        # control and coordination: "agreed to cooperate", "met X and thanked him"
        # ("Kenya is opposed to": a participle the parser hangs on "is" as its complement)
        stance = verb.dep_ == "acomp" and verb.lemma_.lower() in _STANCE_PARTICIPLES
        if (verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp") or stance) and verb.head.i != verb.i:
            head = verb.head
            if head.dep_ == "prep":
                # "thanked X for inviting him", "accused X of shelling": X did it
                if verb.dep_ == "pcomp" and head.lower_ in ("for", "of"):
                    obj = self._dobj(head.head)
                    if obj is not None:
                        return self._args(doc, [obj], "object-of-governing-verb")
                head = head.head
            if verb.dep_ == "xcomp":
                obj = self._dobj(head)
                if obj is not None and head.lemma_.lower() in ("urge", "ask", "invite", "call", "press", "encourage", "force", "order", "allow", "help", "tell", "persuade"):
                    return self._args(doc, [obj], "object-control")
            return self._subjects(doc, head, depth + 1)
        if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
            noun = verb.head
            found = [a for a in self._args(doc, [noun], "modified-noun") if a.actor is not None]
            carrier = noun
            while carrier.dep_ == "pobj" and carrier.head.lower_ == "of" and carrier.head.head.pos_ == "NOUN":
                carrier = carrier.head.head  # "a series of warnings demanding ..."
            if not found and verb.dep_ == "acl" and carrier.dep_ in ("dobj", "attr") \
                    and carrier.head.pos_ in ("VERB", "AUX") and depth < 3:
                # "Pyongyang issued warnings demanding that ...": who issued them demands
                return self._subjects(doc, carrier.head, depth + 1)
            return self._args(doc, [noun], "modified-noun")
        return []

    def _removed_by(self, doc: Doc, verb: Token) -> list[Arg]:
        """"X was expelled from the party": the body one is removed from did it."""
        if verb.lemma_.lower() not in _REMOVED_FROM:
            return []
        for p in verb.children:
            if p.dep_ == "prep" and p.lower_ == "from":
                found = [a for a in self._args(doc, self._pobjs(p), "from") if a.actor is not None
                         and a.actor.kind in ("organisation", "collective", "description", "state")]
                if found:
                    return found
        return []

    def _targets(self, doc: Doc, tok: Token, sense: Sense, dobj: Token | None, preps: dict[str, Token]) -> list[Arg]:
        of = self._preps(dobj).get("of") if dobj is not None else None
        if of is not None and any(s.type == "RETREAT" for s in self.lex.nouns.get(dobj.lemma_.lower(), ())):
            # "demanded the withdrawal of Serbian forces from Bosnia": who is to withdraw,
            # not the place left
            args = [a for a in self._args(doc, self._pobjs(of), "object-agent") if a.actor]
            if args:
                return args
        obj_preps = self._object_preps(dobj) if dobj is not None else {}
        for slot in sense.target:
            if slot in ("dobj", "dobj_actor", "dobj_owner"):
                if dobj is None:
                    continue
                if dobj.lemma_.lower() in _DONE_TO and (doc._.mention_index or {}).get(dobj.i) is None:
                    # "condemned Ruiz's arrest": Ruiz suffered it; whoever did it (by ...) is the target
                    args = [a for p in dobj.children if p.dep_ == "prep" and p.lower_ == "by"
                            for a in self._args(doc, self._pobjs(p), "object-agent") if a.actor]
                    if args:
                        return args
                    continue
                args = [a for a in self._args(doc, [dobj], "object") if a.actor]
                if args:
                    return args
                if slot == "dobj_owner":
                    continue
            elif slot in ("iobj", "dative"):
                d = [c for c in tok.children if c.dep_ in ("dative", "iobj")]
                d = [x for c in d for x in ([c] if c.pos_ != "ADP" else self._pobjs(c))]
                args = [a for a in self._args(doc, d, "indirect-object") if a.actor]
                if args:
                    return args
            elif slot in preps or slot in obj_preps:
                prep = preps.get(slot) or obj_preps[slot]
                args = [a for a in self._args(doc, self._pobjs(prep), slot) if a.actor]
                if args:
                    return args
            elif slot == "ccomp_subject" or (slot == sense.target[-1] and sense.get("embeds")):
                comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
                subj = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None) if comp is not None else None
                args = [a for a in self._args(doc, [subj], "complement-subject") if a.actor] if subj is not None else []
                if args:
                    return args
            if slot == "with" and dobj is not None:
                # "held talks with X": with X hangs on the noun
                p = self._preps(dobj).get("with")
                if p is not None:
                    args = [a for a in self._args(doc, self._pobjs(p), "with") if a.actor]
                    if args:
                        return args
        return []

    def _noun_targets(self, doc, noun: Token, sense: Sense, preps: dict[str, Token], light: Token | None) -> list[Arg]:
        light_preps = self._preps(light) if light is not None else {}
        # "the withdrawal of the forces from Panama": the parser may hang it on the of-object
        theme = next(iter(self._pobjs(preps["of"])), None) if "of" in preps else None
        theme_preps = {k: v for k, v in self._preps(theme).items() if k != "of"} if theme is not None else {}
        for slot in sense.target:
            for where in (preps, light_preps, theme_preps):
                if slot in where:
                    args = [a for a in self._args(doc, self._pobjs(where[slot]), slot) if a.actor]
                    if args:
                        return args
        if light is not None:
            # "lodged a protest with X", "expressed gratitude to X": the light verb's own dative/object
            d = [c for c in light.children if c.dep_ in ("dative", "iobj")]
            d = [x for c in d for x in ([c] if c.pos_ != "ADP" else self._pobjs(c))]
            args = [a for a in self._args(doc, d, "indirect-object") if a.actor]
            if args:
                return args
        return []

    # -------------------------------------------------------- direction etc.

    def _reciprocal(self, cand: Candidate) -> None:
        """"A and B held talks": one event with every party as a source."""
        if not cand.sense.get("reciprocal"):
            return
        if any(t.lower_ in ("each", "one") for t in cand.anchor.subtree if t.dep_ in ("dobj", "pobj", "det")):
            cand.reasons.append("reciprocal: 'each other'")
        if not cand.targets and len([s for s in cand.sources if s.actor]) > 1:
            cand.reasons.append("reciprocal: coordinated parties")

    def _modality(self, doc: Doc, cand: Candidate, anchor: Token) -> None:
        node = anchor
        for hop in range(4):
            for c in node.children:
                low = c.lower_
                if c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and low in ("never", "no", "seldom", "rarely", "hardly",
                                                                                  "barely", "scarcely") and c.head.i == node.i):
                    if hop == 0 or node.dep_ in ("conj",):
                        cand.negated = True
                        cand.reasons.append(f"negated by '{c.text}'")
                if c.dep_ in ("aux", "auxpass") and low in _FUTURE_AUX:
                    cand.future = True
                    cand.reasons.append(f"future: '{c.text}'")
                elif c.dep_ == "aux" and low in _MODAL_AUX and low != "would":
                    cand.hypothetical = True
                    cand.reasons.append(f"modal: '{c.text}'")
                elif c.dep_ == "aux" and low == "would":
                    cand.future = True
                    cand.reasons.append("future in the past: 'would'")
                if c.dep_ == "mark" and low in self.lex.hypothetical_markers:
                    cand.hypothetical = True
                    cand.reasons.append(f"condition: '{c.text}'")
                if c.dep_ == "aux" and low == "to" and node.dep_ in ("xcomp", "advcl", "acl") and hop == 0:
                    necessity = _necessity(node) if node.head.lemma_.lower() == "be" else None
                    if necessity is not None:
                        cand.hypothetical = True  # "it is important to support each other": a maxim
                        cand.reasons.append(f"a necessity ('{necessity.text} to'), not an act")
                    elif node.head.lemma_.lower() in ("be",):  # "is to visit"
                        cand.future = True
                        cand.reasons.append("future: 'is to'")
                    elif node.dep_ == "xcomp" and node.head.lemma_.lower() in ("have", "need", "ought", "got"):
                        cand.hypothetical = True  # "we have to support renewables": an obligation, not an act
                        cand.reasons.append(f"obligation: '{node.head.text} to'")
                    elif node.dep_ == "advcl" and node.lemma_.lower() in _ATTENDING and \
                            node.head.lemma_.lower() in _JOURNEYS and node.head.tag_ == "VBD":
                        # "flew to Moscow to attend the meeting": a trip made to attend
                        # something took place with it, unlike a purpose still to be reached
                        cand.reasons.append("purpose of a completed journey: taken as done")
                    elif node.dep_ == "advcl":  # "led talks ... to reach the agreement": a purpose
                        cand.hypothetical = True
                        cand.reasons.append("purpose: 'to'")
                if c.dep_ == "aux" and low == "to" and node.dep_ == "advcl" and hop > 0 and not cand.hypothetical:
                    cand.hypothetical = True  # "convene a meeting ... to try to facilitate a deal"
                    cand.reasons.append("purpose: 'to'")
            if node.dep_ == "acl" and node.head.lemma_.lower() in _ATTEMPTS and cand.type in ("ASSAULT", "COERCE"):
                # "an attempt to assassinate the governor was thwarted": the attack was made
                cand.reasons.append(f"attempted: '{node.head.text} to'")
                break
            if node.dep_ == "acl" and node.head.lemma_.lower() in _INTENT_NOUNS:
                cand.future = True  # "repeated requests to inspect the site", "a plan to build"
                cand.reasons.append(f"intended: '{node.head.text} to'")
                break
            if node.dep_ == "xcomp" and node.head.pos_ == "ADJ" and _necessity(node) is not None:
                cand.hypothetical = True  # "it is important to support each other": a maxim
                cand.reasons.append(f"a necessity ('{node.head.text} to'), not an act")
                break
            if node.dep_ == "xcomp" and node.head.lemma_.lower() in ("appear", "seem"):
                cand.hypothetical = True  # "they appear to have made their decision": a guess
                cand.reasons.append(f"hedged: '{node.head.text} to'")
                break
            if node.dep_ in ("xcomp", "ccomp") and node.head.lemma_.lower() in _PERMITTING \
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
                cand.hypothetical = True  # "the law allows the minister to expel ...": permitted, not done
                cand.reasons.append(f"permitted: '{node.head.text} ... to'")
                break
            if node.dep_ == "pcomp" and node.head.lower_ == "for" and node.head.head.lemma_.lower() in _INTENT_NOUNS:
                cand.future = True  # "a plan for rearming Europe and supporting Ukraine"
                cand.reasons.append(f"intended: '{node.head.head.text} for'")
                break
            if node.dep_ in ("xcomp", "ccomp", "advcl", "conj", "pcomp", "acl") and node.head.i != node.i:
                gov = node.head
                glem = gov.lemma_.lower()
                if node.dep_ in ("xcomp", "acl") or (node.dep_ == "pcomp"):
                    if glem in self.lex.future_governors or (gov.pos_ == "ADJ" and glem in _READY | {"due", "set", "likely", "expected"}):
                        cand.future = True
                        cand.reasons.append(f"planned: '{gov.text} to'")
                    if glem in _NEGATING_GOVERNORS:
                        cand.negated = True
                        cand.reasons.append(f"negated by '{gov.text}'")
                    if any(c.dep_ == "neg" for c in gov.children):
                        cand.negated = True
                        cand.reasons.append(f"negated: 'not {gov.text} to'")
                if node.dep_ in ("xcomp", "ccomp", "advcl") and glem in ("if", "unless"):
                    cand.hypothetical = True
                if node.dep_ == "conj" or node.dep_ == "xcomp" or node.dep_ == "advcl" and any(
                        c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
                    node = gov
                    continue
                if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.lex.hypothetical_markers for c in node.children):
                    cand.hypothetical = True
                break
            break

    @staticmethod
    def _habitual(cand: Candidate, anchor: Token) -> None:
        """"are frequently detained", "routinely beat", "escape when attacked": a habit, not an act."""
        for c in anchor.children:
            if c.dep_ == "advmod" and c.lower_ in _HABITUAL:
                cand.hypothetical = True
                cand.reasons.append(f"habitual: '{c.text}'")
            if c.dep_ == "mark" and c.lower_ in ("when", "whenever") and anchor.dep_ == "advcl" \
                    and anchor.head.tag_ in ("VBP", "VBZ"):
                cand.hypothetical = True
                cand.reasons.append("generic: 'when' in the present tense")
        # "Since 2009, hundreds have been killed": a toll over years, not one act
        if cand.type in ("ASSAULT", "COERCE") and any(p.dep_ == "prep" and p.lower_ == "since" for p in anchor.children) \
                and any(a.dep_ == "aux" and a.lemma_.lower() == "have" for a in anchor.children):
            cand.hypothetical = True
            cand.reasons.append("a toll since a date, not one act")
        # "Allowing Western companies back ... doesn't change": a gerund as subject is an idea
        if anchor.dep_ in ("csubj", "csubjpass") or (anchor.tag_ == "VBG" and anchor.dep_ in ("nsubj", "nsubjpass")):
            cand.hypothetical = True
            cand.reasons.append("a gerund used as a subject: an idea, not an act")
        # "in her post she tours the provinces": a description
        if anchor.dep_ == "relcl" and anchor.tag_ in ("VBZ", "VBP") and not any(
                c.dep_ == "aux" for c in anchor.children):
            cand.hypothetical = True
            cand.reasons.append("present tense in a relative clause: a description, not a report")
        # "instead of calling for ...": the alternative was not taken
        if anchor.dep_ == "pcomp" and anchor.head.lower_ == "of" and anchor.head.head.lower_ == "instead":
            cand.negated = True
            cand.reasons.append("negated: 'instead of'")
        # "the detainees being held at the base": a state of affairs, not an act
        if anchor.dep_ in ("acl", "relcl") and any(c.dep_ == "auxpass" and c.lower_ == "being" for c in anchor.children):
            cand.hypothetical = True
            cand.reasons.append("an ongoing state ('being ...'), not an act")
        # "policies like supporting the Brotherhood": an example of a kind of act
        if anchor.dep_ == "pcomp" and anchor.tag_ == "VBG" and anchor.head.lower_ in ("like", "as", "including"):
            cand.hypothetical = True
            cand.reasons.append(f"an example ('{anchor.head.text} ...'), not a reported act")
        # "can't silence us by banning books": the means shares its verb's negation or modality
        if anchor.dep_ == "pcomp" and anchor.head.lower_ == "by" and anchor.head.head.pos_ in ("VERB", "AUX"):
            gov = anchor.head.head
            if any(c.dep_ == "neg" for c in gov.children) or any(
                    c.dep_ == "aux" and c.lower_ in _MODAL_AUX | _FUTURE_AUX for c in gov.children):
                cand.hypothetical = True
                cand.reasons.append(f"the means of '{gov.text}', which is negated or modal")

    @staticmethod
    def _conditional(cand: Candidate, anchor: Token) -> None:
        """Inside an "if"/"unless" clause anywhere above the trigger: not a fact."""
        node = anchor
        for _ in range(6):
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in node.children):
                cand.hypothetical = True
                cand.reasons.append("inside a conditional clause")
                return
            if node.head.i == node.i:
                return
            node = node.head

    def _noun_modality(self, doc: Doc, cand: Candidate, noun: Token) -> None:
        for c in noun.children:
            low = c.lower_
            if c.dep_ in ("amod", "compound") and low in self.lex.future_adjectives:
                cand.future = True
                cand.reasons.append(f"planned: '{c.text}'")
            if c.dep_ == "det" and low == "no":
                cand.negated = True
                cand.reasons.append("negated: 'no'")
            if c.dep_ in ("acl", "relcl"):
                clem = c.lemma_.lower()
                if clem in ("schedule", "plan", "expect", "set", "due", "propose"):
                    cand.future = True
                    cand.reasons.append(f"planned: '{c.text}'")
                if any(a.dep_ == "aux" and a.lower_ in ("to", "will") for a in c.children) and clem in ("hold", "be", "take", "convene", "open"):
                    cand.future = True
                    cand.reasons.append("planned: 'to be held'")
                if any(a.dep_ in ("aux", "auxpass") and a.lower_ in _FUTURE_AUX for a in c.children):
                    cand.future = True
        # "preparations for the summit", "ahead of the summit"
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ in ("for", "ahead", "before", "towards", "toward"):
            gov = head.head
            if gov.lemma_.lower() in ("preparation", "prepare", "ahead", "plan", "agenda", "invitation", "invite") or head.lower_ in ("ahead", "before"):
                cand.future = True
                cand.reasons.append(f"planned: '{gov.text} {head.text}'")
        if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in ("preparation", "eve", "run-up", "agenda", "date", "venue"):
            cand.future = True
            cand.reasons.append(f"planned: '{head.head.text} of'")
        if noun.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in ("schedule", "plan", "expect", "due", "set"):
            cand.future = True
        if noun.dep_ in ("nsubj", "nsubjpass"):
            if any(a.dep_ in ("aux", "auxpass") and a.lower_ in _FUTURE_AUX for a in head.children):
                cand.future = True
                cand.reasons.append("future: 'will be held'")
            if any(a.dep_ == "aux" and a.lower_ in _MODAL_AUX | {"would"} for a in head.children):
                cand.hypothetical = True
                cand.reasons.append("modal: 'talks must continue'")

    def _embedding(self, cands: list[Candidate]) -> list[Candidate]:
        """Complements of requests, threats, offers and refusals are not facts:
        in "urged X to withdraw", the withdrawal did not happen.  A decision to act
        ("decided to lift the curfew") is the act: the decision is left out."""
        decisions: set[int] = set()
        by_anchor = {c.anchor.i: c for c in cands}
        for c in cands:
            for t in c.trigger:
                by_anchor.setdefault(t.i, c)
        for cand in cands:
            node = cand.anchor
            for _ in range(4):
                if node.dep_ == "conj" and node.head.i != node.i:
                    node = node.head  # "accused her of rigging the vote and silencing critics"
                    continue
                if node.dep_ not in ("xcomp", "ccomp", "pcomp", "advcl", "acl") or node.head.i == node.i:
                    break
                gov = node.head
                if gov.dep_ == "prep":
                    gov = gov.head
                outer = by_anchor.get(gov.i)
                if outer is not None and outer is not cand and outer.type == "AGREE" and outer.rule.startswith("readiness"):
                    # "ready to provide aid": the readiness is the event; what is offered is its content
                    cand.hypothetical = True
                    cand.reasons.append(f"offered under '{outer.trigger.text}'")
                    break
                planned_by_decision = all(r.startswith("planned: 'decide") for r in cand.reasons
                                          if r.startswith(("planned", "future")))
                if outer is not None and outer is not cand and outer.anchor.lemma_.lower() == "decide" \
                        and cand.type in _DECIDED_ACTS and node.dep_ == "xcomp" and planned_by_decision \
                        and not cand.hypothetical and not cand.negated:
                    # "the court decided to allow him to stand", "decided to impose sanctions":
                    # a decision announced is the act itself
                    cand.future = False
                    decisions.add(id(outer))
                    cand.reasons.append(f"decided: '{outer.anchor.text} to'")
                    break
                if outer is not None and outer is not cand and (outer.sense.get("embeds") or outer.type in ("AGREE", "REQUEST", "THREATEN", "REJECT")):
                    if outer.type == "AGREE":
                        cand.future = True
                    else:
                        cand.hypothetical = True
                    cand.reasons.append(f"embedded under '{outer.anchor.text}' ({outer.type})")
                    break
                node = gov
        return [c for c in cands if id(c) not in decisions]

    def _consult_mode(self, doc: Doc, cand: Candidate) -> None:
        """Phone calls, visits (who travelled), hosts (who received)."""
        if cand.type != "CONSULT":
            return
        words = {t.lemma_.lower() for t in cand.anchor.subtree} | {t.lemma_.lower() for t in cand.trigger}
        if words & {"phone", "telephone", "videoconference", "video", "videolink"} and cand.mode in (None, "phone"):
            cand.mode = "phone"
            cand.cameo = "041"
            cand.reasons.append("mode phone: by phone/video")
            return
        if cand.mode not in (None,):
            return
        # "X met visiting Y": Y is the visitor
        for i, t in enumerate(cand.targets):
            m = t.mention
            around = list(t.token.lefts)
            if m is not None:
                around += list(doc[max(m.start - 1, 0):m.end])
            if any(c.lower_ == "visiting" for c in around):
                cand.sources, cand.targets = cand.targets, cand.sources
                cand.mode, cand.cameo = "visit", "042"
                cand.reasons.append("mode visit: 'visiting' marks the visitor")
                return
        # "X, who went to Chongqing for the Expo, had a meeting with Y"
        for s in cand.sources:
            subj = s.token
            for t in subj.subtree:
                if t.dep_ in ("relcl", "acl") and t.lemma_.lower() in _TRAVEL:
                    cand.mode, cand.cameo = "visit", "042"
                    cand.reasons.append(f"mode visit: the source '{t.text}' there")
                    for p in t.children:
                        if p.dep_ == "prep" and p.lower_ in ("to", "in"):
                            cand.place_tokens[:0] = self._pobjs(p)
                    return
        anchor = cand.anchor
        related = [t for t in anchor.children if t.dep_ in ("advcl", "conj", "relcl")]
        if anchor.dep_ == "conj":
            related.append(anchor.head)  # "stopped over in Vienna and held talks with ..."
        for t in related:
            travel = t.lemma_.lower() in _TRAVEL or any(
                c.dep_ == "dobj" and c.lemma_.lower() in ("stopover", "trip", "visit", "tour") for c in t.children)
            if travel and t.lemma_.lower() == "reach" and not any(
                    c.dep_ == "dobj" and c.ent_type_ in ("GPE", "LOC", "FAC") for c in t.children):
                travel = False  # "to reach the agreement" is no journey
            if travel and t.pos_ == "VERB":
                cand.mode, cand.cameo = "visit", "042"
                cand.reasons.append(f"mode visit: '{t.text}'")
                cand.place_tokens.extend(o for p in t.children if p.dep_ == "prep" and p.lower_ in ("in", "to", "at")
                                         for o in self._pobjs(p))
                return

    def _places_and_times(self, doc: Doc, cand: Candidate, heads: list[Token]) -> None:
        """Places and dates attached to the trigger's clause (resolved later): on the
        trigger, the phrase's words, the object ("met X in Tashkent" often hangs "in
        Tashkent" on X), and the visited place itself."""
        heads = [h for h in heads if h is not None]
        heads += [t for t in cand.trigger if t not in heads]
        heads += [a.token for a in cand.targets if a.token not in heads]
        if cand.mode == "visit":
            for a in cand.targets:
                if a.actor is not None and a.actor.kind in ("state", "subnational", "place"):
                    cand.place_tokens.append(a.token)
        # "the visit from 23 to 26 May was her first visit to ...": the subject's dates
        for h in list(heads):
            if h.dep_ == "attr" and h.head.lemma_.lower() == "be":
                heads += [c for c in h.head.children if c.dep_ == "nsubj" and c.lemma_.lower() == h.lemma_.lower()]
        # "the talks were held in Tashkent": a gathering's place hangs on its verb
        for h in list(heads):
            if h.dep_ in ("nsubjpass", "nsubj") and h.head.lemma_.lower() in ("hold", "take", "convene", "open"):
                heads.append(h.head)
        # "made a stopover in Tehran and held talks": the first of two coordinated
        # acts of one subject says where both happened
        for h in list(heads):
            if h.dep_ == "conj" and h.pos_ == "VERB" and not any(c.dep_ in _SUBJ for c in h.children):
                first = h.head
                heads.append(first)
                heads += [c for c in first.children if c.dep_ == "dobj"]
        # "to" names where a visit or aid went, not where a statement was made
        places = ("in", "at", "near", "outside", "inside") + (("to",) if cand.mode == "visit" or cand.type == "AID" else ())
        index = doc._.mention_index or {}
        for h in heads:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in places:
                    for o in self._pobjs(c):
                        if o.ent_type_ in ("GPE", "LOC", "FAC", "ORG") or index.get(o.i) or (
                                o.lemma_.lower() in PLACE_NOUNS and any(x.dep_ in ("compound", "amod") for x in o.lefts)):
                            cand.place_tokens.append(o)
                        # "in Tashkent, Uzbekistan" / "at the SCO Secretariat in Beijing" /
                        # "at the summit in Lima"
                        for p2 in o.children:
                            if p2.dep_ == "prep" and p2.lower_ == "in":
                                cand.place_tokens.extend(self._pobjs(p2))
                if c.dep_ == "prep" and c.lower_ in ("on", "during", "at"):
                    # "on the sidelines of the summit in Lima": where the gathering was
                    for o in self._pobjs(c):
                        if o.lemma_.lower() == "sideline":
                            o = next((g for p2 in o.children if p2.lower_ == "of" for g in self._pobjs(p2)), o)
                        if o.lemma_.lower() in _GATHERING_NOUNS:
                            cand.place_tokens += [g for p2 in o.children if p2.dep_ == "prep" and p2.lower_ in ("in", "at")
                                                  for g in self._pobjs(p2)]
                if c.ent_type_ in ("DATE", "TIME") or (c.dep_ == "prep" and any(o.ent_type_ == "DATE" for o in c.children)) or c.dep_ == "npadvmod":
                    cand.time_tokens.append(c)

    @staticmethod
    def _accident(tok: Token) -> bool:
        """"killed in a plane crash", "injured in the earthquake"."""
        if tok.lemma_.lower() not in ("kill", "injure", "wound", "hurt"):
            return False
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ in ("in", "by", "during", "after"):
                for o in p.children:
                    words = {o.lemma_.lower()} | {c.lemma_.lower() for c in o.children if c.dep_ in ("compound", "amod")}
                    if words & _ACCIDENTS:
                        return True
        return False

    def _has_threat(self, tok: Token) -> bool:
        """"warned of consequences", "warned that it would retaliate": the warner's own
        harm to come — not a warning about someone else's ("warned of an IS resurgence")."""
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                if any(o.lemma_.lower() in ("consequence", "retaliation", "countermeasure", "response", "reprisal")
                       for o in self._pobjs(p)):
                    return True
            if p.dep_ == "dobj" and p.lemma_.lower() in ("consequence", "retaliation", "countermeasure"):
                return True
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if comp is not None and any(a.dep_ == "aux" and a.lower_ in ("will", "would", "'ll") for a in comp.children):
            subj = next((c for c in comp.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lower_ in ("it", "we", "he", "she", "they"):
                return True
            # "warned that police will no longer tolerate rallies": an end to forbearance
            if comp.lemma_.lower() in ("tolerate", "allow", "permit", "accept") and any(
                    c.dep_ == "neg" or c.lower_ == "longer" for c in comp.subtree if c.head.i in (comp.i, *(
                        x.i for x in comp.children))):
                return True
        return False

    def _has_visit_cue(self, doc: Doc, tok: Token, targets: list[Arg]) -> bool:
        return any(t.lemma_.lower() in ("visit", "visiting", "arrive", "delegation") for t in tok.sent)

    def _is_crowd_protest(self, tok: Token) -> bool:
        head = tok.head
        if tok.dep_ in ("nsubj",) or head.lemma_.lower() in ("hold", "stage", "organise", "organize", "join", "erupt", "break"):
            return True
        return tok.tag_ == "NNS"

    @staticmethod
    def _confidence(cand: Candidate) -> None:
        score = 0.5
        if any(a.actor for a in cand.sources):
            score += 0.2
        if any(a.actor for a in cand.targets):
            score += 0.15
        if cand.rule.startswith(("verb:", "light-verb:", "phrase:")):
            score += 0.1
        if any(a.actor and a.actor.kind == "pronoun" for a in cand.sources + cand.targets):
            score -= 0.05
        cand.confidence = round(min(score, 0.95), 2)


@Language.factory("communique_events", default_config={"actors_files": [], "explain": False})
def make_event_coder(nlp: Language, name: str, actors_files: List[str], explain: bool) -> EventCoder:
    from communique.nlp.components import load_kb

    return EventCoder(explain=explain, kb=load_kb(tuple(actors_files)))
