"""A report as PDF: the HTML printed by headless Chromium (Debian's ``chromium``).

The browser is found as ``$JETWATCH_CHROMIUM``, else ``chromium`` or
``chromium-browser`` or ``google-chrome`` on the PATH. It prints the saved HTML file
(``--print-to-pdf``) with networking off (the report needs none) and no header or
footer. Out of scope: other PDF engines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jetwatch.errors import JetwatchError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class PdfError(JetwatchError, RuntimeError):
    """No browser to print with, or the browser failed."""


def browser() -> str:
    """The Chromium executable to print with."""
    given = os.environ.get("JETWATCH_CHROMIUM")
    found = given or next((p for b in BROWSERS if (p := shutil.which(b))), None)
    if not found:
        raise PdfError(
            "a PDF needs Chromium: install Debian's `chromium` or set $JETWATCH_CHROMIUM",
            value=",".join(BROWSERS),
        )
    return found


def print_pdf(html: Path, out: Path, timeout_s: float = 120.0) -> Path:
    """Print the report ``html`` to ``out``."""
    with tempfile.TemporaryDirectory() as profile:
        command = [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--proxy-server=127.0.0.1:9",  # nothing may be fetched
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out.resolve()}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"the browser failed: {exc}", value=command[0]) from exc
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise PdfError(
            f"the browser did not print the report: {done.stderr.strip()[-500:]}",
            value=command[0],
            where=str(html),
        )
    return out
