"""Every command and subcommand has help text, and every command and option
appears in docs/cli.md."""

from __future__ import annotations

from collections.abc import Iterator

import click

from jetwatch.cli import main
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "cli.md").read_text()


def _commands(
    cmd: click.Command = main, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if path and not cmd.hidden:
        yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


def test_every_command_has_help() -> None:
    commands = list(_commands())
    assert len(commands) > 30  # the walk reaches the subcommands
    assert [" ".join(p) for p, c in commands if not (c.help or c.short_help)] == []


def test_every_command_and_option_is_in_the_cli_docs() -> None:
    missing = []
    for path, cmd in _commands():
        if f"jetwatch {' '.join(path)}" not in DOC and " ".join(path) not in DOC:
            missing.append(" ".join(path))
        for p in cmd.params:
            longs = [o for o in p.opts if o.startswith("--")] if isinstance(p, click.Option) else []
            if longs and not p.hidden and not any(o in DOC for o in longs):
                missing.append(f"{' '.join(path)} {longs[0]}")
    assert missing == []
