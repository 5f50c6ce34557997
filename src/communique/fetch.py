"""Polite HTTP fetching for ``communique ingest --urls``.

Polite means: a User-Agent that names communique, robots.txt obeyed (its
Crawl-delay too), one request at a time and at most one per ``per_host_delay``
seconds to any host, a time limit on every request, a few retries with growing
pauses for what may pass (timeouts, 429, 5xx) and none for what will not (404),
and an on-disk cache so that a second run downloads nothing it already has.

Only the standard library is used.  Redirects are followed by hand, so that each
hop is checked (http/https only, robots.txt, the redirect limit).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

log = logging.getLogger("communique.fetch")

_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_PAUSE = 60.0  # seconds: the longest Retry-After or Crawl-delay we honour
_CHUNK = 1 << 16


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("communique")
    except Exception:  # noqa: BLE001 - running from a source tree
        return "0"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "communique" / "fetch"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = field(default_factory=lambda: f"communique/{_version()} (news event coder; python-urllib)")
    timeout: float = 30.0  # seconds for one whole request, headers and body
    retries: int = 2  # further attempts after a timeout, a dropped connection, 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    per_host_delay: float = 1.0  # seconds between two requests to one host
    max_redirects: int = 5
    max_bytes: int = 20_000_000
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    obey_robots: bool = True


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # after redirects
    content_type: str  # media type only, lower case: "text/html"
    body: bytes
    requested: str
    from_cache: bool = False
    charset: str | None = None  # from the Content-Type header, when the server states one


class FetchError(Exception):
    """A URL that could not be fetched; the message says why (and is what the run log shows)."""


Accept = Callable[[str], bool]


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | str] = {}
        self._opener = urllib.request.build_opener(_NoRedirects)

    # -- public ------------------------------------------------------------------------

    def get(self, url: str, accept: Accept = lambda media_type: True) -> Page:
        """The page at ``url`` (from the cache when it is there), or FetchError.

        ``accept(media_type)`` is asked before the body is downloaded: a refused type
        (an image, a PDF) costs one response header, not the file.
        """
        _check_scheme(url)
        cached = self._from_cache(url)
        if cached is not None:
            log.info("%s: from the cache", url)
            return cached
        current, seen = url, {url}
        for _ in range(self.settings.max_redirects + 1):
            self._check_robots(current)
            status, headers, body = self._request_with_retries(current, accept)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("Location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location")
                target = urljoin(current, location.strip())
                _check_scheme(target, what="redirected to")
                if target in seen:
                    raise FetchError(f"redirect loop ({current} → {target})")
                log.info("%s: redirected (%d) to %s", current, status, target)
                seen.add(target)
                current = target
                continue
            page = Page(current, _media_type(headers), body, url, charset=headers.get_content_charset())
            self._store(page)
            return page
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    # -- robots.txt --------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        if not self.settings.obey_robots:
            return
        parts = urlsplit(url)
        if parts.path in ("/robots.txt",):
            return
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._load_robots(origin)
        if isinstance(rules, str):
            raise FetchError(rules)
        if not rules.can_fetch(self.settings.user_agent, url):
            raise FetchError("disallowed by robots.txt")

    def _load_robots(self, origin: str) -> RobotFileParser | str:
        """The site's rules, or a message: a site whose robots.txt fails (5xx, timeout) is left alone for this run."""
        rules = RobotFileParser(origin + "/robots.txt")
        try:
            status, _, body = self._request_with_retries(origin + "/robots.txt", lambda t: True, robots=True)
        except FetchError as exc:
            return f"robots.txt could not be read ({exc}); the site is left alone"
        if status in (401, 403):
            rules.disallow_all = True
        elif status >= 400 or status in (301, 302, 303, 307, 308):
            rules.allow_all = True  # no robots.txt: everything may be fetched
        else:
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
            delay = rules.crawl_delay(self.settings.user_agent)
            if delay:
                host = urlsplit(origin).netloc
                self._host_delay[host] = min(float(delay), _MAX_PAUSE)
        return rules

    # -- one request ------------------------------------------------------------------------

    def _request_with_retries(self, url: str, accept: Accept, robots: bool = False) -> tuple[int, Message, bytes]:
        settings = self.settings
        attempts = settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                status, headers, body = self._request(url, accept, robots)
            except _Transient as exc:
                if attempt == attempts:
                    raise FetchError(f"{exc} ({attempts} attempts)") from None
                pause = settings.backoff * 2 ** (attempt - 1)
                if exc.retry_after is not None:
                    pause = max(pause, exc.retry_after)
                log.info("%s: %s; retrying in %.1f s", url, exc, pause)
                self._sleep(min(pause, _MAX_PAUSE))
                continue
            return status, headers, body
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, url: str, accept: Accept, robots: bool) -> tuple[int, Message, bytes]:
        settings = self.settings
        self._wait_for_host(urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                      "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
            "Accept-Encoding": "identity",
        })
        deadline = self._clock() + settings.timeout
        try:
            response = self._opener.open(request, timeout=settings.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in (301, 302, 303, 307, 308):
                return exc.code, exc.headers, b""
            if robots:
                if exc.code >= 500 or exc.code == 429:
                    raise _Transient(f"HTTP {exc.code}", _retry_after(exc.headers)) from None
                return exc.code, exc.headers, b""
            if exc.code in _RETRY_STATUSES:
                raise _Transient(f"HTTP {exc.code} {exc.reason}", _retry_after(exc.headers)) from None
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
        except (TimeoutError, socket.timeout):
            raise _Transient(f"timed out after {settings.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Transient(f"timed out after {settings.timeout:g} s") from None
            raise _Transient(f"cannot connect ({reason})") from None
        except (ConnectionError, OSError) as exc:  # reset mid-handshake...
            raise _Transient(f"connection failed ({exc})") from None
        except http.client.InvalidURL as exc:
            raise FetchError(f"invalid URL ({exc})") from None
        except http.client.HTTPException as exc:  # a malformed status line or headers
            raise _Transient(f"bad response ({type(exc).__name__}: {exc})") from None
        with response:
            status = response.status
            media_type = _media_type(response.headers)
            if status != 200:
                raise FetchError(f"HTTP {status}: nothing to read")
            if not robots and not accept(media_type):
                raise FetchError(f"not a page or a feed ({media_type or 'no content type'}); skipped")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > settings.max_bytes:
                raise FetchError(f"{int(length):,} bytes, more than the {settings.max_bytes:,} allowed "
                                 "(raise the limit with --max-bytes)")
            body = self._read_body(response, deadline)
        return status, response.headers, body

    def _read_body(self, response, deadline: float) -> bytes:
        """The body, within the byte limit and the time limit (a server dripping one byte a second
        would otherwise never time out: the socket timeout is per read)."""
        limit = self.settings.max_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if self._clock() > deadline:
                    raise _Transient(f"timed out after {self.settings.timeout:g} s (body too slow)")
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"larger than {limit:,} bytes (raise the limit with --max-bytes)")
                chunks.append(chunk)
        except (TimeoutError, socket.timeout):
            raise _Transient(f"timed out after {self.settings.timeout:g} s") from None
        except (ConnectionError, OSError, http.client.HTTPException) as exc:  # IncompleteRead, reset
            raise _Transient(f"connection dropped ({type(exc).__name__}: {exc})") from None
        return b"".join(chunks)

    def _wait_for_host(self, host: str) -> None:
        delay = max(self.settings.per_host_delay, self._host_delay.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            pause = last + delay - self._clock()
            if pause > 0:
                self._sleep(pause)
        self._last_request[host] = self._clock()

    # -- cache -----------------------------------------------------------------------------------

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.settings.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode("utf-8", errors="surrogatepass")).hexdigest()
        folder = self.settings.cache_dir / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def _from_cache(self, url: str) -> Page | None:
        paths = self._cache_paths(url)
        if paths is None or not paths[0].exists():
            return None
        try:
            meta = json.loads(paths[0].read_text(encoding="utf-8"))
            body = paths[1].read_bytes()
        except (OSError, ValueError):
            return None  # a damaged entry is fetched again
        if meta.get("requested") != url or len(body) != meta.get("size"):
            return None
        return Page(meta["url"], meta["content_type"], body, url, from_cache=True, charset=meta.get("charset"))

    def _store(self, page: Page) -> None:
        paths = self._cache_paths(page.requested)
        if paths is None:
            return
        meta_path, body_path = paths
        meta = {"requested": page.requested, "url": page.url, "content_type": page.content_type,
                "charset": page.charset,
                "size": len(page.body), "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(body_path, page.body)
            _write_atomically(meta_path, json.dumps(meta).encode("utf-8"))  # last: it marks the entry complete
        except OSError as exc:
            log.warning("cannot write the fetch cache in %s: %s", meta_path.parent, exc)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None  # the 3xx comes back as an HTTPError, and Fetcher.get follows it after its checks


class _Transient(Exception):
    """A failure that may pass: worth a retry."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _check_scheme(url: str, what: str = "") -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        prefix = f"{what} " if what else ""
        raise FetchError(f"{prefix}{url!r} is not an http or https URL; not fetched")


def _media_type(headers: Message) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _retry_after(headers: Message) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    return float(value) if value.isdigit() else None


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
