"""Flight search and one flight with its track."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from jetwatch.flights.query import Flight, query
from jetwatch.store.db import Store
from jetwatch.web.deps import Class, Context, Day, context, records, view
from jetwatch.web.models import FlightList, FlightPage, TrackPoint

router = APIRouter()


@router.get("/api/flights", response_model=FlightList)
def flights(
    c: Annotated[Context, Depends(context)],
    s: Annotated[Store, Depends(view)],
    origin: str | None = None,
    destination: str | None = None,
    on: Day | None = None,
    cls: Annotated[Class | None, Query(alias="class")] = None,
    aircraft: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> Response:
    # kept as JSON until the flights change: the typed rows are made and written once
    key = (origin, destination, on, cls, aircraft, limit)
    body = c.searches.get(
        s,
        key,
        lambda: FlightList(
            flights=records(
                query(
                    s,
                    origin=origin,
                    destination=destination,
                    on=on,
                    cls=cls.value if cls else None,
                    aircraft=aircraft,
                    limit=limit,
                    classes=c.known.get(s),
                )
            )
        ).model_dump_json(by_alias=True),
    )
    return Response(body, media_type="application/json")


@router.get("/api/flights/{flight_id}", response_model=FlightPage)
def flight(s: Annotated[Store, Depends(view)], flight_id: str) -> FlightPage:
    found = Flight.get(s, flight_id)
    if found is None:
        raise HTTPException(404, "no such flight")
    track = [TrackPoint.model_validate(r) for r in found.positions().to_pylist()]
    return FlightPage(flight=found.record, track=track)
