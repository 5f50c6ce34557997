"""Plain text and Markdown files: one file, one document."""

from __future__ import annotations

from pathlib import Path

from communique.errors import ReadError
from communique.model import Document
from communique.readers.limits import LimitExceeded, ReadLimits, read_at_most


def read_text(path: str | Path, limits: ReadLimits = ReadLimits()) -> Document | ReadError:
    """The whole file is the text (so offsets refer to the file); its first non-blank line is the title."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = read_at_most(handle, limits.max_bytes, "file")
    except OSError as exc:
        return ReadError(str(path), None, f"cannot open: {exc.strerror or exc}")
    except LimitExceeded as exc:
        return ReadError(str(path), None, str(exc))
    return text_document(data, str(path), markdown=path.suffix.lower() == ".md")


def text_document(data: bytes, source: str, markdown: bool = False) -> Document | ReadError:
    """A Document from the bytes of a UTF-8 text; binary or other encodings are refused, not guessed."""
    if b"\x00" in data:
        return ReadError(source, None, "binary or non-UTF-8 file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ReadError(source, None, "binary or non-UTF-8 file")
    if not text.strip():
        return ReadError(source, None, "empty file")
    return Document(text=text, title=_title(text, markdown=markdown), source=source)


def _title(text: str, markdown: bool) -> str:
    first = next(line for line in text.splitlines() if line.strip()).strip()
    if markdown:
        return first.lstrip("#").strip() or first  # "# Title" → "Title"
    return first
