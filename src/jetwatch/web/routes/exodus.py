"""The exodus analysis and the evidence reports."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.result import ExodusResult
from jetwatch.reports import aircraft as aircraft_report
from jetwatch.reports import exodus as exodus_report
from jetwatch.reports import page
from jetwatch.store.db import Store
from jetwatch.web.deps import BUSINESS_JET, ICAO, REPORT_PROBLEMS, Class, Day, view

router = APIRouter()


@router.get("/api/exodus", response_model=ExodusResult, response_model_exclude_unset=True)
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


@router.get("/api/report/exodus", response_class=HTMLResponse, responses=REPORT_PROBLEMS)
def report(
    s: Annotated[Store, Depends(view)],
    on: Day,
    area: str | None = None,
    airport: Annotated[str | None, Query(pattern=ICAO)] = None,
    cls: Annotated[Class, Query(alias="class")] = BUSINESS_JET,
) -> HTMLResponse:
    html, _ = exodus_report.render(s, area=area, airport=airport, cls=cls.value, on=on)
    return HTMLResponse(html, headers={"Content-Security-Policy": page.CSP})


@router.get("/api/report/aircraft", response_class=HTMLResponse, responses=REPORT_PROBLEMS)
def aircraft_report_html(
    s: Annotated[Store, Depends(view)],
    aircraft: str,
    on: Day,
    left: str | None = None,
    arrived: str | None = None,
) -> HTMLResponse:
    html, _ = aircraft_report.render(s, aircraft, on=on, left=left, arrived=arrived)
    return HTMLResponse(html, headers={"Content-Security-Policy": page.CSP})
