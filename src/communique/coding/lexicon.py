"""The trigger lexicon (``lexicon.yaml``) loaded into typed senses."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# Every constraint a sense may carry; the loader refuses unknown keys so that a
# typo in the data file cannot silently switch a constraint off.
KNOWN_KEYS = {
    "type", "mode", "cameo", "target", "reciprocal", "reverse", "embeds",
    "requires_object", "requires_actor_arg", "requires_prep", "requires_prep_any", "requires_prep_lemma",
    "object_lemmas", "object_lemmas_any", "not_object_lemmas", "forbid_object_lemmas",
    "object_kinds", "object_kinds_not", "forbid_object_kinds", "forbid_object", "requires_complement",
    "forbid_complement_lemmas", "forbid_aux", "requires_adv_any", "subject_kinds", "subject_sectors",
    "requires_threat", "requires_source", "requires_military_source", "requires_oprd_negative",
    "requires_location_or_visit", "nominal", "nominal_poss", "plural_only", "light_only",
    "requires_compound_any", "requires_amod_any", "gathering", "requires_held",
    "requires_gathering", "lemmas", "requires_visit_word", "author_from", "requires_prep_at_gathering",
    "nominal_participle", "requires_actor_target", "requires_group_of", "requires_sentence_lemma", "forbid_complement", "stance",
    "future_pledge", "requires_joint", "at_source_seat",
}


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Sense:
    key: str  # the lemma or phrase it is filed under
    pos: str  # VERB | NOUN | PHRASE | ADJ
    type: str
    mode: str | None
    cameo: str | None
    target: tuple[str, ...]
    opts: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        return self.opts.get(name, default)

    def lemmas(self, *names: str) -> set[str] | None:
        """The union of the lemma lists under these option names, or None if none is set."""
        found = [self.opts[n] for n in names if n in self.opts]
        if not found:
            return None
        return {str(x).lower() for lst in found for x in lst}

    @property
    def rule(self) -> str:
        return f"{self.pos.lower()}:{self.key}"


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Sense, ...]]
    nouns: dict[str, tuple[Sense, ...]]
    phrases: tuple[Sense, ...]
    light_verbs: frozenset[str]
    future_governors: frozenset[str]
    hypothetical_markers: frozenset[str]
    future_adjectives: frozenset[str]
    derived_modes: dict[str, dict[str, str]] = field(default_factory=dict)
    place_targeted: frozenset[str] = frozenset()
    against_targeted: frozenset[str] = frozenset()

    def all_senses(self):
        for senses in self.verbs.values():
            yield from senses
        for senses in self.nouns.values():
            yield from senses
        yield from self.phrases


def _sense(key: str, pos: str, raw: dict[str, Any], where: str) -> Sense:
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
    if "type" not in raw:
        raise LexiconError(f"{where}: missing 'type'")
    opts = {k: v for k, v in raw.items() if k not in ("type", "mode", "cameo", "target")}
    return Sense(key=key, pos=pos, type=raw["type"], mode=raw.get("mode"),
                 cameo=str(raw["cameo"]) if raw.get("cameo") is not None else None,
                 target=tuple(raw.get("target") or ()), opts=opts)


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    verbs = {}
    for lemma, senses in (data.get("verbs") or {}).items():
        verbs[lemma] = tuple(_sense(lemma, "VERB", s, f"verbs.{lemma}[{i}]") for i, s in enumerate(senses))
    nouns: dict[str, tuple[Sense, ...]] = {}
    for lemma, raw in (data.get("nouns") or {}).items():
        senses = raw if isinstance(raw, list) else [raw]
        nouns[lemma] = tuple(_sense(lemma, "NOUN", s, f"nouns.{lemma}[{i}]") for i, s in enumerate(senses))
    phrases = tuple(
        _sense(" ".join(p["lemmas"]), "PHRASE", p, f"phrases[{i}]") for i, p in enumerate(data.get("phrases") or ())
    )
    return Lexicon(
        verbs=verbs, nouns=nouns, phrases=phrases,
        light_verbs=frozenset(data.get("light_verbs") or ()),
        future_governors=frozenset(data.get("future_governors") or ()),
        hypothetical_markers=frozenset(data.get("hypothetical_markers") or ()),
        future_adjectives=frozenset(data.get("future_adjectives") or ()),
        derived_modes={t: dict(m) for t, m in (data.get("derived_modes") or {}).items()},
        place_targeted=frozenset(data.get("place_targeted") or ()),
        against_targeted=frozenset(data.get("against_targeted") or ()),
    )


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (YAML would keep the last silently)."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise LexiconError(f"line {key_node.start_mark.line + 1}: '{key}' is defined twice")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_StrictLoader)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    text = resources.files("communique.coding").joinpath("lexicon.yaml").read_text("utf-8")
    return parse_lexicon(load_yaml(text))
