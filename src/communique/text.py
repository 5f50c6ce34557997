"""Offset-preserving text normalisation.

The parser sees a cleaned copy of the text in which every character is replaced
by exactly one character, so every offset into the copy is an offset into the
original: spans reported to users point at the words they actually read.
"""

from __future__ import annotations

import re
import unicodedata

# One character in, one character out (str.translate keeps lengths only then).
_ONE_TO_ONE = {
    # spaces the tokenizer would keep as separate tokens
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2008": " ", "\u205f": " ", "\u3000": " ", "\u200b": " ", "\u200c": " ",
    "\u200d": " ", "\ufeff": " ", "\u00ad": " ", "\t": " ", "\r": " ", "\x0b": " ", "\x0c": " ",
    # quotes and apostrophes the lexicon is written with
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    # dashes
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
}
_TABLE = str.maketrans(_ONE_TO_ONE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def normalise(text: str) -> str:
    """Return a same-length copy of ``text`` that the parser handles well."""
    out = text.translate(_TABLE)
    if _CONTROL.search(out):
        out = _CONTROL.sub(" ", out)
    assert len(out) == len(text)
    return out


def fold(text: str) -> str:
    """A lookup key: case-folded, accents stripped, apostrophes and spaces unified."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("-", " ").casefold().split())


# "date 2024-04-18" at the head of a line: a crawler's time stamp (when the page
# was published), not a date the story gives to anything it tells
TIME_STAMP = r"(?:(?i:date|dated|published|updated):?[ \t]*)?\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
_STAMP = re.compile(rf"(?m)^[ \t]*{TIME_STAMP}(?=\s)")


def time_stamps(text: str, search_chars: int = 600) -> list[tuple[int, int]]:
    """Character spans of time stamps heading the first lines of a text."""
    return [m.span() for m in _STAMP.finditer(text[:search_chars])]
