"""`communique explain`: why the coder coded what it coded.

Shows the parse, the actor mentions and what they corefer with, every trigger
the coder considered (the chosen ones with their rule, arguments and flags, the
rejected ones with the reason), and the final events after dates, places and
merging.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from spacy.tokens import Doc

from communique.model import Extraction


def _name(m) -> str:
    if m is None:
        return "—"
    r = m.resolved
    return r.name or r.role or r.kind


def render(doc: Doc, extraction: Extraction) -> Group:
    parts = []
    parse = Table(title="Parse", show_lines=False, header_style="bold")
    for col in ("i", "token", "lemma", "pos", "dep", "head", "entity", "mention"):
        parse.add_column(col)
    index = doc._.mention_index or {}
    for t in doc:
        if t.is_space:
            continue
        m = index.get(t.i)
        parse.add_row(str(t.i), t.text, t.lemma_, t.pos_, t.dep_, f"{t.head.i}:{t.head.text}", t.ent_type_,
                      f"{m.kind}:{_name(m)}" if m is not None else "")
    parts.append(parse)

    ments = Table(title="Actor mentions", header_style="bold")
    for col in ("text", "kind", "refers to", "role", "org", "country", "sector", "rule"):
        ments.add_column(col)
    for m in doc._.mentions or ():
        r = m.resolved
        ments.add_row(doc[m.start:m.end].text, m.kind, _name(m) if m.antecedent else "", m.role or r.role or "",
                      m.org or r.org or "", r.country or m.country or "", r.sector or m.sector or "", m.rule)
    parts.append(ments)

    trig = Table(title="Triggers considered", header_style="bold")
    for col in ("trigger", "rule", "decision", "source", "target", "why"):
        trig.add_column(col)
    for c in doc._.events or ():
        flags = [f for f, on in (("negated", c.negated), ("future", c.future), ("hypothetical", c.hypothetical)) if on]
        decision = f"{c.type}/{c.mode or '-'}" + (f" [{', '.join(flags)}]" if flags else "")
        trig.add_row(c.trigger.text, c.rule, Text(decision, style="green" if not flags else "yellow"),
                     ", ".join(_name(a.mention) + f" ({a.how})" for a in c.sources) or "—",
                     ", ".join(_name(a.mention) + f" ({a.how})" for a in c.targets) or "—",
                     "; ".join(c.reasons))
    for r in doc._.event_candidates or ():
        trig.add_row(r.token.text, r.sense.rule, Text(f"rejected {r.sense.type}", style="red"), "", "", r.reason)
    parts.append(trig)

    ev = Table(title="Events", header_style="bold")
    for col in ("type", "mode", "source", "target", "date", "location", "rule", "asserted"):
        ev.add_column(col)
    for e in extraction.events:
        ev.add_row(e.type, e.mode or "", "; ".join(f"{p.name or p.role} ({p.country}/{p.sector})" for p in e.source),
                   "; ".join(f"{p.name or p.role} ({p.country}/{p.sector})" for p in e.target),
                   f"{e.date.value} ({e.date.rule})" if e.date else "", e.location.name if e.location else "",
                   e.rule, "yes" if e.asserted else "no")
    parts.append(ev)
    return Group(*parts)
