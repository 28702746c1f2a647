"""The library in a notebook, as traffic and sqlite-utils are used::

    import jetwatch
    jw = jetwatch.open("jetwatch.duckdb")
    jw.flights(origin="UUWW", on="2023-06-24", cls="business_jet")   # a table in Jupyter
    jw.exodus(area="moscow", cls="business_jet", on="2023-06-24").to_pandas()
    jw.check(area="moscow", cls="business_jet", on="2023-06-24", at_least=15).verdict
    jw.aircraft("RA-96022")
    jw.flights(aircraft="RA-96022").to_traffic()   # with traffic installed

Every verb returns a typed result (:mod:`jetwatch.results`): ``to_dict()``,
``to_arrow()``, ``to_pandas()`` and an HTML view. Nothing here is new logic: the
verbs call the same functions as the CLI and the web app.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa

from jetwatch.errors import JetwatchError
from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.baseline import Baseline
from jetwatch.exodus.claims import check_aircraft, check_departures
from jetwatch.exodus.result import ExodusResult
from jetwatch.exodus.verdict import AircraftVerdict, DeparturesVerdict
from jetwatch.flights.query import query
from jetwatch.flights.record import FlightRecord
from jetwatch.reference.registry import AircraftInfo, lookup
from jetwatch.results import Table
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists
from jetwatch.watch.alerts import AlertRecord

TRAFFIC_COLUMNS = """f.id AS flight_id, p.time AS timestamp, p.icao24, p.callsign,
    p.lat AS latitude, p.lon AS longitude, p.altitude, p.ground_speed AS groundspeed,
    p.track, p.vertical_rate, p.on_ground"""


class Flights(Table[FlightRecord]):
    """Flights as a table, and (:meth:`to_traffic`) as traffic's ``Traffic``."""

    row = FlightRecord

    def __init__(self, table: pa.Table, store: Store) -> None:
        super().__init__(table)
        self.store = store

    def positions(self) -> pa.Table:
        """Every stored position of these flights, with the flight's id, in traffic's
        column names (``timestamp``, ``latitude``, ``groundspeed`` …; ft, kt, ft/min)."""
        self.store.con.register("_wanted", self.table.select(["id"]))
        try:
            return self.store.con.sql(
                f"SELECT {TRAFFIC_COLUMNS} FROM flights f SEMI JOIN _wanted w ON w.id = f.id "
                "JOIN positions p ON p.icao24 = f.icao24 "
                "AND p.time BETWEEN f.first_seen AND f.last_seen ORDER BY f.id, p.time"
            ).to_arrow_table()
        finally:
            self.store.con.unregister("_wanted")

    def to_traffic(self) -> Any:
        """A ``traffic.core.Traffic`` of these flights (``flight_id`` is jetwatch's id)."""
        try:
            from traffic.core import Traffic
        except ImportError as exc:
            raise JetwatchError("to_traffic needs traffic: pip install traffic") from exc
        frame = self.positions().to_pandas()
        frame["timestamp"] = frame["timestamp"].dt.tz_localize("UTC")
        return Traffic(frame)


class Alerts(Table[AlertRecord]):
    row = AlertRecord


class Jetwatch:
    """A store, with the library's verbs."""

    def __init__(self, db: Path | str, read_only: bool = False) -> None:
        self.store = Store(db, read_only=read_only)

    def flights(self, **filters: Any) -> Flights:
        """Stored flights: ``origin``, ``destination``, ``on``, ``since``, ``until``,
        ``cls``, ``aircraft``, ``limit``, ``newest`` (:func:`jetwatch.flights.query.query`)."""
        return Flights(query(self.store, **filters), self.store)

    def exodus(
        self, *, on: str | dt.date, method: str | Baseline = "negbin", **scope: Any
    ) -> ExodusResult:
        """Departures of a class from an area or airport against the baseline (not saved)."""
        return exodus(self.store, on=on, method=method, save=False, **scope).result()

    def check(
        self, aircraft: str | None = None, **claim: Any
    ) -> DeparturesVerdict | AircraftVerdict:
        """A verdict: on an aircraft (``left=`` or ``arrived=``, ``on=``) when one is
        named, else on a count of departures (``at_least=`` or ``at_most=``)."""
        if aircraft is not None:
            return check_aircraft(self.store, aircraft, **claim)
        return check_departures(self.store, **claim)

    def aircraft(self, query: str) -> AircraftInfo:
        """What is known of an aircraft, by hex address or registration."""
        return lookup(self.store, query)

    def alerts(self, limit: int = 50) -> Alerts:
        return Alerts(alerts.latest(self.store, limit))

    def watchlist(self) -> list[lists.Entry]:
        return lists.entries(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Jetwatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"jetwatch.open({str(self.store.path)!r})"
