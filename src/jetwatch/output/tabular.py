"""Row writers: ``table``, ``csv``, ``json``, ``jsonl`` and ``parquet``.

Times are ISO 8601 UTC ending in ``Z`` in text formats and UTC timestamps in
Parquet. CSV holds the scalar columns (lists and structs are left out: a CSV cell
holds one value); JSON and Parquet hold them all.
"""

from __future__ import annotations

import csv as _csv
import io
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jetwatch.output.base import Output, writer

JSON = orjson.OPT_INDENT_2 | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    return str(value)


def scalar(table: pa.Table) -> pa.Table:
    """The columns a CSV cell can hold."""
    keep = [
        f.name for f in table.schema if not pa.types.is_nested(f.type) and f.type != pa.binary()
    ]
    return table.select(keep)


@writer("table")
def table_text(output: Output) -> bytes:
    heads = output.headings or {n: n for n in output.rows.column_names}
    view = Table(*heads.values(), title=escape(output.title) if output.title else None)
    for row in output.rows.to_pylist():
        view.add_row(*(escape(_text(row.get(k))) for k in heads))
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(view)
    return console.export_text().encode()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


@writer("csv")
def csv(output: Output) -> bytes:
    """RFC 4180 (CRLF; quoted only where a value needs it), times ISO 8601 ending in ``Z``,
    booleans ``true``/``false``, missing values empty."""
    rows = scalar(output.rows)
    for i, f in enumerate(rows.schema):
        if pa.types.is_timestamp(f.type):
            text = pc.strftime(rows.column(i), format="%Y-%m-%dT%H:%M:%SZ")
            rows = rows.set_column(i, f.name, text)
        elif pa.types.is_boolean(f.type):
            rows = rows.set_column(i, f.name, pc.if_else(rows.column(i), "true", "false"))
    sink = io.StringIO()
    out = _csv.writer(sink, lineterminator="\r\n")
    out.writerow(rows.column_names)
    for batch in rows.to_batches(65_536):
        out.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))
    return sink.getvalue().encode()


@writer("json")
def json(output: Output) -> bytes:
    data = output.doc if output.doc is not None else output.rows.to_pylist()
    return orjson.dumps(data, option=JSON, default=_default) + b"\n"


@writer("jsonl")
def jsonl(output: Output) -> bytes:
    options = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z
    return b"".join(
        orjson.dumps(r, option=options, default=_default) + b"\n" for r in output.rows.to_pylist()
    )


@writer("parquet", binary=True)
def parquet(output: Output) -> bytes:
    sink = io.BytesIO()
    pq.write_table(output.rows, sink)
    return sink.getvalue()
