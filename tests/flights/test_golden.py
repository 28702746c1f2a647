"""The segmentation kernel against goldens made by the SQL it replaced.

``tests/data/flights/*.parquet`` hold what 647cabb's ``flights_sql`` (three DuckDB
window passes) found, one row per flight before airports are placed, on:

- ``real``: the MIT snippets of real recordings in ``tests/data/real`` (Beast frames
  of KLM1302, jet1090 messages of AFR34ZG, the readsb trace of N899DN, OpenSky state
  vectors of EDW24, EZY158T and RYR2RG);
- ``tiny-seed11`` / ``tiny-seed23``: the SIMULATED ``tiny`` day with two seeds the
  rules were never tuned on, as state vectors and as AVR frames (sub-second
  positions, several per second).

The kernel must find the same flights with the same figures. ``path_km`` is
compared to the metre, as it is rounded; a sum's last bit depends on its order.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.demo import ingest_simulation
from jetwatch.flights.batches import flights_of, whole_aircraft
from jetwatch.flights.build import POSITIONS
from jetwatch.flights.segment import Settings
from jetwatch.ingest import ingest_file
from jetwatch.sim import load, simulate
from jetwatch.store.db import Store

DATA = Path(__file__).parents[1] / "data"
REAL = (
    "rs1090/long_flight.csv.gz",
    "traffic/messages/full_flight_short.jsonl.gz",
    "traffic/readsb/trace_full_ac671b.json.gz",
    *sorted(
        str(p.relative_to(DATA / "real"))
        for p in (DATA / "real" / "traffic" / "opensky_impala").glob("*.parquet")
    ),
)
KEY = [("icao24", "ascending"), ("flight_no", "ascending")]


def _sorted(store: Store) -> pa.Table:
    return store.con.sql(
        f"SELECT {POSITIONS} FROM positions ORDER BY icao24, time"
    ).to_arrow_table()


@pytest.fixture(scope="module")
def positions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pa.Table]:
    work = tmp_path_factory.mktemp("golden")
    out = {}
    with Store(work / "real.duckdb") as store:
        for name in REAL:
            ingest_file(store, DATA / "real" / name)
        out["real"] = _sorted(store)
    for seed in (11, 23):
        scenario = replace(load(DATA / "sim" / "tiny.toml"), seed=seed)
        simulate(scenario, work / f"sim{seed}", ("opensky", "avr"))
        with Store(work / f"sim{seed}.duckdb") as store:
            ingest_simulation(store, work / f"sim{seed}")
            out[f"tiny-seed{seed}"] = _sorted(store)
    return out


def _flights(table: pa.Table, batch_rows: int = 100_000) -> pa.Table:
    found, _ = flights_of(whole_aircraft(table.to_batches(batch_rows)), Settings())
    return found.sort_by(KEY)


@pytest.mark.parametrize("name", ["real", "tiny-seed11", "tiny-seed23"])
def test_the_kernel_finds_what_the_sql_found(positions: dict[str, pa.Table], name: str) -> None:
    golden = pq.read_table(DATA / "flights" / f"{name}.parquet").sort_by(KEY)
    found = _flights(positions[name])
    assert found.num_rows == golden.num_rows > 0
    for column in golden.column_names:
        want, got = golden[column].combine_chunks(), found[column].combine_chunks()
        if column == "path_km":
            assert pc.max(pc.abs(pc.subtract(want, got))).as_py() < 0.0015
        elif column == "callsigns":  # the SQL gave [] or NULL for none
            assert [v or [] for v in want.to_pylist()] == [v or [] for v in got.to_pylist()]
        else:
            assert want.to_pylist() == got.to_pylist(), column


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 50_000), threads=st.integers(1, 3))
def test_batches_and_threads_do_not_change_the_answer(
    positions: dict[str, pa.Table], rows: int, threads: int
) -> None:
    table = positions["tiny-seed11"]
    found, _ = flights_of(whole_aircraft(table.to_batches(rows)), Settings(), threads=threads)
    assert found.sort_by(KEY).equals(_flights(table, table.num_rows))
