"""``serve`` tunes glibc's allocator so that megabyte response buffers are reused instead of
being faulted in afresh for every page (kit/allocator.py). Checked in a fresh interpreter:
the same churn of ~1 MB buffers costs tens of thousands of page faults untuned and none
tuned."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CHURN = """
import resource, sys
from leadpecker.kit import allocator
if sys.argv[1] == "tuned":
    assert allocator.keep_freed_memory()
def churn():
    for n in range(100):  # what a page of 1,000 prospects allocates: ~1 MB, a copy, a larger copy
        page = bytearray((1 << 20) + (n % 7) * 40_000)
        body = bytes(page)
        framed = b"[" + body + b"]"
        del page, body, framed
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""

glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt"
)


def page_faults(mode: str) -> int:
    # glibc's own defaults for the untuned run, whatever this process was started with.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MALLOC_") and name != "GLIBC_TUNABLES"
    }
    result = subprocess.run(
        [sys.executable, "-c", CHURN, mode], capture_output=True, text=True, check=True, env=environment
    )
    return int(result.stdout)


@glibc_only
def test_tuned_allocator_reuses_freed_megabyte_buffers() -> None:
    assert page_faults("default") > 10_000  # each buffer faulted in page by page, every time
    assert page_faults("tuned") < 1_000
