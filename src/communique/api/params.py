"""Query parameters shared by the API and the pages, checked once: a bad one is a 422 that says why."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Optional

from fastapi import HTTPException, Query

from communique.api.queries import SORTS, EventFilter, parse_date_bound, search_terms
from communique.ontology import contexts as known_contexts
from communique.ontology import plover_types

MAX_PER_PAGE = 500
MAX_PAGE = 100_000
MAX_TERMS = 8

_CODE = re.compile(r"^[A-Za-z]{2,8}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

EventSort = Enum("EventSort", {key.replace("-", "desc_"): key for key in SORTS}, type=str)


class Invalid(HTTPException):
    """A parameter the API cannot use; the message names it and says what would do."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=422, detail=message)


def _split(values: Optional[list[str]]) -> list[str]:
    """Repeated parameters and comma-separated lists, both: ?type=A&type=B,C → [A, B, C]."""
    out: list[str] = []
    for value in values or []:
        out += [v.strip() for v in value.split(",") if v.strip()]
    return list(dict.fromkeys(out))


def clean_text(name: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if _CONTROL.search(value):
        raise Invalid(f"{name}: control characters are not allowed")
    return value.strip() or None


def _codes(name: str, values: Optional[list[str]]) -> tuple[str, ...]:
    codes = _split(values)
    bad = [c for c in codes if not _CODE.match(c)]
    if bad:
        raise Invalid(f"{name}: {bad[0]!r} is not a code (letters only, e.g. CHN, GOV)")
    return tuple(c.upper() for c in codes)


def event_filter(
    type: Annotated[Optional[list[str]], Query(description="PLOVER types, repeated or comma-separated: CONSULT,ACCUSE",
                                               max_length=20)] = None,
    mode: Annotated[Optional[list[str]], Query(description="PLOVER modes, e.g. visit, phone", max_length=20)] = None,
    context: Annotated[Optional[list[str]], Query(description="PLOVER contexts, e.g. economic", max_length=20)] = None,
    quad_class: Annotated[Optional[list[str]], Query(description="CAMEO quad classes 1-4", max_length=4)] = None,
    actor: Annotated[Optional[str], Query(max_length=200, description=(
        "actor id (exactly, e.g. person:zhang-ming), or part of a participant's name (any case)"))] = None,
    source: Annotated[Optional[str], Query(max_length=200, description="actor id on the source side")] = None,
    target: Annotated[Optional[str], Query(max_length=200, description="actor id on the target side")] = None,
    counterpart: Annotated[Optional[str], Query(max_length=200, description=(
        "actor id on the other side from `actor` (which must then be an id)"))] = None,
    country: Annotated[Optional[list[str]], Query(description="ISO alpha-3 of a source or target participant",
                                                  max_length=20)] = None,
    sector: Annotated[Optional[list[str]], Query(description="sector of a participant (GOV, MIL, IGO, ...)",
                                                 max_length=20)] = None,
    date_from: Annotated[Optional[str], Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    date_to: Annotated[Optional[str], Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    location: Annotated[Optional[str], Query(max_length=200, description="part of the location name")] = None,
    location_country: Annotated[Optional[str], Query(max_length=3, description="ISO alpha-3 of the location")] = None,
    q: Annotated[Optional[str], Query(max_length=200, description=(
        'words that must all appear in the evidence (any case); "quoted phrase" for a phrase'))] = None,
    doc: Annotated[Optional[str], Query(max_length=200, description="document id or content hash")] = None,
    all: Annotated[bool, Query(description="include negated, future and hypothetical events")] = False,
) -> EventFilter:
    types = tuple(t.upper() for t in _split(type))
    unknown = [t for t in types if t not in plover_types()]
    if unknown:
        raise Invalid(f"type: {unknown[0]!r} is not a PLOVER type; choose from {', '.join(plover_types())}")
    contexts = tuple(c.lower() for c in _split(context))
    unknown = [c for c in contexts if c not in known_contexts()]
    if unknown:
        raise Invalid(f"context: {unknown[0]!r} is not a PLOVER context; choose from {', '.join(known_contexts())}")
    quads: list[int] = []
    for value in _split(quad_class):
        if value not in ("1", "2", "3", "4"):
            raise Invalid(f"quad_class: {value!r} is not a quad class (1, 2, 3 or 4)")
        quads.append(int(value))
    modes = tuple(m.lower() for m in _split(mode))
    if any(_CONTROL.search(m) for m in modes):
        raise Invalid("mode: control characters are not allowed")
    bounds = {}
    for name, value, first in (("date_from", date_from, True), ("date_to", date_to, False)):
        value = clean_text(name, value)
        try:
            bounds[name] = parse_date_bound(value, first) if value else None
        except ValueError as exc:
            raise Invalid(f"{name}: {exc}") from None
    if bounds["date_from"] and bounds["date_to"] and bounds["date_from"] > bounds["date_to"]:
        raise Invalid("date_from is after date_to")
    location_country = clean_text("location_country", location_country)
    if location_country and not re.fullmatch(r"[A-Za-z]{3}", location_country):
        raise Invalid(f"location_country: {location_country!r} is not an ISO alpha-3 code")
    if counterpart and not actor:
        raise Invalid("counterpart: give `actor` too (the events between the two)")
    q = clean_text("q", q)
    if len(search_terms(q)) > MAX_TERMS:
        raise Invalid(f"q: at most {MAX_TERMS} words or phrases")
    return EventFilter(
        types=types, modes=modes, contexts=contexts, quad_classes=tuple(quads),
        actor=clean_text("actor", actor), counterpart=clean_text("counterpart", counterpart), source=clean_text("source", source), target=clean_text("target", target),
        countries=_codes("country", country), sectors=_codes("sector", sector),
        date_from=bounds["date_from"], date_to=bounds["date_to"],
        location=clean_text("location", location),
        location_country=location_country.upper() if location_country else None,
        q=q, doc=clean_text("doc", doc), include_unasserted=all,
    )


def actor_codes(name: str, values: Optional[list[str]]) -> tuple[str, ...]:
    return _codes(name, values)


def actor_kinds(values: Optional[list[str]]) -> tuple[str, ...]:
    kinds = tuple(k.lower() for k in _split(values))
    bad = [k for k in kinds if not re.fullmatch(r"[a-z_-]{1,20}", k)]
    if bad:
        raise Invalid(f"kind: {bad[0]!r} is not an actor kind (person, organisation, state, ...)")
    return kinds


Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"rows per page, at most {MAX_PER_PAGE}")]
