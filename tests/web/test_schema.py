"""The API against its own OpenAPI schema (schemathesis): no server errors, and every
response conforms, whatever the parameters. GET routes; edits are in test_api."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from jetwatch.config import Config
from jetwatch.store.db import Store
from jetwatch.web.app import create_app


def test_api_conforms_to_its_schema(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store, Config()))
        operations = [r.ok() for r in schema.include(method="GET").get_all_operations()]
        slow = ("/api/report/exodus", "/api/borders")
        checked = []
        for op in operations:
            if op.path in slow:
                continue

            @given(case=op.as_strategy())
            @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate()

            check()
            checked.append(op.path)
    assert "/api/aircraft" in checked and "/api/exodus" in checked


def test_every_api_get_route_declares_what_it_returns(tmp_path: Path) -> None:
    from fastapi.responses import HTMLResponse
    from fastapi.routing import APIRoute

    with Store(tmp_path / "s.duckdb") as store:
        app = create_app(store, Config())
    routes = [
        r
        for r in app.routes
        if isinstance(r, APIRoute) and r.path.startswith("/api") and "GET" in r.methods
    ]
    assert len(routes) >= 12
    undeclared = [
        r.path for r in routes if r.response_model is None and r.response_class is not HTMLResponse
    ]
    assert undeclared == []
    doc = app.openapi()
    flights = doc["components"]["schemas"]["FlightRecord"]["properties"]
    assert {"class", "origin_confidence", "takeoff"} <= set(flights)
