"""Errors raised by jetwatch.

Every error subclasses :class:`JetwatchError` and carries the offending value and
where it came from (a file and a line or byte offset, a feed, a parameter name), so
that a message can always say *what* was wrong and *where*.
"""

from __future__ import annotations


class JetwatchError(Exception):
    """Base class of every jetwatch error."""

    def __init__(self, message: str, *, value: object = None, where: str | None = None) -> None:
        self.message = message
        self.value = value
        self.where = where
        text = f"{where}: {message}" if where else message
        if value is not None:
            text = f"{text} ({value!r:.80})"
        self.text = text
        super().__init__(text)

    def __str__(self) -> str:
        return self.text  # not KeyError's repr, for the errors that are also KeyErrors


class UnknownFormatError(JetwatchError, ValueError):
    """The input is not in any format jetwatch reads."""


class RecordError(JetwatchError, ValueError):
    """One record (frame, line, JSON entry) could not be used; the run goes on."""


class StoreError(JetwatchError):
    """The database could not be opened or written."""
