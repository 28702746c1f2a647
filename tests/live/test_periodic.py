"""The listener's periodic step: one flights build, below the windows' priority, then
every exodus scope scored on it. The data is SIMULATED (``tests/data/sim/exodus.toml``)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest

import jetwatch.live.listener as listener_module
from jetwatch.config import Config
from jetwatch.live.feeds import parse
from jetwatch.live.listener import BACKGROUND_NICE, Listener, Options
from jetwatch.store.db import Store
from tests.helpers import exodus_store


def test_one_build_at_a_lower_priority_then_every_scope_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, db = exodus_store(tmp_path)
    builds: list[tuple[int, int | None]] = []
    real = listener_module.build

    def counted(store: Store, **kwargs: int | None) -> object:
        me = threading.get_native_id()
        builds.append((os.getpriority(os.PRIO_PROCESS, me), kwargs.get("threads")))
        return real(store, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(listener_module, "build", counted)
    scopes = [("moscow", "business_jet"), ("moscow", "airliner")]
    with Store(db) as store:
        listener = Listener(
            store,
            [parse("beast://127.0.0.1:9")],
            Options(exodus=scopes),
            Config(),
            report=lambda _: None,
        )
        listener.data_now = dt.datetime(2023, 6, 24, 20, tzinfo=dt.UTC).timestamp()
        events = listener.background.submit(listener._extend).result()
        listener.background.shutdown()
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert builds == [(min(19, base + BACKGROUND_NICE), 1)]  # once, not once per scope
    surges = [e for e in events if e.kind == "surge"]
    assert surges and {e.detail["class"] for e in surges} == {"business_jet"}
    assert all(e.detail["observed"] > e.detail["expected"] for e in surges)
