"""Finding flights: filters over the stored table, and a flight with its positions.

``query(store, origin="UUWW", on="2023-06-24", cls="business_jet")`` returns an
Arrow table (``.to_pandas()`` or ``polars.from_arrow`` for the others), newest
last. Registry fields (registration, type, operator) and the class are joined at
query time, so a registry imported after the build still shows. ``on``, ``since``
and ``until`` are UTC dates (or date-times) compared with the take-off time, or
with the first-seen time when the take-off was not observed. ``aircraft`` is an
address (6 hex digits) or a registration. ``classes`` takes a snapshot of the
classes (``reference.classes.snapshot``) instead of reading the view, for callers
that query many times. ``newest`` puts the newest first (with ``limit``, the
latest flights).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from jetwatch.errors import JetwatchError
from jetwatch.flights.record import FlightRecord
from jetwatch.store.db import Store

COLUMNS = """f.id, f.icao24, a.registration, a.typecode, c.class, a.operator,
    f.callsigns[1] AS callsign, f.origin, f.destination, f.takeoff, f.landing,
    f.first_seen, f.last_seen, f.origin_distance_km, f.destination_distance_km,
    f.origin_method, f.origin_confidence, f.origin_runway,
    f.origin_reason, f.destination_method, f.destination_confidence, f.destination_runway,
    f.destination_reason, f.origin_country, f.destination_country, f.takeoff_method,
    f.landing_method, f.starts_airborne, f.ends_airborne, f.gaps, f.longest_gap_s,
    f.positions, f.max_altitude, f.path_km, f.touch_and_go, f.callsigns"""


def _date(value: str | dt.date | dt.datetime, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError as exc:
        raise JetwatchError("expected a date like 2023-06-24", value=value, where=name) from exc


def query(
    store: Store,
    *,
    origin: str | None = None,
    destination: str | None = None,
    on: str | dt.date | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    cls: str | None = None,
    aircraft: str | None = None,
    limit: int | None = None,
    newest: bool = False,
    classes: pa.Table | None = None,
) -> pa.Table:
    where: list[str] = ["TRUE"]
    params: list[object] = []
    when = "coalesce(f.takeoff, f.first_seen)"
    if origin:
        where.append("f.origin = ?")
        params.append(origin.upper())
    if destination:
        where.append("f.destination = ?")
        params.append(destination.upper())
    if on is not None:
        day = _date(on, "on")
        where.append(f"{when} >= ? AND {when} < ?")
        params += [day, day + dt.timedelta(days=1)]
    if since is not None:
        where.append(f"{when} >= ?")
        params.append(_date(since, "since"))
    if until is not None:
        where.append(f"{when} < ?")
        params.append(_date(until, "until"))
    if cls:
        where.append("c.class = ?")
        params.append(cls)
    if aircraft:
        where.append(
            "f.icao24 IN (SELECT lower(?) UNION ALL "
            "SELECT icao24 FROM aircraft WHERE upper(registration) = upper(?))"
        )
        params += [aircraft, aircraft]
    relation = "aircraft_classes" if classes is None else "_class_snapshot"
    sql = (
        f"SELECT {COLUMNS} FROM flights f LEFT JOIN aircraft a USING (icao24) "
        f"LEFT JOIN {relation} c USING (icao24) WHERE {' AND '.join(where)} "
        f"ORDER BY {when} {'DESC' if newest else ''}, f.id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    if classes is None:
        return store.con.sql(sql, params=params).to_arrow_table()
    store.con.register(relation, classes)
    try:
        return store.con.sql(sql, params=params).to_arrow_table()
    finally:
        store.con.unregister(relation)


@dataclass(frozen=True)
class Flight:
    """One stored flight: its typed row and, on demand, its positions."""

    record: FlightRecord
    store: Store

    @classmethod
    def get(cls, store: Store, flight_id: str) -> Flight | None:
        rows = store.con.sql(
            f"SELECT {COLUMNS} FROM flights f LEFT JOIN aircraft a USING (icao24) "
            "LEFT JOIN aircraft_classes c USING (icao24) WHERE f.id = ?",
            params=[flight_id],
        ).to_arrow_table()
        if not rows.num_rows:
            return None
        return cls(FlightRecord.model_validate(rows.to_pylist()[0]), store)

    def positions(self) -> pa.Table:
        """Its positions in time order (one per second and feed duplicates included)."""
        return self.store.con.sql(
            "SELECT time, lat, lon, altitude, ground_speed, track, vertical_rate, on_ground, "
            "callsign, source FROM positions WHERE icao24 = ? AND time BETWEEN ? AND ? "
            "ORDER BY time",
            params=[self.record.icao24, self.record.first_seen, self.record.last_seen],
        ).to_arrow_table()


def takeoffs_per_day(store: Store, airports: list[str], cls: str, tz: str) -> dict[str, int]:
    """Observed take-offs of ``cls`` from ``airports`` per local day of ``tz``
    (``YYYY-MM-DD`` → count): flights whose take-off was not seen are not counted."""
    rows = store.con.execute(
        "SELECT CAST(timezone(?, f.takeoff::TIMESTAMPTZ) AS DATE)::VARCHAR AS day, count(*) "
        "FROM flights f JOIN aircraft_classes c USING (icao24) "
        "WHERE c.class = ? AND list_contains(?, f.origin) AND f.takeoff IS NOT NULL "
        "GROUP BY day ORDER BY day",
        [tz, cls, airports],
    ).fetchall()
    return {str(day): int(n) for day, n in rows}
