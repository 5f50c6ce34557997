"""communique's spaCy components, registered the spaCy way.

    nlp.add_pipe("communique_actor_ruler")   # KB phrases → doc.spans["kb"]
    nlp.add_pipe("communique_mentions")      # titled names, collectives → doc._.mentions
    nlp.add_pipe("communique_coref")         # pronouns, descriptions → Mention.antecedent
    nlp.add_pipe("communique_events")        # triggers + arguments → doc._.events

Each factory takes ``actors_files``: user dictionaries layered over the shipped
knowledge base (see docs/actors.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, List

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from communique.nlp.coref import Coreference
from communique.actors import KnowledgeBase
from communique.nlp.mentions import MentionFinder

for _name, _default in (("mentions", None), ("mention_index", None), ("kb_label_at", None), ("events", None),
                        ("event_candidates", None), ("instrument_spans", None), ("dateline", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

# When one phrase is known under several labels, the first wins.
_LABEL_PRIORITY = ["STATE", "CAPITAL", "IGO", "PERSON", "SUBNATIONAL", "DEMONYM", "TITLE"]


@lru_cache(maxsize=8)
def load_kb(actors_files: tuple[str, ...] = ()) -> KnowledgeBase:
    return KnowledgeBase.load(actors_files) if actors_files else KnowledgeBase.default()


def _case_sensitive(kb: KnowledgeBase, phrase: str, label: str) -> bool:
    """Abbreviations and one-word names match as written ("US" but not "us",
    "China" but not "china"); titles and multi-word names in any case, except
    one-word titles that are also ordinary words ("General")."""
    if kb.is_case_sensitive(phrase):
        return True
    return label != "TITLE" and " " not in phrase


class ActorRuler:
    """A phrase ruler fed by the actor knowledge base."""

    def __init__(self, nlp: Language, name: str, kb: KnowledgeBase, spans_key: str = "kb") -> None:
        self.name = name
        self.kb = kb
        self.spans_key = spans_key
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        best: dict[tuple[str, bool], tuple[int, str, str]] = {}
        for label, phrase, kb_id in kb.patterns():
            if label not in _LABEL_PRIORITY or not phrase.strip():
                continue
            exact = _case_sensitive(kb, phrase, label)
            key = (phrase if exact else phrase.lower(), exact)
            rank = _LABEL_PRIORITY.index(label)
            if key not in best or rank < best[key][0]:
                best[key] = (rank, label, kb_id)
        self._labels: dict[int, tuple[str, str]] = {}
        by_key: dict[tuple[bool, str, str], list[str]] = {}
        for (phrase, exact), (_, label, kb_id) in best.items():
            by_key.setdefault((exact, label, kb_id), []).append(phrase)
        texts = sorted({p for (p, _e) in best})
        docs = dict(zip(texts, nlp.tokenizer.pipe(texts)))
        for (exact, label, kb_id), phrases in sorted(by_key.items()):
            key = f"{label}|{kb_id}"
            matcher = self.exact if exact else self.folded
            matcher.add(key, [docs[p] for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                label, kb_id = doc.vocab.strings[match_id].split("|", 1)
                spans.append(Span(doc, start, end, label=label, kb_id=kb_id))
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc


@Language.component("communique_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and bylines stand
    alone instead of running into the lead ("SCO, UN Secretary-Generals held a
    meeting\n\nOn 28 September ...").  Runs before the parser, which keeps
    boundaries it is given."""
    if len(doc) == 0:
        return doc
    line_starts = [0]
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text_with_ws and not tok.is_space:
            tok.is_sent_start = True
            line_starts.append(tok.i)
        elif prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
            line_starts.append(tok.i)
    # "PRAGUE, April 19 — The Czech Republic ...": the dateline is not the sentence's subject
    for start in line_starts:
        first = doc[start]
        if not (first.text.isupper() and len(first.text) > 2 or first.ent_type_ in ("GPE", "DATE")):
            continue
        for tok in doc[start + 1:min(start + 14, len(doc) - 1)]:
            if "\n" in tok.text:
                break
            if tok.text in ("-", "--", ":") and (tok.whitespace_ or tok.text == ":") and doc[tok.i + 1].text[:1].isupper():
                doc[tok.i + 1].is_sent_start = True
                break
    return doc


@Language.factory("communique_actor_ruler", default_config={"actors_files": [], "spans_key": "kb"})
def make_actor_ruler(nlp: Language, name: str, actors_files: List[str], spans_key: str) -> ActorRuler:
    return ActorRuler(nlp, name, load_kb(tuple(actors_files)), spans_key)


@Language.factory("communique_mentions", default_config={"actors_files": []})
def make_mention_finder(nlp: Language, name: str, actors_files: List[str]) -> MentionFinder:
    return MentionFinder(load_kb(tuple(actors_files)))


@Language.factory("communique_coref", default_config={"actors_files": []})
def make_coref(nlp: Language, name: str, actors_files: List[str]) -> Coreference:
    return Coreference(load_kb(tuple(actors_files)))
