"""How a long-lived leadpecker process is tuned when it starts: every process that serves the
API (``serve``, each of ``serve --workers N``'s), ``leadpecker worker`` and ``leadpecker webhooks
dispatch``. Tuning is the process's business, done once by its entry point, never by the
objects it runs."""

from __future__ import annotations

import gc

from leadpecker.kit import allocator


def tune_process() -> None:
    """Call once the application is built (its modules imported, its metadata defined), just
    before it starts serving or working.

    - Freed megabyte buffers are kept for reuse (kit/allocator.py).
    - The garbage collector stops rescanning what is alive now: modules, SQLAlchemy's metadata
      and the app live as long as the process. An enrichment claim allocates ~10⁵ containers,
      which trigger a full collection every claim or two; freezing keeps those collections
      from rescanning the permanent objects (measured: 12 % of the worker's time went to them).
    """
    allocator.keep_freed_memory()
    gc.freeze()
