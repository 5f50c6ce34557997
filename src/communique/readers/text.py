"""Plain text and Markdown files: one file, one document."""

from __future__ import annotations

from pathlib import Path

from communique.errors import ReadError
from communique.model import Document


def read_text(path: str | Path) -> Document | ReadError:
    """The whole file is the text (so offsets refer to the file); its first non-blank line is the title."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadError(str(path), None, f"cannot open: {exc.strerror or exc}")
    if b"\x00" in data:
        return ReadError(str(path), None, "binary or non-UTF-8 file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ReadError(str(path), None, "binary or non-UTF-8 file")
    if not text.strip():
        return ReadError(str(path), None, "empty file")
    return Document(text=text, title=_title(text, markdown=path.suffix.lower() == ".md"), source=str(path))


def _title(text: str, markdown: bool) -> str:
    first = next(line for line in text.splitlines() if line.strip()).strip()
    if markdown:
        return first.lstrip("#").strip() or first  # "# Title" → "Title"
    return first
