"""A file of URLs, one per line: each page or feed fetched and read like a saved one."""

from __future__ import annotations

import codecs
from dataclasses import replace
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from communique.errors import ReadError
from communique.fetch import Fetcher, FetchError, Page
from communique.model import Document
from communique.readers.feeds import looks_like_feed, read_feed
from communique.readers.html import read_html
from communique.readers.limits import ReadLimits
from communique.readers.text import text_document

_HTML = frozenset({"text/html", "application/xhtml+xml"})
_FEED = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"})
_XML = frozenset({"application/xml", "text/xml"})
_TEXT = frozenset({"text/plain"})
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


def readable_type(media_type: str) -> bool:
    return media_type in _HTML or media_type in _FEED or media_type in _XML or media_type in _TEXT \
        or media_type in _UNTYPED


def read_url_list(path: Path, fetcher: Fetcher, limits: ReadLimits) -> Iterator[Document | ReadError]:
    """One Document per page (one per item for a feed); every URL that fails is a ReadError naming it."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield ReadError(str(path), None, f"cannot read the URL list: {getattr(exc, 'strerror', None) or exc}")
        return
    seen: set[str] = set()
    for lineno, line in enumerate(lines, start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        problem = _url_problem(url)
        if problem:
            yield ReadError(str(path), lineno, problem)
            continue
        if url in seen:
            continue  # listed twice: fetched once
        seen.add(url)
        try:
            yield from read_url(url, fetcher, limits)
        except Exception as exc:  # noqa: BLE001 - one bad page must not cost the rest of the list
            yield ReadError(url, None, f"internal error ({type(exc).__name__}: {exc}); please report it")


def read_url(url: str, fetcher: Fetcher, limits: ReadLimits) -> Iterator[Document | ReadError]:
    try:
        page = fetcher.get(url, accept=readable_type)
    except FetchError as exc:
        yield ReadError(url, None, str(exc))
        return
    kind = page.content_type
    if kind in _UNTYPED or kind in _XML:
        kind = "feed" if looks_like_feed(page.body) else ("xml" if kind in _XML else "html")
    if kind in _FEED or kind == "feed":
        yield from read_feed(page.body, url)
    elif kind in _HTML or kind == "html":
        yield read_html(_decoded(page), url, url=page.url, max_bytes=limits.max_bytes)
    elif kind in _TEXT:
        document = text_document(page.body, url)
        yield replace(document, url=page.url, doc_id="") if isinstance(document, Document) else document
    else:
        yield ReadError(url, None, f"XML but not an RSS or Atom feed ({page.content_type}); skipped")


def _decoded(page: Page) -> bytes | str:
    """The page as text when the server says its charset (pages often do not, and guessing
    cp1252 from the bytes alone fails); else the bytes, for trafilatura to read <meta charset>."""
    if not page.charset:
        return page.body
    try:
        codecs.lookup(page.charset)
    except LookupError:
        return page.body
    return page.body.decode(page.charset, errors="replace")


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{url!r} is not an http or https URL"
    if any(c.isspace() for c in url):
        return f"{url!r} contains spaces"
    return None
