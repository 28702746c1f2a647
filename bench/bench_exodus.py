"""Exodus speed: one area-day against a 4-week baseline, and every built-in area.

    python bench/bench_exodus.py [--db /tmp/jetwatch-bench-flights/store-16.duckdb]

The store is the one ``bench_flights.py --scale 16`` leaves (29 days of the
simulated Moscow preset at 16 times its traffic: about 10^8 positions and 2x10^5
flights, built). Times, after one warm-up call:

- ``exodus(area="moscow", cls="business_jet", on="2023-06-24")``;
- the same for every class at once (``cls=None``);
- every built-in area (``jetwatch areas``), every class, the same day.

No peer is run: none of rs1090, pyModeS or traffic has a departures baseline.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jetwatch.exodus.analysis import exodus
from jetwatch.reference import areas
from jetwatch.store.db import Store


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    fn()
    seconds = time.perf_counter() - began
    print(f"{label}: {seconds:.3f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--db", type=Path, default=Path("/tmp/jetwatch-bench-flights/store-16.duckdb")
    )
    args = parser.parse_args()
    with Store(args.db) as store:
        n = store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
        f = store.con.execute("SELECT count(*) FROM flights").fetchall()[0][0]
        print(f"store: {n:,} positions, {f:,} flights")

        def one(cls: str | None, area: str = "moscow") -> None:
            exodus(store, area=area, cls=cls, on="2023-06-24", save=False)

        one("business_jet")
        timed("moscow, business_jet, one day + 4 weeks", lambda: one("business_jet"))
        timed("moscow, all classes", lambda: one(None))
        names = sorted(areas.load())
        timed(
            f"all {len(names)} built-in areas, all classes", lambda: [one(None, a) for a in names]
        )


if __name__ == "__main__":
    main()
