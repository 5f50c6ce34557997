"""``communique actors``: list actors, show one (roles over time, counterparts) and
correct them (merge, split, edit) — corrections are kept in the database and
survive re-ingestion (docs/actors.md, "Corrections").

Registered on the main command in ``communique/cli.py``.  Heavy modules (DuckDB,
the knowledge base) are imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from communique.errors import CommuniqueError

DEFAULT_DB = "communique.duckdb"

actors_app = typer.Typer(
    help="Actors in the database: list them, show one's roles over time and counterparts, correct them.",
    no_args_is_help=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[Path, typer.Option("--db", envvar="COMMUNIQUE_DB", help="The DuckDB database file.")]
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who makes the correction (default: your login name).")]
NoteOption = Annotated[Optional[str], typer.Option("--note", help="Why: kept in the correction log.")]


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"


@contextmanager
def _user_errors() -> Iterator[None]:
    """A typed error becomes one red line and exit code 2, not a traceback."""
    try:
        yield
    except CommuniqueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def _db(ctx: typer.Context, db: Path) -> Path:
    """``communique actors --db X show NAME`` means X too: the group's --db when the command has none."""
    source = ctx.get_parameter_source("db")
    if getattr(source, "name", "DEFAULT") == "DEFAULT" and ctx.parent is not None:
        parent_db = ctx.parent.params.get("db")
        if parent_db is not None:
            return Path(parent_db)
    return db


def _reader(db: Path):
    from communique.store import Store

    return Store(db, read_only=True)


def _writer(db: Path):
    from communique.store import Store, StoreNotFoundError

    if str(db) != ":memory:" and not Path(db).exists():
        raise StoreNotFoundError(f"no database at {db}: create one with `communique ingest PATH --db {db}`")
    return Store(db)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@actors_app.callback(invoke_without_command=True)
def actors(
    ctx: typer.Context,
    db: DbOption = Path(DEFAULT_DB),
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166 alpha-3 code (or IGO, NGO...).")] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", help="Sector code: GOV, MIL, IGO... (docs/actors.md).")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="person, organisation, state, subnational or collective.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Part of a name or alias (any case).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many actors (0: all).")] = 50,
    fmt: Annotated[Format, typer.Option("--format", help="How to print the actors.")] = Format.table,
) -> None:
    """List actors with the events and documents they appear in, busiest first."""
    if ctx.invoked_subcommand is not None:
        return
    from communique.store.actors import ActorFilters, list_actors

    with _user_errors():
        rows = list_actors(_reader(db), ActorFilters(country, sector, kind, name, limit or None))
    if fmt is Format.jsonl:
        for row in rows:
            sys.stdout.write(_json(row) + "\n")
        return
    if not rows:
        out.print("No actors match.")
        return
    table = Table(header_style="bold")
    for column in ("actor", "id", "kind", "country", "sector", "events", "documents"):
        table.add_column(column, justify="right" if column in ("events", "documents") else "left", overflow="fold")
    for row in rows:
        table.add_row(escape(row["name"] or ""), escape(row["actor_id"]), row["kind"] or "", row["country"] or "",
                      row["sector"] or "", str(row["events"]), str(row["documents"]))
    out.print(table)
    if limit and len(rows) == limit:
        out.print(f"[dim]First {limit} actors; --limit 0 shows all.[/]")


def _span(start: Optional[str], end: Optional[str]) -> str:
    if not start and not end:
        return ""
    return f"{start or '?'} – {end or 'now'}" if start != end else start or ""


@actors_app.command("show")
def show(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="Actor id, or name (any case, any common spelling).", show_default=False)],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[Format, typer.Option("--format", help="table, or jsonl for one JSON object.")] = Format.table,
) -> None:
    """One actor: names, country, sector, roles over time (documents and knowledge base) and counterparts."""
    from communique.store.actors import actor_profile

    with _user_errors():
        profile = actor_profile(_reader(_db(ctx, db)), actor)
    if fmt is Format.jsonl:
        sys.stdout.write(_json(profile) + "\n")
        return
    facts = ", ".join(x for x in (profile["kind"], profile["country"], profile["sector"]) if x)
    known = "; in the knowledge base" if profile["in_knowledge_base"] else ""
    qid = f"; Wikidata {profile['qid']}" if profile["qid"] else ""
    out.print(f"[bold]{escape(profile['name'] or profile['actor_id'])}[/]  {escape(profile['actor_id'])}  "
              f"({escape(facts)}{known}{qid})", soft_wrap=True)
    if profile["aliases"]:
        out.print(f"also written: {escape('; '.join(profile['aliases']))}", soft_wrap=True)
    out.print(f"{profile['events']} events in {profile['documents']} documents")
    if profile["roles"]:
        roles = Table(title="Roles over time", title_justify="left", header_style="bold")
        for column in ("role", "organisation", "held (knowledge base)", "stated in documents", "evidence"):
            roles.add_column(column, overflow="fold")
        for r in profile["roles"]:
            stated = ""
            if r["documents"]:
                stated = f"{r['documents']} document{'s' if r['documents'] > 1 else ''}"
                seen = _span(r["first_seen"], r["last_seen"])
                stated += f", {seen}" if seen else ""
            roles.add_row(escape(r["role"] or ""), escape(r["org"] or ""), _span(r["start"], r["end"]),
                          stated, escape(r["evidence"] or ""))
        out.print(roles)
    if profile["counterparts"]:
        table = Table(title="Counterparts", title_justify="left", header_style="bold")
        for column in ("actor", "country", "events", "by type", "acting / acted on"):
            table.add_column(column, overflow="fold", justify="right" if column == "events" else "left")
        for c in profile["counterparts"]:
            table.add_row(escape(c["name"] or c["actor_id"]), c["country"] or "", str(c["events"]),
                          ", ".join(f"{t} {n}" for t, n in c["by_type"].items()),
                          f"{c['as_source']} / {c['as_target']}")
        out.print(table)
    if profile["corrections"]:
        out.print(f"[dim]{len(profile['corrections'])} correction(s): communique actors corrections "
                  f"--actor {escape(profile['actor_id'])}[/]")


@actors_app.command("merge")
def merge(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="The actor merged away (id or name).", show_default=False)],
    into: Annotated[str, typer.Argument(help="The actor it is (id or name); it keeps its id and name.", show_default=False)],
    db: DbOption = Path(DEFAULT_DB),
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """Two actors are one: every mention of the first, in every document, becomes the second."""
    from communique.store import actors as store_actors

    with _user_errors():
        done = store_actors.merge(_writer(_db(ctx, db)), actor, into, by=by, note=note)
    out.print(f"correction {done['correction_id']}: {escape(done['actor_id'])} is now "
              f"{escape(done['target_id'])}", soft_wrap=True)


@actors_app.command("split")
def split(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="The actor (id or name).", show_default=False)],
    doc: Annotated[str, typer.Option("--doc", help="The document (input id or content hash) whose mentions "
                                                   "are someone else.", show_default=False)],
    new_id: Annotated[Optional[str], typer.Option("--as", help="Id of the new actor (default: ACTOR~DOC).")] = None,
    db: DbOption = Path(DEFAULT_DB),
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """One actor is two: its mentions in one document become a new actor."""
    from communique.store import actors as store_actors

    with _user_errors():
        done = store_actors.split(_writer(_db(ctx, db)), actor, doc, new_id=new_id, by=by, note=note)
    out.print(f"correction {done['correction_id']}: {escape(done['actor_id'])} in document {escape(doc)} is now "
              f"{escape(done['target_id'])}", soft_wrap=True)


@actors_app.command("edit")
def edit(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="The actor (id or name).", show_default=False)],
    name: Annotated[Optional[str], typer.Option("--name", help="The name to show.")] = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166 alpha-3 code, or IGO, NGO, IMG, MNC.")] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", help="Sector code (docs/actors.md).")] = None,
    db: DbOption = Path(DEFAULT_DB),
    by: ByOption = None,
    note: NoteOption = None,
) -> None:
    """Fix an actor's name, country or sector, in every event it takes part in."""
    from communique.store import actors as store_actors

    with _user_errors():
        done = store_actors.edit(_writer(_db(ctx, db)), actor, name=name, country=country, sector=sector,
                                 by=by, note=note)
    for c in done:
        out.print(f"correction {c['correction_id']}: {escape(c['actor_id'])} {c['field']} = "
                  f"{escape(c['value'])}", soft_wrap=True)


@actors_app.command("corrections")
def corrections(
    ctx: typer.Context,
    db: DbOption = Path(DEFAULT_DB),
    actor: Annotated[Optional[str], typer.Option("--actor", help="Only those naming this actor (id or name).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="How to print the log.")] = Format.table,
) -> None:
    """The correction log: who changed which actor, when, and how."""
    from communique.store.actors import find_actor, list_corrections

    with _user_errors():
        store = _reader(_db(ctx, db))
        rows = list_corrections(store, find_actor(store, actor) if actor else None)
    if fmt is Format.jsonl:
        for row in rows:
            sys.stdout.write(_json(row) + "\n")
        return
    if not rows:
        out.print("No corrections yet.")
        return
    table = Table(header_style="bold")
    for column in ("#", "when (UTC)", "who", "what", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["correction_id"]), str(row["made_at"])[:19], escape(row["made_by"] or ""),
                      escape(describe(row)), escape(row["note"] or ""))
    out.print(table)


def describe(correction: dict[str, Any]) -> str:
    """One line for a correction: 'merge org:whelan into person:paul-whelan'."""
    action, actor = correction["action"], correction["actor_id"]
    if action == "merge":
        return f"merge {actor} into {correction['target_id']}"
    if action == "split":
        return f"split {actor} in document {correction.get('document') or correction['doc_id']} as {correction['target_id']}"
    return f"edit {actor}: {correction['field']} = {correction['value']}"
