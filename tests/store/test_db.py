"""Opening stores: an older store is migrated once, a newer one is refused clearly.

``tests/data/store/v1.duckdb.gz`` is a store made by jetwatch f1b2e0e (schema 1): the
readsb trace of N899DN (traffic's sample, MIT) ingested, flights built, and one
watchlist entry; its rules and alerts tables did not exist yet."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.errors import StoreError
from jetwatch.flights.build import build
from jetwatch.store.db import Store
from jetwatch.store.schema import MIGRATIONS, SCHEMA_VERSION
from jetwatch.watch import lists
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "store" / "v1.duckdb.gz"


def test_a_store_from_a_newer_jetwatch_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with Store(db) as store:
        (version,) = store.con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchall()[0]
    assert int(version) == SCHEMA_VERSION
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(int(version) + 1)])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="made by a newer jetwatch.*upgrade jetwatch"):
            Store(db, read_only=read_only)
    got = CliRunner().invoke(main, ["info", "--db", str(db)])
    assert got.exit_code != 0 and "newer jetwatch" in got.output
    assert "Traceback" not in got.output


def _v1(tmp_path: Path) -> Path:
    db = tmp_path / "v1.duckdb"
    with gzip.open(FIXTURE) as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return db


def _schema(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY ALL"
    ).fetchall()


def test_a_store_from_schema_1_is_migrated_once_and_keeps_its_data(tmp_path: Path) -> None:
    db = _v1(tmp_path)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta").fetchall() == [("1",)]
    assert "alerts" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    con.close()
    with Store(db) as store:
        assert store.con.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]
        assert store.counts() == {"ingests": 1, "positions": 2500, "rejects": 0}
        assert store.con.execute("SELECT count(*) FROM flights").fetchall() == [(4,)]
        assert [(e.kind, e.value, e.note) for e in lists.entries(store)] == [
            ("hex", "ac671b", "fixture")
        ]
        assert lists.add(store, "reg", "N899DN") == 2  # the sequence goes on
        assert store.con.execute("SELECT count(*) FROM alerts").fetchall() == [(0,)]
        assert build(store).flights == 0  # nothing new to build: no duplicates
        migrated = _schema(store.con)
    new = tmp_path / "new.duckdb"
    with Store(new) as store:
        assert _schema(store.con) == migrated  # the same schema by either path
    with Store(db) as store:  # a second open applies nothing again
        assert store.con.execute("SELECT count(*) FROM watchlist").fetchall() == [(2,)]


def test_a_read_only_open_migrates_an_older_store_first(tmp_path: Path) -> None:
    db = _v1(tmp_path)
    got = CliRunner().invoke(main, ["info", "--db", str(db)])
    assert got.exit_code == 0, got.output
    assert "2,500" in got.output
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_threads_are_lowered_for_a_block_never_raised_and_restored(tmp_path: Path) -> None:
    def threads(store: Store) -> int:
        return int(store.con.execute("SELECT current_setting('threads')").fetchall()[0][0])

    with Store(tmp_path / "t.duckdb") as store:
        store.con.execute("SET threads = 2")
        view = store.cursor()
        with view.threads(1):
            assert threads(store) == threads(view) == 1  # the database's, not the cursor's
        assert threads(store) == 2
        with store.threads(8):
            assert threads(store) == 2
        with pytest.raises(RuntimeError), store.threads(1):
            raise RuntimeError("restored even so")
        assert threads(store) == 2
        view.con.close()
