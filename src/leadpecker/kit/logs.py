"""Logging of every leadpecker process, configured in one place.

``serve`` (each of its processes), ``worker`` and every other command call
``configure_logging`` first. Every line goes to stderr through one handler on the root logger,
so leadpecker's own lines (``leadpecker.*``: requests, the worker, statistics, imports) and
uvicorn's share one format: readable text by default, one JSON object per line with
``LEADPECKER_LOG_FORMAT=json``.

What never reaches a log line: API keys, request bodies, query strings, searched emails and
SQL's bound values. The access line names the route's template, never the requested path
(``http/observe.py``); the engines hide bound parameters in their errors (``kit/db.py``); and
the database drivers and SQLAlchemy log at WARNING whatever ``LEADPECKER_LOG_LEVEL`` says,
since at INFO/DEBUG they print statements with their parameters and the rows they return.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

from leadpecker.settings import Settings

# The id of the request being served, for every line logged while it runs (an unexpected
# error's trace carries the same id as the request's access line). Set by http/observe.py.
request_id: ContextVar[str | None] = ContextVar("leadpecker_request_id", default=None)

# The loggers ``LEADPECKER_LOG_LEVEL`` applies to; everything else logs at WARNING and above.
OWN_LOGGERS = ("leadpecker", "uvicorn")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when a line is written, as the standard library's own
    last-resort handler does: a command run in-process (tests, ``CliRunner``) swaps stderr, and
    a handler holding the stream it was given would write to a closed one afterwards."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class _TextFormatter(logging.Formatter):
    """``time LEVEL logger message``, then ``request_id=…`` for lines logged inside a request."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} request_id={rid}" if rid else line


def _with_request_id(record: logging.LogRecord) -> bool:
    if (current := request_id.get()) is not None and not hasattr(record, "request_id"):
        record.request_id = current
    return True


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        # orjson is already what the API encodes with; python-json-logger adds every ``extra``
        # field of a record (the access line's route, status …) as a key of its own.
        return OrjsonFormatter(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger"},
            # uvicorn's lines carry their message a second time with terminal colours.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            timestamp="time",
        )
    return _TextFormatter()


def configure_logging(settings: Settings) -> None:
    """Route every logger of the process to stderr in the configured format. Idempotent: a
    second call replaces the handler the first one installed."""
    handler = _StderrHandler()
    handler.setFormatter(_formatter(settings.log_format))
    handler.addFilter(_with_request_id)
    root = logging.getLogger()
    for installed in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(installed)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(settings.log_level.upper())
        # uvicorn's own defaults (when something configured them) print plain text beside ours.
        logger.handlers.clear()
        logger.propagate = True
