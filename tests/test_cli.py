from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.samples import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


def test_ingest_prints_a_summary_and_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "jw.duckdb"
    runner = CliRunner()
    sample = SAMPLES[3].path
    first = runner.invoke(main, ["ingest", str(sample), "--db", str(db), "--json"])
    assert first.exit_code == 0, first.output
    rows = json.loads(first.output)
    assert rows[0]["status"] == "ingested" and rows[0]["positions"] == 2500
    again = runner.invoke(main, ["ingest", str(sample), "--db", str(db)])
    assert again.exit_code == 0
    assert "skipped" in again.output


def test_exit_code_is_nonzero_when_a_file_could_not_be_read(tmp_path: Path) -> None:
    db = tmp_path / "jw.duckdb"
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    runner = CliRunner()
    only_junk = runner.invoke(main, ["ingest", str(junk), "--db", str(db)])
    assert only_junk.exit_code == 1
    assert "junk.txt" in only_junk.output
    mixed = runner.invoke(main, ["ingest", str(junk), str(SAMPLES[4].path), "--db", str(db)])
    assert mixed.exit_code == 1  # the good file is still ingested
    assert "ingested" in mixed.output
    good = runner.invoke(main, ["ingest", str(SAMPLES[3].path), "--db", str(db)])
    assert good.exit_code == 0


def test_a_forced_format_that_reads_nothing_fails(tmp_path: Path) -> None:
    # an AVR capture read as Beast: every byte is rejected, nothing is usable
    db = tmp_path / "jw.duckdb"
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            str(SAMPLES[0].path),
            "--format",
            "beast",
            "--start",
            "2024-07-06",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 1
    assert "nothing read" in result.output
    assert "nothing usable was read as beast" in result.output


def test_a_capture_with_only_a_receiver_clock_is_never_dated_silently(tmp_path: Path) -> None:
    db = tmp_path / "jw.duckdb"
    runner = CliRunner()
    beast = str(SAMPLES[1].path)
    where = ["--receiver", ",".join(map(str, SAMPLES[1].receiver or ()))]
    refused = runner.invoke(main, ["ingest", beast, "--db", str(db), "--json"])
    assert refused.exit_code == 1
    row = json.loads(refused.stdout)[0]
    assert row["status"] == "failed" and "--start" in row["error"]
    assumed = runner.invoke(main, ["ingest", beast, "--db", str(db), "--start", "mtime", *where])
    assert assumed.exit_code == 0
    assert "clock assumed" in assumed.output
    from jetwatch.store.db import Store

    with Store(db, read_only=True) as store:
        label, options = store.con.execute("SELECT label, options FROM ingests").fetchall()[0]
        first = store.con.execute("SELECT min(time) FROM positions").fetchall()[0][0]
    assert label.startswith("clock assumed") and "clock" in json.loads(options)
    mtime = dt.datetime.fromtimestamp(SAMPLES[1].path.stat().st_mtime, dt.UTC)
    assert 0 <= (first.replace(tzinfo=dt.UTC) - mtime).total_seconds() < 600
    given = tmp_path / "given.duckdb"
    dated = runner.invoke(
        main, ["ingest", beast, "--db", str(given), "--start", "2023-10-24T09:49:22Z", *where]
    )
    assert dated.exit_code == 0
    with Store(given, read_only=True) as store:
        first = store.con.execute("SELECT min(time) FROM positions").fetchall()[0][0]
    assert first.date() == dt.date(2023, 10, 24)


def test_dates_are_checked_in_one_place_with_one_message(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (
        ["exodus", "--area", "moscow", "--on", "2023-13-45"],
        ["exodus", "--area", "moscow", "--on", "soon"],
        ["flights", "--since", "0001-01-01"],
        ["ingest", "x", "--start", "9999-12-31T23:59:59-01:00"],
        ["check", "departures", "--from", "UUWW", "--on", "24/06/2023"],
    ):
        result = runner.invoke(main, [*args, "--db", str(tmp_path / "none.duckdb")])
        assert result.exit_code == 2, (args, result.output)
        assert (
            "Traceback" not in result.output
            and result.exception is None
            or isinstance(result.exception, SystemExit)
        )
        assert "Invalid value for '--" in result.output
        assert "like 2023-06-24" in result.output or "outside 1970" in result.output


def test_hostile_strings_are_shown_as_text(tmp_path: Path) -> None:
    sbs = tmp_path / "[bold]hostile.sbs"
    sbs.write_text(
        "MSG,1,1,1,4AC8B3,1,2019/12/10,19:10:46.320,2019/12/10,19:10:46.320,[red]X,,,,,,,,,,,0\n"
        "MSG,3,1,1,[red]ZZ,1,2019/12/10,19:10:46.400,,,,36000,,,51.1,10.2,,,,,,0\n"
        "MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.400,,,,36000,,,51.1,10.2,,,,,,0\n"
    )
    db = tmp_path / "jw.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(sbs), "--db", str(db)])
    assert result.exit_code == 0
    assert "[bold]hostile.sbs" in result.output  # file names are not markup
    assert "[red]ZZ" in result.output  # nor are rejected records
    from jetwatch.store.db import Store

    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT callsign FROM positions").fetchall() == [("[red]X",)]


def test_export_import_and_info(tmp_path: Path) -> None:
    runner = CliRunner()
    a, b, out = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "out"
    assert runner.invoke(main, ["ingest", str(SAMPLES[4].path), "--db", str(a)]).exit_code == 0
    assert runner.invoke(main, ["export", str(out), "--db", str(a)]).exit_code == 0
    result = runner.invoke(main, ["import", str(out), "--db", str(b)])
    assert result.exit_code == 0 and "positions 1,365" in result.output
    info = runner.invoke(main, ["info", "--db", str(b)])
    assert re.search(r"positions\s+1,365", info.output)


def test_demo_simulates_ingests_and_labels(tmp_path: Path) -> None:
    args = ["demo", "--db", str(tmp_path / "demo.duckdb"), "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "SIMULATED DATA" in result.output
    assert re.search(r"opensky\s+│\s+31\s+│", result.output) and "beast" in result.output
    assert "flights built: " in result.output
    assert re.search(r"2023-06-24 │\s+37 │\s+37 │", result.output)  # found = true on the day
    for registration in ("RA-73555", "RA-96022", "RA-64520", "RA-11005"):
        assert registration in result.output
    # golden numbers: the day test leads, and the two public claims are stated back
    text = " ".join(result.output.split())
    assert (
        "2023-06-24: 37 business-jet departures from moscow against 10.0 expected "
        "(95% band 4–18, 4 weeks of history): far above the usual level (p < 0.001); "
        "about 27 more than usual (19–33)"
    ) in text
    assert "claim: at least 15 business-jet departures from UUWW to another country" in text
    assert "claim: at most 2 business-jet departures from UUWW to another country" in text
    again = CliRunner().invoke(main, ["demo", "--cache", str(tmp_path / "cache")])
    assert again.exit_code == 0 and "cached copy" in again.output
    assert str(tmp_path / "cache" / "demo" / "demo.duckdb") in " ".join(again.output.split())
    assert "jetwatch demo --clean" in " ".join(again.output.split())
    third = CliRunner().invoke(main, ["demo", "--cache", str(tmp_path / "cache")])
    assert third.exit_code == 0  # the same place, made afresh: no pile of stores
    assert len(list((tmp_path / "cache").rglob("*.duckdb"))) == 1
    gone = CliRunner().invoke(main, ["demo", "--clean", "--cache", str(tmp_path / "cache")])
    assert gone.exit_code == 0 and "MB freed" in gone.output
    assert not list((tmp_path / "cache").rglob("*.duckdb"))


def test_every_command_is_documented() -> None:
    doc = (ROOT / "docs/cli.md").read_text()
    for name, command in main.commands.items():
        assert f"## jetwatch {name}" in doc, f"docs/cli.md lacks `jetwatch {name}`"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in doc, f"docs/cli.md lacks {opt} of `jetwatch {name}`"


def test_every_format_is_documented() -> None:
    from jetwatch.sources import READERS

    doc = (ROOT / "docs/formats.md").read_text()
    for name in READERS:
        assert f"`{name}`" in doc


def test_simulate_writes_a_labelled_scenario_and_names_bad_fields(tmp_path: Path) -> None:
    tiny = ROOT / "tests" / "data" / "sim" / "tiny.toml"
    runner = CliRunner()
    result = runner.invoke(
        main, ["simulate", str(tiny), "--out", str(tmp_path / "s"), "--formats", "opensky,avr"]
    )
    assert result.exit_code == 0, result.output
    assert "SIMULATED DATA" in result.output and "avr" in result.output
    again = runner.invoke(main, ["simulate", str(tiny), "--out", str(tmp_path / "s")])
    assert again.exit_code != 0 and "--overwrite" in again.output
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny.read_text().replace("per_day = 30", "per_day = -3"))
    result = runner.invoke(main, ["simulate", str(bad), "--out", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "traffic.business_jet.per_day" in result.output and "from 0" in result.output
    assert not (tmp_path / "b").exists()


def test_an_unknown_area_is_one_plain_line(tmp_path: Path) -> None:
    db = tmp_path / "jw.duckdb"
    CliRunner().invoke(main, ["ingest", str(SAMPLES[3].path), "--db", str(db)])
    result = CliRunner().invoke(
        main, ["exodus", "--area", "atlantis", "--on", "2025-02-04", "--db", str(db)]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: no such area; known: ")
    assert '"' not in result.output and "Traceback" not in result.output


def test_exodus_without_a_baseline_says_so_and_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "jw.duckdb"
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(SAMPLES[3].path), "--db", str(db)])
    runner.invoke(main, ["flights", "build", "--db", str(db)])
    result = runner.invoke(
        main, ["exodus", "--airport", "KMSP", "--on", "2025-02-04", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "expected None" not in text and "100% of its usual level" not in text
    assert "no expected count (no baseline)" in text
    assert "coverage cannot be measured" in text
    assert "destinations: ;" not in text
