"""From token-level mentions to canonical actors.

Within a document, coreference has already linked each mention to the named
mention it refers to.  Here each such entity gets a canonical actor id:

* an entity the knowledge base knows keeps the KB id, so Vladimir Norov is
  one actor across every document that names him, under any spelling the KB
  lists;
* an unknown person named in full ("Batyr Tursunov") gets an id from the
  folded full name, so the same full name merges across documents;
* an unknown person named only by one word ("Mr Khan") with no fuller form in
  the same document gets an id scoped to that document: two people called
  Khan in two documents stay apart;
* states, sub-national governments and collectives get ids from their codes
  ("state:CHN", "group:KEN:COP").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidecode import unidecode

from communique.model import Actor, ActorMention, Participant, Role, Span

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", unidecode(text).lower()).strip("-")


@dataclass
class Resolved:
    actor_id: str
    name: str | None  # name for output (None for unnamed actors)
    label: str  # display label for the actor table (never empty)
    kind: str
    country: str | None
    sector: str | None


def resolve(m, doc_id: str) -> Resolved | None:
    """Canonical identity of a (coreference-resolved) mention."""
    r = m.resolved
    kind = r.kind
    if kind in ("pronoun", "facility"):
        return None
    if kind == "person":
        name = r.name or ""
        if r.kb_id:
            actor_id = f"person:{r.kb_id}" if not r.kb_id.startswith("person:") else r.kb_id
        elif len(name.split()) >= 2:
            actor_id = f"person:{slug(name)}"
        else:
            actor_id = f"person:{slug(name)}@{doc_id[:10]}"
        return Resolved(actor_id, name, name, "person", r.country, r.sector or ("IGO" if r.country == "IGO" else None))
    if kind == "organisation":
        name = r.name or ""
        actor_id = r.kb_id if r.kb_id else f"org:{slug(name)}" + (f":{r.country}" if r.country else "")
        return Resolved(actor_id, name, name, "organisation", r.country, r.sector)
    if kind in ("state", "subnational", "place"):
        name = r.name or ""
        if kind == "state" and r.country:
            actor_id = f"state:{r.country}"
        else:
            actor_id = r.kb_id or f"place:{slug(name)}" + (f":{r.country}" if r.country else "")
        return Resolved(actor_id, name, name, "state" if kind == "state" else "subnational",
                        r.country, r.sector or "GOV")
    # unnamed: collectives and unresolved descriptions
    role = r.role or ""
    label = role or "unnamed actor"
    org_part = slug(r.org) if r.org else ""
    actor_id = f"group:{r.country or 'UNK'}:{r.sector or 'UNK'}:{slug(role) or 'actor'}" + (f":{org_part}" if org_part else "")
    return Resolved(actor_id, None, label, "collective", r.country, r.sector)


class ActorRegistry:
    """Collects the actors, mentions and roles of one document."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.actors: dict[str, Actor] = {}
        self.mentions: list[ActorMention] = []

    def participant(self, m, span: Span, rule: str, role_override: str | None = None) -> Participant | None:
        res = resolve(m, self.doc_id)
        if res is None:
            return None
        r = m.resolved
        # the role as stated at this mention, else at the named mention
        role = m.role if m.role else r.role
        org = m.org if m.role else r.org
        if role_override and not role:
            role = role_override
        country = res.country or m.country
        sector = res.sector or m.sector
        if res.kind == "person" and m.sector and m.sector != sector and m.role:
            sector = m.sector
        return Participant(actor_id=res.actor_id, name=res.name, kind=res.kind, country=country,
                           sector=sector, role=role, org=org, span=span, rule=rule)

    def add_mention(self, m, span: Span, role_span: Span | None, published: str | None) -> None:
        res = resolve(m, self.doc_id)
        if res is None:
            return
        r = m.resolved
        actor = self.actors.get(res.actor_id)
        if actor is None:
            actor = Actor(actor_id=res.actor_id, name=res.label, kind=res.kind, country=res.country,
                          sector=res.sector)
            self.actors[res.actor_id] = actor
        if m.name and m.name != actor.name and m.name not in actor.aliases:
            actor.aliases.append(m.name)
        if m.role and all(x.role != m.role for x in actor.roles):
            actor.roles.append(Role(role=m.role, org=m.org, country=m.country, sector=m.sector,
                                    first_seen=published, last_seen=published, doc_id=self.doc_id,
                                    span=role_span))
        self.mentions.append(ActorMention(span=span, name=res.name, actor_id=res.actor_id, kind=res.kind,
                                          country=res.country, sector=res.sector, role=m.role or r.role,
                                          org=m.org if m.role else r.org, rule=m.rule))
