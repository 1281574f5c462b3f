"""Where the service's own log lines go when it serves.

uvicorn sets up its own loggers only; without a handler of their own, leadpecker's lines would
reach Python's last-resort handler, which drops everything below WARNING and prints the rest
without level or origin — an operator would never see "Redis answers again". This gives the
``leadpecker`` loggers one stderr handler, in uvicorn's layout, once per process.
"""

from __future__ import annotations

import logging
import sys


def log_to_stderr(level: int = logging.INFO) -> None:
    logger = logging.getLogger("leadpecker")
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
