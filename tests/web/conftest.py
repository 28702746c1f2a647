"""A running web app over the exodus scenario's store, for API and browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from jetwatch.config import Config
from jetwatch.store.db import Store
from jetwatch.web.app import create_app

TOKEN = "test-token-123"


def serve(db: Path, config: Config) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    with Store(db) as store:
        server = uvicorn.Server(
            uvicorn.Config(create_app(store, config), host="127.0.0.1", port=0, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/"
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def web(exodus_sim: tuple[Path, Path]) -> Iterator[str]:
    _, db = exodus_sim
    yield from serve(db, Config(token=TOKEN))
