"""What a store holds, at a glance: aircraft and positions per UTC day and per
class, and the watched aircraft heard in the last day of data (the demo's summary,
``jetwatch demo``)."""

from __future__ import annotations

from dataclasses import dataclass

from jetwatch.store.db import Store


@dataclass(frozen=True)
class Overview:
    per_day: list[tuple[object, ...]]  # (day, aircraft, positions)
    per_class: list[tuple[object, ...]]  # (class, aircraft, positions), most positions first
    watched: list[tuple[object, ...]]  # (registration, type, categories, first, last, positions)


def overview(store: Store) -> Overview:
    con = store.con
    per_day = con.execute(
        "SELECT CAST(time AS DATE) AS day, count(DISTINCT icao24), count(*) "
        "FROM positions GROUP BY day ORDER BY day"
    ).fetchall()
    per_class = con.execute(
        "SELECT coalesce(c.class, 'unknown'), count(DISTINCT p.icao24), count(*) "
        "FROM positions p LEFT JOIN aircraft_classes c USING (icao24) "
        "GROUP BY 1 ORDER BY 3 DESC"
    ).fetchall()
    watched = con.execute(
        "SELECT a.registration, a.typecode, array_to_string(a.categories, ', '), "
        "min(p.time), max(p.time), count(*) "
        "FROM positions p JOIN aircraft a USING (icao24) "
        "WHERE len(a.categories) > 0 AND p.time >= (SELECT max(time) FROM positions) "
        "- INTERVAL 1 DAY GROUP BY ALL ORDER BY 4"
    ).fetchall()
    return Overview(per_day, per_class, watched)
