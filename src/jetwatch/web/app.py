"""``jetwatch serve``: the web app and its JSON API over one store.

:func:`create_app` builds a FastAPI application (OpenAPI schema at
``/openapi.json``, read as a page at ``/docs``, with no script from another host) that
only calls the library:

- ``GET /api/aircraft``: the live picture (:func:`.queries.aircraft`), with readsb's
  ``circle``, ``box``, ``find_hex``, ``find_reg`` and ``find_type``;
- ``GET /api/aircraft/{icao24}``: registry data, trail, recent flights;
- ``GET /api/flights``: flight search (origin, destination, day, class, aircraft);
- ``GET /api/flights/{id}``: one flight with its track;
- ``GET /api/info``: version, data labels (``SIMULATED DATA …``), latest position time;
- ``GET /api/areas``: named areas;
- ``GET /api/exodus``: an exodus analysis (the JSON of ``jetwatch exodus``);
- ``GET /api/report/exodus``, ``GET /api/report/aircraft``: the HTML evidence reports;
- ``GET /api/watchlist``, ``GET /api/alerts``: watchlist entries, latest alerts;
- ``POST /api/watchlist``, ``DELETE /api/watchlist/{id}``: edits, with
  ``Authorization: Bearer <token>``;
- ``GET /api/borders``: country borders (GeoJSON) for the offline basemap.

Security: read-only unless a token is configured (``[web] token`` or
``$JETWATCH_WEB_TOKEN``), and writes need it. Every response carries a
Content-Security-Policy allowing only the app's own scripts, styles and data (and,
when the config names online tiles, images from their host).
Notification targets are never served. Binding to 127.0.0.1 is the CLI's default.
Each request reads through its own DuckDB cursor. What every request would
recompute is kept briefly: the live picture and the latest position time for a
second (:class:`LiveCache`), the aircraft classes for 30 s (:class:`ClassCache`),
flight searches until the next flights build (:class:`SearchCache`).
"""

import datetime as dt
import enum
import functools
import hmac
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Annotated, Any

import pyarrow as pa
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, WithJsonSchema

from jetwatch import __version__, dates
from jetwatch.config import Config
from jetwatch.errors import JetwatchError
from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.claims import UnknownAircraftError
from jetwatch.exodus.departures import ScopeError
from jetwatch.exodus.result import ExodusResult
from jetwatch.flights.query import Flight, query
from jetwatch.flights.record import FlightRecord
from jetwatch.reference import areas as areas_lib
from jetwatch.reference import classes
from jetwatch.reference.areas import UnknownAreaError
from jetwatch.reference.classes import CLASSES
from jetwatch.reference.registry import lookup
from jetwatch.reports import aircraft as aircraft_report
from jetwatch.reports import borders, page
from jetwatch.reports import exodus as exodus_report
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists
from jetwatch.watch.alerts import AlertRecord
from jetwatch.web import queries
from jetwatch.web.models import (
    Added,
    AircraftPage,
    Alerts,
    Area,
    Areas,
    Borders,
    FlightList,
    FlightPage,
    Info,
    LivePicture,
    Removed,
    TrackPoint,
    Watchlist,
)

STATIC = resources.files("jetwatch") / "web" / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


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


Class = enum.Enum("Class", {c: c for c in CLASSES}, type=str)  # type: ignore[misc]
CIRCLE = r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?$"
BOX = r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"
ICAO = r"^[A-Za-z0-9]{4}$"
BUSINESS_JET = Class("business_jet")


def _time(t: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC."""
    if t is None:
        return None
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def _problem(status: int, message: str) -> JSONResponse:
    """An error in FastAPI's own shape (``detail``: a list of problems)."""
    return JSONResponse(
        {"detail": [{"loc": ["query"], "msg": message, "type": "value_error"}]}, status_code=status
    )


def _records(table: pa.Table) -> list[FlightRecord]:
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
            self.latest_value, self.labels_value = queries.latest(s.con), sorted(s.labels())
            self.latest_at = time.monotonic()
        return self.latest_value

    def get(
        self, s: Store, at: dt.datetime | None, minutes: float
    ) -> tuple[str | None, list[dict[str, Any]], bytes]:
        with self.lock:
            fresh = time.monotonic() - self.made < self.ttl_s
            if self.key != (at, minutes) or not fresh:
                now = at or self._latest(s)
                rows = queries.aircraft(s.con, at=now, minutes=minutes)
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


def create_app(store: Store, config: Config | None = None) -> FastAPI:
    cfg = config or Config()
    # no CDN: the API reference is a page of the app's own (static/api.html)
    app = FastAPI(
        title="jetwatch", version=__version__, responses=PROBLEMS, docs_url=None, redoc_url=None
    )

    def view() -> Iterator[Store]:
        cursor = store.cursor()
        try:
            yield cursor
        finally:
            cursor.con.close()

    def writer(authorization: Annotated[str | None, Header()] = None) -> None:
        if not cfg.token:
            raise HTTPException(403, "read-only: no web token is configured")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme != "Bearer" or not hmac.compare_digest(given.encode(), cfg.token.encode()):
            raise HTTPException(401, "a valid token is needed to edit (Authorization: Bearer …)")

    @app.exception_handler(JetwatchError)
    async def bad_input(_: Request, exc: JetwatchError) -> JSONResponse:
        unknown = isinstance(exc, UnknownAreaError | ScopeError | UnknownAircraftError)
        return _problem(404 if unknown else 422, str(exc))

    live = LiveCache()
    known = ClassCache()
    searches = SearchCache()

    @app.get("/api/aircraft", response_model=LivePicture)
    def aircraft(
        s: Annotated[Store, Depends(view)],
        at: When | None = None,
        minutes: Annotated[float, Query(gt=0, le=1440)] = 5.0,
        circle: Annotated[str | None, Query(pattern=CIRCLE)] = None,
        box: Annotated[str | None, Query(pattern=BOX)] = None,
        find_hex: str | None = None,
        find_reg: str | None = None,
        find_type: str | None = None,
        cls: Annotated[Class | None, Query(alias="class")] = None,
        category: str | None = None,
    ) -> Response:
        now, rows, whole = live.get(s, _time(at), minutes)
        filters = {
            "circle": circle,
            "box": box,
            "find_hex": find_hex,
            "find_reg": find_reg,
            "find_type": find_type,
            "cls": cls.value if cls else None,
            "category": category,
        }
        if not any(filters.values()):
            return Response(whole, media_type="application/json")
        chosen = queries.select(rows, **filters)
        return JSONResponse({"now": now, "aircraft": chosen})

    @app.get(
        "/api/aircraft/{icao24}",
        response_model=AircraftPage,
        response_model_exclude_unset=True,
        response_model_exclude={"aircraft": {"sources"}},
    )
    def one_aircraft(
        s: Annotated[Store, Depends(view)], icao24: str, at: When | None = None
    ) -> AircraftPage:
        snapshot = known.get(s)
        return AircraftPage(
            aircraft=lookup(s, icao24, classes=snapshot),
            trail=queries.trail(s.con, icao24, _time(at) or live.latest(s)),
            flights=searches.get(
                s,
                ("latest", icao24),
                lambda: _records(
                    query(s, aircraft=icao24, limit=20, newest=True, classes=snapshot)
                ),
            ),
        )

    @app.get("/api/flights", response_model=FlightList)
    def flights(
        s: Annotated[Store, Depends(view)],
        origin: str | None = None,
        destination: str | None = None,
        on: Day | None = None,
        cls: Annotated[Class | None, Query(alias="class")] = None,
        aircraft: str | None = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> FlightList:
        key = (origin, destination, on, cls, aircraft, limit)
        return searches.get(
            s,
            key,
            lambda: FlightList(
                flights=_records(
                    query(
                        s,
                        origin=origin,
                        destination=destination,
                        on=on,
                        cls=cls.value if cls else None,
                        aircraft=aircraft,
                        limit=limit,
                        classes=known.get(s),
                    )
                )
            ),
        )

    @app.get("/api/flights/{flight_id}", response_model=FlightPage)
    def flight(s: Annotated[Store, Depends(view)], flight_id: str) -> FlightPage:
        found = Flight.get(s, flight_id)
        if found is None:
            raise HTTPException(404, "no such flight")
        track = [TrackPoint.model_validate(r) for r in found.positions().to_pylist()]
        return FlightPage(flight=found.record, track=track)

    @app.get("/api/info", response_model=Info)
    def info(s: Annotated[Store, Depends(view)]) -> Info:
        return Info(
            version=__version__,
            labels=live.labels(s),
            latest=live.latest(s),
            editable=bool(cfg.token),
            tiles=cfg.tiles,
            tiles_attribution=cfg.tiles_attribution,
        )

    @app.get("/api/areas", response_model=Areas)
    def areas() -> Areas:
        return Areas(
            areas=[
                Area(name=a.name, title=a.title, airports=list(a.airports))
                for a in areas_lib.load().values()
            ]
        )

    @app.get("/api/exodus", response_model=ExodusResult, response_model_exclude_unset=True)
    def exodus_doc(
        s: Annotated[Store, Depends(view)],
        on: Day,
        area: str | None = None,
        airport: Annotated[str | None, Query(pattern=ICAO)] = None,
        cls: Annotated[Class | None, Query(alias="class")] = BUSINESS_JET,
    ) -> ExodusResult:
        return exodus(
            s, area=area, airport=airport, cls=cls.value if cls else None, on=on, save=False
        ).result()

    @app.get("/api/report/exodus", response_class=HTMLResponse, responses=REPORT_PROBLEMS)
    def report(
        s: Annotated[Store, Depends(view)],
        on: Day,
        area: str | None = None,
        airport: Annotated[str | None, Query(pattern=ICAO)] = None,
        cls: Annotated[Class, Query(alias="class")] = BUSINESS_JET,
    ) -> HTMLResponse:
        html, _ = exodus_report.render(s, area=area, airport=airport, cls=cls.value, on=on)
        return HTMLResponse(html, headers={"Content-Security-Policy": page.CSP})

    @app.get("/api/report/aircraft", response_class=HTMLResponse, responses=REPORT_PROBLEMS)
    def aircraft_report_html(
        s: Annotated[Store, Depends(view)],
        aircraft: str,
        on: Day,
        left: str | None = None,
        arrived: str | None = None,
    ) -> HTMLResponse:
        html, _ = aircraft_report.render(s, aircraft, on=on, left=left, arrived=arrived)
        return HTMLResponse(html, headers={"Content-Security-Policy": page.CSP})

    @app.get("/api/watchlist", response_model=Watchlist)
    def watchlist(s: Annotated[Store, Depends(view)]) -> Watchlist:
        return Watchlist(entries=lists.entries(s), editable=bool(cfg.token))

    @app.post("/api/watchlist", dependencies=[Depends(writer)], response_model=Added)
    def add_entry(s: Annotated[Store, Depends(view)], entry: WatchEntry) -> Added:
        return Added(
            id=lists.add(s, entry.kind, entry.value, note=entry.note, exclude=entry.exclude)
        )

    @app.delete("/api/watchlist/{entry_id}", dependencies=[Depends(writer)], response_model=Removed)
    def remove_entry(s: Annotated[Store, Depends(view)], entry_id: int) -> Removed:
        if not lists.remove(s, entry_id):
            raise HTTPException(404, "no such entry")
        return Removed(removed=entry_id)

    @app.get("/api/alerts", response_model=Alerts, response_model_exclude_unset=True)
    def latest_alerts(
        s: Annotated[Store, Depends(view)], limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> Alerts:
        shown = [c for c in alerts.LATEST if c not in ("attempts", "error")]
        rows = alerts.latest(s, limit).select(shown).to_pylist()
        return Alerts(alerts=[AlertRecord.model_validate(r) for r in rows])

    @app.get("/api/borders", response_model=Borders)
    def borders_geojson() -> Response:
        return Response(
            _borders(),
            media_type="application/geo+json",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/docs", include_in_schema=False)
    def api_reference() -> Response:
        return Response((STATIC / "api.html").read_bytes(), media_type="text/html")

    static = STATIC
    app.mount("/", StaticFiles(directory=str(static), html=True), name="static")
    tiles = cfg.tiles_origin
    app.add_middleware(SecurityHeaders, csp=CSP.format(tiles=f" {tiles}" if tiles else ""))
    return app


class SecurityHeaders:
    """ASGI middleware: the CSP and two hardening headers on every response (unless the
    route set its own CSP, as the reports do)."""

    def __init__(self, app: Any, csp: str) -> None:
        self.app = app
        self.extra = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.extra if k not in have
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


@functools.cache
def _borders() -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[round(x, 3), round(y, 3)] for x, y in ring]] for ring in rs],
            },
        }
        for name, rs in borders.rings()
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode()
