"""Document text cut into runs, each run carrying the highlights (trigger, actors, date, place...) over it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # css class suffix: trigger, source, target, date, place, sentence, mention, ...
    label: str = ""
    href: str | None = None


@dataclass
class Run:
    text: str
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    href: str | None = None
    start: int = 0


def runs(text: str, marks: list[Mark]) -> list[Run]:
    """Consecutive pieces of ``text``; overlapping and nested marks give a run several kinds,
    and its link is that of the narrowest mark that has one."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Run] = []
    for a, b in zip(cuts, cuts[1:]):
        over = sorted((m for m in marks if m.start <= a and b <= m.end), key=lambda m: m.end - m.start)
        linked = next((m.href for m in over if m.href), None)
        kinds = list(dict.fromkeys(m.kind for m in over))
        labels = list(dict.fromkeys(m.label for m in over if m.label))
        out.append(Run(text[a:b], kinds, labels, linked, a))
    return out
