"""Readers: files, folders, archives and URLs in, :class:`~communique.model.Document` out.

Bad input never stops a batch: a reader yields a :class:`ReadError` in place of the
document it could not read, naming the file (and line) or URL, and goes on.  A
document left out on purpose (not in English) is a :class:`Skipped`, which is a
ReadError too, so anything that reports errors reports it.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from communique.errors import ReadError
from communique.model import Document
from communique.readers.archives import Input, gunzipped, zip_members
from communique.readers.csv import CsvColumns, read_csv
from communique.readers.feeds import looks_like_feed, read_feed
from communique.readers.html import read_html
from communique.readers.jsonl import read_jsonl, read_jsonl_stream
from communique.readers.language import Skipped, foreign_language
from communique.readers.limits import LimitExceeded, ReadLimits, parse_size, read_at_most
from communique.readers.text import read_text, text_document

if TYPE_CHECKING:  # pragma: no cover
    from communique.fetch import FetchSettings

__all__ = [
    "CsvColumns", "ReadError", "ReadLimits", "ReadOptions", "Skipped", "parse_size", "read_inputs", "read_jsonl",
    "read_paths", "read_text", "read_urls", "reader_for",
]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    limits: ReadLimits = field(default_factory=ReadLimits)
    csv: CsvColumns = field(default_factory=CsvColumns)
    # Documents detected to be in another language are Skipped; None keeps every language.
    languages: frozenset[str] | None = frozenset({"en"})


# name suffix → format; the longest matching suffix wins (".jsonl.gz" is gzip of ".jsonl")
_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".txt": "text", ".md": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".csv": "csv", ".tsv": "tsv",
    ".gz": "gzip", ".zip": "zip",
}
SUPPORTED = "jsonl, json, txt, md, html, xml, rss, atom, csv, tsv, and these compressed (.gz) or in a .zip"
_SURROGATE = re.compile("[\ud800-\udfff]")


def format_of(name: str) -> str | None:
    """The format a file name says, or None."""
    suffix = os.path.splitext(name.lower())[1]
    return _FORMATS.get(suffix)


def reader_for(path: Path) -> Callable[[Path], Iterator[Document | ReadError]] | None:
    """The reader for a file name, or None when communique does not read that kind of file."""
    if format_of(path.name) is None:
        return None
    return lambda p: read_paths([p])


def read_paths(paths: Iterable[str | Path], options: ReadOptions | None = None) -> Iterator[Document | ReadError]:
    """Read files and folders (recursively), in a deterministic order.

    Folders are walked in sorted order, following symbolic links but never into a
    folder already read (so a link loop ends); hidden files and folders inside them
    are skipped.  Files of an unsupported type yield a ReadError.
    """
    options = options or ReadOptions()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files: Iterable[Path | ReadError] = _walk(path)
        elif path.exists():
            files = [path]
        elif path.is_symlink():
            yield ReadError(str(path), None, "broken symbolic link, or a link loop")
            continue
        else:
            yield ReadError(str(path), None, "no such file or directory")
            continue
        for item in files:
            if isinstance(item, ReadError):
                yield item
                continue
            for result in _read_file(item, options):
                yield _finish(result, options)


def read_inputs(paths: Iterable[str | Path] = (), urls_file: str | Path | None = None,
                options: ReadOptions | None = None,
                fetch: "FetchSettings | None" = None) -> Iterator[Document | ReadError]:
    """Files and folders, then the URLs listed in ``urls_file``."""
    yield from read_paths(paths, options)
    if urls_file is not None:
        yield from read_urls(urls_file, options, fetch)


def read_urls(urls_file: str | Path, options: ReadOptions | None = None,
              fetch: "FetchSettings | None" = None) -> Iterator[Document | ReadError]:
    """Fetch each URL listed in ``urls_file`` (one per line) politely: see :mod:`communique.fetch`."""
    from communique.fetch import Fetcher, FetchSettings
    from communique.readers.urls import read_url_list

    options = options or ReadOptions()
    settings = replace(fetch or FetchSettings(), max_bytes=options.limits.max_bytes)
    for result in read_url_list(Path(urls_file), Fetcher(settings), options.limits):
        yield _finish(result, options)


# --- one file ------------------------------------------------------------------------

def _read_file(path: Path, options: ReadOptions) -> Iterator[Document | ReadError]:
    source = str(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield ReadError(source, None, f"cannot open: {exc.strerror or exc}")
        return
    if not stat.S_ISREG(mode):  # a FIFO would block, /dev/zero never end
        yield ReadError(source, None, "not a regular file")
        return
    kind = format_of(path.name)
    if kind == "jsonl" or (kind == "gzip" and format_of(path.name[:-3]) == "jsonl"):
        yield from read_jsonl(path, options.limits)  # streams, with the line numbers of the file
        return
    if kind == "text" or kind == "markdown":
        yield read_text(path, options.limits)
        return
    yield from read_input(Input(source, path.name, lambda: path.open("rb"), path), options)


def read_input(item: Input, options: ReadOptions, depth: int = 0) -> Iterator[Document | ReadError]:
    """Read one input of any format; whatever goes wrong becomes a ReadError naming it."""
    try:
        yield from _dispatch(item, options, depth)
    except LimitExceeded as exc:
        yield ReadError(item.source, None, str(exc))
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        yield ReadError(item.source, None, f"cannot read: {exc}")
    except NotImplementedError as exc:  # e.g. a zip compression method Python does not have
        yield ReadError(item.source, None, f"cannot read: {exc}")
    except RecursionError:
        yield ReadError(item.source, None, "nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the rest of the batch
        yield ReadError(item.source, None, f"internal error ({type(exc).__name__}: {exc}); please report it")


def _dispatch(item: Input, options: ReadOptions, depth: int) -> Iterator[Document | ReadError]:
    limits = options.limits
    kind = format_of(item.name)
    if kind == "gzip":
        inner = gunzipped(item, limits)
        if isinstance(inner, ReadError):
            yield inner
        else:
            yield from read_input(inner, options, depth + 1)
        return
    if kind == "zip":
        for member in zip_members(item, limits):
            if isinstance(member, ReadError):
                yield member
            else:
                yield from read_input(member, options, depth + 1)
        return
    if kind in ("csv", "tsv"):
        with item.open() as handle:
            yield from read_csv(handle, item.source, options.csv, limits, tab_separated=kind == "tsv")
        return
    if kind == "jsonl":
        with item.open() as handle:
            yield from read_jsonl_stream(handle, item.source, limits.max_bytes)
        return
    with item.open() as handle:
        data = read_at_most(handle, limits.max_bytes, "file")
    if kind is None:
        kind = _sniff(data)
        if kind is None:
            yield ReadError(item.source, None, f"unsupported file type (expected {SUPPORTED})")
            return
    if kind in ("text", "markdown"):
        yield text_document(data, item.source, markdown=kind == "markdown")
    elif kind == "html":
        yield read_html(data, item.source, max_bytes=limits.max_bytes)
    else:
        yield from read_feed(data, item.source)


def _sniff(data: bytes) -> str | None:
    """For a file without a known suffix: a page or a feed, told by its first tag."""
    if looks_like_feed(data):
        return "feed"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


# --- every document, whatever its format ---------------------------------------------------

def _finish(item: Document | ReadError, options: ReadOptions) -> Document | ReadError:
    """Checks that hold for every format: a text the parser can take, in a language it reads."""
    if isinstance(item, ReadError):
        return item
    source = item.source or item.url or item.doc_id
    if _SURROGATE.search(item.text):
        # Only JSON escapes ("\ud800") make these; they cannot be written out as UTF-8.
        item = replace(item, text=_SURROGATE.sub("\ufffd", item.text), doc_id="")
    if len(item.text) > options.limits.max_chars:
        return ReadError(source, None, f"text of {len(item.text):,} characters, more than the "
                                       f"{options.limits.max_chars:,} the extractor codes; not read "
                                       "(split it into smaller documents)")
    if options.languages is not None:
        language = foreign_language(item.text, options.languages)
        if language is not None:
            return Skipped(source, None, f"language {language}", language=language)
    return item


# --- folders ---------------------------------------------------------------------------------

def _walk(root: Path) -> Iterator[Path | ReadError]:
    """Files under ``root`` depth-first in sorted order (files of a folder before its subfolders).

    Links are followed; a folder met a second time (a link loop, or two links to one
    folder) is reported and not read again.  No recursion, so no depth limit.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError as exc:
            yield ReadError(str(folder), None, f"cannot list folder: {exc.strerror or exc}")
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            yield ReadError(str(folder), None, "folder already read (a symbolic link loop?); skipped")
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield ReadError(str(exc.filename or folder), None, f"cannot list folder: {exc.strerror or exc}")
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if is_dir:
                subfolders.append(Path(entry.path))
            else:
                yield Path(entry.path)
        stack.extend(reversed(subfolders))
