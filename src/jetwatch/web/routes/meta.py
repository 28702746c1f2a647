"""Version and labels, named areas, country borders and the API reference page."""

import functools
import json
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from jetwatch import __version__
from jetwatch.reference import areas as areas_lib
from jetwatch.reports import borders
from jetwatch.store.db import Store
from jetwatch.web.deps import STATIC, Context, context, view
from jetwatch.web.models import Area, Areas, Borders, Info

router = APIRouter()


@router.get("/api/info", response_model=Info)
def info(c: Annotated[Context, Depends(context)], s: Annotated[Store, Depends(view)]) -> Info:
    return Info(
        version=__version__,
        labels=c.live.labels(s),
        latest=c.live.latest(s),
        editable=bool(c.cfg.token),
        tiles=c.cfg.tiles,
        tiles_attribution=c.cfg.tiles_attribution,
    )


@router.get("/api/areas", response_model=Areas)
def areas() -> Areas:
    return Areas(
        areas=[
            Area(
                name=a.name,
                title=a.title,
                airports=list(a.airports),
                centre=list(a.centre) if a.centre else None,
                radius_km=a.radius_km,
            )
            for a in areas_lib.load().values()
        ]
    )


@router.get("/api/borders", response_model=Borders)
def borders_geojson() -> Response:
    return Response(
        _borders(),
        media_type="application/geo+json",
        headers={"Cache-Control": "max-age=86400"},
    )


@router.get("/docs", include_in_schema=False)
def api_reference() -> Response:
    return Response((STATIC / "api.html").read_bytes(), media_type="text/html")


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
