"""communique: diplomatic and political news in, a provenance-linked PLOVER/CAMEO event database out.

    from communique import Document, Pipeline
    extraction = Pipeline().extract(Document(text="On 24 August 2019, ..."))

``Pipeline`` is imported on first use: loading spaCy takes seconds, and the
command line must start instantly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from communique.model import (  # noqa: F401  (the public types)
    Actor, ActorMention, Document, Event, Extraction, Gathering, Instrument, Participant, Place, Role, Span,
    TimeValue,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from communique.pipeline import Pipeline  # noqa: F401


def __getattr__(name: str) -> Any:
    if name == "Pipeline":
        from communique.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'communique' has no attribute {name!r}")
