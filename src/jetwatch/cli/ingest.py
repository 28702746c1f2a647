"""``jetwatch ingest`` and ``jetwatch formats``: files into the store, and the readers."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from jetwatch import dates
from jetwatch.cli.common import (
    START,
    FileLine,
    db_option,
    engine_option,
    err,
    ingest_summary,
    input_format_option,
    master_option,
    out,
    renamed_option,
)
from jetwatch.decode import DecoderSettings
from jetwatch.ingest import MTIME, IngestResult, Start, ingest_files
from jetwatch.parts import Input, Parts, group
from jetwatch.sources import READERS
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


@click.command()
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
        from jetwatch.cli.spark import ingest_on_spark

        ingest_on_spark(list(paths), output, fmt, _start(start), settings, master, label, as_json)
        return
    files = group(Path(p) for p in paths)
    results = _run_ingest(db, files, fmt, _start(start), archive_dir, settings, not no_progress)
    report_ingests(results, as_json)
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
    store = Store(db)
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
def progress_bar(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
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


def report_ingests(results: list[IngestResult], as_json: bool) -> None:
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


@click.command()
def formats() -> None:
    """List the input formats jetwatch reads."""
    for name, module in READERS.items():
        first = (module.__doc__ or "").strip().splitlines()[0]
        out.print(f"[bold]{name:14}[/bold] {escape(first)}")
