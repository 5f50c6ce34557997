"""`communique actors` over a corpus ingested with the real pipeline: listing, a person's
roles over time and counterparts, user dictionaries with --actors, and corrections that
survive re-ingesting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique import cli
from communique.actors import commands
from communique.actors.commands import actors_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEMO = ROOT / "examples" / "demo.jsonl"
runner = CliRunner()

# One person under several titles over three years, and people the knowledge base does not know.
NOROV = [
    {"id": "n1", "published": "2019-08-27",
     "text": "SCO Secretary-General Vladimir Norov met the Ambassador of Kyrgyzstan in Beijing on 26 August 2019."},
    {"id": "n2", "published": "2020-03-05",
     "text": "On 4 March 2020, Vladimir Norov, Secretary-General of the Shanghai Cooperation Organisation, "
             "met the Ambassador of India at the SCO Secretariat."},
    {"id": "n3", "published": "2022-05-13",
     "text": "Acting Foreign Minister of Uzbekistan Vladimir Norov held talks with the Ambassador of Japan in "
             "Tashkent on 12 May 2022."},
]
KARIMOVA = {"id": "k1", "published": "2021-05-04",
            "text": "On 3 May 2021, Aziza Karimova met Kenyan officials in Nairobi to discuss trade."}
PEOPLE = """\
persons:
  - name: Aziza Karimova
    country: UZB
    roles:
      - role: Ambassador
        org: Embassy of Uzbekistan in Kenya
        start: 2021-03
"""


@pytest.fixture(scope="module")
def pipelines():
    """Real pipelines, one per set of dictionaries, built once for the module."""
    from communique.pipeline import Pipeline

    built: dict[tuple[str, ...], Pipeline] = {}

    def load(actors_files=()):
        key = tuple(str(f) for f in actors_files)
        if key not in built:
            built[key] = Pipeline(actors_files=key)
        return built[key]

    return load


@pytest.fixture(autouse=True)
def real_pipeline(monkeypatch, pipelines):
    monkeypatch.setattr(cli, "load_pipeline", pipelines)
    monkeypatch.setattr(commands.out, "width", 160)  # tables unfolded, whatever the terminal


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def invoke(*args: str, ok: bool = True):
    result = runner.invoke(cli.app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    return write_jsonl(folder / "news.jsonl", NOROV + [KARIMOVA])


@pytest.fixture
def db(tmp_path, corpus) -> Path:
    path = tmp_path / "events.duckdb"
    invoke("ingest", corpus, "--db", path, "-q")
    return path


def actors(db: Path, *filters: str) -> dict[str, dict]:
    return {a["actor_id"]: a for a in jsonl(invoke("actors", "--db", db, "--format", "jsonl", "--limit", "0", *filters))}


def profile(db: Path, name: str) -> dict:
    return jsonl(invoke("actors", "show", name, "--db", db, "--format", "jsonl"))[0]


# --- listing and showing ------------------------------------------------------------------------

def test_the_listing_counts_events_and_documents_and_filters(db):
    everyone = actors(db)
    norov = everyone["person:vladimir-norov"]
    assert (norov["name"], norov["kind"], norov["events"], norov["documents"]) == ("Vladimir Norov", "person", 3, 3)
    assert set(actors(db, "--kind", "person")) == {"person:vladimir-norov", "person:aziza-karimova"}
    assert "person:vladimir-norov" in actors(db, "--country", "uzb")
    assert all(a["country"] == "KEN" for a in actors(db, "--country", "KEN").values())
    assert all(a["sector"] == "GOV" for a in actors(db, "--sector", "GOV").values())
    table = invoke("actors", "--db", db).stdout
    assert "Norov" in table and "documents" in table


def test_a_persons_roles_over_time_join_the_documents_and_the_knowledge_base(db):
    norov = profile(db, "vladimir norov")
    timeline = [(r["role"], r["start"], r["documents"], r["source"]) for r in norov["roles"]]
    assert timeline == [
        ("Minister of Foreign Affairs", "2006", 0, "knowledge base"),
        ("Secretary-General", "2019-01-01", 2, "knowledge base and documents"),
        ("Acting Minister of Foreign Affairs", "2022-03", 1, "knowledge base and documents"),
    ]
    secretary_general = norov["roles"][1]
    assert (secretary_general["first_seen"], secretary_general["last_seen"]) == ("2019-08-27", "2020-03-05")
    assert secretary_general["evidence"].startswith("n1:")
    assert (norov["country"], norov["in_knowledge_base"], norov["events"], norov["documents"]) == ("UZB", True, 3, 3)


def test_a_persons_counterparts_say_how_often_and_by_event_type(db):
    counterparts = {c["name"]: c for c in profile(db, "person:vladimir-norov")["counterparts"]}
    assert set(counterparts) == {"Ambassador of Kyrgyzstan", "Ambassador of India", "Ambassador of Japan"}
    assert all(c["events"] == 1 and c["by_type"] == {"CONSULT": 1} for c in counterparts.values())


def test_show_prints_the_timeline_and_the_counterparts(db):
    out = invoke("actors", "show", "Vladimir Norov", "--db", db).stdout
    assert "Roles over time" in out and "Counterparts" in out
    assert out.index("2006 – 2010") < out.index("2019-01-01") < out.index("2022-03 – 2022")
    assert "2 documents" in out and "2020-03-05" in out


def test_an_unknown_or_ambiguous_name_is_a_clear_error(db):
    result = invoke("actors", "show", "Nobody Known", "--db", db, ok=False)
    assert result.exit_code == 2 and "no stored actor" in result.output
    result = invoke("actors", "show", "Ambassador of", "--db", db, ok=False)
    assert result.exit_code == 2 and "matches 3 actors" in result.output


def test_the_group_db_option_reaches_the_subcommand(db):
    assert "Vladimir Norov" in invoke("actors", "--db", db, "show", "Norov").stdout


# --- user dictionaries ----------------------------------------------------------------------------

def test_a_user_dictionary_gives_an_unknown_person_a_country_that_shows_on_events(tmp_path, corpus):
    plain, informed = tmp_path / "plain.duckdb", tmp_path / "informed.duckdb"
    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE, encoding="utf-8")
    invoke("ingest", corpus, "--db", plain, "-q")
    invoke("ingest", corpus, "--db", informed, "-q", "--actors", people)

    def karimova(db: Path) -> list[tuple]:
        rows = jsonl(invoke("events", "--db", db, "--format", "jsonl", "--actor", "Karimova"))
        return [(r["source_countries"], r["source_roles"]) for r in rows]

    assert karimova(plain) == [([None], [None])]
    assert karimova(informed) == [(["UZB"], ["Ambassador"])]
    assert actors(informed, "--country", "UZB")["person:aziza-karimova"]["events"] == 1


@pytest.mark.parametrize("name, content, where", [
    ("bad.yaml", "persons:\n  - name: Aziza Karimova\n    country: XXX\n", r"bad\.yaml:3: field 'country'"),
    ("bad.csv", "kind,name,country,role,start,end\nperson,Jane Doe,KEN,Ambassador,2021,2020\n",
     r"bad\.csv:2: field 'end'"),
    ("bad2.yaml", "persons:\n  - country: KEN\n", r"bad2\.yaml:2: field 'name': is required"),
])
def test_a_broken_dictionary_stops_ingest_with_the_line_and_field(tmp_path, corpus, name, content, where):
    broken = tmp_path / name
    broken.write_text(content, encoding="utf-8")
    result = invoke("ingest", corpus, "--db", tmp_path / "x.duckdb", "-q", "--actors", broken, ok=False)
    assert result.exit_code == 2
    assert re.search(where, " ".join(result.output.split())), result.output
    assert "Traceback" not in result.output


# --- corrections ----------------------------------------------------------------------------------

def test_corrections_from_the_command_line_survive_re_ingesting(tmp_path, corpus, db):
    invoke("actors", "edit", "Aziza Karimova", "--country", "UZB", "--sector", "GOV", "--db", db, "--by", "ana",
           "--note", "envoy of Uzbekistan")
    invoke("actors", "split", "Vladimir Norov", "--doc", "n3", "--db", db)
    invoke("actors", "merge", "Ambassador of India", "Ambassador of Japan", "--db", db)
    log = jsonl(invoke("actors", "corrections", "--db", db, "--format", "jsonl"))
    assert [(c["action"], c["actor_id"], c["made_by"] if c["action"] == "edit" else None) for c in log] == [
        ("edit", "person:aziza-karimova", "ana"), ("edit", "person:aziza-karimova", "ana"),
        ("split", "person:vladimir-norov", None), ("merge", "group:IND:GOV:ambassador-of-india:india", None)]

    def state() -> tuple:
        listed = actors(db)
        return (listed["person:aziza-karimova"]["country"], listed["person:vladimir-norov"]["documents"],
                listed["person:vladimir-norov~n3"]["documents"], "group:IND:GOV:ambassador-of-india:india" in listed)

    assert state() == ("UZB", 2, 1, False)
    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE, encoding="utf-8")
    again = invoke("ingest", corpus, "--db", db, "-q", "--actors", people).stdout  # the dictionary changes k1
    assert "1 replaced" in again
    assert state() == ("UZB", 2, 1, False)
    assert len(jsonl(invoke("actors", "corrections", "--db", db, "--format", "jsonl"))) == 4
    table = invoke("actors", "corrections", "--db", db).stdout
    assert "merge group:IND:GOV:ambassador-of-india:india into" in " ".join(table.split())


def test_a_correction_to_a_missing_database_or_a_wrong_value_is_refused(tmp_path, db):
    result = invoke("actors", "edit", "Aziza Karimova", "--country", "XYZ", "--db", db, ok=False)
    assert result.exit_code == 2 and "not an ISO 3166" in result.output
    result = invoke("actors", "merge", "a", "b", "--db", tmp_path / "none.duckdb", ok=False)
    assert result.exit_code == 2 and "no database" in result.output
    assert not (tmp_path / "none.duckdb").exists()


# --- documentation ---------------------------------------------------------------------------------

def test_every_actors_command_is_documented():
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "## actors" in docs
    commands = [c.name for c in actors_app.registered_commands]
    assert [c for c in commands if f"### actors {c}" not in docs] == []


# --- acceptance on the shared development documents ---------------------------------------------------

@pytest.mark.shared
def test_norov_is_one_actor_with_a_roles_timeline_across_the_dev_documents_and_the_demo(tmp_path):
    docs = SHARED / "diplo_dev" / "docs.jsonl"
    if not docs.exists():
        pytest.skip(f"needs the shared development documents at {docs}")
    db = tmp_path / "dev.duckdb"
    invoke("ingest", docs, DEMO, "--db", db, "-q")
    norovs = [a for a in actors(db, "--name", "Norov").values() if a["kind"] == "person"]
    assert [a["actor_id"] for a in norovs] == ["person:vladimir-norov"]
    norov = profile(db, "Vladimir Norov")
    assert norov["documents"] >= 4  # every dev document naming him, one misspelt
    titles = {r["role"] for r in norov["roles"]}
    assert {"Secretary-General", "Acting Minister of Foreign Affairs", "Minister of Foreign Affairs"} <= titles
    assert any(r["source"] == "knowledge base and documents" for r in norov["roles"])
