"""Rules, alerts and their delivery through apprise to a local HTTP endpoint."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.config import Config
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists, rules
from jetwatch.watch.events import Event
from tests.helpers import Catcher

T = dt.datetime(2023, 6, 24, 8, 30)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "a.duckdb")
    s.con.execute(
        "INSERT INTO aircraft (icao24, registration, typecode, operator, categories) VALUES "
        "('151f53', 'RA-73555', 'GLEX', 'private (reported: Rotenberg)', ['Oligarch'])"
    )
    lists.add(s, "category", "Oligarch")
    return s


def _landing(airport: str, country: str, minute: int = 0, callsign: str = "RA73555") -> Event:
    return Event(
        "landing",
        "151f53",
        T + dt.timedelta(minutes=minute),
        41.26,
        28.74,
        300,
        callsign,
        airport=airport,
        country=country,
        origin="UUWW",
        origin_country="RU",
    )


def _raise(store: Store, events: list[Event]) -> list[int]:
    loaded = rules.load(store)
    return alerts.raise_alerts(
        store, events, loaded, lists.resolve(store), rules.area_codes(loaded), Config()
    )


def _wait(sender: alerts.Sender, n: int) -> None:
    for _ in range(200):
        if len(sender.outcomes) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"{len(sender.outcomes)} of {n} alerts delivered")


def test_oligarch_departs_moscow_for_abroad_is_sent_with_its_details(store: Store) -> None:
    catcher = Catcher()
    try:
        when = rules.Conditions(category="Oligarch", from_area="moscow", to_area="abroad")
        rules.add(store, "takeoff", when, [catcher.url])
        takeoff = Event(
            "takeoff", "151f53", T, 55.6, 37.3, 1200, "RA73555", airport="UUWW", country="RU"
        )
        assert _raise(store, [takeoff]) == []  # the destination is not known yet
        assert _raise(store, [_landing("ULLI", "RU")]) == []  # domestic
        todo = _raise(store, [_landing("LTFM", "TR", 1, callsign="<script>x</script>")])
        sender = alerts.Sender(store, Config(), {r.id: r for r in rules.load(store)})
        sender.send(todo)
        _wait(sender, 1)
        sender.close()
    finally:
        catcher.close()
    (post,) = catcher.posts
    text = post["title"] + "\n" + post["message"]
    for expected in (
        "RA-73555",
        "GLEX",
        "Rotenberg",
        "UUWW",
        "LTFM",
        "2023-06-24 08:31",
        "/#/aircraft/151f53",
    ):
        assert expected in text
    assert "<script>x</script>" in post["message"]  # plain text, as sent; the web escapes it
    status = store.con.execute("SELECT status, attempts FROM alerts").fetchall()
    assert status == [("sent", 1)]


def test_a_slow_target_does_not_hold_up_the_alerts_behind_it(store: Store) -> None:
    slow, fast = Catcher(delay=2.0), Catcher()
    try:
        rules.add(store, "landing", rules.Conditions(airport="LTBS"), [slow.url])
        rules.add(store, "landing", rules.Conditions(airport="LTFM"), [fast.url], per_hour=100)
        events = [_landing("LTBS", "TR")] + [_landing("LTFM", "TR", m) for m in range(1, 21)]
        todo = _raise(store, events)
        (slow_id,) = store.con.execute("SELECT id FROM alerts WHERE airport = 'LTBS'").fetchall()[0]
        sender = alerts.Sender(store, Config(), {r.id: r for r in rules.load(store)})
        sender.send(todo)
        _wait(sender, 21)
        sender.close()
    finally:
        slow.close()
        fast.close()
    assert len(fast.posts) == 20 and len(slow.posts) == 1
    took = {o.alert_id: o.seconds for o in sender.outcomes}
    fast_took = [s for a, s in took.items() if a != slow_id]
    assert max(fast_took) < 1.5 < took[slow_id]  # sent while the slow one waited


def test_duplicates_are_suppressed_and_rules_are_rate_limited(store: Store) -> None:
    rules.add(store, "landing", rules.Conditions(), ["json://127.0.0.1:9/none"], per_hour=2)
    events = [_landing("LTFM", "TR", m) for m in range(3)]
    assert len(_raise(store, events)) == 2
    assert _raise(store, events) == []  # the same events again: nothing new
    statuses = [r[0] for r in store.con.execute("SELECT status FROM alerts ORDER BY id").fetchall()]
    assert statuses == ["pending", "pending", "rate_limited"]


def test_failed_sends_are_retried_then_stored_as_failed(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    flaky, dead = Catcher(fail=1), Catcher(fail=100)
    try:
        rules.add(store, "landing", rules.Conditions(airport="LTFM"), [flaky.url])
        rules.add(store, "landing", rules.Conditions(airport="LTBS"), [dead.url])
        todo = _raise(store, [_landing("LTFM", "TR"), _landing("LTBS", "TR", 5)])
        sender = alerts.Sender(store, Config(), {r.id: r for r in rules.load(store)})
        sender.first_wait_s = 0.05
        with caplog.at_level(logging.WARNING, logger="jetwatch.alerts"):
            sender.send(todo)
            _wait(sender, 2)
            sender.close()
    finally:
        flaky.close()
        dead.close()
    rows = store.con.execute(
        "SELECT airport, status, attempts, error FROM alerts ORDER BY id"
    ).fetchall()
    assert rows[0][:3] == ("LTFM", "sent", 2)
    assert rows[1][:3] == ("LTBS", "failed", 3) and rows[1][3]
    assert len(flaky.posts) == 1
    assert "not sent after 3 attempts" in caplog.text


def test_rule_conditions() -> None:
    codes = {"moscow": {"UUWW", "UUEE"}}
    rule = rules.Rule(1, "dark", rules.Conditions(minutes=10), [])
    dark = Event("dark", "151f53", T, detail={"minutes": 9})
    assert not rules.matches(rule, dark, None, codes)
    assert rules.matches(rule, Event("dark", "151f53", T, detail={"minutes": 10}), None, codes)
    squawk = rules.Rule(2, "squawk", rules.Conditions(), [])
    assert rules.matches(squawk, Event("squawk", "x", T, detail={"squawk": "7700"}), None, codes)
    assert not rules.matches(
        squawk, Event("squawk", "x", T, detail={"squawk": "7000"}), None, codes
    )
    one = rules.Rule(3, "takeoff", rules.Conditions(aircraft="RA-73555", from_area="moscow"), [])
    who = lists.Watched("151f53", "RA-73555")
    assert rules.matches(
        one, Event("takeoff", "151f53", T, origin="UUEE", airport="UUEE"), who, codes
    )
    assert not rules.matches(
        one, Event("takeoff", "151f53", T, origin="ULLI", airport="ULLI"), who, codes
    )
    surge = rules.Rule(4, "surge", rules.Conditions(area="moscow", cls="business_jet"), [])
    here = {"area": "moscow", "class": "business_jet"}
    assert rules.matches(surge, Event("surge", "", T, detail=here), None, codes)
    there = here | {"area": "london"}
    assert not rules.matches(surge, Event("surge", "", T, detail=there), None, codes)


def test_bad_rules_name_the_choices(store: Store) -> None:
    with pytest.raises(rules.RuleError, match="use one of"):
        rules.add(store, "crash", rules.Conditions(), [])
    with pytest.raises(rules.RuleError, match="moscow"):
        rules.add(store, "takeoff", rules.Conditions(from_area="atlantis"), [])


def test_secrets_never_show_in_listings(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    secret = "json://user:S3CRETTOKEN@127.0.0.1:8080/hook"
    added = runner.invoke(
        main,
        [
            "watch",
            "rule",
            "landing",
            "--notify",
            secret,
            "--notify",
            "tgram://123456789:AAHsecretbottoken/42",
            "--db",
            db,
        ],
    )
    listed = runner.invoke(main, ["watch", "rules", "--db", db])
    assert added.exit_code == 0 and listed.exit_code == 0, added.output + listed.output
    for output in (added.output, listed.output):
        assert "S3CRETTOKEN" not in output and "AAHsecretbottoken" not in output
    assert "json://user:****@127.0.0.1" in listed.output


def test_the_latest_alerts_are_one_query_for_the_cli_and_the_web(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from jetwatch.web.app import create_app

    db = tmp_path / "a.duckdb"
    with Store(db) as store:
        for k, status in enumerate(("sent", "failed", "rate_limited")):
            store.con.execute(
                "INSERT INTO alerts (rule_id, key, event, icao24, registration, time, title, "
                "body, status, attempts, error) VALUES (1, ?, 'takeoff', '4b1805', "
                "'<b>HB-JRA</b>', TIMESTAMP '2023-06-24 10:00:00', ?, 'body', ?, ?, ?)",
                [f"k{k}", f"alert {k}", status, k + 1, "boom" if status == "failed" else None],
            )
        latest = alerts.latest(store, 2).to_pylist()
        web = TestClient(create_app(store)).get("/api/alerts", params={"limit": 2}).json()
    assert [a["title"] for a in latest] == ["alert 2", "alert 1"]
    assert [a["title"] for a in web["alerts"]] == ["alert 2", "alert 1"]
    assert web["alerts"][0]["registration"] == "<b>HB-JRA</b>"  # text, as stored
    got = CliRunner().invoke(main, ["watch", "alerts", "--db", str(db), "--limit", "2"])
    assert got.exit_code == 0 and "rate_limited" in got.output and "boom" in got.output


def test_one_batch_of_many_events_is_stored_in_order_once_each(store: Store) -> None:
    """The batch insert keeps the per-statement semantics: event order, an event
    twice in one batch stored once, the hourly limit counted inside the batch."""
    rules.add(store, "landing", rules.Conditions(), ["json://127.0.0.1:9/none"], per_hour=50)
    events = [_landing("LTFM", "TR", m) for m in range(60)]
    todo = _raise(store, events + events[:5])
    assert len(todo) == 50 and todo == sorted(todo)
    got = store.con.execute("SELECT key, status FROM alerts ORDER BY id").fetchall()
    assert [k for k, _ in got] == [f"landing:{e.icao24}:{e.time.isoformat()}" for e in events]
    assert [s for _, s in got] == ["pending"] * 50 + ["rate_limited"] * 10
