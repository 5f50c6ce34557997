"""CSV and TSV exports (media monitors, spreadsheets): one row, one Document.

Columns are found by name: the first header among the usual names for each field,
unless ``--csv-columns`` names it.  A row with more or fewer fields than the header
(the "shifting columns" of broken exports) is reported with its line, not guessed at.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO, Iterator

from communique.errors import ReadError
from communique.model import Document
from communique.readers.jsonl import parse_published
from communique.readers.limits import ReadLimits, human_size

# Header names tried, in order, for each field (compared as _key does: "Pub Date" is pub_date).
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "story"),
    "title": ("title", "headline", "heading"),
    "date": ("published", "date", "publish_date", "pub_date", "pubdate", "published_at", "publication_date",
             "datetime"),
    "url": ("url", "link", "source_url"),
    "id": ("id", "doc_id", "guid", "article_id", "story_id"),
    "publisher": ("publisher", "source", "outlet", "media", "source_name"),
}
_DELIMITERS = ",;\t|"
_SEPARATORS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True, slots=True)
class CsvColumns:
    """Which header holds which field; None: the first of DEFAULT_NAMES present."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    id: str | None = None
    publisher: str | None = None
    date_format: str | None = None  # strptime format, e.g. %d/%m/%Y; default: ISO or RFC 2822 dates
    delimiter: str | None = None  # default: guessed from the header line (, ; tab |)

    @classmethod
    def parse(cls, spec: str) -> "CsvColumns":
        """``"text=body,title=headline,date_format=%d.%m.%Y"`` → CsvColumns."""
        known = {f.name for f in fields(cls)}
        values: dict[str, str] = {}
        # split at commas that start a new FIELD=, so that "date_format=%b %d, %Y" stays whole
        parts = re.split(r",\s*(?=(?:%s)\s*=)" % "|".join(sorted(known)), spec.strip().strip(","))
        for part in filter(None, (p.strip() for p in parts)):
            key, sep, value = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in known or not value.strip():
                raise ValueError(f"{part!r}: expected FIELD=COLUMN with FIELD one of {', '.join(sorted(known))}")
            values[key] = "\t" if key == "delimiter" and value.strip().lower() in ("tab", "\\t") else value.strip()
        if "delimiter" in values and len(values["delimiter"]) != 1:
            raise ValueError("delimiter must be one character (or 'tab')")
        return replace(cls(), **values)


def read_csv(stream: BinaryIO, source: str, columns: CsvColumns = CsvColumns(), limits: ReadLimits = ReadLimits(),
             tab_separated: bool = False) -> Iterator[Document | ReadError]:
    """Yield a Document per good row and a ReadError (with its line) per bad one."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    _allow_large_fields(limits.max_bytes)
    try:
        head = text.readline(limits.max_bytes + 1)
    except UnicodeDecodeError:
        yield ReadError(source, 1, "not UTF-8 (save the file as UTF-8)")
        return
    if not head.strip():
        yield ReadError(source, None, "empty file")
        return
    if len(head) > limits.max_bytes:
        yield ReadError(source, 1, f"header line longer than {human_size(limits.max_bytes)}; not a CSV file?")
        return
    delimiter = columns.delimiter or ("\t" if tab_separated else _guess_delimiter(head))
    header = next(csv.reader([head], delimiter=delimiter))
    where = _locate(header, columns)
    if isinstance(where, str):
        yield ReadError(source, 1, where)
        return
    reader = csv.reader(_bounded(text, limits.max_bytes), delimiter=delimiter)
    line = 1  # physical lines consumed so far
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield ReadError(source, start, "not UTF-8 from here on (save the file as UTF-8)")
            return
        except _LineTooLong:
            yield ReadError(source, start, f"a line longer than {human_size(limits.max_bytes)}; stopped reading "
                                           "(raise the limit with --max-bytes)")
            return
        except csv.Error as exc:
            line = 1 + reader.line_num
            yield ReadError(source, start, f"malformed CSV ({exc})")
            continue
        line = 1 + reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        yield _document(row, header, where, columns, source, start, limits)


def _document(row: list[str], header: list[str], where: dict[str, int], columns: CsvColumns, source: str,
              line: int, limits: ReadLimits) -> Document | ReadError:
    def error(message: str) -> ReadError:
        return ReadError(source, line, message)

    if len(row) != len(header):
        return error(f"row has {len(row)} fields, the header has {len(header)} (an unquoted delimiter or line break?)")
    value = {name: row[i].strip() for name, i in where.items()}
    text = row[where["text"]]
    if not text.strip():
        return error(f'empty text in column "{header[where["text"]]}"')
    if len(text) > limits.max_bytes:
        return error(f"text is larger than {human_size(limits.max_bytes)} (raise the limit with --max-bytes)")
    published = None
    if value.get("date"):
        try:
            published = _parse_date(value["date"], columns.date_format)
        except ValueError:
            hint = f"the format {columns.date_format!r}" if columns.date_format else "an ISO or RFC 2822 date"
            return error(f'unparseable date {value["date"]!r} (expected {hint}; set one with '
                         "--csv-columns date_format=%d/%m/%Y)")
    return Document(
        text=text, source_id=value.get("id") or None, title=value.get("title") or None, published=published,
        url=value.get("url") or None, publisher=value.get("publisher") or None, source=f"{source}:{line}",
    )


class _LineTooLong(Exception):
    pass


def _bounded(text: io.TextIOBase, max_chars: int) -> Iterator[str]:
    """The file's lines, never holding more than ``max_chars`` of one in memory."""
    while True:
        line = text.readline(max_chars + 1)
        if not line:
            return
        if len(line) > max_chars and not line.endswith(("\n", "\r")):
            raise _LineTooLong
        yield line


def _locate(header: list[str], columns: CsvColumns) -> dict[str, int] | str:
    """Field → column index, or a message saying which column is missing."""
    index = {_key(name): i for i, name in reversed(list(enumerate(header)))}
    where: dict[str, int] = {}
    for field, defaults in DEFAULT_NAMES.items():
        chosen = getattr(columns, field)
        if chosen is not None:
            if _key(chosen) not in index:
                return f"no column {chosen!r} (given for {field}); the header has: {_names(header)}"
            where[field] = index[_key(chosen)]
            continue
        found = next((index[name] for name in defaults if name in index), None)
        if found is not None:
            where[field] = found
    if "text" not in where:
        return (f"no text column (looked for {', '.join(DEFAULT_NAMES['text'])}); the header has: {_names(header)}; "
                "name it with --csv-columns text=COLUMN")
    return where


def _key(name: str) -> str:
    return _SEPARATORS.sub("_", name.strip().lower())


def _names(header: list[str]) -> str:
    shown = ", ".join(repr(h) for h in header[:12])
    return shown + (", ..." if len(header) > 12 else "")


def _guess_delimiter(head: str) -> str:
    counts = {d: head.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_date(raw: str, fmt: str | None) -> date | None:
    if fmt:
        return datetime.strptime(raw, fmt).date()
    try:
        return parse_published(raw)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        raise ValueError(raw) from None


def _allow_large_fields(max_bytes: int) -> None:
    # The csv module refuses fields over 128 kB by default: an article is often longer.
    # The limit is process-wide, so it is only ever raised.
    wanted = min(max_bytes, sys.maxsize)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)
