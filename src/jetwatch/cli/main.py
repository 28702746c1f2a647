"""The ``jetwatch`` group: every command, and one line (never a traceback) for a
jetwatch error a command did not catch."""

from __future__ import annotations

import click

from jetwatch import __version__
from jetwatch.allocator import reuse_freed_memory
from jetwatch.cli.exodus import check, exodus_cmd
from jetwatch.cli.fetch import fetch
from jetwatch.cli.flights import flights
from jetwatch.cli.ingest import formats, ingest
from jetwatch.cli.live import listen, replay, watch
from jetwatch.cli.reference import aircraft, areas, registry
from jetwatch.cli.report import report
from jetwatch.cli.serve import serve
from jetwatch.cli.sim import demo, simulate
from jetwatch.cli.store import export_cmd, import_cmd, info
from jetwatch.errors import JetwatchError


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
    reuse_freed_memory()  # the process is the command's own (see jetwatch.allocator)


COMMANDS = (
    ingest, export_cmd, import_cmd, info, areas, registry, aircraft, formats, flights, simulate,
    demo, exodus_cmd, fetch, check, listen, replay, watch, report, serve,
)  # fmt: skip
for command in COMMANDS:
    main.add_command(command)
