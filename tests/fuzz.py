"""A mutation fuzzer for every reader, seeded with real recordings.

Each case is a real seed (:data:`SEEDS`), cut to a few kilobytes and mutated by one to
three of :data:`MUTATORS` (bit flips, truncation, insertion, duplication, huge lines,
NUL runs, a BOM, other text encodings, compression truncated or damaged). A case is
rebuilt from ``(reader, case number)`` alone, so a failure names a case that
``python -m tests.fuzz --reader R --case N --write FILE`` writes out again.

Every case is read with its reader forced, as ``jetwatch ingest --format R`` would,
and by detection. A case passes when nothing raises but a
:class:`~jetwatch.errors.JetwatchError`, every position is within physical bounds
(:func:`check_positions`), and it finishes within :data:`HANG_S`. Cases run in two
worker processes; a worker that dies or stops answering is a crash or a hang.

``python -m tests.fuzz --cases 100000`` is the long mode (``tests/sources/test_fuzz.py``
runs :data:`CI_CASES` per reader in CI).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import multiprocessing as mp
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import zstandard

CI_CASES = 10_000
HANG_S = 20.0
SEED_BYTES = 6000
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "jetwatch" / "data"
JSONL = "traffic/messages/full_flight_short.jsonl.gz"


def _gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def _real(name: str) -> Path:
    from tests.conftest import HAVE_SHARED, SHARED, SNIPPETS

    return SHARED / name if HAVE_SHARED else SNIPPETS / name


def _opensky_csv() -> bytes:
    import duckdb

    path = _real("traffic/opensky_impala/state_vectors_RYR2RG_4d2271_20220202.parquet")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "states.csv"
        duckdb.sql(
            "COPY (SELECT * EXCLUDE (serials, hour) REPLACE (CAST(epoch(time) AS BIGINT) AS time)"
            f" FROM read_parquet('{path}') LIMIT 60) TO '{out}' (HEADER)"
        )
        return out.read_bytes()


def _hexcsv_with_address() -> bytes:
    """The jet1090 capture as pyModeS writes its samples: ``time,frame,address``."""
    import orjson

    rows = (orjson.loads(x) for x in _gunzip(_real(JSONL)).splitlines()[:400])
    return b"".join(f"{r['timestamp']},{r['frame']},{r['icao24']}\n".encode() for r in rows)


def _short_trace() -> bytes:
    """The readsb trace with its first 300 points (the document's shape kept)."""
    import orjson

    doc = orjson.loads(_gunzip(_real("traffic/readsb/trace_full_ac671b.json.gz")))
    doc["trace"] = doc["trace"][:300]
    return orjson.dumps(doc)


def _globe_tar() -> bytes:
    """A globe_history-style tar: the short trace (gzip, named .json) and SBS lines."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in (
            ("traces/1b/trace_full_ac671b.json", gzip.compress(_short_trace(), mtime=0)),
            ("logs/a.sbs", _gunzip(DATA / "klm-port30003.sbs.gz")[:3000]),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _opensky_rest() -> bytes:
    """Real OpenSky state vectors (RYR2RG) as the REST API's answers, one per line:
    states/all every 10 s, then the aircraft's track and a flights answer."""
    import orjson
    import pyarrow.parquet as pq

    rows = pq.read_table(
        _real("traffic/opensky_impala/state_vectors_RYR2RG_4d2271_20220202.parquet")
    ).to_pylist()
    rows = sorted((r for r in rows if r["lat"] is not None), key=lambda r: r["time"])[:300]
    lines = []
    for r in rows[::10]:
        state = [
            r["icao24"], r["callsign"], "Ireland", r["lastposupdate"], r["lastcontact"],
            r["lon"], r["lat"], r["baroaltitude"], r["onground"], r["velocity"], r["heading"],
            r["vertrate"], None, r["geoaltitude"], r["squawk"], r["spi"], 0, 4,
        ]  # fmt: skip
        lines.append({"time": int(r["time"].timestamp()), "states": [state]})
    first, last = (int(r["time"].timestamp()) for r in (rows[0], rows[-1]))
    path = [
        [int(r["time"].timestamp()), r["lat"], r["lon"], r["baroaltitude"], r["heading"],
         r["onground"]]
        for r in rows[::5]
    ]  # fmt: skip
    lines.append({"icao24": rows[0]["icao24"], "callsign": "RYR2RG", "startTime": first,
                  "endTime": last, "path": path})  # fmt: skip
    flight = {"icao24": rows[0]["icao24"], "firstSeen": first, "estDepartureAirport": "EIDW",
              "lastSeen": last, "estArrivalAirport": None, "callsign": "RYR2RG  "}  # fmt: skip
    return b"".join(orjson.dumps(doc) + b"\n" for doc in [*lines, [flight]])


def _heatmap() -> bytes:
    """The real trace of N899DN as readsb's heatmap of its first half hour."""
    import orjson

    from tests.heatmaps import heatmap

    doc = orjson.loads(_gunzip(_real("traffic/readsb/trace_full_ac671b.json.gz")))
    first = int(doc["timestamp"] + doc["trace"][0][0]) // 1800 * 1800
    return heatmap([doc], first)


def _derived(name: str) -> Callable[[], bytes]:
    return lambda: (ROOT / "tests" / "data" / "real" / "derived" / name).read_bytes()


# reader -> seeds (each a function giving real bytes, decompressed)
SEEDS: dict[str, list[Callable[[], bytes]]] = {
    "avr": [lambda: _gunzip(DATA / "afr34zg-cdg.avr.gz")],
    "beast": [lambda: _gunzip(DATA / "klm-beast.bin.gz")],
    "sbs": [lambda: _gunzip(DATA / "klm-port30003.sbs.gz")],
    "hexcsv": [lambda: _gunzip(_real("rs1090/long_flight.csv.gz")), _hexcsv_with_address],
    "jsonl": [lambda: _gunzip(_real(JSONL))],
    "opensky": [
        _opensky_csv,
        lambda: _real(
            "traffic/opensky_impala/state_vectors_RYR2RG_4d2271_20220202.parquet"
        ).read_bytes(),
    ],
    "opensky_raw": [
        lambda: _real(
            "traffic/opensky_impala/rollcall_replies_4b1901_20240406.parquet"
        ).read_bytes()
    ],
    "opensky_rest": [_opensky_rest],
    "readsb_trace": [_short_trace],
    "tar": [_globe_tar],
    "aircraft_json": [_derived("aircraft.json")],
    "adsbx_v2": [_derived("v2-point.json")],
    "heatmap": [_heatmap],
}


@cache
def seeds(fmt: str) -> list[bytes]:
    """The seeds of a reader, cut to about :data:`SEED_BYTES` (whole for JSON
    documents and Parquet, whose structure a cut would lose)."""
    out = []
    for make in SEEDS[fmt]:
        data = make()
        whole = data.startswith(b"PAR1") or fmt in (
            "readsb_trace",
            "aircraft_json",
            "adsbx_v2",
            "tar",
            "heatmap",
        )
        if not whole:
            cut = data.find(b"\n", SEED_BYTES)
            data = data[: cut + 1] if cut > 0 and fmt != "beast" else data[:SEED_BYTES]
        out.append(data)
    return out


# --- mutators: (rng, data) -> data ---------------------------------------------------


def flip(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if buf:
            k = rng.randrange(len(buf))
            buf[k] ^= 1 << rng.randrange(8)
    return bytes(buf)


def overwrite(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.choice(b'\x00\x1a\n\r,;{}[]"*@-9.eE~\xff')
    return bytes(buf)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data) + 1)
    return data[:k] + rng.randbytes(rng.randint(1, 64)) + data[k:]


def duplicate(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 2000))
    k = rng.randrange(len(data) + 1)
    return data[:k] + data[a:b] * rng.randint(1, 20) + data[k:]


def huge_line(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data) + 1)
    unit = rng.choice([b"A", b"8D", b"9", b"{", b",", b"\x1a", b"[1,", b'"a":'])
    return data[:k] + unit * (rng.randint(70_000, 300_000) // len(unit)) + data[k:]


def nul(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data) + 1)
    return data[:k] + b"\x00" * rng.randint(1, 5000) + data[k:]


def bom(rng: random.Random, data: bytes) -> bytes:
    return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data


def encoding(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("latin-1")
    kind = rng.choice(["utf-16", "utf-16-be", "utf-32", "cp1252-high", "unicode-digits"])
    if kind == "cp1252-high":
        return bytes(b | 0x80 if rng.random() < 0.05 else b for b in data)
    if kind == "unicode-digits":  # digits that Python's float() and int() accept
        return text.translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"}).encode()
    return text.encode(kind)


def compress(rng: random.Random, data: bytes) -> bytes:
    kind = rng.choice(["gz", "bz2", "xz", "zst"])
    packed = {
        "gz": lambda: gzip.compress(data, mtime=0),
        "bz2": lambda: bz2.compress(data),
        "xz": lambda: lzma.compress(data),
        "zst": lambda: zstandard.ZstdCompressor().compress(data),
    }[kind]()
    damage = rng.choice(["none", "truncate", "flip", "header"])
    if damage == "truncate":
        return packed[: rng.randrange(len(packed) + 1)]
    if damage == "flip" and packed:
        return flip(rng, packed)
    if damage == "header" and len(packed) > 4:
        k = rng.randrange(3, min(10, len(packed)))
        return packed[:k] + bytes([packed[k] ^ 0xFF]) + packed[k + 1 :]
    return packed


HOSTILE_CELLS = [
    b"",
    b"1e999",
    b"-1e999",
    b"nan",
    b"inf",
    b"-0",
    b"99999999999999999999",
    b"-4e18",
    b"1406B9000000000000000",
    b"ground",
    b"true",
    b"\xd9\xa3",
    b"0x1F",
    b"1_000",
    b"<img src=x onerror=alert(1)>",
    b"A" * 300,
    b"9999-99-99",
    b"25:61:61.5",
    b"~",
]
HOSTILE_VALUES: list[object] = [
    1e308,
    -1e308,
    10**30,
    -(10**30),
    2**63,
    0,
    -1,
    360.5,
    100_000_000,
    "ground",
    "9" * 40,
    "x" * 10_000,
    "<script>alert(1)</script>",
    None,
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
    "",
]


def cells(rng: random.Random, data: bytes) -> bytes:
    """Replace cells of comma-separated lines by hostile values."""
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 10)):
        k = rng.randrange(len(lines))
        row = lines[k].split(b",")
        row[rng.randrange(len(row))] = rng.choice(HOSTILE_CELLS)
        lines[k] = b",".join(row)
    return b"\n".join(lines)


def json_values(rng: random.Random, data: bytes) -> bytes:
    """Replace values of a JSON document (or of JSON lines) by hostile values."""
    import orjson

    def mutate(node: object, depth: int = 0) -> object:
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            node[key] = mutate(node[key], depth + 1) if rng.random() < 0.7 else pick()
        elif isinstance(node, list) and node:
            k = rng.randrange(len(node))
            node[k] = mutate(node[k], depth + 1) if rng.random() < 0.7 else pick()
        else:
            return pick()
        return node

    def pick() -> object:
        value = rng.choice(HOSTILE_VALUES)
        return (
            list(value)
            if isinstance(value, list)
            else dict(value)
            if isinstance(value, dict)
            else value
        )

    try:
        doc = orjson.loads(data)
        docs = None
    except orjson.JSONDecodeError:
        try:
            docs = [orjson.loads(x) for x in data.splitlines() if x.strip()]
        except orjson.JSONDecodeError:
            return data
    if docs is None:
        for _ in range(rng.randint(1, 12)):
            doc = mutate(doc)
        return json.dumps(doc).encode()
    for _ in range(rng.randint(1, 12)):
        k = rng.randrange(len(docs)) if docs else 0
        if docs:
            docs[k] = mutate(docs[k])
    return b"\n".join(json.dumps(d).encode() for d in docs) + b"\n"


MUTATORS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    f.__name__: f
    for f in (
        flip,
        overwrite,
        truncate,
        insert,
        duplicate,
        huge_line,
        nul,
        bom,
        encoding,
        cells,
        json_values,
    )
}


def case(fmt: str, number: int) -> tuple[bytes, str]:
    """The bytes of case ``number`` of reader ``fmt``, and how they were made."""
    rng = random.Random(f"{fmt}/{number}")
    pool = seeds(fmt)
    data = pool[number % len(pool)]
    names = rng.sample(sorted(MUTATORS), rng.randint(1, 3))
    for name in names:
        data = MUTATORS[name](rng, data)
    if rng.random() < 0.15:
        data = compress(rng, data)
        names.append("compress")
    return data, "+".join(names)


# --- checks --------------------------------------------------------------------------


def check_positions(table: object) -> str | None:
    """What is wrong with a positions table, or None (every field within bounds)."""
    import pyarrow.compute as pc

    from jetwatch.model import POSITIONS_SCHEMA
    from jetwatch.sources.bounds import TIME_MAX, TIME_MIN

    t = table  # a pyarrow.Table
    if t.schema != POSITIONS_SCHEMA:  # type: ignore[attr-defined]
        return f"schema {t.schema}"  # type: ignore[attr-defined]
    if t.num_rows == 0:  # type: ignore[attr-defined]
        return None
    checks = {
        "time": (pc.cast(t["time"], "int64"), TIME_MIN * 1e6, TIME_MAX * 1e6),  # type: ignore[index]
        "lat": (t["lat"], -90, 90),  # type: ignore[index]
        "lon": (t["lon"], -180, 180),  # type: ignore[index]
        "altitude": (t["altitude"], -10_000, 200_000),  # type: ignore[index]
        "geo_altitude": (t["geo_altitude"], -10_000, 200_000),  # type: ignore[index]
        "ground_speed": (t["ground_speed"], 0, 10_000),  # type: ignore[index]
        "track": (t["track"], 0, 360),  # type: ignore[index]
        "vertical_rate": (t["vertical_rate"], -100_000, 100_000),  # type: ignore[index]
    }
    for name, (col, lo, hi) in checks.items():
        mn, mx = pc.min_max(col).values()
        if mn.as_py() is not None and not (lo <= mn.as_py() and mx.as_py() <= hi):
            return f"{name} outside {lo}..{hi}: {mn.as_py()}..{mx.as_py()}"
    if t["time"].null_count or t["icao24"].null_count:  # type: ignore[index]
        return "a position without time or address"
    if not pc.all(pc.match_substring_regex(t["icao24"], "^[0-9a-f]{6}$")).as_py():  # type: ignore[index]
        return "icao24 not 6 lower-case hex digits"
    for name, longest in (("callsign", 8), ("squawk", 4), ("category", 2)):
        n = pc.max(pc.utf8_length(t[name])).as_py()  # type: ignore[index]
        if n is not None and n > longest:
            return f"{name} longer than {longest}"
    return None


@dataclass
class Outcome:
    fmt: str
    number: int
    how: str
    error: str | None = None  # None: passed
    seconds: float = 0.0
    rejects: Counter[str] = field(default_factory=Counter)


def run_case(fmt: str, number: int, tmp: Path) -> Outcome:
    from jetwatch.compress import Stream
    from jetwatch.errors import JetwatchError
    from jetwatch.ingest import decode_stream
    from jetwatch.sources import detect
    from jetwatch.sources.context import ReadContext

    data, how = case(fmt, number)
    out = Outcome(fmt, number, how)
    path = tmp / f"{fmt}-{number}"
    path.write_bytes(data)
    began = time.perf_counter()
    try:
        for forced in (fmt, None):
            try:
                name = forced or detect(path)
            except JetwatchError:
                continue
            if not forced and name == fmt:
                break  # detection chose the reader just run
            stream = Stream(path)
            for table, rejects, *_ in decode_stream(stream, name, ReadContext(path, 1.7e9)):
                problem = check_positions(table)
                if problem:
                    out.error = f"{name}: {problem}"
                    return out
                if forced:
                    out.rejects.update(rejects.counts())
    except JetwatchError:
        pass
    except BaseException:  # noqa: BLE001 - any other exception is what we look for
        out.error = traceback.format_exc(limit=-4)
    finally:
        out.seconds = time.perf_counter() - began
        path.unlink(missing_ok=True)
    return out


_TMP: Path | None = None


def _init(tmp: Path) -> None:
    global _TMP
    _TMP = tmp


def _work(task: tuple[str, int]) -> Outcome:
    assert _TMP is not None
    return run_case(*task, _TMP)


@dataclass
class Report:
    cases: Counter[str] = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)
    slowest: dict[str, float] = field(default_factory=dict)
    rejects: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def fuzz(fmts: list[str], cases: int, first: int = 0, workers: int = 2) -> Report:
    """Run ``cases`` cases per reader; a hang or a dead worker is a failure."""
    report = Report()
    began = time.perf_counter()
    tasks: Iterator[tuple[str, int]] = (
        (fmt, n) for n in range(first, first + cases) for fmt in fmts
    )
    ctx = mp.get_context("forkserver" if sys.platform != "win32" else "spawn")
    pending = list(tasks)
    tmp = Path(tempfile.mkdtemp(prefix="jetwatch-fuzz-"))  # one for all workers, removed after
    try:
        _run(ctx, workers, pending, tmp, report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - began
    return report


def _run(
    ctx: mp.context.BaseContext,
    workers: int,
    pending: list[tuple[str, int]],
    tmp: Path,
    report: Report,
) -> None:
    while pending:
        with ctx.Pool(workers, initializer=_init, initargs=(tmp,), maxtasksperchild=2000) as pool:
            results = pool.imap(_work, pending)
            done = 0
            try:
                for outcome in _with_deadline(results, HANG_S * 2):
                    done += 1
                    report.cases[outcome.fmt] += 1
                    report.rejects.update(outcome.rejects)
                    slow = report.slowest.get(outcome.fmt, 0.0)
                    report.slowest[outcome.fmt] = max(slow, outcome.seconds)
                    if outcome.error or outcome.seconds > HANG_S:
                        outcome.error = outcome.error or f"took {outcome.seconds:.1f} s"
                        report.failures.append(outcome)
                pending = []
            except (TimeoutError, mp.TimeoutError):
                stuck = pending[done]
                report.failures.append(
                    Outcome(*stuck, case(*stuck)[1], "hang, or a worker died (crash)")
                )
                pool.terminate()
                pending = pending[done + 1 :]


def _with_deadline(results: Iterator[Outcome], seconds: float) -> Iterator[Outcome]:
    while True:
        try:
            yield results.next(timeout=seconds)  # type: ignore[attr-defined]
        except StopIteration:
            return


def main() -> None:
    from jetwatch.sources import FORMATS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=CI_CASES, help="cases per reader")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--reader", action="append", choices=FORMATS)
    ap.add_argument("--case", type=int, help="write out or rerun one case")
    ap.add_argument("--write", type=Path, help="with --case: write its bytes here")
    args = ap.parse_args()
    fmts = args.reader or list(FORMATS)
    if args.case is not None:
        for fmt in fmts:
            data, how = case(fmt, args.case)
            if args.write:
                args.write.write_bytes(data)
            with tempfile.TemporaryDirectory() as tmp:
                print(fmt, args.case, how, run_case(fmt, args.case, Path(tmp)).error)
        return
    report = fuzz(fmts, args.cases, args.first)
    for fmt in fmts:
        print(f"{fmt:14} {report.cases[fmt]:7d} cases, slowest {report.slowest.get(fmt, 0):.2f} s")
    print(f"rejects by reason: {dict(report.rejects)}")
    print(
        f"{sum(report.cases.values())} cases in {report.seconds:.0f} s, "
        f"{len(report.failures)} failures"
    )
    for f in report.failures[:50]:
        print(f"FAIL {f.fmt} case {f.number} ({f.how}): {f.error}")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
