"""Actors: the knowledge base of countries, organisations, titles and persons."""

from communique.actors.kb import (
    CountryEntry,
    DictionaryError,
    Entry,
    KnowledgeBase,
    Match,
    OrgEntry,
    PersonEntry,
    PersonRole,
    SubnationalEntry,
    TitleEntry,
    name_key,
)

__all__ = [
    "CountryEntry", "DictionaryError", "Entry", "KnowledgeBase", "Match", "OrgEntry",
    "PersonEntry", "PersonRole", "SubnationalEntry", "TitleEntry", "name_key",
]
