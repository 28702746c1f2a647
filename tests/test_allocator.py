"""jetwatch.allocator: freed arrays are reused, not faulted in again, once the
``jetwatch`` command (or a caller) has raised glibc's thresholds."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from jetwatch.allocator import reuse_freed_memory

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc is not glibc's")

# 30 batches of four 8-MB arrays, made and freed in a worker thread (as the
# segmentation's pool does); prints the page faults they cost.
BATCHES = """
import contextlib, io, resource, sys, threading
import numpy as np
if sys.argv[1] == "call":
    from jetwatch.allocator import reuse_freed_memory
    assert reuse_freed_memory()
elif sys.argv[1] == "cli":
    from jetwatch.cli.main import main
    with contextlib.redirect_stdout(io.StringIO()):
        main(["formats"], standalone_mode=False)

def work():
    for _ in range(30):
        arrays = [np.ones(1_000_000) for _ in range(4)]
        del arrays

before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
worker = threading.Thread(target=work)
worker.start()
worker.join()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", BATCHES, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


@glibc
def test_the_thresholds_are_set() -> None:
    assert reuse_freed_memory()
    assert reuse_freed_memory()  # and again: it is idempotent


@glibc
def test_freed_arrays_are_reused_by_a_caller_and_by_the_command() -> None:
    untuned = _faults("none")
    # 120 arrays of 8 MB: about 2,000 pages each
    assert untuned > 20_000, untuned
    assert _faults("call") < untuned / 4
    assert _faults("cli") < untuned / 4
