"""Person names folded into identity keys, so that spellings of one name meet.

``person_key("Chen Min'er") == person_key("Chen Miner") == "chen-miner"`` and
``person_key("Sergey Lavrov") == person_key("Sergei Lavrov")``: accents, case,
full stops and apostrophes are dropped, hyphens count as spaces, honorifics and
titles in front of the name are dropped, and each word goes through the
romanisation rewrites of ``data/name_folding.yaml`` — rules chosen so that they
only ever join two spellings of the same name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml
from unidecode import unidecode

from communique.actors.kb import name_key

if TYPE_CHECKING:  # pragma: no cover
    from communique.actors.kb import KnowledgeBase

_WORD_SPLIT = re.compile(r"[\s\-\u2010-\u2015]+")
_DROPPED = re.compile(r"['\u2019\u2018\u02bc`\u00b4.]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_EXCELLENCY = re.compile(r"^\s*H\.\s?E\.\s*")  # "H.E." as written: "He" alone is a surname


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[tuple[str, ...]], int, tuple[tuple[re.Pattern[str], str], ...]]:
    text = resources.files("communique.actors").joinpath("data/name_folding.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    honorifics = frozenset(tuple(_plain_words(h)) for h in data["honorifics"])
    longest = max((len(h) for h in honorifics), default=1)
    rewrites = tuple((re.compile(pattern), replacement) for pattern, replacement in data["word_rewrites"])
    return honorifics, longest, rewrites


def _plain_words(text: str) -> list[str]:
    """Lower-case ASCII words: 'Dato' Sri Min’er-Li' -> ['dato', 'sri', 'miner', 'li']."""
    ascii_text = text if text.isascii() else unidecode(text)
    words = _WORD_SPLIT.split(_DROPPED.sub("", ascii_text).casefold())
    return [w for w in (_NOT_ALNUM.sub("", w) for w in words) if w]


def fold_word(word: str) -> str:
    """One lower-case ASCII word through the romanisation rewrites: 'sergey' -> 'sergei'."""
    for pattern, replacement in _rules()[2]:
        word = pattern.sub(replacement, word)
    return word


def _drop_honorifics(words: list[str]) -> list[str]:
    honorifics, longest, _ = _rules()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in range(min(longest, len(words) - 1), 0, -1):
            if tuple(words[:n]) in honorifics:
                words = words[n:]
                changed = True
                break
    return words


def _drop_title(original: str, words: list[str], kb: "KnowledgeBase | None") -> list[str]:
    """'Senior General Min Aung Hlaing' -> ['min', 'aung', 'hlaing'] (at least two words kept)."""
    if kb is None or len(words) < 3:
        return words
    raw = _WORD_SPLIT.split(original.strip())
    if len(raw) != len(words):
        return words  # punctuation-only words: do not guess the alignment
    for n in range(len(words) - 2, 0, -1):
        prefix = " ".join(raw[:n])
        title = kb.title(prefix)
        # the prefix ends with the title: "Senior General", "Foreign Minister"
        if title is not None and name_key(prefix).endswith(name_key(title.role)):
            return words[n:]
    return words


@lru_cache(maxsize=65_536)
def _key(name: str, kb: "KnowledgeBase | None") -> str:
    name = _EXCELLENCY.sub("", name)
    words = _plain_words(name)
    if not words:
        return ""
    words = _drop_honorifics(words)
    words = _drop_title(name, words, kb)
    return "-".join(fold_word(w) for w in words)


def person_key(name: str | None, kb: "KnowledgeBase | None" = None) -> str:
    """The identity key of a person's name: 'Mr Sergey Lavrov' -> 'sergei-lavrov'.

    With a knowledge base, a title written in front of the name is dropped too
    ('Foreign Minister Batyr Tursunov' -> 'batyr-tursunov')."""
    return _key(name.strip(), kb) if name and name.strip() else ""


def surname_key(name: str | None, kb: "KnowledgeBase | None" = None) -> str:
    """The key of the last word of a name: 'Vladimir Norov' -> 'norov'."""
    key = person_key(name, kb)
    return key.rsplit("-", 1)[-1] if key else ""


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one inserted, deleted or replaced letter."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]
