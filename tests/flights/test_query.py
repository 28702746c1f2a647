"""Flight queries: a class snapshot gives what the view gives; newest first."""

from __future__ import annotations

from pathlib import Path

from jetwatch.flights.query import query
from jetwatch.reference import classes
from jetwatch.reference.registry import lookup
from jetwatch.store.db import Store


def test_a_class_snapshot_answers_as_the_view(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        snap = classes.snapshot(store.con)
        for kw in ({"origin": "UUWW", "on": "2023-06-24"}, {"cls": "business_jet", "limit": 40}):
            assert query(store, **kw, classes=snap) == query(store, **kw)  # type: ignore[arg-type]
        for who in ("RA-96022", "157716"):
            assert lookup(store, who, classes=snap) == lookup(store, who)
        assert "_class_snapshot" not in {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}


def test_newest_first_with_a_limit_gives_the_latest(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        every = query(store, origin="UUWW").to_pylist()
        latest = query(store, origin="UUWW", limit=5, newest=True).to_pylist()
    when = [f["takeoff"] or f["first_seen"] for f in every]
    assert [f["takeoff"] or f["first_seen"] for f in latest] == sorted(when, reverse=True)[:5]
