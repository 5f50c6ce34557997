"""Real-world inputs: saved web pages, feeds, CSV exports, archives, URL lists and other languages.

The URL tests run a small threaded HTTP server on 127.0.0.1 that plays a web site
with a robots.txt, a page, a feed, a redirect, a redirect loop, a 404, a page that
never answers in time, an image and a page that fails once before it works.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
import zipfile
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.fetch import Fetcher, FetchError, FetchSettings
from communique.model import Document, Extraction
from communique.readers import (
    CsvColumns, ReadError, ReadLimits, ReadOptions, Skipped, parse_size, read_paths, read_urls,
)

WEB = Path(__file__).resolve().parent / "fixtures" / "web"
PAGE = WEB / "ministry_press_release.html"


def split(items):
    items = list(items)
    docs = [i for i in items if isinstance(i, Document)]
    return docs, [i for i in items if isinstance(i, ReadError)]


# --- saved pages ---------------------------------------------------------------------------

def test_saved_ministry_page_gives_the_article_without_menus_tickers_or_footer():
    [doc] = read_paths([PAGE])
    assert isinstance(doc, Document)
    assert doc.text.startswith("On 14 March 2025, the Minister of Foreign Affairs of the Kyrgyz Republic held talks")
    assert doc.text.rstrip().endswith("dedicated to the anniversary of the Organisation.")
    for boilerplate in ("cookies", "Consular services", "electronic visas", "Related news", "All rights reserved",
                        "Visitors today", "Print version", "Latest news", "Photo: press service"):
        assert boilerplate not in doc.text
    assert doc.title == "Foreign Minister holds talks with the Secretary-General of the Shanghai Cooperation Organisation"
    assert doc.published == date(2025, 3, 14)
    assert doc.publisher == "Ministry of Foreign Affairs of the Kyrgyz Republic"
    assert doc.url == "https://mfa.example.kg/en/news/2025/03/14/talks-with-sco-secretary-general"
    assert doc.source == str(PAGE) and doc.language == "en"


def test_a_page_with_no_dated_metadata_is_not_dated_by_its_copyright_line(tmp_path):
    page = tmp_path / "note.html"
    page.write_text("<html><head><title>Note</title></head><body><article><p>"
                    + "The ambassador presented his credentials to the President at a ceremony in the capital. " * 4
                    + "</p></article><footer>&copy; 2025 Ministry</footer></body></html>", encoding="utf-8")
    [doc] = read_paths([page])
    assert doc.published is None and doc.title == "Note"


def test_deeply_nested_html_is_reported_not_crashed_on(tmp_path):
    page = tmp_path / "nested.html"
    paragraph = "<p>" + "The minister met the ambassador and discussed trade. " * 10 + "</p>"
    page.write_text("<html><body>" + "<div>" * 50_000 + paragraph + "</div>" * 50_000 + "</body></html>")
    started = time.monotonic()
    [item] = read_paths([page])
    assert time.monotonic() - started < 10
    assert isinstance(item, ReadError) and "no article text" in item.message


def test_russian_page_is_reported_as_skipped_with_its_language():
    [item] = read_paths([WEB / "ru_press_release.html"])
    assert isinstance(item, Skipped) and isinstance(item, ReadError)
    assert item.language == "ru"
    assert str(item) == f"{WEB / 'ru_press_release.html'}: skipped: language ru"


def test_other_languages_are_read_when_asked_and_short_texts_are_not_judged(tmp_path):
    [doc] = read_paths([WEB / "ru_press_release.html"], ReadOptions(languages=None))
    assert isinstance(doc, Document) and doc.text.startswith("14 марта 2025 года")
    short = tmp_path / "short.txt"
    short.write_text("Встреча министров\n", encoding="utf-8")  # a headline: too short to judge
    [doc] = read_paths([short])
    assert isinstance(doc, Document)


def test_french_text_file_is_skipped_too(tmp_path):
    path = tmp_path / "communique.txt"
    path.write_text("Le ministre des Affaires étrangères a reçu l'ambassadeur du Japon. Les deux parties ont "
                    "évoqué le calendrier des visites bilatérales pour l'année à venir.\n", encoding="utf-8")
    [item] = read_paths([path])
    assert isinstance(item, Skipped) and item.message == "language fr"


# --- feeds -------------------------------------------------------------------------------------

def test_rss_items_become_documents_with_the_date_as_the_feed_writes_it():
    docs, errors = split(read_paths([WEB / "press_feed.rss"]))
    assert [d.title for d in docs] == ["Foreign Minister receives the Ambassador of Japan",
                                       "Statement on the situation in the region"]
    first, second = docs
    # 01:30 at +06:00 is still 2 April in UTC: the publisher's date is kept
    assert first.published == date(2025, 4, 3) and second.published == date(2025, 4, 1)
    assert first.text == ("On 2 April 2025, the Minister of Foreign Affairs received the Ambassador of Japan at the "
                          "Ministry.\nThe interlocutors discussed the schedule of bilateral visits for the coming "
                          "year and cooperation in education and healthcare.")  # content, not the summary; no script
    assert first.url == "https://mfa.example.org/en/news/2025/04/02/ambassador-japan"
    assert first.source_id == "mfa-news-20250402-1"
    assert first.publisher == "Ministry of Foreign Affairs — Press releases"
    assert second.text.startswith("The Ministry of Foreign Affairs calls on all parties")
    assert [(Path(e.source).name, e.message) for e in errors] == [("press_feed.rss#item3",
                                                                   "item has no content or summary")]


def test_atom_entries_become_documents():
    docs, errors = split(read_paths([WEB / "igo_news.atom"]))
    assert not errors
    assert [(d.published, d.source_id) for d in docs] == [
        (date(2025, 5, 20), "tag:igo.example.org,2025:news/20250520-1"),  # 21:15 at -05:00, 21 May in UTC
        (date(2025, 5, 18), "tag:igo.example.org,2025:news/20250518-1"),  # only <updated>
    ]
    assert docs[0].text == ("On 20 May 2025 the Secretary-General met the Foreign Minister of Pakistan at the "
                            "secretariat.\nThey discussed the preparations for the meeting of the Council of Heads "
                            "of Government.")
    assert docs[1].url == "https://igo.example.org/news/20250518/round-table.html"
    assert docs[0].publisher == "Secretariat news"


def test_xml_that_is_not_a_feed_is_reported(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>')
    [error] = read_paths([path])
    assert isinstance(error, ReadError) and "not an RSS or Atom feed" in error.message


def test_a_feed_whose_bytes_spell_a_file_name_is_not_taken_for_one(tmp_path):
    # feedparser opens bytes that name an existing file; the reader must never read /etc/hostname instead
    target = tmp_path / "secret.txt"
    target.write_text("<rss version='2.0'><channel><item><description>secret text here</description></item>"
                      "</channel></rss>")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(str(target).encode())
    items = list(read_paths([feed]))
    assert all(isinstance(i, ReadError) for i in items)


def test_a_file_without_a_known_suffix_is_read_by_its_first_tag(tmp_path):
    (tmp_path / "rss").write_bytes((WEB / "press_feed.rss").read_bytes())
    (tmp_path / "page").write_bytes(PAGE.read_bytes())
    docs, errors = split(read_paths([tmp_path]))
    assert len(docs) == 3 and docs[0].published == date(2025, 3, 14)


# --- CSV -----------------------------------------------------------------------------------------

def test_csv_rows_become_documents_and_bad_rows_are_reported_with_their_line():
    path = WEB / "media_monitor.csv"
    docs, errors = split(read_paths([path]))
    assert [(d.source_id, d.title, d.published, d.publisher) for d in docs] == [
        ("m-001", "Ministers hold talks in Astana", date(2025, 6, 2), "Example News Agency"),
        ("m-002", "Envoy criticises sanctions", date(2025, 6, 3), "Example News Agency"),
    ]
    assert docs[1].text.endswith("He spoke after a meeting with the deputy foreign minister.")  # quoted line break
    assert docs[1].source == f"{path}:3" and docs[0].url == "https://news.example.kz/m-001"
    assert [(e.line, e.message.split(" (")[0]) for e in errors] == [
        (5, "row has 7 fields, the header has 6"),  # a shifted column is reported, not guessed at
        (6, 'empty text in column "Body"'),
        (7, "unparseable date 'sometime in June'"),
    ]


def test_csv_columns_and_date_format_can_be_named(tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text("when\twords\tname\n14.03.2025\tThe envoy met the minister.\tfirst\n", encoding="utf-8")
    options = ReadOptions(csv=CsvColumns.parse("text=words, title=name, date=when, date_format=%d.%m.%Y"))
    [doc] = read_paths([path], options)
    assert (doc.text, doc.title, doc.published) == ("The envoy met the minister.", "first", date(2025, 3, 14))
    [error] = read_paths([path])  # without the mapping there is no text column
    assert error.line == 1 and "--csv-columns text=" in error.message


def test_csv_column_spec_errors_say_what_is_expected():
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        CsvColumns.parse("body")
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        CsvColumns.parse("txt=body")


# --- compressed inputs ---------------------------------------------------------------------------

def test_gzip_files_are_read_as_what_they_contain(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.read_bytes()))
    (tmp_path / "feed.rss.gz").write_bytes(gzip.compress((WEB / "press_feed.rss").read_bytes()))
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write('{"id": "g1", "text": "The envoy arrived in Strelsau for talks."}\nnot json\n')
    docs, errors = split(read_paths([tmp_path]))
    assert [d.title or d.source_id for d in docs] == [
        "Foreign Minister receives the Ambassador of Japan", "Statement on the situation in the region",
        "g1", "Foreign Minister holds talks with the Secretary-General of the Shanghai Cooperation Organisation"]
    assert [(Path(e.source).name, e.line) for e in errors] == [("feed.rss.gz#item3", None), ("news.jsonl.gz", 2)]


def test_zip_members_are_read_and_named_in_messages(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pages/talks.html", PAGE.read_bytes())
        z.writestr("pages/ru.html", (WEB / "ru_press_release.html").read_bytes())
        z.writestr("news.csv", (WEB / "media_monitor.csv").read_bytes())
        z.writestr("__MACOSX/._news.csv", b"\x00\x05\x16\x07")
        z.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        z.writestr("notes.docx", b"PK\x03\x04")
    docs, errors = split(read_paths([archive]))
    assert [d.source for d in docs] == [f"{archive}!news.csv:2", f"{archive}!news.csv:3", f"{archive}!pages/talks.html"]
    assert [(e.line, e.message[:16]) for e in errors if e.source == f"{archive}!news.csv"] == [
        (5, "row has 7 fields"), (6, "empty text in co"), (7, "unparseable date")]  # lines of the member
    reported = {e.source: e.message for e in errors}
    assert "archives inside archives" in reported[f"{archive}!inner.zip"]
    assert "unsupported file type" in reported[f"{archive}!notes.docx"]
    assert reported[f"{archive}!pages/ru.html"] == "language ru"
    assert not any("__MACOSX" in source for source in reported)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b"\x20" * 50_000_000)  # 50 MB of spaces → about 50 kB packed
        z.writestr("b.txt", "The envoy met the minister.\n")
    started = time.monotonic()
    docs, errors = split(read_paths([bomb]))
    assert time.monotonic() - started < 2
    assert [d.text for d in docs] == ["The envoy met the minister.\n"]
    assert "zip bomb" in errors[0].message and errors[0].source.endswith("bomb.zip!a.txt")


def test_an_archive_with_too_many_members_or_claimed_bytes_is_refused(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(30):
            z.writestr(f"{i}.txt", "The envoy met the minister.")
    [error] = read_paths([many], ReadOptions(limits=ReadLimits(max_members=20)))
    assert "30 files in the archive" in error.message
    [error] = read_paths([many], ReadOptions(limits=ReadLimits(max_unpacked_bytes=100)))
    assert "unpacks to" in error.message


def test_a_gzip_bomb_stops_at_the_ratio_limit(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        chunk = (b" " * 999 + b"\n") * 1_000
        for _ in range(60):  # 60 MB of blank lines, about 60 kB packed
            handle.write(chunk)
    started = time.monotonic()
    [error] = read_paths([bomb])
    assert time.monotonic() - started < 5
    assert "decompression bomb" in error.message


def test_a_truncated_gzip_is_reported(tmp_path):
    path = tmp_path / "cut.html.gz"
    path.write_bytes(gzip.compress(PAGE.read_bytes())[:200])
    [error] = read_paths([path])
    assert isinstance(error, ReadError) and "cannot read" in error.message


# --- limits, folders ------------------------------------------------------------------------------

def test_oversized_inputs_are_refused_with_the_limit_and_the_option_to_raise_it(tmp_path):
    options = ReadOptions(limits=ReadLimits(max_bytes=2_000))
    (tmp_path / "big.txt").write_text("The envoy met the minister. " * 200)
    (tmp_path / "big.jsonl").write_text('{"id": 1, "text": "%s"}\n{"id": 2, "text": "Short one is fine."}\n'
                                        % ("word " * 1_000))
    (tmp_path / "big.html").write_bytes(PAGE.read_bytes())
    docs, errors = split(read_paths([tmp_path], options))
    assert [d.source_id for d in docs] == ["2"]
    assert [(Path(e.source).name, e.line) for e in errors] == [("big.html", None), ("big.jsonl", 1), ("big.txt", None)]
    assert all("2 kB" in e.message and "--max-bytes" in e.message for e in errors)


def test_a_text_longer_than_the_parser_takes_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("The envoy met the minister. " * 40)
    [error] = read_paths([path], ReadOptions(limits=ReadLimits(max_chars=1_000)))
    assert "1,120 characters, more than the 1,000 the extractor codes" in error.message


def test_size_option_values():
    assert parse_size("20MB") == 20_000_000 and parse_size("500k") == 500_000 and parse_size("1MiB") == 1 << 20
    assert parse_size("1024") == 1024
    with pytest.raises(ValueError):
        parse_size("lots")


def test_a_symlink_loop_in_a_folder_ends_and_is_reported(tmp_path):
    root = tmp_path / "inbox"
    (root / "a").mkdir(parents=True)
    (root / "a" / "note.txt").write_text("Title\nThe envoy met the minister.\n")
    (root / "a" / "back").symlink_to(root)  # inbox/a/back → inbox: a loop
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself
    docs, errors = split(read_paths([root]))
    assert [d.title for d in docs] == ["Title"]
    messages = {Path(e.source).name: e.message for e in errors}
    assert "already read" in messages["back"]
    assert "self.txt" in messages


def test_special_files_are_not_opened(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")  # opening a FIFO would block for ever
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # and /dev/zero never ends
    errors = list(read_paths([tmp_path]))
    assert sorted((Path(e.source).name, e.message) for e in errors) == [
        ("pipe.txt", "not a regular file"), ("zero.txt", "not a regular file")]


# --- a web site on 127.0.0.1 ---------------------------------------------------------------------------

class Site(BaseHTTPRequestHandler):
    requests: list[tuple[str, str]] = []
    flaky_calls = 0

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        Site.requests.append((self.path, self.headers.get("User-Agent", "")))
        path = self.path
        if path == "/robots.txt":
            self._send(200, "text/plain", b"User-agent: *\nDisallow: /private/\n\n"
                                          b"User-agent: communique\nDisallow: /private/\nDisallow: /members/\n")
        elif path == "/news/talks.html":
            self._send(200, "text/html; charset=utf-8", PAGE.read_bytes())
        elif path == "/news/ru.html":
            self._send(200, "text/html; charset=utf-8", (WEB / "ru_press_release.html").read_bytes())
        elif path == "/feed":
            self._send(200, "application/rss+xml", (WEB / "press_feed.rss").read_bytes())
        elif path == "/old-address":
            self._redirect(301, "/news/talks-moved.html")
        elif path == "/news/talks-moved.html":
            self._send(200, "text/html", PAGE.read_bytes().replace(b"14 March 2025", b"15 March 2025"))
        elif path == "/loop-a":
            self._redirect(302, "/loop-b")
        elif path == "/loop-b":
            self._redirect(302, "/loop-a")
        elif path == "/slow":
            time.sleep(2)
            self._send(200, "text/html", PAGE.read_bytes())
        elif path == "/geneve.html":  # the charset only in the header, as many servers send it
            paragraph = "<p>" + "Le ministre a rencontré l'ambassadeur à Genève; ils ont évoqué la coopération " \
                                "économique. " * 5
            self._send(200, "text/html; charset=windows-1252", f"<html><head><title>Café</title></head><body>"
                       f"<article>{paragraph}</p></article></body></html>".encode("cp1252"))
        elif path == "/logo.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
        elif path == "/flaky":
            Site.flaky_calls += 1
            if Site.flaky_calls == 1:
                self._send(503, "text/plain", b"try again", {"Retry-After": "0"})
            else:
                self._send(200, "text/plain", "The envoy met the minister in the capital on Monday and "
                                              "discussed the forthcoming visit.".encode())
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")

    def _send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up (an image it did not want)

    def _redirect(self, status, location):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture()
def site(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    Site.requests = []
    Site.flaky_calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fast_settings(tmp_path, **overrides):
    values = dict(timeout=0.5, retries=1, backoff=0.01, per_host_delay=0.0, cache_dir=tmp_path / "cache")
    values.update(overrides)
    return FetchSettings(**values)


def test_url_list_fetches_pages_and_feeds_and_reports_each_failure(site, tmp_path, caplog):
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join([
        "# ministry pages", f"{site}/news/talks.html", f"{site}/feed", f"{site}/old-address", f"{site}/missing",
        f"{site}/slow", f"{site}/logo.png", f"{site}/loop-a", f"{site}/private/minutes.html",
        f"{site}/members/list.html", f"{site}/news/ru.html", f"{site}/flaky", "", "ftp://example.org/file.html",
        f"{site}/news/talks.html",  # listed twice: read once
    ]) + "\n")
    caplog.set_level(logging.INFO, logger="communique.fetch")
    started = time.monotonic()
    docs, errors = split(read_urls(listing, fetch=fast_settings(tmp_path)))
    assert time.monotonic() - started < 8

    talks = docs[0]
    assert talks.published == date(2025, 3, 14) and talks.url == f"{site}/news/talks.html"
    assert talks.source == f"{site}/news/talks.html" and "cookies" not in talks.text
    assert [d.title for d in docs[1:3]] == ["Foreign Minister receives the Ambassador of Japan",
                                            "Statement on the situation in the region"]
    moved = docs[3]  # the redirect was followed, and the document knows where it ended up
    assert moved.url == f"{site}/news/talks-moved.html" and moved.text.startswith("On 15 March 2025")
    assert docs[4].text.startswith("The envoy met the minister") and docs[4].url == f"{site}/flaky"  # retried
    assert len(docs) == 5

    reported = {e.source: e.message for e in errors}
    assert reported[f"{site}/feed#item3"] == "item has no content or summary"
    assert reported[f"{site}/missing"] == "HTTP 404 Not Found"
    assert reported[f"{site}/slow"].startswith("timed out after 0.5 s (2 attempts)")
    assert reported[f"{site}/logo.png"] == "not a page or a feed (image/png); skipped"
    assert reported[f"{site}/loop-a"].startswith("redirect loop")
    assert reported[f"{site}/private/minutes.html"] == "disallowed by robots.txt"
    assert reported[f"{site}/members/list.html"] == "disallowed by robots.txt"  # the rule for communique itself
    assert reported[f"{site}/news/ru.html"] == "language ru"
    assert isinstance(next(e for e in errors if e.source == f"{site}/news/ru.html"), Skipped)
    assert [(e.source, e.line) for e in errors if e.line] == [(str(listing), 14)]  # the ftp:// line
    assert len(errors) == 9

    paths = [path for path, _ in Site.requests]
    assert not any(p.startswith(("/private/", "/members/")) for p in paths)  # never even asked for
    assert paths.count("/robots.txt") == 1 and paths.count("/news/talks.html") == 1
    assert all(agent.startswith("communique/") for _, agent in Site.requests)
    assert f"{site}/old-address: redirected (301) to {site}/news/talks-moved.html" in caplog.messages


def test_a_second_run_reads_fetched_pages_from_the_cache(site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{site}/news/talks.html\n{site}/old-address\n{site}/missing\n")
    first, _ = split(read_urls(listing, fetch=fast_settings(tmp_path)))
    asked_first = len(Site.requests)
    again, errors = split(read_urls(listing, fetch=fast_settings(tmp_path)))
    assert [(d.text, d.url) for d in again] == [(d.text, d.url) for d in first]
    new_requests = [path for path, _ in Site.requests[asked_first:]]
    assert new_requests == ["/robots.txt", "/missing"]  # failures are tried again, pages are not
    assert [e.message for e in errors] == ["HTTP 404 Not Found"]


def test_the_charset_of_the_http_header_is_used(site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{site}/geneve.html\n")
    for cache in ("first run", "from the cache"):
        [doc] = read_urls(listing, ReadOptions(languages=None), fetch=fast_settings(tmp_path))
        assert doc.text.startswith("Le ministre a rencontré l'ambassadeur à Genève"), cache


def test_requests_to_one_host_are_spaced_out(site, tmp_path):
    now = [1000.0]
    pauses: list[float] = []

    def sleep(seconds):
        pauses.append(round(seconds, 3))
        now[0] += seconds

    fetcher = Fetcher(fast_settings(tmp_path, per_host_delay=3.0, cache_dir=None), sleep=sleep, clock=lambda: now[0])
    fetcher.get(f"{site}/news/talks.html")  # robots.txt, then the page: one pause between them
    fetcher.get(f"{site}/feed")
    assert pauses == [3.0, 3.0]


def test_a_robots_txt_that_fails_leaves_the_site_alone(tmp_path):
    class Broken(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            self.send_response(500 if self.path == "/robots.txt" else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        fetcher = Fetcher(fast_settings(tmp_path, cache_dir=None))
        with pytest.raises(FetchError, match="robots.txt could not be read"):
            fetcher.get(f"http://127.0.0.1:{server.server_address[1]}/page.html")
    finally:
        server.shutdown()
        server.server_close()


def test_only_http_urls_are_fetched(tmp_path):
    fetcher = Fetcher(fast_settings(tmp_path))
    for url in ("file:///etc/passwd", "ftp://example.org/a", "javascript:alert(1)", "http:///no-host"):
        with pytest.raises(FetchError, match="not an http or https URL"):
            fetcher.get(url)


# --- the command line -----------------------------------------------------------------------------

class _NoEvents:
    def pipe(self, documents, batch_size=32):
        for document in documents:
            yield Extraction(document=document)


def test_ingest_reports_skipped_languages_and_fetch_failures(site, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "load_pipeline", lambda actors_files=(): _NoEvents())
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{site}/news/talks.html\n{site}/missing\n")
    result = CliRunner().invoke(cli.app, [
        "ingest", str(WEB / "ru_press_release.html"), str(WEB / "igo_news.atom"), "--urls", str(listing),
        "--db", str(tmp_path / "db.duckdb"), "--fetch-cache", str(tmp_path / "cache"), "--per-host-delay", "0",
        "--quiet"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"{WEB / 'ru_press_release.html'}: skipped: language ru" in output
    assert f"{site}/missing: HTTP 404 Not Found" in output
    assert "3 documents" in output and "1 input(s) could not be read, 1 skipped (not in English)" in output


def test_ingest_needs_paths_or_urls_and_checks_its_options(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli.app, ["ingest", "--db", str(tmp_path / "db.duckdb")])
    assert result.exit_code == 2 and "--urls" in result.output
    result = runner.invoke(cli.app, ["ingest", str(PAGE), "--max-bytes", "lots"])
    assert result.exit_code == 2 and "not a size" in " ".join(result.output.split())
    result = runner.invoke(cli.app, ["ingest", str(PAGE), "--csv-columns", "body"])
    assert result.exit_code == 2 and "FIELD=COLUMN" in " ".join(result.output.split())
