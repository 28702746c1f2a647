"""Every reader against mutated real recordings (``tests/fuzz.py``): 10^4 cases per
reader here, 10^5 with ``python -m tests.fuzz --cases 100000``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jetwatch.ingest import MTIME, ingest_file
from jetwatch.model import POSITIONS_SCHEMA
from jetwatch.sources import FORMATS
from jetwatch.store.db import Store
from tests.fuzz import CI_CASES, case, check_positions, fuzz

CASES = int(os.environ.get("JETWATCH_FUZZ_CASES", CI_CASES))


def test_no_crash_no_hang_no_field_out_of_bounds() -> None:
    report = fuzz(list(FORMATS), CASES)
    print(
        f"fuzz: {sum(report.cases.values())} cases in {report.seconds:.0f} s, "
        f"rejects {dict(report.rejects)}"
    )
    shown = "\n".join(f"{f.fmt} case {f.number} ({f.how}): {f.error}" for f in report.failures[:10])
    assert not report.failures, f"rerun: python -m tests.fuzz --reader R --case N\n{shown}"
    assert all(report.cases[fmt] == CASES for fmt in FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reject_counted_is_a_stored_row(tmp_path: Path, fmt: str) -> None:
    with Store(tmp_path / "fuzz.duckdb") as store:
        for number in range(0, 4000, 40):  # 100 cases per reader, through the store
            path = tmp_path / f"{fmt}-{number}"
            path.write_bytes(case(fmt, number)[0])
            result = ingest_file(store, path, fmt, start=MTIME)
            assert result.error is None or result.status == "failed", result.error
            if result.status != "ingested":
                continue
            stored = dict(
                store.con.execute(
                    "SELECT reason, count(*) FROM rejects WHERE ingest_id = ? GROUP BY 1",
                    [result.ingest_id],
                ).fetchall()
            )
            assert stored == dict(result.rejected), (fmt, number)
            positions = store.con.execute(
                "SELECT count(*) FROM positions WHERE ingest_id = ?", [result.ingest_id]
            ).fetchall()[0][0]
            assert positions == result.positions
            kept = store.con.sql(
                "SELECT * EXCLUDE (ingest_id) FROM positions "
                f"WHERE ingest_id = {int(result.ingest_id or 0)}"
            ).to_arrow_table()
            problem = check_positions(kept.cast(POSITIONS_SCHEMA))
            assert problem is None, (fmt, number, problem)
