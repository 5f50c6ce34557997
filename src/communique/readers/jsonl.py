"""JSON Lines input: one ``{"id", "text", ...}`` object per line (see docs/EVAL.md)."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Iterator

from communique.errors import ReadError
from communique.model import Document
from communique.readers.limits import LimitExceeded, ReadLimits, bounded_lines, guarded, human_size

_OPTIONAL_TEXT_FIELDS = ("title", "url", "publisher")


def read_jsonl(path: str | Path, limits: ReadLimits = ReadLimits()) -> Iterator[Document | ReadError]:
    """Yield one Document per good line and one ReadError per bad one; blank lines are skipped.

    A file that cannot be opened at all yields a single ReadError with ``line=None``.
    ``.gz`` files are decompressed on the fly, within ``limits``.
    """
    path = Path(path)
    try:
        handle = _open(path, limits)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot open: {exc.strerror or exc}")
        return
    with handle:
        yield from read_jsonl_stream(handle, str(path), limits.max_bytes)


def read_jsonl_stream(handle: IO[bytes], source: str, max_line: int) -> Iterator[Document | ReadError]:
    """The lines of an open binary stream; ``source`` names it in errors and Documents."""
    lineno = 0
    try:
        for lineno, raw in bounded_lines(handle, max_line):
            if raw is None:
                yield ReadError(source, lineno, f"line longer than {human_size(max_line)}; skipped "
                                                "(raise the limit with --max-bytes)")
                continue
            item = _parse_line(raw, source, lineno)
            if item is not None:
                yield item
    except (OSError, EOFError, zlib.error) as exc:  # truncated gzip, I/O error mid-file
        yield ReadError(source, lineno + 1, f"cannot read further: {exc}")
    except LimitExceeded as exc:
        yield ReadError(source, lineno + 1, str(exc))


def _open(path: Path, limits: ReadLimits) -> IO[bytes]:
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory")
    if path.suffix.lower() == ".gz":
        return guarded(gzip.open(path, "rb"), limits, path.stat().st_size, str(path))
    return path.open("rb")


def _parse_line(raw: bytes, source: str, lineno: int) -> Document | ReadError | None:
    def error(message: str) -> ReadError:
        return ReadError(source, lineno, message)

    try:
        line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError:
        return error("not UTF-8")
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return error(f"not valid JSON ({exc.msg} at column {exc.colno})")
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return error(f"not valid JSON ({exc})")
    except RecursionError:
        return error("not valid JSON (nested too deeply)")
    if not isinstance(record, dict):
        return error(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return error('missing or empty "text"')
    try:
        published = parse_published(record.get("published"))
    except ValueError as exc:
        return error(str(exc))
    raw_id = record.get("id")
    return Document(
        text=text,
        source_id=None if raw_id is None else str(raw_id),
        published=published,
        source=f"{source}:{lineno}",
        **{name: _optional_text(record.get(name)) for name in _OPTIONAL_TEXT_FIELDS},
    )


def parse_published(value: Any) -> date | None:
    """ISO date or datetime ("2025-03-14", "2025-03-14 20:30:26Z", "...T20:30:26+00:00") → date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f'"published" must be an ISO date string, got {value!r}')
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        # The date as written, not converted to UTC: it is the date the publisher meant.
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f'unparseable "published" {value!r} (expected an ISO date such as 2025-03-14)') from None


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text.strip() or None
