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
    with Store(tmp_path / "s.duckdb") as store:
        doc = create_app(store, Config()).openapi()
    gets = {path: ops["get"] for path, ops in doc["paths"].items() if "get" in ops}
    assert len([p for p in gets if p.startswith("/api")]) >= 12
    undeclared = []
    for path, op in gets.items():
        content = op["responses"]["200"]["content"]
        json_schema = content.get("application/json", {}).get("schema", {})
        if "$ref" not in json_schema and not {"text/html", "text/csv"} & set(content):
            undeclared.append(path)
    assert undeclared == []
    flights = doc["components"]["schemas"]["FlightRecord"]["properties"]
    assert {"class", "origin_confidence", "takeoff"} <= set(flights)
