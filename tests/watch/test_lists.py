"""Watchlists: entries by hex, registration, operator, type and category, with exclusions."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetwatch.store.db import Store
from jetwatch.watch import lists


@pytest.fixture()
def store(tmp_path: Path, shared: Path) -> Store:
    s = Store(tmp_path / "w.duckdb")
    lists.import_plane_alert(s, shared / "plane-alert-db/plane-alert-db.csv.gz", ["Oligarch"])
    return s


def test_plane_alert_import_watches_its_category_with_notes(store: Store) -> None:
    watched = lists.resolve(store)
    assert len(watched) == 39  # the Oligarch rows of plane-alert-db
    alekperov = watched["140ad7"]
    assert alekperov.registration == "RA-02775" and "Oligarch" in alekperov.categories
    assert alekperov.notes  # the operator, from the file


def test_entries_of_every_kind_and_exclusions_win(store: Store) -> None:
    lists.add(store, "reg", "ra-02775", note="again, by registration")
    lists.add(store, "hex", "ABCDEF", note="not in any registry")
    lists.add(store, "category", "dictator alert")
    lists.add(store, "hex", "140ad7", exclude=True)
    watched = lists.resolve(store)
    assert "140ad7" not in watched  # excluded, although three entries name it
    assert watched["abcdef"].registration is None
    dictators = [w for w in watched.values() if "Dictator Alert" in w.categories]
    assert len(dictators) > 10


def test_operator_patterns_and_types(store: Store) -> None:
    lists.add(store, "operator", "*alekperov*")
    assert any("Alekperov" in (w.operator or "") for w in lists.resolve(store).values())
    before = len(lists.resolve(store))
    lists.add(store, "type", "glf6")
    assert len(lists.resolve(store)) > before


def test_bad_entries_say_what_is_wrong(store: Store, tmp_path: Path) -> None:
    with pytest.raises(lists.WatchError, match="6 hex digits"):
        lists.add(store, "hex", "12345")
    with pytest.raises(lists.WatchError, match="use one of"):
        lists.add(store, "tail", "RA-02775")
    listed = tmp_path / "list.txt"
    listed.write_text("# my list\nRA-73555, Rotenberg\n151f53\n\nnot a registration!\n4b1901\n")
    added, errors = lists.import_list(store, listed)
    assert added == 3
    (error,) = errors
    assert error.where == f"{listed}:5" and "registration" in str(error)
