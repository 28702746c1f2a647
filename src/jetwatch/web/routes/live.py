"""The live picture: ``/api/aircraft`` (readsb-style filters) and one aircraft."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from jetwatch.flights.query import query
from jetwatch.reference.registry import lookup
from jetwatch.store import picture
from jetwatch.store.db import Store
from jetwatch.web.deps import BOX, CIRCLE, Class, Context, When, context, records, utc_time, view
from jetwatch.web.models import AircraftPage, LivePicture, Trails

router = APIRouter()


@router.get("/api/aircraft", response_model=LivePicture)
def aircraft(
    c: Annotated[Context, Depends(context)],
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
    now, rows, whole = c.live.get(s, utc_time(at), minutes)
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
    chosen = picture.select(rows, **filters)
    return JSONResponse({"now": now, "aircraft": chosen})


@router.get("/api/trails", response_model=Trails)
def trails(
    c: Annotated[Context, Depends(context)],
    s: Annotated[Store, Depends(view)],
    at: When | None = None,
    minutes: Annotated[float, Query(gt=0, le=60)] = 10.0,
    every: Annotated[float, Query(ge=1, le=600)] = 15.0,
) -> Trails:
    now = utc_time(at) or c.live.latest(s)
    return Trails(now=now, trails=picture.trails(s.con, now, minutes, every))


@router.get(
    "/api/aircraft/{icao24}",
    response_model=AircraftPage,
    response_model_exclude_unset=True,
    response_model_exclude={"aircraft": {"sources"}},
)
def one_aircraft(
    c: Annotated[Context, Depends(context)],
    s: Annotated[Store, Depends(view)],
    icao24: str,
    at: When | None = None,
) -> AircraftPage:
    snapshot = c.known.get(s)
    return AircraftPage(
        aircraft=lookup(s, icao24, classes=snapshot),
        trail=picture.trail(s.con, icao24, utc_time(at) or c.live.latest(s)),
        flights=c.searches.get(
            s,
            ("latest", icao24),
            lambda: records(query(s, aircraft=icao24, limit=20, newest=True, classes=snapshot)),
        ),
    )
