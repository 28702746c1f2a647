"""The base of jetwatch's typed results, shared by the library, the CLI, the web
API's response models and the reports.

- :data:`UtcTime`: a UTC date-time, held naive (as the store holds it) and written
  as ISO 8601 ending in ``Z`` (``2023-06-24T10:36:05Z``), the API's habit;
- :class:`Result`: a pydantic model whose ``to_dict()`` is its JSON document (field
  names as the API spells them, ``class`` included), with the notebook habits of
  traffic and sqlite-utils: ``to_arrow()``, ``to_pandas()`` and ``_repr_html_()``
  over the rows it stands for (:meth:`Result.rows`: one row, unless a result says
  otherwise);
- :class:`Table`: a result that is an Arrow table (flight searches, alerts): the
  rows stay columnar, and iterating gives each as its typed row model.

Every string from data is escaped in the HTML (callsigns and operators are text).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, ClassVar, Generic, TypeVar

import pyarrow as pa
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

HTML_ROWS = 20  # rows shown by _repr_html_


def _naive_utc(value: Any) -> Any:
    """A date-time as naive UTC (text with ``Z`` or an offset is converted)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


UtcTime = Annotated[
    dt.datetime,
    BeforeValidator(_naive_utc),
    PlainSerializer(lambda t: t.isoformat() + "Z", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def html_table(rows: Sequence[dict[str, Any]], total: int | None = None) -> str:
    """An HTML table of ``rows`` (the first :data:`HTML_ROWS`), every cell escaped."""
    if not rows:
        return "<p>no rows</p>"
    names = list(rows[0])
    head = "".join(f"<th>{html.escape(str(n))}</th>" for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(r.get(n)))}</td>" for n in names) + "</tr>"
        for r in rows[:HTML_ROWS]
    )
    n = len(rows) if total is None else total
    more = f"<p>{n - HTML_ROWS:,} more rows</p>" if n > HTML_ROWS else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    return str(value)


class Result(BaseModel):
    """A typed result: its fields are its JSON document."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (what ``--format json`` prints and the API serves)."""
        return self.model_dump(mode="json", by_alias=True)

    def rows(self) -> list[dict[str, Any]]:
        """The rows this result stands for in a table: by default itself, as one row
        of its plain fields (nested results and lists left out)."""
        row = self.model_dump(by_alias=True)
        return [{k: v for k, v in row.items() if not isinstance(v, dict | list)}]

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows())

    def to_pandas(self) -> Any:
        return self.to_arrow().to_pandas()

    def _repr_html_(self) -> str:
        return html_table(self.rows())


Row = TypeVar("Row", bound=Result)


class Table(Generic[Row]):
    """Rows held as an Arrow table, typed one by one on demand."""

    row: ClassVar[type[Result]]

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    def __iter__(self) -> Iterator[Row]:
        for r in self.table.to_pylist():
            yield self.row.model_validate(r)  # type: ignore[misc]

    def to_arrow(self) -> pa.Table:
        return self.table

    def to_pandas(self) -> Any:
        return self.table.to_pandas()

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as JSON documents (each validated by the row model)."""
        return [r.to_dict() for r in self]

    def _repr_html_(self) -> str:
        return html_table(self.table.slice(0, HTML_ROWS).to_pylist(), self.table.num_rows)
