"""RSS and Atom feeds: each item a Document with its title, link, date and text."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Iterator

from communique.errors import ReadError
from communique.model import Document
from communique.readers.html import html_to_text

# The first tag of the document, past any XML declaration, comments and doctype.
_FIRST_TAG = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*>\s*)*<([A-Za-z][\w:.-]*)",
                        re.DOTALL)
_FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf:rdf", b"rdf", b"channel"})


def looks_like_feed(data: bytes) -> bool:
    """True when the document's root element is an RSS, RDF or Atom one."""
    match = _FIRST_TAG.match(data[:4096].lstrip(b"\xef\xbb\xbf"))
    return bool(match) and match.group(1).lower() in _FEED_ROOTS


def read_feed(data: bytes, source: str) -> Iterator[Document | ReadError]:
    """One Document per item; an item without text is a ReadError naming it."""
    import feedparser

    # A stream, never bytes: feedparser would take bytes that look like a path for a file name to open.
    try:
        parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    except (ValueError, RecursionError, LookupError) as exc:  # e.g. "&#x110000;" makes feedparser call chr() out of range
        yield ReadError(source, None, f"cannot parse the feed ({type(exc).__name__}: {_short(exc)})")
        return
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        why = f" ({_short(problem)})" if problem else ""
        yield ReadError(source, None, f"not an RSS or Atom feed{why}")
        return
    if not parsed.entries:
        yield ReadError(source, None, "the feed has no items")
        return
    publisher = _text(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{source}#item{number}"
        text = _entry_text(entry)
        if not text:
            yield ReadError(where, None, "item has no content or summary")
            continue
        try:
            published = _entry_date(entry)
        except ValueError:
            published = None
        yield Document(
            text=text, source_id=_text(entry.get("id")) or _text(entry.get("link")),
            title=_text(entry.get("title")), published=published, url=_text(entry.get("link")),
            publisher=publisher, source=where,
        )


def _entry_text(entry: Any) -> str:
    """The fullest text the item carries: its content, else its summary."""
    candidates = [c for c in entry.get("content") or () if (c.get("value") or "").strip()]
    if candidates:
        best = max(candidates, key=lambda c: len(c.get("value") or ""))
        value, kind = best.get("value", ""), best.get("type", "text/html")
    else:
        detail = entry.get("summary_detail") or {}
        value, kind = entry.get("summary") or "", detail.get("type", "text/html")
    if not value.strip():
        return ""
    return value.strip() if kind == "text/plain" else html_to_text(value)


def _entry_date(entry: Any) -> date | None:
    """The date as the feed writes it (feedparser's own parse converts to UTC, which can change the day)."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _text(value: Any) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


def _short(problem: Any) -> str:
    text = " ".join(str(problem).split())
    return text if len(text) <= 120 else text[:119] + "…"
