"""The ``jetwatch`` command: a thin layer over the library (no logic of its own)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pyarrow as pa
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from jetwatch import __version__, dates
from jetwatch import demo as demo_lib
from jetwatch import flights as flights_lib
from jetwatch import sim as sim_lib
from jetwatch.cli_common import (
    DAY,
    START,
    TIME,
    FileLine,
    db_option,
    emit,
    engine_option,
    err,
    ingest_summary,
    input_format_option,
    master_option,
    out,
    output_options,
    renamed_option,
)
from jetwatch.cli_exodus import check, exodus_cmd
from jetwatch.cli_fetch import fetch
from jetwatch.cli_live import listen, replay, watch
from jetwatch.cli_report import report
from jetwatch.cli_serve import serve
from jetwatch.decode import DecoderSettings
from jetwatch.errors import JetwatchError
from jetwatch.flights import export as flights_export
from jetwatch.flights import query as flights_query
from jetwatch.ingest import MTIME, IngestResult, Start, ingest_files
from jetwatch.output import Output
from jetwatch.parts import Input, Parts, group
from jetwatch.reference import areas as area_lib
from jetwatch.reference import registry as registry_lib
from jetwatch.reference.airports import Airports
from jetwatch.reference.classes import CLASSES
from jetwatch.sources import READERS
from jetwatch.store import parquet
from jetwatch.store.db import Store

SHOW_REJECTS = 5


def _start(text: str | None) -> Start:
    """``--start``: unix seconds, or :data:`~jetwatch.ingest.MTIME`."""
    if text is None or text == MTIME:
        return text
    return dates.unix(dates.parse_time(text))


def _latlon(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lat, lon = (float(x) for x in text.split(","))
    except ValueError as exc:
        raise click.BadParameter(f"expected LAT,LON, got {text!r}") from exc
    return lat, lon


class _Main(click.Group):
    """The command group; a jetwatch error no command turned into a message (a store
    that cannot be opened, say) still ends as one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except JetwatchError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Main)
@click.version_option(__version__, prog_name="jetwatch")
def main() -> None:
    """jetwatch: public ADS-B / Mode S broadcasts into evidence anyone can re-run."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@input_format_option(sorted(READERS), "Skip detection: read as this.")
@click.option(
    "--start",
    type=START,
    help="Beast and AVR captures (no date, only a 12 MHz clock): the UTC time of the first "
    "frame, e.g. 2023-06-24T08:00:00Z, or 'mtime' to date them from the file's "
    "modification time (the ingest is labelled as assumed).",
)
@click.option("--receiver", help="LAT,LON of the receiver (resolves surface positions).")
@click.option(
    "--archive-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to archive inputs [default: <db name>-archive/ beside the database].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
@engine_option(
    "decode the files (paths, directories or globs, any URL Spark reads) into --output-dir"
)
@renamed_option(
    "--output-dir",
    "--output",
    "output",
    help="Spark: directory for positions, rejects and the files' index.",
)
@click.option("--label", help="Spark: label the data (default: the simulator's, if its output).")
@master_option
def ingest(
    paths: tuple[str, ...],
    db: Path,
    fmt: str | None,
    start: str | None,
    receiver: str | None,
    archive_dir: Path | None,
    as_json: bool,
    no_progress: bool,
    engine: str,
    output: str | None,
    label: str | None,
    master: str | None,
) -> None:
    """Ingest recordings (any supported format, plain or compressed) into the store,
    or decode a large archive on Spark into Parquet (--engine spark).

    Formats are detected from the content. A tar is read member by member, and the
    parts of a split tar (X.tar.aa, X.tar.ab, ...) are read as the one file they make.
    Files already ingested (same SHA-256) are skipped. Every file is tried; the
    exit status is 1 when any file could not be read or gave nothing usable (a wrong
    --format, say).
    """
    settings = DecoderSettings(receiver=_latlon(receiver))
    if engine == "spark":
        if not output:
            raise click.UsageError("--engine spark needs --output-dir")
        from jetwatch.cli_spark import ingest_on_spark

        ingest_on_spark(list(paths), output, fmt, _start(start), settings, master, label, as_json)
        return
    try:
        files = group(Path(p) for p in paths)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    results = _run_ingest(db, files, fmt, _start(start), archive_dir, settings, not no_progress)
    _report(results, as_json)
    if any(not r.read_anything or r.got_nothing for r in results):
        sys.exit(1)


def _run_ingest(
    db: Path,
    paths: list[Path | Parts],
    fmt: str | None,
    start: Start,
    archive_dir: Path | None,
    settings: DecoderSettings,
    show_progress: bool,
) -> list[IngestResult]:
    try:
        store = Store(db)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    with (
        store,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not show_progress,
        ) as bar,
    ):

        def progress(path: Input) -> Callable[[int, int], None]:
            task = bar.add_task(escape(path.name), total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return update

        return ingest_files(store, paths, fmt, start, archive_dir, settings, progress)


@contextlib.contextmanager
def _progress(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A ``(done, total)`` callback: a bar on a terminal, else a line on standard error
    every 10 s (so a log shows a long run is moving)."""
    if sys.stderr.isatty():
        with Progress(
            f"{what} {{task.completed:,}}/{{task.total:,}} {unit}",
            BarColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(what, total=None)
            yield lambda done, total: bar.update(task, completed=done, total=total)
        return
    last = [time.monotonic()]

    def line(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 10 or done == total:
            last[0] = time.monotonic()
            err.print(f"{what}: {done:,}/{total:,} {unit} ({done / max(total, 1):.0%})")

    yield line


def _report(results: list[IngestResult], as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "path": str(r.path),
                "status": r.status,
                "format": r.format,
                "ingest_id": r.ingest_id,
                "records": r.records,
                "positions": r.positions,
                "reported_flights": r.reported,
                "rejected": dict(r.rejected),
                "first_rejects": r.first_rejects,
                "stream_error": r.stream_error,
                "error": r.error,
                "nothing_read": r.got_nothing,
                "clock": r.clock,
                "seconds": round(r.seconds, 3),
            }
            for r in results
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    lines = [FileLine(r, r.path.name, str(r.path), _status(r), r.seconds) for r in results]
    ingest_summary("ingest summary", lines)
    for r in results:
        where = escape(str(r.path))
        if r.got_nothing:
            err.print(f"[red]error[/red] {where}: nothing usable was read as {r.format}")
        if r.clock:
            err.print(f"[bold yellow]warning[/bold yellow] {where}: {escape(r.clock)}")


def _status(r: IngestResult) -> str:
    if r.status == "skipped":
        return f"skipped (already ingest #{r.ingest_id})"
    if r.got_nothing:
        return "nothing read"
    return f"{r.status}, {r.reported:,} reported flights" if r.reported else r.status


@main.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@db_option
def export_cmd(out_dir: Path, db: Path) -> None:
    """Export the store as Parquet, positions partitioned by day."""
    with Store(db) as store:
        counts = parquet.export(store, out_dir)
    out.print(
        f"exported to {escape(str(out_dir))}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


@main.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
def import_cmd(src: Path, db: Path) -> None:
    """Import a Parquet export; ingests already in the store are skipped."""
    with Store(db) as store:
        added = parquet.import_(store, src)
    out.print("added: " + ", ".join(f"{k} {v:,}" for k, v in added.items()))


@main.command()
@db_option
def info(db: Path) -> None:
    """Show what the store holds."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    with Store(db, read_only=True) as store:
        for name, n in store.counts().items():
            out.print(f"{name:10} {n:>12,}")
        for label, n in store.labels().items():
            out.print(f"[bold red]{n:,} files labelled: {escape(label)}[/bold red]")


@main.command()
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML file of areas to add to (or replace) the built-in ones.",
)
@click.option(
    "--airports",
    "extra",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An OurAirports airports.csv adding heliports and small fields.",
)
def areas(path: Path | None, extra: Path | None) -> None:
    """List the named areas and their airports."""
    try:
        known = area_lib.load(path)
        airports = Airports(extra=extra)
        table = Table(title="areas")
        for name in ("area", "title", "airports"):
            table.add_column(name)
        for name, area in sorted(known.items()):
            codes = area.resolve(airports)
            table.add_row(escape(name), escape(area.title), escape(" ".join(codes)))
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    out.print(table)


@main.group()
def registry() -> None:
    """The aircraft registry: import registries, merged by address."""


@registry.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@input_format_option(registry_lib.FORMATS, "Skip detection: read as this.")
def registry_import(paths: tuple[Path, ...], db: Path, fmt: str | None) -> None:
    """Import registry files (tar1090-db, OpenSky, ADS-B Exchange, plane-alert-db,
    FlightAware); re-importing updates rows, empty fields never erase known ones."""
    failed = 0
    with Store(db) as store:
        for path in paths:
            try:
                result = registry_lib.import_file(store, path, fmt)
            except JetwatchError as exc:
                err.print(f"[red]error[/red] {escape(str(exc))}")
                failed += 1
                continue
            out.print(
                f"{escape(str(path))}: {result.format}, {result.rows:,} rows, "
                f"{result.merged:,} merged, {len(result.rejected):,} rejected"
            )
            for line, text in result.rejected[:SHOW_REJECTS]:
                err.print(f"  rejected {escape(str(path))}:line {line}: {escape(text)}")
    if failed == len(paths):
        sys.exit(1)


@registry.command("set-class")
@click.argument("icao24")
@click.argument("aircraft_class", type=click.Choice(CLASSES))
@db_option
@click.option("--reason", help="Why (shown with the class).")
def registry_set_class(icao24: str, aircraft_class: str, db: Path, reason: str | None) -> None:
    """Override the class of one aircraft."""
    with Store(db) as store:
        try:
            registry_lib.set_class(store, icao24, aircraft_class, reason)
        except JetwatchError as exc:
            raise click.ClickException(str(exc)) from exc
    out.print(f"{escape(icao24)}: class {aircraft_class}")


@main.command()
@click.argument("query")
@db_option
@output_options(("table", "json"))
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Old spelling of --format json.")
def aircraft(query: str, db: Path, fmt: str, out_file: Path | None, as_json: bool) -> None:
    """What is known of an aircraft, by hex address (6 digits) or registration."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    with Store(db, read_only=True) as store:
        answer = registry_lib.lookup(store, query).to_dict()
    if as_json or fmt == "json":
        emit(Output(pa.table({}), doc=answer), "json", out_file)
        return
    if not answer["in_registry"]:
        out.print(f"{escape(query)}: not in registry")
    for key, value in answer.items():
        if key not in ("query", "in_registry") and value not in (None, [], {}):
            out.print(f"  {key:18} {escape(str(value))}")


@main.command()
def formats() -> None:
    """List the input formats jetwatch reads."""
    for name, module in READERS.items():
        first = (module.__doc__ or "").strip().splitlines()[0]
        out.print(f"[bold]{name:14}[/bold] {escape(first)}")


@main.group(invoke_without_command=True)
@db_option
@click.option("--from", "origin", help="Origin airport (ICAO code).")
@click.option("--to", "destination", help="Destination airport (ICAO code).")
@click.option("--on", type=DAY, help="UTC day of take-off (or first seen), e.g. 2023-06-24.")
@click.option("--since", type=TIME, help="From this UTC date or date-time.")
@click.option("--until", type=TIME, help="Before this UTC date or date-time.")
@click.option("--class", "cls", type=click.Choice(CLASSES), help="Aircraft class.")
@click.option("--aircraft", help="Address (hex) or registration.")
@click.option("--limit", type=int, help="At most this many flights.")
@output_options(flights_export.FORMATS)
@click.pass_context
def flights(
    ctx: click.Context,
    db: Path,
    origin: str | None,
    destination: str | None,
    on: str | None,
    since: str | None,
    until: str | None,
    cls: str | None,
    aircraft: str | None,
    limit: int | None,
    fmt: str,
    out_file: Path | None,
) -> None:
    """List flights (after `jetwatch flights build`), filtered and in any format."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    try:
        with Store(db) as store:
            table = flights_query.query(
                store,
                origin=origin,
                destination=destination,
                on=on,
                since=since,
                until=until,
                cls=cls,
                aircraft=aircraft,
                limit=limit,
            )
            listing = None if fmt == "table" else flights_export.output(store, table, fmt)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    if listing is not None:
        emit(listing, fmt, out_file)
        return
    view = Table(title=f"{table.num_rows:,} flights (times UTC)")
    heads = ("take-off", "registration", "type", "class", "callsign", "from", "to", "landing")
    for name in (*heads, "found by"):
        view.add_column(name)

    def cell(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return escape("" if value is None else str(value))

    for r in table.to_pylist():
        how = f"{r['origin_method'] or '-'} / {r['destination_method'] or '-'}"
        keys = ("takeoff", "registration", "typecode", "class", "callsign", "origin")
        view.add_row(*[cell(r[k]) for k in (*keys, "destination", "landing")], how)
    out.print(view)


sub_db_option = click.option(
    "--db",
    "sub_db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB database file (default: the one given to `jetwatch flights`).",
)


@flights.command("build")
@sub_db_option
@click.option("--rebuild", is_flag=True, help="Forget the built flights and build them all again.")
@engine_option("read --input, write Parquet to --output-dir")
@click.option("--input", "input_path", help="Spark: positions to read (path, directory or glob).")
@click.option(
    "--input-format",
    type=click.Choice(["opensky", "opensky-csv", "positions"]),
    default="opensky",
    show_default=True,
    help="Spark: OpenSky state vectors (Parquet; CSV when the path ends .csv or .csv.gz, "
    "or opensky-csv for a directory of CSV files) or jetwatch positions Parquet.",
)
@renamed_option(
    "--output-dir", "--output", "output", help="Spark: directory for the flights (Parquet by day)."
)
@click.option(
    "--label",
    help="Spark: label the results' data (default: the simulator's label when --input is "
    "its output).",
)
@master_option
@click.pass_obj
def flights_build(
    db: Path,
    sub_db: Path | None,
    rebuild: bool,
    engine: str,
    input_path: str | None,
    input_format: str,
    output: str | None,
    label: str | None,
    master: str | None,
) -> None:
    """Build or extend the flights table from positions not yet built (DuckDB), or
    build flights from a large archive on Spark."""
    if engine == "spark":
        if not input_path or not output:
            raise click.UsageError("--engine spark needs --input and --output-dir")
        from jetwatch.cli_spark import build_on_spark

        build_on_spark(input_path, input_format, output, master, label)
        return
    db = sub_db or db
    try:
        with Store(db) as store:
            result = flights_lib.build(store, rebuild=rebuild)
            total = store.con.execute("SELECT count(*) FROM flights").fetchall()[0][0]
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    out.print(
        f"{result.ingests} new ingests, {result.aircraft:,} aircraft rebuilt, "
        f"{result.deleted:,} flights replaced, {result.flights:,} flights built in "
        f"{result.seconds:.1f} s; {total:,} flights in the store; "
        f"{result.excluded:,} positions with impossible values left out"
    )


@flights.command("attach")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@sub_db_option
@click.pass_obj
def flights_attach(db: Path, directory: Path, sub_db: Path | None) -> None:
    """Load flights built on Spark (the --output-dir of `flights build --engine spark`)."""
    from jetwatch.cli_spark import attach

    attach(sub_db or db, directory)


@main.command()
@click.argument("scenario")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to create (written atomically).",
)
@click.option(
    "--formats",
    default="opensky",
    show_default=True,
    help=f"Comma-separated outputs: {', '.join(sim_lib.FORMATS)}.",
)
@click.option(
    "--days", type=click.IntRange(1, 3660), help="Number of days (default: the scenario's)."
)
@click.option(
    "--scale",
    type=click.FloatRange(0.01, 10000),
    default=1.0,
    show_default=True,
    help="Multiply traffic rates and fleets (benchmark-sized data).",
)
@click.option("--seed", type=int, help="Random seed (default: the scenario's).")
@click.option(
    "--raw-days",
    type=click.IntRange(0, 3660),
    default=1,
    show_default=True,
    help="Receiver captures (beast, avr, sbs) for the last N days only.",
)
@click.option(
    "--registry",
    "registry_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Draw real aircraft of each fleet's country and class from this registry file.",
)
@click.option("--overwrite", is_flag=True, help="Replace --out if it exists.")
def simulate(
    scenario: str,
    out_dir: Path,
    formats: str,
    days: int | None,
    scale: float,
    seed: int | None,
    raw_days: int,
    registry_file: Path | None,
    overwrite: bool,
) -> None:
    """Simulate SCENARIO (a preset name or a TOML file) with its ground truth.

    Presets: moscow-2023-06-24, moscow-quiet-2023-06-17, london-2023-06-24.
    """
    try:
        spec = sim_lib.load(scenario)
        spec = dataclasses.replace(
            spec, days=days or spec.days, seed=spec.seed if seed is None else seed
        )
        spec = spec.scaled(scale)
        began = time.perf_counter()
        with _progress("simulating", "legs") as step:
            manifest = sim_lib.simulate(
                spec,
                out_dir,
                [f.strip() for f in formats.split(",") if f.strip()],
                raw_days,
                registry_file,
                overwrite,
                step,
            )
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    out.print(f"[bold red]{escape(sim_lib.SIMULATED)}[/bold red]")
    out.print(escape(spec.title))
    records: dict[str, int] = {}
    count: dict[str, int] = {}
    for entry in manifest["files"]:
        records[entry["format"]] = records.get(entry["format"], 0) + entry["records"]
        count[entry["format"]] = count.get(entry["format"], 0) + 1
    for fmt in records:
        out.print(f"  {fmt:13} {count[fmt]:6,} files {records[fmt]:14,} records")
    truth = manifest["truth"]
    names = ", ".join(escape(str(out_dir / truth[k])) for k in ("flights", "hourly"))
    out.print(f"ground truth: {names}")
    out.print(
        f"manifest: {escape(str(out_dir / 'manifest.json'))} ({time.perf_counter() - began:.1f} s)"
    )


@main.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Put the demo store here [default: CACHE/demo/demo.duckdb, made afresh each run].",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="JETWATCH_CACHE",
    help="Where the simulated preset and the demo store live (env JETWATCH_CACHE; "
    "default ~/.cache/jetwatch).",
)
@click.option("--clean", is_flag=True, help="Remove what the demo keeps, and exit.")
def demo(db: Path | None, cache: Path | None, clean: bool) -> None:
    """Simulate the moscow-2023-06-24 preset, ingest it into a fresh store, summarise it."""
    if clean:
        freed = demo_lib.clean(cache)
        out.print(f"removed the demo's files: {freed / 2**20:,.0f} MB freed")
        return
    db = db or demo_lib.default_db(cache)
    out.print(f"[bold]jetwatch {__version__} demo[/bold]")
    out.print(f"[bold red]{escape(sim_lib.SIMULATED)}[/bold red]")
    with _progress("simulating", "legs") as step:
        result = demo_lib.run(db, cache, sim_progress=step)
    m = result.manifest
    how = "cached copy" if result.cached else f"simulated in {result.simulate_s:.0f} s"
    out.print(f"scenario: {escape(str(m['title']))} ({how})")
    failed = [r for r in result.ingests if not r.read_anything]
    if failed:
        _report(failed, as_json=False)
    table = Table(title=f"ingested in {result.ingest_s:.0f} s (files labelled simulated)")
    for name in ("format", "files", "records", "positions", "rejected"):
        table.add_column(name, justify="right")
    for fmt, sums in demo_lib.ingest_totals(result.ingests).items():
        table.add_row(escape(fmt), *[f"{v:,}" for v in sums])
    out.print(table)
    facts = demo_lib.summary(db)
    table = Table(title="in the store, by class (from the imported fleet registry)")
    for name in ("class", "aircraft", "positions"):
        table.add_column(name)
    for row in facts.per_class:
        table.add_row(*[f"{v:,}" if isinstance(v, int) else escape(str(v)) for v in row])
    out.print(table)
    if result.flights is not None:
        out.print(
            f"flights built: {result.flights.flights:,} in {result.flights.seconds:.0f} s "
            "(`jetwatch flights --db … --from UUWW --on 2023-06-24` lists them)"
        )
    truth = demo_lib.truth_departures(result.simulation, "business_jet")
    found = demo_lib.departures_found(db, "business_jet")
    table = Table(title=f"business-jet take-offs from {m['area']}: built flights against the truth")
    for name in ("local day", "found in the data", "true", "model expectation", "of which surge"):
        table.add_column(name, justify="right")
    last = truth[-1][0] if truth else ""
    weekday = dt.date.fromisoformat(last).weekday() if last else -1
    for day, n, expected, surge in truth:
        if dt.date.fromisoformat(day).weekday() == weekday:
            table.add_row(day, str(found.get(day, 0)), str(n), f"{expected:.1f}", str(surge))
    out.print(table)
    _demo_findings(demo_lib.findings(db))
    table = Table(title="watched aircraft on the last day (positions in the store)")
    for name in ("registration", "type", "categories", "first seen", "last seen", "positions"):
        table.add_column(name)
    for row in facts.watched:
        table.add_row(*[escape("" if v is None else str(v)) for v in row])
    out.print(table)
    out.print(f"store: {escape(str(db))}")
    out.print(f"simulation, ground truth and manifest: {escape(str(result.simulation))}")
    out.print(
        f"the demo keeps {demo_lib.kept(cache) / 2**20:,.0f} MB under "
        f"{escape(str(demo_lib.cache_dir(cache)))}; `jetwatch demo --clean` removes it"
    )
    if not all(r.status in ("ingested", "skipped") for r in result.ingests):
        sys.exit(1)


def _demo_findings(found: dict[str, Any]) -> None:
    doc = found["exodus"]
    out.print(
        f"[bold]jetwatch exodus --area {doc['scope']} --class business_jet --on {doc['day']}[/]"
    )
    out.print(f"  {escape(doc['headline'])}")
    for s in doc["surges"]:
        went = doc["destinations"]["surges"]
        s_countries = ", ".join(f"{k} {v}" for k, v in went["countries"].items())
        out.print(
            f"  surge {s['start'][11:16]}-{s['end'][11:16]} UTC, flagged at "
            f"{s['flagged_at'][11:16]}: {s['observed']} observed, {s['expected']} expected, "
            f"excess {s['excess']:.1f}; went to {escape(s_countries)}"
        )
    for c in found["claims"]:
        out.print(f"  claim: {escape(c['claim'])}: [bold]{c['verdict'].upper()}[/]")
        for reason in c["reasons"]:
            out.print(f"    - {escape(reason)}")


main.add_command(exodus_cmd)
main.add_command(fetch)
main.add_command(check)
main.add_command(listen)
main.add_command(replay)
main.add_command(watch)
main.add_command(report)
main.add_command(serve)
