"""Typed errors for the whole package.

Every exception a user may see derives from :class:`CommuniqueError` and says what
to do next.  :class:`ReadError` is different: it is a *value*, not an exception —
readers yield it in place of a document so that one bad input never stops a batch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadError:
    """One input that could not be read: a whole file (``line`` None) or one line of it."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


class CommuniqueError(Exception):
    """Base class of communique's errors; the message tells the user what to do."""


class StoreError(CommuniqueError):
    """The event database cannot be used as asked."""


class StoreNotFoundError(StoreError):
    """A read-only command was pointed at a database file that does not exist."""


class SchemaVersionError(StoreError):
    """The database was written by another version of communique."""


class StoreBusyError(StoreError):
    """Another process held the database lock for longer than we were willing to wait."""


class ExportFormatError(CommuniqueError, ValueError):
    """An export format communique does not write."""
