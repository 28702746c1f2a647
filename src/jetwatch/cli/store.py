"""``jetwatch export``, ``import`` and ``info``: the store as Parquet, and what it holds."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from jetwatch.cli.common import db_option, out
from jetwatch.store import parquet
from jetwatch.store.db import Store


@click.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@db_option
def export_cmd(out_dir: Path, db: Path) -> None:
    """Export the store as Parquet, positions partitioned by day."""
    with Store(db) as store:
        counts = parquet.export(store, out_dir)
    out.print(
        f"exported to {escape(str(out_dir))}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


@click.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
def import_cmd(src: Path, db: Path) -> None:
    """Import a Parquet export; ingests already in the store are skipped."""
    with Store(db) as store:
        added = parquet.import_(store, src)
    out.print("added: " + ", ".join(f"{k} {v:,}" for k, v in added.items()))


@click.command()
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
