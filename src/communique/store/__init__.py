"""The event database (DuckDB): idempotent upserts keyed by document, queries, exports.

The store knows the model, not the NLP: it takes :class:`~communique.model.Extraction`
objects from whatever produced them.
"""

from communique.errors import SchemaVersionError, StoreBusyError, StoreError, StoreNotFoundError
from communique.store.duckdb_store import DEFAULT_DB, Store, UpsertStats
from communique.store.export import (
    COLUMN_DESCRIPTIONS, EXPORT_COLUMNS, EXPORT_FORMATS, INCIDENT_COLUMNS, MENTION_COLUMNS, UNIT_COLUMNS, UNITS,
    EventFilters,
)
from communique.store.rows import PreparedDocument, prepare
from communique.store.runlog import RunCounts, RunItem
from communique.store.schema import schema_version

__all__ = [
    "DEFAULT_DB", "Store", "UpsertStats", "EventFilters", "EXPORT_COLUMNS", "EXPORT_FORMATS",
    "COLUMN_DESCRIPTIONS", "schema_version", "StoreError", "StoreNotFoundError", "SchemaVersionError",
    "StoreBusyError", "INCIDENT_COLUMNS", "MENTION_COLUMNS", "UNIT_COLUMNS", "UNITS", "PreparedDocument", "prepare",
    "RunCounts", "RunItem",
]
