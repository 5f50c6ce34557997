"""The PLOVER and CAMEO codebooks, kept as data, and the lookups the coder needs.

The YAML files beside this module are the source of truth: ``plover.yaml`` (the
16 PLOVER types with their modes, scores and default CAMEO codes),
``cameo.yaml`` (CAMEO v1.1b3 event codes with Goldstein scores and their PLOVER
type) and ``contexts.yaml`` (the 37 PLOVER contexts with cue words).  Each file
is read once per process; every lookup after that is a dictionary access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

__all__ = [
    "CameoCode", "Context", "OntologyError", "PloverMode", "PloverType", "UnknownCodeError",
    "UnknownModeError", "UnknownTypeError", "auxiliary_flags", "cameo", "cameo_codes", "cameo_for",
    "contexts", "detect_contexts", "goldstein", "plover_type", "plover_types", "quad_class",
    "render_markdown", "validate_event_code",
]

QUAD_CLASS_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


class OntologyError(Exception):
    """Something asked of the codebooks that they do not define."""


class UnknownCodeError(OntologyError, LookupError):
    """A CAMEO code that is not in the codebook."""


class UnknownTypeError(OntologyError, LookupError):
    """A name that is not one of the 16 PLOVER types."""


class UnknownModeError(OntologyError, LookupError):
    """A mode that the PLOVER type does not define."""


@dataclass(frozen=True, slots=True)
class PloverMode:
    name: str
    definition: str
    cameo: str | None  # the CAMEO code for this mode, where CAMEO has one under the type's roots
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PloverType:
    name: str
    quad_class: int
    recipient_needed: bool
    score: float
    definition: str
    modes: dict[str, PloverMode]
    cameo_default: str
    cameo_roots: tuple[str, ...] = ()
    cameo_extra: tuple[str, ...] = ()  # codes taken from other roots (e.g. 163 embargo → COERCE)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None  # None only for roots 01 and 02
    plover_mode: str | None
    note: str | None = None

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def parent(self) -> str | None:
        """The code one level up: 0871 → 087, 087 → 08, 08 → None."""
        return self.code[:-1] if len(self.code) == 4 else (self.code[:2] if len(self.code) == 3 else None)


@dataclass(frozen=True, slots=True)
class Context:
    name: str
    definition: str
    cues: tuple[str, ...]


# --- loading ------------------------------------------------------------------

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(filename: str) -> Any:
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)


@lru_cache(maxsize=None)
def plover_types() -> dict[str, PloverType]:
    """The 16 PLOVER types by name, in codebook order."""
    types = {}
    for name, raw in _read("plover.yaml")["types"].items():
        modes = {
            mode: PloverMode(mode, m["definition"], m.get("cameo"), m.get("note"))
            for mode, m in (raw.get("modes") or {}).items()
        }
        types[name] = PloverType(
            name=name, quad_class=int(raw["quad"]), recipient_needed=bool(raw["recipient_needed"]),
            score=float(raw["score"]), definition=raw["definition"], modes=modes,
            cameo_default=raw["cameo"], cameo_roots=tuple(raw.get("cameo_roots") or ()),
            cameo_extra=tuple(raw.get("cameo_extra") or ()), note=raw.get("note"),
        )
    return types


@lru_cache(maxsize=None)
def auxiliary_flags() -> dict[str, str]:
    """The event qualifiers (negated, future, hypothetical, historical) and what each means."""
    return dict(_read("plover.yaml")["auxiliary_flags"])


@lru_cache(maxsize=None)
def cameo_codes() -> dict[str, CameoCode]:
    """CAMEO event codes (2, 3 and 4 digits) by code string, in codebook order."""
    return {
        str(code): CameoCode(
            code=str(code), name=raw["name"], goldstein=float(raw["goldstein"]), quad_class=int(raw["quad"]),
            plover_type=raw.get("plover"), plover_mode=raw.get("mode"), note=raw.get("note"),
        )
        for code, raw in _read("cameo.yaml")["codes"].items()
    }


@lru_cache(maxsize=None)
def contexts() -> dict[str, Context]:
    """The 37 PLOVER contexts by name, in codebook order."""
    return {
        name: Context(name, raw["definition"], tuple(raw["cues"]))
        for name, raw in _read("contexts.yaml")["contexts"].items()
    }


# --- lookups -------------------------------------------------------------------

def plover_type(name: str) -> PloverType:
    """One PLOVER type by name (case-insensitive)."""
    return _find_type(name)


def _find_type(name: str) -> PloverType:
    types = plover_types()
    found = types.get(name.upper()) if isinstance(name, str) else None
    if found is None:
        raise UnknownTypeError(f"unknown PLOVER type {name!r}; the types are: {', '.join(types)}")
    return found


def cameo(code: str) -> CameoCode:
    """One CAMEO code: a root ('04'), a 3-digit ('042') or a 4-digit ('0871') code."""
    codes = cameo_codes()
    try:
        return codes[code]
    except (KeyError, TypeError):
        if isinstance(code, str) and code.strip() in codes:
            return codes[code.strip()]
        raise UnknownCodeError(_unknown_code_message(code)) from None


def _unknown_code_message(code: object) -> str:
    if not isinstance(code, str):
        return (f"CAMEO codes are strings such as '042' (leading zeros matter); got {code!r} "
                f"of type {type(code).__name__}")
    codes = cameo_codes()
    root = code.strip()[:2]
    if root in codes and code.strip().isdigit():
        family = [c for c in codes if c.startswith(root) and len(c) <= max(3, len(code.strip()))]
        return (f"unknown CAMEO code {code!r}; root {root} ({codes[root].name}) has the codes "
                f"{', '.join(family)}")
    return (f"unknown CAMEO code {code!r}; CAMEO codes are the roots 01-20 ('04') and their 3- and "
            f"4-digit children ('042', '0871'), written as digit strings")


def goldstein(code: str) -> float:
    """The Goldstein (1992) conflict-cooperation score GDELT gives the CAMEO code, -10..+10."""
    return cameo(code).goldstein


def quad_class(code: str) -> int:
    """GDELT's QuadClass of the CAMEO code: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict."""
    return cameo(code).quad_class


@lru_cache(maxsize=None)
def _cameo_by_type_and_mode() -> dict[tuple[str, str | None], CameoCode]:
    table = {}
    for t in plover_types().values():
        default = cameo(t.cameo_default)
        table[(t.name, None)] = default
        for m in t.modes.values():
            table[(t.name, m.name)] = cameo(m.cameo) if m.cameo else default
    return table


def cameo_for(plover_type: str, mode: str | None = None, *, strict: bool = True) -> CameoCode:
    """The CAMEO code for a PLOVER type and mode: the mode's own code where it has one,
    else the type's.  A mode the type does not define raises ``UnknownModeError``,
    or, with ``strict=False``, falls back to the type's code."""
    table = _cameo_by_type_and_mode()
    found = table.get((plover_type, mode))
    if found is not None:
        return found
    t = _find_type(plover_type)
    if mode is None or mode in t.modes:
        return table[(t.name, mode)]
    if not strict:
        return table[(t.name, None)]
    raise UnknownModeError(f"{t.name} has no mode {mode!r}; its modes are: {', '.join(t.modes) or 'none'}")


def validate_event_code(plover_type: str, mode: str | None, cameo: str | None) -> list[str]:
    """What is inconsistent in a (type, mode, CAMEO code) triple; empty when it is consistent."""
    types = plover_types()
    t = types.get(plover_type)
    if t is None:
        return [f"unknown PLOVER type {plover_type!r}; the types are: {', '.join(types)}"]
    problems = []
    defined_mode = t.modes.get(mode) if mode is not None else None
    if mode is not None and defined_mode is None:
        problems.append(f"mode {mode!r} is not defined for {t.name}; its modes are: {', '.join(t.modes) or 'none'}")
    if cameo is None:
        return problems
    code = cameo_codes().get(cameo)
    if code is None:
        problems.append(_unknown_code_message(cameo))
    elif code.plover_type is None:
        problems.append(f"CAMEO {code.code} ({code.name}) has no PLOVER type (roots 01 and 02 are not PLOVER events)")
    elif code.plover_type != t.name:
        problems.append(f"CAMEO {code.code} ({code.name}) maps to {code.plover_type}, not {t.name}")
    elif defined_mode is not None and code.plover_mode not in (None, mode) and defined_mode.cameo != code.code:
        problems.append(f"CAMEO {code.code} ({code.name}) is {t.name}/{code.plover_mode}, not {t.name}/{mode}")
    return problems


# --- context detection ---------------------------------------------------------

_WORD = re.compile(r"\w+")


def _plural_forms(word: str) -> frozenset[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("y") and len(word) > 2:
        forms.add(word[:-1] + "ies")
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class _CueIndex:
    order: tuple[str, ...]
    words: dict[str, frozenset[str]]  # word (and its plurals) → contexts
    # first word → [(middle words, accepted forms of the last word, contexts)]
    phrases: dict[str, tuple[tuple[list[str], frozenset[str], frozenset[str]], ...]]


@lru_cache(maxsize=None)
def _cue_index() -> _CueIndex:
    words: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    for ctx in contexts().values():
        for cue in ctx.cues:
            tokens = tuple(_WORD.findall(cue.lower()))
            if len(tokens) == 1:
                for form in _plural_forms(tokens[0]):
                    words.setdefault(form, set()).add(ctx.name)
            elif tokens:
                phrases.setdefault(tokens, set()).add(ctx.name)
    by_first: dict[str, list] = {}
    for tokens, names in phrases.items():
        by_first.setdefault(tokens[0], []).append(
            (list(tokens[1:-1]), _plural_forms(tokens[-1]), frozenset(names)))
    return _CueIndex(
        order=tuple(contexts()),
        words={w: frozenset(n) for w, n in words.items()},
        phrases={first: tuple(entries) for first, entries in by_first.items()},
    )


def detect_contexts(lemmas: Iterable[str], text: str | None = None) -> list[str]:
    """The PLOVER contexts a sentence or document is about, in codebook order.

    ``lemmas`` are the token lemmas (any case); ``text`` is the surface text.
    One-word cues match a lemma or a word of the text (plural forms included);
    multi-word cues match consecutive words of the text, or of the lemmas when no
    text is given, with any punctuation or space between them.
    """
    index = _cue_index()
    words, phrases = index.words, index.phrases
    found: set[str] = set()
    if text is None:
        tokens = _WORD.findall(" ".join(lemmas).lower())
    else:
        for lemma in lemmas:
            hit = words.get(lemma.lower())
            if hit:
                found |= hit
        tokens = _WORD.findall(text.lower())
    n_tokens = len(tokens)
    for i, token in enumerate(tokens):
        hit = words.get(token)
        if hit:
            found |= hit
        candidates = phrases.get(token)
        if candidates:
            for middle, last_forms, names in candidates:
                end = i + 1 + len(middle)
                if end < n_tokens and tokens[end] in last_forms and tokens[i + 1:end] == middle:
                    found |= names
    if not found:
        return []
    return [name for name in index.order if name in found]


# --- documentation -------------------------------------------------------------

def _codes_with_modes(t: PloverType) -> str:
    if not t.modes:
        return "—"
    return ", ".join(f"{m.name} ({m.cameo or '—'})" for m in t.modes.values())


def _root_mapping(root: str) -> str:
    """'SANCTION; 163 → COERCE': the type of the root's x0 code, then runs of 3-digit codes that differ."""
    codes = [c for c in cameo_codes().values() if len(c.code) == 3 and c.root == root]
    main = cameo(root + "0").plover_type
    runs: list[list[CameoCode]] = []
    for c in codes:
        if c.plover_type == main:
            continue
        if runs and runs[-1][-1].plover_type == c.plover_type and int(runs[-1][-1].code) == int(c.code) - 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    parts = [main or "none"]
    for run in runs:
        span = run[0].code if len(run) == 1 else f"{run[0].code}–{run[-1].code}"
        parts.append(f"{span} → {run[0].plover_type}")
    return "; ".join(parts)


def _sentence(text: str) -> str:
    return text.rstrip(". ")


def render_markdown() -> str:
    """docs/ontology.md, generated from the YAML codebooks so the two cannot drift."""
    types = plover_types()
    codes = cameo_codes()
    out = [
        "# Ontology: PLOVER types, CAMEO codes, contexts",
        "",
        "Generated from `src/communique/ontology/*.yaml` by `communique.ontology.render_markdown()`;",
        "do not edit by hand. Regenerate with",
        "`python -c \"from communique.ontology import render_markdown as r; print(r(), end='')\" > docs/ontology.md`.",
        "",
        "## PLOVER event types",
        "",
        "Quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.",
        "Score: PLOVER intensity, −10 (most hostile) to +10. CAMEO: the code used for the type, and per mode.",
        "",
        "| type | quad | score | recipient needed | CAMEO | modes (CAMEO) | what it is |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in types.values():
        out.append(
            f"| {t.name} | {t.quad_class} | {t.score:g} | {'yes' if t.recipient_needed else 'no'} | "
            f"{t.cameo_default} | {_codes_with_modes(t)} | {t.definition} |")
    out += ["", "Notes:", ""]
    for t in types.values():
        if t.note:
            out.append(f"- **{t.name}**: {t.note}")
        for m in t.modes.values():
            if m.note:
                out.append(f"- **{t.name}/{m.name}**: {m.note}")
    out += ["", "## Modes", ""]
    for t in types.values():
        if t.modes:
            out.append(f"- **{t.name}**: " + "; ".join(f"*{m.name}* — {_sentence(m.definition)}" for m in t.modes.values()) + ".")
    out += ["", "## Auxiliary flags", ""]
    out += [f"- **{name}**: {meaning}" for name, meaning in auxiliary_flags().items()]
    by_length = {n: sum(1 for c in codes if len(c) == n) for n in (2, 3, 4)}
    out += [
        "", "## CAMEO roots and their PLOVER types", "",
        f"`cameo.yaml` holds {len(codes)} CAMEO v1.1b3 codes ({by_length[2]} roots, {by_length[3]} three-digit "
        f"and {by_length[4]} four-digit codes) with GDELT's Goldstein scores and quad classes.",
        "",
        "| root | name | quad | Goldstein | PLOVER |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in codes.values():
        if len(c.code) == 2:
            out.append(f"| {c.code} | {c.name} | {c.quad_class} | {c.goldstein:g} | {_root_mapping(c.code)} |")
    notes = [c for c in codes.values() if c.note]
    if notes:
        out += ["", "Notes:", ""] + [f"- **{c.code}** ({c.name}): {_sentence(c.note)}." for c in notes]
    out += ["", f"## Contexts ({len(contexts())})", ""]
    out += [f"- **{c.name}**: {c.definition}" for c in contexts().values()]
    return "\n".join(out) + "\n"
