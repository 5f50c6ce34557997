"""The database schema, versioned: migrations are SQL files applied in order.

``migrations/NNNN_<what>.sql`` moves a database from version NNNN-1 to NNNN.  Never
edit a released migration; add the next one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

META_DDL = "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"

# Tables whose rows belong to one document: deleted and rewritten with it.
PER_DOCUMENT_TABLES = (
    "events", "event_actors", "event_mentions", "actor_roles", "mentions",
    "instruments", "gatherings", "documents",
)
TABLES = PER_DOCUMENT_TABLES + ("actors",)


@lru_cache(maxsize=1)
def migrations() -> tuple[tuple[int, str], ...]:
    """(version, sql) for every migration shipped with the package, in order."""
    folder = resources.files("communique.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"communique migrations are not numbered 1..n: {versions}")
    return tuple(found)


def schema_version() -> int:
    """The schema version this communique writes."""
    return len(migrations())
