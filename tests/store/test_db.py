"""Opening stores: a store made by a newer jetwatch is refused, clearly."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.errors import StoreError
from jetwatch.store.db import Store
from jetwatch.store.schema import SCHEMA_VERSION


def test_a_store_from_a_newer_jetwatch_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with Store(db) as store:
        (version,) = store.con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchall()[0]
    assert version == SCHEMA_VERSION
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(int(version) + 1)])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="made by a newer jetwatch.*upgrade jetwatch"):
            Store(db, read_only=read_only)
    got = CliRunner().invoke(main, ["info", "--db", str(db)])
    assert got.exit_code != 0 and "newer jetwatch" in got.output
    assert "Traceback" not in got.output
