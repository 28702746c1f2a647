"""The raw archive: every input file, copied as it was, named by its SHA-256.

``<archive dir>/<sha256[:2]>/<sha256>`` holds the exact bytes of each ingested file,
so any record (located by the ``rejects`` table's offset or line) can be found and
any frame re-decoded later. Copies are made under a temporary name and renamed
once complete. A temporary copy is named after the host and process that writes it,
so the next writer removes those whose process is gone (a killed ingest), and any
copy older than an hour.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

from jetwatch.parts import Input, open_input


def sha256_file(path: Input) -> str:
    """The SHA-256 of a file (of split parts: of the file they make)."""
    digest = hashlib.sha256()
    with open_input(path) as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


HOST = socket.gethostname().replace("-", "_") or "host"


def _orphaned(path: Path, stale_s: float) -> bool:
    """Whether a temporary copy was left behind: its writer (on this host) is gone, or
    it is older than ``stale_s``."""
    try:
        old = time.time() - path.stat().st_mtime > stale_s
    except FileNotFoundError:
        return False
    parts = path.name.split("-")
    if old or len(parts) != 4 or parts[1] != HOST or not parts[2].isdigit():
        return old
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


class Archiver:
    """Hash a file and copy it into the archive, in a background thread.

    The copy goes to a temporary name; :meth:`finish` waits for it and moves it to
    ``archive_dir/<sha[:2]>/<sha>`` (or drops it when that copy already exists) and
    returns the SHA-256 and the archived path. :meth:`discard` drops the copy.
    """

    STALE_S = 3600.0  # temporary copies older than this were left by a killed ingest

    def __init__(self, path: Input, archive_dir: Path) -> None:
        self.path = path
        self.archive_dir = archive_dir
        archive_dir.mkdir(parents=True, exist_ok=True)
        for orphan in archive_dir.glob(".incoming-*"):
            if _orphaned(orphan, self.STALE_S):
                orphan.unlink(missing_ok=True)
        self.tmp = archive_dir / f".incoming-{HOST}-{os.getpid()}-{uuid.uuid4().hex}"
        self.sha: str | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._copy, name="jetwatch-archive", daemon=True)
        self.thread.start()

    def _copy(self) -> None:
        try:
            self.sha = sha256_file(self.path)
            if isinstance(self.path, Path):
                shutil.copyfile(self.path, self.tmp)  # sendfile: no trip through Python
            else:  # split parts are archived as the one file they make
                with open_input(self.path) as src, open(self.tmp, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
        except BaseException as exc:  # reported by finish()
            self.error = exc

    def finish(self) -> tuple[str, Path]:
        self.thread.join()
        if self.error is not None or self.sha is None:
            self.discard()
            raise OSError(f"{self.path}: could not archive: {self.error}")
        target = self.archive_dir / self.sha[:2] / self.sha
        if target.exists():
            self.tmp.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.tmp, target)
        return self.sha, target

    def discard(self) -> None:
        self.thread.join()
        self.tmp.unlink(missing_ok=True)
