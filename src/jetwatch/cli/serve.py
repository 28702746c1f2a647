"""``jetwatch serve``: the web app (:mod:`jetwatch.web.app`) on 127.0.0.1:8090 by default."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from jetwatch.cli.common import db_option
from jetwatch.config import load
from jetwatch.store.db import Store


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8090, show_default=True)
@click.option(
    "--listen",
    "urls",
    multiple=True,
    help="Also run `jetwatch listen` on this feed in the same process (repeatable).",
)
def serve(db: Path, host: str, port: int, urls: tuple[str, ...]) -> None:
    """The live map, flight search, exodus dashboard, watchlists and reports, with a JSON
    API (OpenAPI at /openapi.json). Read-only unless the config sets a web token.

    DuckDB allows one writing process per database, so live feeds shown by the web app
    are read by the same process (``--listen``)."""
    import uvicorn

    from jetwatch.live.feeds import parse
    from jetwatch.live.listener import Listener
    from jetwatch.web.app import create_app

    config = load()
    if config.tiles:
        click.echo(f"online tiles from {config.tiles_origin} (the borders work offline)")
    feeds = [parse(u) for u in urls]
    store = Store(db)
    with store:
        listener = Listener(store, feeds, config=config) if feeds else None
        thread = threading.Thread(target=listener.run, daemon=True) if listener else None
        if thread:
            thread.start()
        click.echo(f"jetwatch web app on http://{host}:{port}/ ({db})")
        try:
            uvicorn.run(create_app(store, config), host=host, port=port, log_level="warning")
        finally:
            if listener and thread:
                listener.request_stop()
                thread.join(30)
