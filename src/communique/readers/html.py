"""Saved or fetched web pages: the article, not the menus, tickers and footers around it.

trafilatura finds the main content and reads the page's metadata (``<meta>``
tags, JSON-LD, ``<time>``).  Offsets of the resulting Document refer to the
extracted text, not to the HTML.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser

from communique.errors import ReadError
from communique.model import Document

# trafilatura logs "discarding data" for every page it finds nothing in; the
# reader reports that itself, once, as a ReadError.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("htmldate").addHandler(logging.NullHandler())

# No guessing from free text: a page without a dated <meta>, <time> or URL would
# otherwise be dated by its copyright line ("© 2025" → 2025-01-01).
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=4)
def _config(max_bytes: int):
    from trafilatura.settings import DEFAULT_CONFIG

    config = deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["max_file_size"] = str(max_bytes)  # our --max-bytes, not trafilatura's own 20 MB
    return config


def read_html(data: bytes | str, source: str, url: str | None = None,
              max_bytes: int = 20_000_000) -> Document | ReadError:
    """One page → one Document with title, publication date, publisher and URL where the page states them."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        data, url=url, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params=_DATE_PARAMS, config=_config(max_bytes),
    )
    text = (extracted.text or "") if extracted is not None else ""
    if not text.strip():
        return ReadError(source, None, "no article text found in the page")
    title = _clean(extracted.title)
    if title:
        text = _without_heading(text, title)
    published = None
    if extracted.date and _ISO_DATE.match(extracted.date):
        published = date.fromisoformat(extracted.date)
    return Document(
        text=text, title=title, published=published, url=url or _clean(extracted.url),
        publisher=_clean(extracted.sitename), source=source,
    )


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _without_heading(text: str, title: str) -> str:
    """The page's <h1> repeats the title: drop it, as JSON Lines inputs keep the title apart."""
    first, sep, rest = text.partition("\n")
    if sep and " ".join(first.split()) == title and rest.strip():
        return rest
    return text


# --- HTML fragments (feed items) -------------------------------------------------------

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tr", "ul",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextCollector(HTMLParser):
    """Text of an HTML fragment, one line per block.  No tree is built, so nesting depth costs nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one paragraph per line."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)
