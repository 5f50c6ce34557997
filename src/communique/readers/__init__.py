"""Readers: files and folders in, :class:`~communique.model.Document` out.

Bad input never stops a batch: a reader yields a :class:`ReadError` in place of the
document it could not read, naming the file (and line), and goes on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from communique.errors import ReadError
from communique.model import Document
from communique.readers.jsonl import read_jsonl
from communique.readers.text import read_text

__all__ = ["ReadError", "read_paths", "read_jsonl", "read_text", "reader_for"]

_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")
_TEXT_SUFFIXES = (".txt", ".md")


def _read_text_stream(path: Path) -> Iterator[Document | ReadError]:
    yield read_text(path)


def reader_for(path: Path) -> Callable[[Path], Iterator[Document | ReadError]] | None:
    """The reader for a file name, or None when communique does not read that kind of file."""
    name = path.name.lower()
    if name.endswith(_JSONL_SUFFIXES):
        return read_jsonl
    if name.endswith(_TEXT_SUFFIXES):
        return _read_text_stream
    return None


def read_paths(paths: Iterable[str | Path]) -> Iterator[Document | ReadError]:
    """Read files and folders (recursively), in a deterministic order.

    Folders are walked in sorted order; hidden files and folders inside them are
    skipped.  Files of an unsupported type yield a ReadError.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files: Iterable[Path | ReadError] = _walk(path)
        elif path.exists() or path.is_symlink():
            files = [path]
        else:
            yield ReadError(str(path), None, "no such file or directory")
            continue
        for item in files:
            if isinstance(item, ReadError):
                yield item
                continue
            reader = reader_for(item)
            if reader is None:
                yield ReadError(str(item), None, "unsupported file type (expected .jsonl, .json, .txt or .md)")
            else:
                yield from reader(item)


def _walk(root: Path) -> Iterator[Path | ReadError]:
    problems: list[ReadError] = []

    def report(exc: OSError) -> None:
        problems.append(ReadError(str(exc.filename or root), None, f"cannot list folder: {exc.strerror or exc}"))

    for folder, dirnames, filenames in os.walk(root, onerror=report):
        yield from problems
        problems.clear()
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(folder) / name
    yield from problems
