"""Flight search and one flight with its track."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from jetwatch.flights import export
from jetwatch.flights.query import Flight, query
from jetwatch.output import write
from jetwatch.store.db import Store
from jetwatch.web.deps import Class, Context, Day, context, records, view
from jetwatch.web.models import FlightList, FlightPage, TrackPoint

router = APIRouter()


def search(
    origin: str | None = None,
    destination: str | None = None,
    on: Day | None = None,
    cls: Annotated[Class | None, Query(alias="class")] = None,
    aircraft: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """The search's parameters, shared by the listing and its export: the keywords of
    :func:`jetwatch.flights.query.query`."""
    return {
        "origin": origin,
        "destination": destination,
        "on": on,
        "cls": cls.value if cls else None,
        "aircraft": aircraft,
        "limit": limit,
    }


Search = Annotated[dict[str, Any], Depends(search)]


@router.get("/api/flights", response_model=FlightList)
def flights(
    c: Annotated[Context, Depends(context)], s: Annotated[Store, Depends(view)], q: Search
) -> Response:
    # kept as JSON until the flights change: the typed rows are made and written once
    body = c.searches.get(
        s,
        tuple(q.items()),
        lambda: FlightList(flights=records(query(s, **q, classes=c.known.get(s)))).model_dump_json(
            by_alias=True
        ),
    )
    return Response(body, media_type="application/json")


EXPORTS = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
}


@router.get(
    "/api/flights/export",
    response_class=Response,
    responses={
        200: {
            "description": "the flights as a file, written by the library's output layer",
            "content": {kind: {} for kind in EXPORTS.values()},
        }
    },
)
def flights_export(
    c: Annotated[Context, Depends(context)],
    s: Annotated[Store, Depends(view)],
    q: Search,
    fmt: Annotated[str, Query(alias="format", pattern=f"^({'|'.join(EXPORTS)})$")],
) -> Response:
    """The same search as ``/api/flights``, written by the library's output layer (as
    ``jetwatch flights --format``), as a file to download."""
    table = query(s, **q, classes=c.known.get(s))
    body = write(fmt, export.output(s, table, fmt))
    parts = (q["on"], q["origin"], q["destination"], q["aircraft"])
    name = "-".join(["flights", *(str(v) for v in parts if v)])
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)
    return Response(
        body,
        media_type=EXPORTS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'},
    )


@router.get("/api/flights/{flight_id}", response_model=FlightPage)
def flight(s: Annotated[Store, Depends(view)], flight_id: str) -> FlightPage:
    found = Flight.get(s, flight_id)
    if found is None:
        raise HTTPException(404, "no such flight")
    track = [TrackPoint.model_validate(r) for r in found.positions().to_pylist()]
    return FlightPage(flight=found.record, track=track)
