"""Writers of simulated data in every format jetwatch reads, one file per UTC day.

Rows arrive in batches in any time order; :meth:`Sink.flush` writes, sorted by
time, every row older than a given time (the simulator knows no later flight can
add to them) and :meth:`Sink.close` writes the rest. Files:

- ``opensky/states_<day>.parquet``: OpenSky ``state_vectors_data4`` columns, SI
  units (m, m/s), one row group per flushed hour;
- ``readsb/<day>/traces/<xx>/trace_full_<hex>.json``: readsb globe_history traces,
  one per aircraft and day (``xx``: the last two hex digits), a new-leg flag and a
  ``details`` object at the first point of each flight;
- ``beast/<receiver>_<day>.bin``: Beast binary, 12 MHz clock counted from the
  day's midnight UTC, escaped;
- ``avr/<receiver>_<day>.avr``: ``@<clock><frame>;`` lines, same clock;

Where a format has room for it, the file says it is simulated: a ``# SIMULATED…``
comment line first in AVR, ``jetwatch`` metadata in the Parquet schema, a
``jetwatch`` key in readsb traces. Beast and SBS have none: their directory has
``SIMULATED.txt`` and the manifest.
- ``sbs/<receiver>_<day>.sbs``: port-30003 lines, one per received message
  (MSG,1 identification, MSG,3 airborne position, MSG,2 surface position, MSG,4
  velocity).

The first-frame time of each Beast/AVR file (what ``jetwatch ingest --start``
needs) is recorded and goes to the manifest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jetwatch.sim.scenario import SIMULATED
from jetwatch.sources import avr, beast, sbs
from jetwatch.units import FPM_PER_MS, FT_PER_M, KT_PER_MS

CLOCK_HZ = 12_000_000


def day_of(t: float) -> dt.date:
    return dt.datetime.fromtimestamp(t, dt.UTC).date()


def midnight(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()


class Sink:
    """Buffers an Arrow table by time and writes it out in time order, per UTC day."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parts: list[pa.Table] = []
        self.files: dict[Path, dict[str, object]] = {}

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.parts.append(table)

    def flush(self, before: float) -> None:
        if not self.parts:
            return
        table = pa.concat_tables(self.parts)
        t = table.column("time").to_numpy()
        old = t < before
        self.parts = [table.filter(pa.array(~old))] if (~old).any() else []
        if old.any():
            done = table.filter(pa.array(old))
            self._by_day(done.take(pc.sort_indices(done, [("time", "ascending")])))

    def _by_day(self, table: pa.Table) -> None:
        t = table.column("time").to_numpy()
        days = (t // 86400).astype(np.int64)
        for d in np.unique(days):
            rows = np.flatnonzero(days == d)
            self.write(day_of(float(d) * 86400.0), table.take(pa.array(rows)))

    def close(self) -> None:
        self.flush(float("inf"))
        self.finish()

    def write(self, day: dt.date, table: pa.Table) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Close open files."""

    def _note(self, path: Path, fmt: str, rows: int, **extra: object) -> None:
        entry = self.files.setdefault(path, {"format": fmt, "records": 0, **extra})
        entry["records"] = int(entry["records"]) + rows  # type: ignore[call-overload]


class OpenSkySink(Sink):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writers: dict[dt.date, pq.ParquetWriter] = {}

    def write(self, day: dt.date, table: pa.Table) -> None:
        t = table.column("time").to_numpy()
        sec = np.floor(t).astype(np.int64)
        out = pa.table(
            {
                "time": sec,
                "icao24": table.column("icao24"),
                "lat": table.column("lat"),
                "lon": table.column("lon"),
                "velocity": pc.divide(table.column("ground_speed"), KT_PER_MS),
                "heading": table.column("track"),
                "vertrate": pc.divide(table.column("vertical_rate"), FPM_PER_MS),
                "callsign": table.column("callsign"),
                "onground": table.column("on_ground"),
                "alert": pa.array(np.zeros(len(t), dtype=bool)),
                "spi": pa.array(np.zeros(len(t), dtype=bool)),
                "squawk": table.column("squawk"),
                "baroaltitude": pc.divide(table.column("altitude"), FT_PER_M),
                "geoaltitude": pc.divide(table.column("geo_altitude"), FT_PER_M),
                "lastposupdate": t,
                "lastcontact": t,
                "hour": sec - sec % 3600,
            }
        )
        writer = self.writers.get(day)
        path = self.root / "opensky" / f"states_{day}.parquet"
        if writer is None:
            for old in list(self.writers):
                self.writers.pop(old).close()
            path.parent.mkdir(parents=True, exist_ok=True)
            schema = out.schema.with_metadata({"jetwatch": SIMULATED})
            writer = self.writers[day] = pq.ParquetWriter(path, schema, compression="zstd")
        writer.write_table(out)
        self._note(path, "opensky", out.num_rows)

    def finish(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()


class TraceSink(Sink):
    """readsb traces: a day's points are kept until the day is complete."""

    def __init__(self, root: Path, aircraft: dict[str, tuple[str, str, str]]) -> None:
        super().__init__(root)
        self.aircraft = aircraft  # icao24 -> (registration, type, description)
        self.day: dt.date | None = None
        self.pending: list[pa.Table] = []

    def write(self, day: dt.date, table: pa.Table) -> None:
        if self.day is not None and day != self.day:
            self._dump()
        self.day = day
        self.pending.append(table)

    def finish(self) -> None:
        self._dump()

    def _dump(self) -> None:
        if self.day is None or not self.pending:
            return
        table = pa.concat_tables(self.pending)
        self.pending = []
        day = self.day
        order = pc.sort_indices(table, [("icao24", "ascending"), ("time", "ascending")])
        cols = table.take(order).to_pydict()
        start = 0
        n = len(cols["time"])
        while start < n:
            icao = cols["icao24"][start]
            end = start
            while end < n and cols["icao24"][end] == icao:
                end += 1
            self._one(day, icao, {k: v[start:end] for k, v in cols.items()})
            start = end

    def _one(self, day: dt.date, icao: str, c: dict[str, list]) -> None:
        t0 = c["time"][0]
        trace = []
        last_flight = None
        for k in range(len(c["time"])):
            new_leg = c["flight_id"][k] != last_flight
            last_flight = c["flight_id"][k]
            details = (
                {
                    "flight": (c["callsign"][k] or "").ljust(8),
                    "squawk": c["squawk"][k],
                    "category": c["category"][k],
                    "type": "adsb_icao",
                }
                if new_leg
                else None
            )
            ground = c["on_ground"][k]
            trace.append(
                [
                    round(c["time"][k] - t0, 2),
                    round(c["lat"][k], 6),
                    round(c["lon"][k], 6),
                    "ground" if ground else int(round(c["altitude"][k])),
                    round(c["ground_speed"][k], 1),
                    round(c["track"][k], 1),
                    2 if new_leg else 0,
                    None if ground else int(round(c["vertical_rate"][k])),
                    details,
                    "adsb_icao",
                    None if ground else int(round(c["geo_altitude"][k])),
                    None,
                    None,
                    None,
                ]
            )
        reg, typecode, desc = self.aircraft.get(icao, ("", "", ""))
        doc = {
            "icao": icao,
            "r": reg,
            "t": typecode,
            "dbFlags": 0,
            "desc": desc,
            "timestamp": t0,
            "jetwatch": SIMULATED,
            "trace": trace,
        }
        path = self.root / "readsb" / str(day) / "traces" / icao[-2:] / f"trace_full_{icao}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(doc))
        self._note(path, "readsb_trace", len(trace))


def fixed_bytes(column: pa.ChunkedArray, width: int) -> npt.NDArray[np.uint8]:
    """A fixed-size binary column as an (N, width) byte matrix."""
    arr = pa.concat_arrays(column.chunks) if column.num_chunks else pa.array([], pa.binary(width))
    if not len(arr):
        return np.empty((0, width), dtype=np.uint8)
    data = np.frombuffer(arr.buffers()[1], dtype=np.uint8)
    return data[arr.offset * width : (arr.offset + len(arr)) * width].reshape(-1, width)


def fixed_column(msg: npt.NDArray[np.uint8]) -> pa.Array:
    """An (N, width) byte matrix as a fixed-size binary Arrow array."""
    n, width = msg.shape
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), n, [None, pa.py_buffer(np.ascontiguousarray(msg).tobytes())]
    )


class RawSink(Sink):
    """Beast or AVR capture of one receiver: rows ``time``, ``frame`` (14 bytes), ``signal``."""

    def __init__(self, root: Path, receiver: str, fmt: str) -> None:
        super().__init__(root)
        self.receiver = receiver
        self.fmt = fmt

    def write(self, day: dt.date, table: pa.Table) -> None:
        t = table.column("time").to_numpy()
        clock = np.round((t - midnight(day)) * CLOCK_HZ).astype(np.uint64)
        frames = fixed_bytes(table.column("frame"), 14)
        nbytes = np.full(len(t), 14)
        suffix = "bin" if self.fmt == "beast" else "avr"
        path = self.root / self.fmt / f"{self.receiver}_{day}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "beast":
            blob = beast.encode_matrix(frames, nbytes, clock, table.column("signal").to_numpy())
        else:
            blob = avr.format_matrix(frames, nbytes, clock)
            if not path.exists():
                blob = f"# {SIMULATED}\n".encode() + blob
        with path.open("ab") as fh:
            fh.write(blob)
        first = float(t[0])
        entry = self.files.get(path)
        self._note(path, self.fmt, len(t), receiver=self.receiver, start=first)
        if entry is not None:
            entry["start"] = min(float(entry["start"]), first)  # type: ignore[arg-type]


class SbsSink(Sink):
    """Port-30003 lines of one receiver's decoded messages (``kind``: 1, 2, 3 or 4)."""

    def __init__(self, root: Path, receiver: str) -> None:
        super().__init__(root)
        self.receiver = receiver

    def write(self, day: dt.date, table: pa.Table) -> None:
        lines = sbs.format_table(table)
        path = self.root / "sbs" / f"{self.receiver}_{day}.sbs"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as fh:
            fh.write(("\r\n".join(lines) + "\r\n").encode())
        self._note(path, "sbs", len(lines), receiver=self.receiver)


def files_of(sinks: list[Sink]) -> dict[Path, dict[str, object]]:
    found: dict[Path, dict[str, object]] = defaultdict(dict)
    for sink in sinks:
        for path, entry in sink.files.items():
            found[path].update(entry)
    return dict(found)
