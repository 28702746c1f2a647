"""Shared fixtures: the real recordings in ``../shared/data`` and small helpers."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JETWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "README.md").exists():
        pytest.fail(f"the shared real-data folder is missing: {SHARED} (set JETWATCH_SHARED_DATA)")
    return SHARED


@pytest.fixture(scope="session")
def cdg_rows(shared: Path) -> list[dict]:
    """The jet1090 capture of AFR34ZG at Paris CDG: frames with rs1090's decoding."""
    with gzip.open(shared / "traffic/messages/full_flight_short.jsonl.gz") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="session")
def klm_lines(shared: Path) -> list[tuple[float, bytes]]:
    """The rs1090 Beast capture: (unix time, unescaped Beast frame) per line."""
    with gzip.open(shared / "rs1090/long_flight.csv.gz") as fh:
        rows = [line.decode().strip().split(",") for line in fh]
    return [(float(t), bytes.fromhex(h)) for t, h in rows]


@pytest.fixture(scope="session")
def exodus_sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The exodus scenario (tests/data/sim/exodus.toml) simulated, ingested and built."""
    from tests.helpers import exodus_store

    return exodus_store(tmp_path_factory.mktemp("exodus"))
