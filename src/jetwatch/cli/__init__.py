"""The ``jetwatch`` command: a thin layer over the library, one module per command
group (no SQL and no loops over data here). ``main`` is the entry point."""

from jetwatch.cli.main import main

__all__ = ["main"]
