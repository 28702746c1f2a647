"""Options and output shared by the ``jetwatch`` command modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jetwatch import dates, output

F = TypeVar("F", bound=Callable[..., Any])


class DayType(click.ParamType):
    """A UTC day (``YYYY-MM-DD``, ``today``, ``yesterday``), given on as ISO text."""

    name = "DAY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return dates.parse_day(value).isoformat()
        except dates.DateError as exc:
            self.fail(exc.message + f", got {value!r}", param, ctx)


class TimeType(click.ParamType):
    """A UTC time (ISO 8601; a day alone is its midnight), given on as ISO text."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return dates.parse_time(value).isoformat() + "Z"
        except dates.DateError as exc:
            self.fail(exc.message + f", got {value!r}", param, ctx)


class StartType(TimeType):
    """``--start``: a UTC time, or ``mtime`` (the file's modification time, labelled)."""

    name = "TIME|mtime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return "mtime" if str(value).strip() == "mtime" else super().convert(value, param, ctx)


DAY = DayType()
TIME = TimeType()
START = StartType()

out = Console(width=max(Console().width, 120))
err = Console(stderr=True, width=max(Console(stderr=True).width, 120))

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default="jetwatch.duckdb",
    show_default=True,
    envvar="JETWATCH_DB",
    help="DuckDB database file (env JETWATCH_DB).",
)


def engine_option(spark_does: str) -> Callable[[F], F]:
    """``--engine duckdb|spark`` (DuckDB by default); ``spark_does`` completes its help."""
    return click.option(
        "--engine",
        type=click.Choice(["duckdb", "spark"]),
        default="duckdb",
        show_default=True,
        help=f"spark: {spark_does} (pip install 'jetwatch[spark]', Java 17).",
    )


master_option = click.option(
    "--master", help="With --engine spark: the Spark master, e.g. local[2]."
)


class FileCounts(Protocol):
    """What both engines' ingests tell of one file (``IngestResult``, ``FileSummary``)."""

    @property
    def format(self) -> str | None: ...
    @property
    def records(self) -> int: ...
    @property
    def positions(self) -> int: ...
    @property
    def rejected(self) -> Mapping[str, int]: ...
    @property
    def first_rejects(self) -> Sequence[str]: ...
    @property
    def stream_error(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class FileLine:
    """One input file in an ingest summary: its counts, how to name it (``name`` in the
    table, ``where`` in warnings), its status and, for the store's ingest, its time."""

    counts: FileCounts
    name: str
    where: str
    status: str
    seconds: float | None = None


def ingest_summary(title: str, lines: Sequence[FileLine]) -> None:
    """A table of the files on stdout, then their errors, stream warnings and first
    rejects on stderr; every string from the input is escaped."""
    timed = any(line.seconds is not None for line in lines)
    table = Table(title=escape(title))
    columns = ["file", "format", "status", "records", "positions", "rejected"]
    for name in columns + (["s"] if timed else []):
        table.add_column(name, justify="right" if name in ("records", "positions", "s") else "left")
    for line in lines:
        c = line.counts
        rejected = ", ".join(f"{k} {v}" for k, v in sorted(c.rejected.items())) or "-"
        cells = [
            escape(line.name),
            c.format or "?",
            line.status,
            f"{c.records:,}",
            f"{c.positions:,}",
            escape(rejected),
        ]
        table.add_row(*cells, *([f"{line.seconds or 0:.2f}"] if timed else []))
    out.print(table)
    for line in lines:
        c = line.counts
        if c.error:
            err.print(f"[red]error[/red] {escape(c.error)}")
        if c.stream_error:
            err.print(f"[yellow]warning[/yellow] {escape(line.where)}: {escape(c.stream_error)}")
        for text in c.first_rejects:
            err.print(f"  rejected {escape(text)}")


def output_options(formats: Sequence[str], default: str = "table") -> Callable[[F], F]:
    """The listing commands' ``--format`` (a writer of :mod:`jetwatch.output`) and
    ``--out``; the command gets ``fmt`` and ``out_file`` and calls :func:`emit`."""

    def add(f: F) -> F:
        f = click.option(
            "--out",
            "out_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to this file, not the terminal (needed for parquet and geoparquet).",
        )(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return add


def emit(result: output.Output, fmt: str, out_file: Path | None) -> None:
    """Write ``result`` as ``fmt`` to ``out_file`` or the terminal."""
    data = output.write(fmt, result)
    if out_file is not None:
        out_file.write_bytes(data)
    elif output.WRITERS[fmt].binary:
        raise click.UsageError(f"--format {fmt} needs --out FILE")
    else:
        click.echo(data, nl=False)


def renamed_option(new: str, old: str, dest: str, **kw: Any) -> Callable[[F], F]:
    """Option ``new``, with ``old`` kept hidden as its spelling until the next release
    (both set ``dest``)."""

    def add(f: F) -> F:
        f = click.option(old, dest, hidden=True, **{k: v for k, v in kw.items() if k != "help"})(f)
        return click.option(new, dest, **kw)(f)

    return add


def input_format_option(choices: Sequence[str], help_text: str) -> Callable[[F], F]:
    """``--input-format`` (the reader to use; was ``--format``); the command gets ``fmt``."""
    return renamed_option(
        "--input-format", "--format", "fmt", type=click.Choice(list(choices)), help=help_text
    )
