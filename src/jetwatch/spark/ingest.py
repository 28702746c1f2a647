"""Raw inputs decoded on Spark: one file per task, by ``jetwatch ingest``'s own code.

Spark lists and reads the files (``binaryFile``: a path, directory or glob, on any
file system Spark reads, such as ``s3a://``); each file's bytes go through
``mapInArrow`` to the steps ``jetwatch ingest`` runs for a file: format detection by
content (:func:`jetwatch.sources.detect`), decompression, the format's reader and a
fresh :class:`~jetwatch.decode.Decoder` (:func:`jetwatch.ingest.decode_stream`). A
file therefore gives the same positions and rejects on both engines, whatever its
format: AVR, Beast, SBS, hex CSV, JSON lines, readsb ``globe_history`` traces,
``aircraft.json`` or OpenSky files (the flights of OpenSky's flights answers are
kept only by a store's ingest, in ``reported_flights``). Files are independent
(the store's ingest also decodes each with its own decoder), so they spread over
the executors; a file is
one task, so split archives of very large files (Spark reads at most 2 GB per file;
extract a ``globe_history`` tar first: its thousands of traces spread well).

The output directory (``jetwatch ingest --engine spark --output-dir DIR``):

- ``positions/day=YYYY-MM-DD/``: the positions (the store's columns, ``flags`` as
  INT, plus ``file``), the input of ``jetwatch flights build --engine spark
  --input DIR/positions --input-format positions``;
- ``rejects/``: every rejected record with its ``file``, byte offset, line, reason
  and exact bytes;
- ``files/``: one row per input file: SHA-256, size, format, records, positions,
  rejects by reason, and the problem if it could not be read;
- ``manifest/``: one JSON line: input, totals and the data's labels.

A file whose SHA-256 equals an earlier one's (by path order) is a duplicate: listed
in ``files`` as ``skipped`` and its rows are not written, as a store skips it. The
inputs stay where they are: ``files`` is the archive's index (their hashes), so every
reject can be found again. Bad input never stops the job: an unreadable file is a
``failed`` row with its error, and whatever it gave before failing is not written
(a store keeps nothing of a failed file either).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from jetwatch import __version__
from jetwatch.allocator import reuse_freed_memory
from jetwatch.compress import Stream
from jetwatch.decode import DecoderSettings
from jetwatch.errors import JetwatchError
from jetwatch.flights.output import part
from jetwatch.ingest import Start, anchor, decode_stream
from jetwatch.model import POSITIONS_SCHEMA, Rejects
from jetwatch.sources import detect
from jetwatch.sources.context import ReadContext
from jetwatch.store.labels import label_near

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

POSITIONS, REJECTS, FILES, MANIFEST = "positions", "rejects", "files", "manifest"
SHOW_FIRST = 3

_POSITION_FIELDS = [
    pa.field("flags", pa.int32()) if f.name == "flags" else f for f in POSITIONS_SCHEMA
]
_REJECT_FIELDS = [
    pa.field("offset", pa.int64()),
    pa.field("line", pa.int64()),
    pa.field("reason", pa.string()),
    pa.field("detail", pa.string()),
    pa.field("data", pa.binary()),
]
FILES_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("status", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("format", pa.string()),
        ("records", pa.int64()),
        ("positions", pa.int64()),
        ("rejected", pa.map_(pa.string(), pa.int64())),
        ("first_rejects", pa.list_(pa.string())),
        ("stream_error", pa.string()),
        ("error", pa.string()),
        ("clock", pa.string()),
    ]
)
# what one task yields: positions, rejects and one summary per file, told apart by kind
ROWS = pa.schema(
    [
        pa.field("kind", pa.string()),
        pa.field("file", pa.string()),
        *_POSITION_FIELDS,
        *_REJECT_FIELDS,
        pa.field("summary", pa.string()),
    ]
)


@dataclass
class FileSummary:
    """What happened to one input file (the ``files`` table)."""

    file: str
    status: str  # "decoded", "skipped" (a duplicate) or "failed"
    sha256: str = ""
    size: int = 0
    format: str | None = None
    records: int = 0
    positions: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    first_rejects: list[str] = field(default_factory=list)
    stream_error: str | None = None
    error: str | None = None
    clock: str | None = None  # set when the time of a clock-only input was assumed


@dataclass(frozen=True)
class IngestManifest:
    inputs: list[str]
    master: str
    files: int
    failed: int
    skipped: int
    records: int
    positions: int
    rejected: dict[str, int]
    labels: list[str]
    built: str
    jetwatch_version: str


def decode_file(
    url: str,
    content: bytes,
    mtime: float,
    fmt: str | None = None,
    settings: DecoderSettings | None = None,
    start: Start = None,
) -> Iterator[pa.RecordBatch]:
    """The rows (:data:`ROWS`) of one file: its positions, its rejects, then its
    summary. Never raises for bad input."""
    summary = FileSummary(
        file=url, status="failed", sha256=hashlib.sha256(content).hexdigest(), size=len(content)
    )
    rejected: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="jetwatch-") as tmp:
        local = Path(tmp) / (PurePosixPath(url).name or "input")
        local.write_bytes(content)
        try:
            summary.format = fmt or detect(local)
            first, summary.clock = anchor(summary.format, start, url, mtime)
            stream = Stream(local)
            ctx = ReadContext(path=local, anchor=first)
            for positions, rejects, records, *_ in decode_stream(
                stream, summary.format, ctx, settings
            ):
                summary.records += records
                summary.positions += positions.num_rows
                rejected.update(rejects.counts())
                _describe(summary, rejects)
                if positions.num_rows:
                    yield _rows("position", url, _positions(positions))
                if len(rejects):
                    yield _rows("reject", url, rejects.to_arrow())
            if stream.error:
                summary.stream_error = stream.error
                truncated = Rejects()
                truncated.add(stream.produced, "truncated", b"", stream.error)
                rejected["truncated"] += 1
                yield _rows("reject", url, truncated.to_arrow())
            summary.status = "decoded"
        except (JetwatchError, OSError) as exc:
            summary.error = str(exc).replace(str(local), url)
    summary.rejected = dict(rejected)
    yield _rows("file", url, pa.table({"summary": [json.dumps(asdict(summary))]}))


def _describe(summary: FileSummary, rejects: Rejects) -> None:
    for k in range(min(len(rejects), SHOW_FIRST - len(summary.first_rejects))):
        where = f"line {rejects.line[k]}" if rejects.line[k] is not None else "offset "
        where += "" if rejects.line[k] is not None else str(rejects.offset[k])
        detail = f" ({rejects.detail[k]})" if rejects.detail[k] else ""
        summary.first_rejects.append(
            f"{summary.file}:{where}: {rejects.reason[k]}{detail}: {rejects.data[k][:40]!r}"
        )


def _positions(table: pa.Table) -> pa.Table:
    return table.set_column(
        table.schema.get_field_index("flags"), "flags", table["flags"].cast(pa.int32())
    )


def _rows(kind: str, url: str, table: pa.Table) -> pa.RecordBatch:
    n = table.num_rows
    given = {"kind": pa.array([kind] * n), "file": pa.array([url] * n)}
    given |= {name: table[name].combine_chunks() for name in table.column_names}
    arrays = [given[f.name].cast(f.type) if f.name in given else pa.nulls(n, f.type) for f in ROWS]
    return pa.RecordBatch.from_arrays(arrays, schema=ROWS)


def decode(
    spark: SparkSession,
    paths: list[str],
    fmt: str | None = None,
    start: Start = None,
    settings: DecoderSettings | None = None,
) -> DataFrame:
    """Every file under ``paths`` decoded: a DataFrame of :data:`ROWS`, lazily."""
    from pyspark.sql.pandas.types import from_arrow_schema

    files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(paths)

    def per_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        reuse_freed_memory()  # a Python worker's process is jetwatch's to tune
        for batch in batches:
            paths = batch.column("path").to_pylist()
            micros = batch.column("modificationTime").cast(pa.int64()).to_pylist()  # UTC
            contents = batch.column("content")
            for i, url in enumerate(paths):
                yield from decode_file(
                    url, contents[i].as_py(), micros[i] / 1e6, fmt, settings, start
                )

    return files.select("path", "modificationTime", "content").mapInArrow(
        per_partition, from_arrow_schema(ROWS)
    )


def run(
    spark: SparkSession,
    paths: list[str],
    output: str,
    fmt: str | None = None,
    start: Start = None,
    label: str | None = None,
    settings: DecoderSettings | None = None,
) -> tuple[IngestManifest, list[FileSummary]]:
    """Decode every file under ``paths`` and write the output directory described above;
    returns its manifest and the files' summaries (by path)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    rows = decode(spark, paths, fmt, start, settings).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        summaries = sorted(
            (
                FileSummary(**json.loads(r[0]))
                for r in rows.where(F.col("kind") == "file").select("summary").collect()
            ),
            key=lambda s: s.file,
        )
        seen: set[str] = set()
        for s in summaries:
            if s.status == "decoded" and s.sha256 in seen:
                s.status = "skipped"
            seen.add(s.sha256)
        dropped = [s.file for s in summaries if s.status != "decoded"]  # a few, usually none
        use = rows.where(~F.col("file").isin(dropped))
        positions = use.where(F.col("kind") == "position").select(
            *[f.name for f in _POSITION_FIELDS], "file"
        )
        positions.withColumn("day", F.to_date("time")).write.mode("overwrite").partitionBy(
            "day"
        ).parquet(part(output, POSITIONS))
        use.where(F.col("kind") == "reject").select(
            "file", *[f.name for f in _REJECT_FIELDS]
        ).write.mode("overwrite").parquet(part(output, REJECTS))
    finally:
        rows.unpersist()
    table = pa.Table.from_pylist(
        [asdict(s) | {"rejected": list(s.rejected.items())} for s in summaries], FILES_SCHEMA
    )
    spark.createDataFrame(table).coalesce(1).write.mode("overwrite").parquet(part(output, FILES))
    rejected: Counter[str] = Counter()
    for s in summaries:
        if s.status == "decoded":
            rejected.update(s.rejected)
    found = sorted({text for p in paths if (text := label_near(p))})
    manifest = IngestManifest(
        inputs=paths,
        master=str(spark.sparkContext.master),
        files=len(summaries),
        failed=sum(s.status == "failed" for s in summaries),
        skipped=sum(s.status == "skipped" for s in summaries),
        records=sum(s.records for s in summaries if s.status == "decoded"),
        positions=sum(s.positions for s in summaries if s.status == "decoded"),
        rejected=dict(rejected),
        labels=([label] if label else found)
        + sorted({s.clock for s in summaries if s.clock and s.status == "decoded"}),
        built=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        jetwatch_version=__version__,
    )
    line = spark.createDataFrame([(json.dumps(asdict(manifest)),)], "value string")
    line.coalesce(1).write.mode("overwrite").text(part(output, MANIFEST))
    return manifest, summaries


def labels_of(spark: SparkSession, positions: str) -> list[str]:
    """The labels of an ingest output's positions (``OUTPUT/positions``), from its
    manifest; none for other paths."""
    from pyspark.errors import PySparkException

    output, _, name = positions.rstrip("/").rpartition("/")
    if name != POSITIONS or not output:
        return []
    try:
        line = spark.read.text(part(output, MANIFEST)).first()
    except PySparkException:
        return []
    doc: Any = json.loads(line[0]) if line is not None else {}
    return list(doc.get("labels") or []) if isinstance(doc, dict) else []
