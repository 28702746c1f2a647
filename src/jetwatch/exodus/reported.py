"""Another system's account of the same departures, set beside jetwatch's.

OpenSky's flights endpoints (``jetwatch fetch opensky``, stored in
``reported_flights``) give OpenSky's own estimate of each departure: the airport
(``estDepartureAirport``) and when its receivers first heard the aircraft
(``firstSeen``). For a scope and a local day, :func:`compare` takes the reported
departures from the scope's airports whose ``firstSeen`` falls in the day, sorts
them by class as jetwatch's count does (``aircraft_classes``: in the class, or of a
class no registry settled, counted apart), and pairs them with jetwatch's
departures of the day: the same aircraft, jetwatch's take-off within
:data:`MATCH_S` of OpenSky's ``firstSeen`` (which can come minutes before a
take-off, on the taxiway, or after it, once a receiver hears the climb).

The comparison is stated beside the verdict and never changes it: the two
systems hear through different receivers, and where they differ is for a reader to
weigh. A day no OpenSky fetch covered gives None, not zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa

from jetwatch.exodus.departures import UNSURE, Scope
from jetwatch.store.db import Store

SOURCE = "opensky"
MATCH_S = 20 * 60


@dataclass(frozen=True)
class Reported:
    """How another system's departures compare with jetwatch's, for one scope and day."""

    source: str
    departures: int  # in the class (all classes when none was asked)
    unknown_class: int  # of a class no registry settled
    matched: int  # of ``departures`` also among jetwatch's
    only_reported: list[dict[str, Any]] = field(default_factory=list)
    only_jetwatch: list[dict[str, Any]] = field(default_factory=list)

    def sentence(self, what: str) -> str:
        extra = f" (and {self.unknown_class} of unknown class)" if self.unknown_class else ""
        return (
            f"{self.source} reports {self.departures} {what}{extra}; {self.matched} of them "
            f"are among jetwatch's, {len(self.only_reported)} only in {self.source}'s, "
            f"{len(self.only_jetwatch)} only in jetwatch's (a second account through other "
            "receivers: it does not change the verdict)"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _covered(store: Store, since: dt.datetime, until: dt.datetime) -> bool:
    days = [since.date() + dt.timedelta(days=k) for k in range((until - since).days + 2)]
    (row,) = store.con.execute(
        "SELECT count(*) FROM fetches WHERE source = ? AND day IN (SELECT unnest(?::DATE[]))",
        [SOURCE, days],
    ).fetchall()
    return bool(row[0])


def compare(
    store: Store, where: Scope, since: dt.datetime, until: dt.datetime, ours: pa.Table
) -> Reported | None:
    """OpenSky's departures in ``[since, until)`` (naive UTC) beside ``ours`` (jetwatch's
    departures of the class: ``icao24``, ``callsign``, ``origin``, ``time``)."""
    theirs = store.con.sql(
        f"""
        SELECT r.icao24, r.callsign, r.departure, r.first_seen,
            $cls IS NULL OR coalesce(c.class = $cls, false) AS in_class,
            $cls IS NOT NULL AND {UNSURE} AS unsure
        FROM reported_flights r LEFT JOIN aircraft_classes c ON c.icao24 = r.icao24
        WHERE r.source = $source AND list_contains($codes, r.departure)
            AND r.first_seen >= $since AND r.first_seen < $until
        ORDER BY r.first_seen
        """,
        params={
            "cls": where.cls,
            "source": SOURCE,
            "codes": list(where.airports),
            "since": since,
            "until": until,
        },
    ).to_arrow_table()
    if theirs.num_rows == 0 and not _covered(store, since, until):
        return None
    store.con.register("_ours", ours.select(["icao24", "callsign", "origin", "time"]))
    store.con.register("_theirs", theirs)
    try:
        store.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _pairs AS
            SELECT t.icao24, t.first_seen, o.time
            FROM _theirs t JOIN _ours o ON o.icao24 = t.icao24
                AND abs(epoch(o.time) - epoch(t.first_seen)) <= {MATCH_S}
            WHERE t.in_class
            """
        )
        ((departures, unknown),) = store.con.execute(
            "SELECT count(*) FILTER (in_class), count(*) FILTER (NOT in_class AND unsure) "
            "FROM _theirs"
        ).fetchall()
        only_reported = (
            store.con.sql(
                "SELECT icao24, callsign, departure, first_seen FROM _theirs t WHERE in_class "
                "AND NOT EXISTS (SELECT 1 FROM _pairs p WHERE p.icao24 = t.icao24 "
                "AND p.first_seen = t.first_seen) ORDER BY first_seen"
            )
            .to_arrow_table()
            .to_pylist()
        )
        only_jetwatch = (
            store.con.sql(
                "SELECT icao24, callsign, origin, time FROM _ours o WHERE NOT EXISTS "
                "(SELECT 1 FROM _pairs p WHERE p.icao24 = o.icao24 AND p.time = o.time) "
                "ORDER BY time"
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        store.con.execute("DROP TABLE IF EXISTS _pairs")
        store.con.unregister("_ours")
        store.con.unregister("_theirs")
    return Reported(
        source=SOURCE,
        departures=int(departures),
        unknown_class=int(unknown),
        matched=int(departures) - len(only_reported),
        only_reported=only_reported,
        only_jetwatch=only_jetwatch,
    )
