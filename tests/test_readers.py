"""Readers: good input becomes Documents, bad input a ReadError naming file and line — never a crash."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path

import pytest

from communique.model import Document
from communique.readers import ReadError, read_jsonl, read_paths, read_text

GOOD = {"id": "n1", "text": "The foreign minister of Ruritania met her Freedonian counterpart.",
        "published": "2024-05-02", "title": "Ministers meet", "url": "https://example.org/n1",
        "publisher": "Ruritania MFA"}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, ReadError)]


def test_jsonl_reads_good_lines_and_reports_each_bad_one_with_its_line_number(tmp_path):
    path = write_lines(tmp_path / "news.jsonl", [
        json.dumps(GOOD),                                      # 1 good
        "",                                                    # 2 blank: ignored
        '{"id": "n2", "text": "truncated',                     # 3 not JSON
        json.dumps({"id": "n3", "title": "no text"}),          # 4 no text
        json.dumps({"id": "n4", "text": "Talks were held.", "published": "last Tuesday"}),  # 5 bad date
        "   ",                                                 # 6 blank
        json.dumps(["a list", "not an object"]),               # 7 not an object
        json.dumps({"id": 5, "text": "The envoy arrived.", "published": "2025-03-14 20:30:26Z"}),  # 8 good
        json.dumps({"id": "n6", "text": "   "}),               # 9 empty text
    ])
    docs, errors = split(read_jsonl(path))

    assert [d.source_id for d in docs] == ["n1", "5"]
    assert [(e.line, e.source) for e in errors] == [(3, str(path)), (4, str(path)), (5, str(path)),
                                                    (7, str(path)), (9, str(path))]
    assert "JSON" in errors[0].message and "text" in errors[1].message and "published" in errors[2].message
    assert str(errors[0]).startswith(f"{path}:3: ")


def test_jsonl_fields_become_document_metadata(tmp_path):
    path = write_lines(tmp_path / "news.jsonl", [json.dumps(GOOD), json.dumps({"id": 7, "text": "Short.",
                                                                               "published": "2025-03-14 20:30:26Z"})])
    first, second = read_jsonl(path)
    assert (first.title, first.url, first.publisher, first.published) == (
        "Ministers meet", "https://example.org/n1", "Ruritania MFA", date(2024, 5, 2))
    assert first.text == GOOD["text"] and first.source == f"{path}:1"
    assert second.published == date(2025, 3, 14) and second.source_id == "7" and second.title is None


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(GOOD) + "\n")
    docs, errors = split(read_paths([path]))
    assert [d.source_id for d in docs] == ["n1"] and not errors


def test_binary_file_is_reported_and_the_rest_of_the_folder_is_read(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (folder / "sub" / "release.txt").write_text("Joint statement\n\nThe two sides agreed to cooperate.\n")
    (folder / "latin1.md").write_bytes("Caf\xe9 diplomacy".encode("latin-1"))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.txt").write_text("editor swap file")

    docs, errors = split(read_paths([folder]))

    assert [d.title for d in docs] == ["Joint statement"]
    reported = {Path(e.source).name: e.message for e in errors}
    assert reported["photo.txt"] == "binary or non-UTF-8 file"
    assert reported["latin1.md"] == "binary or non-UTF-8 file"
    assert "unsupported file type" in reported["notes.docx"]
    assert ".hidden.txt" not in reported


def test_text_file_keeps_the_whole_file_as_text_and_the_first_line_as_title(tmp_path):
    content = "\n  Ruritania and Freedonia sign a trade pact  \nThe ministers signed the agreement in Strelsau.\n"
    path = tmp_path / "pact.txt"
    path.write_text(content, encoding="utf-8")
    doc = read_text(path)
    assert doc.text == content  # offsets refer to the file
    assert doc.title == "Ruritania and Freedonia sign a trade pact"
    assert doc.source == str(path)


def test_markdown_title_loses_its_heading_marks(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Press release\n\nThe envoy arrived.\n", encoding="utf-8")
    assert read_text(path).title == "Press release"


def test_same_text_gives_the_same_doc_id(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("The envoy arrived in Strelsau.\n", encoding="utf-8")
    b.write_text("The envoy arrived in Strelsau.\n", encoding="utf-8")
    assert read_text(a).doc_id == read_text(a).doc_id == read_text(b).doc_id
    b.write_text("The envoy left Strelsau.\n", encoding="utf-8")
    assert read_text(a).doc_id != read_text(b).doc_id


def test_folder_order_is_deterministic(tmp_path):
    for name in ("b.txt", "a.txt", "c/a.txt", "c/0.txt"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"{name}\nbody\n", encoding="utf-8")
    titles = [d.title for d in read_paths([tmp_path])]
    assert titles == ["a.txt", "b.txt", "c/0.txt", "c/a.txt"]


def test_missing_paths_and_directories_named_like_files_are_errors_not_crashes(tmp_path):
    odd = tmp_path / "feed.jsonl"
    odd.mkdir()
    errors = list(read_jsonl(odd)) + list(read_paths([tmp_path / "absent.jsonl"]))
    assert all(isinstance(e, ReadError) for e in errors) and len(errors) == 2
    assert "no such file" in errors[1].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_unreadable_file_is_reported_and_the_batch_goes_on(tmp_path):
    locked = tmp_path / "a.jsonl"
    locked.write_text(json.dumps(GOOD) + "\n")
    locked.chmod(0)
    (tmp_path / "b.txt").write_text("Title\nBody\n")
    docs, errors = split(read_paths([tmp_path]))
    assert [d.title for d in docs] == ["Title"] and "cannot open" in errors[0].message
