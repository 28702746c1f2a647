"""``jetwatch serve``: the web app and its JSON API over one store.

:func:`create_app` builds a FastAPI application (OpenAPI schema at
``/openapi.json``, read as a page at ``/docs``, with no script from another host) that
only calls the library:

- ``GET /api/aircraft``: the live picture (:func:`jetwatch.store.picture.aircraft`), with readsb's
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

The routes are in :mod:`jetwatch.web.routes`, one router per area, and call the
library only; what they share (the store's cursor per request, closed when it ends,
the token check, the caches and the parameter types) is in :mod:`jetwatch.web.deps`,
and their response models in :mod:`jetwatch.web.models`.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from jetwatch import __version__
from jetwatch.config import Config
from jetwatch.errors import JetwatchError
from jetwatch.exodus.claims import UnknownAircraftError
from jetwatch.exodus.departures import ScopeError
from jetwatch.reference.areas import UnknownAreaError
from jetwatch.store.db import Store
from jetwatch.web.deps import PROBLEMS, STATIC, Context, problem
from jetwatch.web.routes import ROUTERS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def create_app(store: Store, config: Config | None = None) -> FastAPI:
    cfg = config or Config()
    # no CDN: the API reference is a page of the app's own (static/api.html)
    app = FastAPI(
        title="jetwatch", version=__version__, responses=PROBLEMS, docs_url=None, redoc_url=None
    )
    app.state.jetwatch = Context(store, cfg)

    @app.exception_handler(JetwatchError)
    async def bad_input(_: Request, exc: JetwatchError) -> JSONResponse:
        unknown = isinstance(exc, UnknownAreaError | ScopeError | UnknownAircraftError)
        return problem(404 if unknown else 422, str(exc))

    for router in ROUTERS:
        app.include_router(router)
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
