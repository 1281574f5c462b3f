"""glibc's allocator, tuned for a server that builds megabyte responses.

A page of 1,000 prospects is a ~1 MB body, and building it takes a few buffers of that size
(SQLite's or asyncpg's result, the bytes handed to the server). glibc serves an allocation of
128 kB and more with a fresh ``mmap`` and gives it back to the system when it is freed (or,
from the heap, trims the heap's top once 128 kB lie free there); the next page then faults in
every 4 kB page of its buffers again, zeroed by the kernel. On the 2-core machine the per_page=1000
benchmark runs on, those page faults were over half of the server's CPU time: a
leadpecker-less ASGI app serving the same SQL went from 203 to 406 pages/s with one process
(387 → 698 with two) once freed memory was kept for reuse.

So ``serve`` raises both thresholds: allocations below 32 MiB come from the heap (a page is
~1 MB; glibc before 2.35 refuses more than 32 MiB), and up to 256 MiB of free heap is kept
instead of being returned. Memory a burst of large pages took stays with the process (bounded
by the largest burst) rather than going back to the system. Elsewhere than glibc this does
nothing, and ``serve`` says so in its log.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

# mallopt() parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD_BYTES = 32 << 20
TRIM_THRESHOLD_BYTES = 256 << 20
# glibc reads these when a process starts: how the settings reach processes started later
# (``serve --workers N`` spawns fresh interpreters).
ENVIRONMENT = {
    "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD_BYTES),
    "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD_BYTES),
}


log = logging.getLogger("leadpecker")


def keep_freed_memory() -> bool:
    """Tune this process's allocator (see the module's docstring). False, and a warning in
    the log, where it cannot: not Linux, or a C library without glibc's ``mallopt``."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        log.warning("no mallopt in this C library: freed response buffers go back to the system")
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    tuned = True
    # mallopt returns 1 on success, 0 on error (musl's stub accepts nothing); each is set on
    # its own, so one refused leaves the other in force.
    for name, option, value in (
        ("M_MMAP_THRESHOLD", _M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
        ("M_TRIM_THRESHOLD", _M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
    ):
        if not mallopt(option, value):
            log.warning("mallopt refused %s=%d: large response buffers are not kept for reuse", name, value)
            tuned = False
    return tuned
