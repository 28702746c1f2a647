"""Shared fixtures: the real recordings and small helpers.

Real recordings come from ``../shared/data`` when it is there (CI), else from the
snippets in ``tests/data/real`` (same paths; a fresh clone). A test that needs a file
neither has skips with a one-line reason.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JETWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


SNIPPETS = ROOT / "tests" / "data" / "real"
HAVE_SHARED = (SHARED / "README.md").exists()
NO_SHARED = f"needs {SHARED} (real data only CI has; set JETWATCH_SHARED_DATA)"


def real_path(name: str) -> Path:
    """A real recording by its path under ``../shared/data``: the full file when CI's
    folder is there, else the snippet in ``tests/data/real``; skips when neither is."""
    if HAVE_SHARED:
        return SHARED / name
    if (SNIPPETS / name).exists():
        return SNIPPETS / name
    pytest.skip(f"{name}: {NO_SHARED}")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The whole ``../shared/data`` folder (tests that need files with no snippet)."""
    if not HAVE_SHARED:
        pytest.skip(NO_SHARED)
    return SHARED


@pytest.fixture(scope="session")
def cdg_rows() -> list[dict]:
    """The jet1090 capture of AFR34ZG at Paris CDG: frames with rs1090's decoding."""
    with gzip.open(real_path("traffic/messages/full_flight_short.jsonl.gz")) as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="session")
def klm_lines() -> list[tuple[float, bytes]]:
    """The rs1090 Beast capture: (unix time, unescaped Beast frame) per line."""
    with gzip.open(real_path("rs1090/long_flight.csv.gz")) as fh:
        rows = [line.decode().strip().split(",") for line in fh]
    return [(float(t), bytes.fromhex(h)) for t, h in rows]


@pytest.fixture(scope="session")
def exodus_sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The exodus scenario (tests/data/sim/exodus.toml) simulated, ingested and built."""
    from tests.helpers import exodus_store

    return exodus_store(tmp_path_factory.mktemp("exodus"))


@pytest.fixture(scope="session")
def exodus_dark(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same scenario with every receiver down 07:00-19:00 Moscow time on its day."""
    from tests.helpers import exodus_store

    return exodus_store(tmp_path_factory.mktemp("dark"), blackout=True)
