"""Days and times as users give them: one parser, one message, one range.

A day is ``YYYY-MM-DD`` (or ``today`` / ``yesterday``, in UTC). A time is ISO 8601,
``2023-06-24T08:00:00Z``; without a zone it is UTC, and a day alone is its midnight.
Anything from 1970 to 2099 is accepted: ADS-B did not exist before, and a date past
that is a typo. Every error is a :class:`DateError` that names the option and the
value, so the command line and the web API answer with a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt

from jetwatch.errors import JetwatchError

FIRST_YEAR, LAST_YEAR = 1970, 2099
DAY_EXAMPLE = "2023-06-24"
TIME_EXAMPLE = "2023-06-24T08:00:00Z"


class DateError(JetwatchError, ValueError):
    """A day or time that could not be read, or that lies outside 1970–2099."""


def _in_range(year: int, text: str, where: str | None) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"outside {FIRST_YEAR}–{LAST_YEAR}", value=text, where=where)


def parse_day(text: str | dt.date, where: str | None = None) -> dt.date:
    """A UTC day from ``YYYY-MM-DD``, ``today`` or ``yesterday``."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        _in_range(text.year, str(text), where)
        return text
    word = text.strip().lower()
    today = dt.datetime.now(dt.UTC).date()
    if word in ("today", "yesterday"):
        return today - dt.timedelta(days=word == "yesterday")
    try:
        day = dt.date.fromisoformat(word)
    except ValueError:
        raise DateError(
            f"expected a day like {DAY_EXAMPLE} (or today, yesterday)", value=text, where=where
        ) from None
    _in_range(day.year, text, where)
    return day


def parse_time(text: str | dt.datetime, where: str | None = None) -> dt.datetime:
    """A UTC time (naive) from ISO 8601; a day alone is its midnight."""
    if isinstance(text, dt.datetime):
        when = text
    else:
        try:
            when = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
        except ValueError:
            raise DateError(
                f"expected a UTC time like {TIME_EXAMPLE} or a day like {DAY_EXAMPLE}",
                value=text,
                where=where,
            ) from None
    _in_range(when.year, str(text), where)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def unix(when: dt.datetime) -> float:
    """Unix seconds of a naive UTC time."""
    return when.replace(tzinfo=dt.UTC).timestamp()
