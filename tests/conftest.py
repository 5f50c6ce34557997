"""Shared fixtures: one real NLP pipeline for the whole session.

Building ``Pipeline()`` loads spaCy and the actor knowledge base (about 3 s),
so the tests that code real sentences share one.  ``extract`` and ``events``
cache their results per (text, publication date): several tests look at the
same sentence from different sides without parsing it again.  Modules that
need their own pipeline (a fake, other actor files) define a fixture of the
same name, which takes precedence over these.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

from communique.model import Document, Event, Extraction

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (COMMUNIQUE_REQUIRE_SHARED=1) a test that skips for want of the shared
    evaluation data fails instead: CI has the data, so such a skip would hide a test."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("COMMUNIQUE_REQUIRE_SHARED") == "1":
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr).lower()
        if "shared" in reason:
            report.outcome = "failed"
            report.longrepr = f"skipped for want of ../shared/data, which CI requires: {reason}"


def _as_date(published: date | str | None) -> date | None:
    if published is None or isinstance(published, date):
        return published
    return date.fromisoformat(published)


@pytest.fixture(scope="session")
def pipeline():
    from communique.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def extract(pipeline) -> Callable[..., Extraction]:
    """``extract(text, published=None) -> Extraction`` (cached: do not mutate the result)."""
    cache: dict[tuple[str, date | None], Extraction] = {}

    def run(text: str, published: date | str | None = None) -> Extraction:
        key = (text, _as_date(published))
        if key not in cache:
            cache[key] = pipeline.extract(Document(text=text, published=key[1]))
        return cache[key]

    return run


@pytest.fixture(scope="session")
def events(extract) -> Callable[..., list[Event]]:
    """``events(text, published=None) -> [Event]``: the events stated as having happened."""

    def asserted(text: str, published: date | str | None = None) -> list[Event]:
        return [e for e in extract(text, published).events if e.asserted]

    return asserted
