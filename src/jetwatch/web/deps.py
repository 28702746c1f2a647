"""What the web app's routes share: the request context (store, settings, caches),
the store cursor and token dependencies, and the parameter types."""

import datetime as dt
import enum
import hmac
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any

import pyarrow as pa
from fastapi import Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from jetwatch import dates
from jetwatch.config import Config
from jetwatch.flights.record import FlightRecord
from jetwatch.reference import classes
from jetwatch.reference.classes import CLASSES
from jetwatch.store import picture
from jetwatch.store.db import Store
from jetwatch.watch.rules import Conditions

STATIC = resources.files("jetwatch") / "web" / "static"


class Problem(BaseModel):
    detail: str | list[dict[str, Any]]


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "a valid token is needed"},
    403: {"model": Problem, "description": "read-only: no token is configured"},
    404: {"model": Problem, "description": "no such aircraft, flight, entry, area or airport"},
}


REPORT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {
        "description": text,
        "content": {"application/json": {"schema": Problem.model_json_schema()}},
    }
    for code, text in (
        (404, "no such aircraft, area or airport"),
        (422, "a parameter the report cannot use"),
    )
}


class WatchEntry(BaseModel):
    kind: str
    value: str
    note: str | None = None
    exclude: bool = False


class RuleEntry(BaseModel):
    """A watch rule as ``jetwatch watch rules add`` takes it: the event, its conditions
    (:class:`jetwatch.watch.rules.Conditions`), the targets and the hourly limit."""

    event: str
    when: Conditions = Field(default_factory=Conditions)
    notify: list[str]
    per_hour: int = 30


class Notice(BaseModel):
    rule: int | None = None  # send to this rule's targets
    target: str | None = None  # or to this one (a URL or a configured name)


Class = enum.Enum("Class", {c: c for c in CLASSES}, type=str)  # type: ignore[misc]
CIRCLE = r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?$"
BOX = r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"
ICAO = r"^[A-Za-z0-9]{4}$"
BUSINESS_JET = Class("business_jet")


def utc_time(t: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC."""
    if t is None:
        return None
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def problem(status: int, message: str) -> JSONResponse:
    """An error in FastAPI's own shape (``detail``: a list of problems)."""
    return JSONResponse(
        {"detail": [{"loc": ["query"], "msg": message, "type": "value_error"}]}, status_code=status
    )


def records(table: pa.Table) -> list[FlightRecord]:
    return [FlightRecord.model_validate(r) for r in table.to_pylist()]


class ClassCache:
    """A snapshot of the aircraft classes (``classes.snapshot``), at most 30 s old:
    reading the view scans every position for emitter categories."""

    ttl_s = 30.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.made = -math.inf
        self.table: pa.Table | None = None

    def get(self, s: Store) -> pa.Table:
        with self.lock:
            if self.table is None or time.monotonic() - self.made >= self.ttl_s:
                self.table, self.made = classes.snapshot(s.con), time.monotonic()
            return self.table


class SearchCache:
    """Flight search results until the flights change: only this process writes the
    store (DuckDB allows one writer), and each build counts itself in
    ``Store.changes``. The ``size`` most recent searches are kept."""

    size = 256

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: OrderedDict[tuple[Any, ...], tuple[int, Any]] = OrderedDict()

    def get(self, s: Store, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        generation = s.changes.get("flights", 0)
        with self.lock:
            hit = self.results.get(key)
            if hit and hit[0] == generation:
                self.results.move_to_end(key)
                return hit[1]
        value = make()
        with self.lock:
            self.results[key] = (generation, value)
            while len(self.results) > self.size:
                self.results.popitem(last=False)
        return value


class LiveCache:
    """The live picture, computed at most once a second (and its JSON, for the
    unfiltered request): every client polls it, as they poll readsb's aircraft.json.
    The time of the latest position and the data labels are kept as long."""

    ttl_s = 1.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[dt.datetime | None, float] | None = None
        self.made = 0.0
        self.value: tuple[str | None, list[dict[str, Any]], bytes] = (None, [], b"")
        self.latest_at = -math.inf
        self.latest_value: dt.datetime | None = None
        self.labels_value: list[str] = []

    def latest(self, s: Store) -> dt.datetime | None:
        with self.lock:
            return self._latest(s)

    def labels(self, s: Store) -> list[str]:
        with self.lock:
            self._latest(s)
            return self.labels_value

    def _latest(self, s: Store) -> dt.datetime | None:
        if time.monotonic() - self.latest_at >= self.ttl_s:
            self.latest_value, self.labels_value = picture.latest(s.con), sorted(s.labels())
            self.latest_at = time.monotonic()
        return self.latest_value

    def get(
        self, s: Store, at: dt.datetime | None, minutes: float
    ) -> tuple[str | None, list[dict[str, Any]], bytes]:
        with self.lock:
            fresh = time.monotonic() - self.made < self.ttl_s
            if self.key != (at, minutes) or not fresh:
                now = at or self._latest(s)
                rows = picture.aircraft(s.con, at=now, minutes=minutes)
                stamp = now.isoformat() + "Z" if now else None
                whole = json.dumps({"now": stamp, "aircraft": rows}).encode()
                self.key, self.made, self.value = (
                    (at, minutes),
                    time.monotonic(),
                    (stamp, rows, whole),
                )
            return self.value


def _day(value: dt.date) -> dt.date:
    return dates.parse_day(value)


def _when(value: dt.datetime) -> dt.datetime:
    return dates.parse_time(value)


# dates as the command line takes them: 1970-2099, else 422 with the reason; the schema
# states that range (as a pattern) so clients and schema-driven tests know it
_YEAR = "(19[7-9][0-9]|20[0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
Day = Annotated[
    dt.date,
    AfterValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_YEAR}$"}),
]
When = Annotated[
    dt.datetime,
    AfterValidator(_when),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": f"^{_YEAR}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
        }
    ),
]


@dataclass
class Context:
    """What every request shares: the store, the settings and the caches."""

    store: Store
    cfg: Config
    live: LiveCache = field(default_factory=LiveCache)
    known: ClassCache = field(default_factory=ClassCache)
    searches: SearchCache = field(default_factory=SearchCache)


def context(request: Request) -> Context:
    found: Context = request.app.state.jetwatch
    return found


def view(c: Annotated[Context, Depends(context)]) -> Iterator[Store]:
    """A cursor of the store for one request, closed when it ends (writes too)."""
    cursor = c.store.cursor()
    try:
        yield cursor
    finally:
        cursor.con.close()


def writer(
    c: Annotated[Context, Depends(context)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Edits need ``Authorization: Bearer <token>`` and a configured token."""
    if not c.cfg.token:
        raise HTTPException(403, "read-only: no web token is configured")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme != "Bearer" or not hmac.compare_digest(given.encode(), c.cfg.token.encode()):
        raise HTTPException(401, "a valid token is needed to edit (Authorization: Bearer …)")
