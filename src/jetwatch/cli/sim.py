"""``jetwatch simulate`` and ``jetwatch demo``: the simulator (its output is labelled SIMULATED)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from jetwatch import __version__
from jetwatch import demo as demo_lib
from jetwatch import sim as sim_lib
from jetwatch.cli.common import out
from jetwatch.cli.ingest import progress_bar, report_ingests


@click.command()
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
    spec = sim_lib.load(scenario)
    spec = dataclasses.replace(
        spec, days=days or spec.days, seed=spec.seed if seed is None else seed
    )
    spec = spec.scaled(scale)
    began = time.perf_counter()
    with progress_bar("simulating", "legs") as step:
        manifest = sim_lib.simulate(
            spec,
            out_dir,
            [f.strip() for f in formats.split(",") if f.strip()],
            raw_days,
            registry_file,
            overwrite,
            step,
        )
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


@click.command()
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
    with progress_bar("simulating", "legs") as step:
        result = demo_lib.run(db, cache, sim_progress=step)
    m = result.manifest
    how = "cached copy" if result.cached else f"simulated in {result.simulate_s:.0f} s"
    out.print(f"scenario: {escape(str(m['title']))} ({how})")
    failed = [r for r in result.ingests if not r.read_anything]
    if failed:
        report_ingests(failed, as_json=False)
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
