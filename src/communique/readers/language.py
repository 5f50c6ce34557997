"""Which language a document is in, so that a Russian page is skipped, not coded as English.

The pipeline reads English only.  A text is judged only when it is long enough to
judge (names and headlines fool any detector) and skipped only when the detector
is sure it is another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from communique.errors import ReadError

MIN_CHARS = 40  # fewer letters than this: not judged
SAMPLE_CHARS = 5_000  # the detector reads this much; the start of a text says what language it is in
MIN_CONFIDENCE = 0.8  # a lower score is a guess; the document is kept
# Nigerian Pidgin: what short English news with many names is sometimes taken for.
ENGLISH_LIKE = frozenset({"en", "pcm"})


@dataclass(frozen=True, slots=True)
class Skipped(ReadError):
    """A document that was read but left out on purpose (``message`` says why, e.g. "language ru")."""

    language: str | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: skipped: {self.message}"


@lru_cache(maxsize=1)
def _identifier():
    # Loading the model takes about a second: once per process, on first use.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float] | None:
    """``(ISO 639-1 code, confidence 0..1)``, or None for a text too short to judge."""
    sample = text[:SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < MIN_CHARS:
        return None
    language, confidence = _identifier().classify(sample)
    return language, confidence


def foreign_language(text: str, keep: frozenset[str]) -> str | None:
    """The language to skip this text for, or None when it may be read as one of ``keep``."""
    found = detect_language(text)
    if found is None:
        return None
    language, confidence = found
    if language in keep or (language in ENGLISH_LIKE and "en" in keep) or confidence < MIN_CONFIDENCE:
        return None
    return language
