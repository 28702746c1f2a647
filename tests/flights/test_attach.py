"""Loading a build's output: the flights and activity, once, or a clear error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from jetwatch.flights.attach import attach
from jetwatch.flights.output import Manifest, OutputError
from jetwatch.store.db import Store
from jetwatch.store.schema import FLIGHTS

MANIFEST = Manifest(
    input="states/",
    input_format="opensky",
    master="local[2]",
    flights=1,
    positions=3,
    labels=["SIMULATED DATA; scenario tiny, seed 7"],
    built="2026-11-28T00:00:00+00:00",
    jetwatch_version="test",
)


def _output(root: Path, manifest: str | None) -> Path:
    """A one-flight output directory written with DuckDB."""
    con = duckdb.connect()
    con.execute(FLIGHTS)
    con.execute(
        "INSERT INTO flights (id, icao24, first_seen, last_seen) VALUES "
        "('4b1805-20230624T100000', '4b1805', TIMESTAMP '2023-06-24 10:00:00', "
        "TIMESTAMP '2023-06-24 11:00:00')"
    )
    (root / "flights" / "day=2023-06-24").mkdir(parents=True)
    (root / "activity").mkdir()
    con.execute(f"COPY (SELECT * FROM flights) TO '{root}/flights/day=2023-06-24/a.parquet'")
    con.execute(
        f"COPY (SELECT 111::SMALLINT AS cy, 75::SMALLINT AS cx, "
        f"TIMESTAMP '2023-06-24 10:00:00' AS slot, 3::BIGINT AS positions) "
        f"TO '{root}/activity/a.parquet'"
    )
    if manifest is not None:
        (root / "manifest").mkdir()
        (root / "manifest" / "part-00000.txt").write_text(manifest + "\n")
    return root


def test_attach_twice_loads_once_with_the_label(tmp_path: Path) -> None:
    out = _output(tmp_path / "out", MANIFEST.to_json())
    with Store(tmp_path / "s.duckdb") as store:
        for _ in range(2):
            done = attach(store, out)
        assert (done.flights, done.activity, done.labels) == (1, 1, MANIFEST.labels)
        counts = store.con.execute(
            "SELECT (SELECT count(*) FROM flights), (SELECT sum(positions) FROM activity)"
        ).fetchall()
        assert counts == [(1, 3)]
        assert store.labels() == {MANIFEST.labels[0]: 1}


def test_an_output_without_a_readable_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(OutputError, match="no manifest"):
            attach(store, _output(tmp_path / "a", None))
        with pytest.raises(OutputError, match="unreadable manifest") as bad:
            attach(store, _output(tmp_path / "b", '{"input": 1}'))
        assert "part-00000" in str(bad.value)
        loaded = store.con.execute(
            "SELECT (SELECT count(*) FROM flights), (SELECT count(*) FROM activity)"
        ).fetchall()
        assert loaded == [(0, 0)]  # nothing loaded
