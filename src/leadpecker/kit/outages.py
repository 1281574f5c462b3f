"""Which failures mean "the database is not available now" rather than "the code is wrong".

The API answers the first kind 503 with Retry-After — nothing was written, the same request
may be sent again — and the second 500; the enrichment worker pauses on the first kind. Both
databases and their drivers say "unavailable" in their own words:

- the socket: refused, reset, unreachable host, no answer in time (asyncpg's connect and
  command timeouts raise TimeoutError);
- PostgreSQL's SQLSTATE classes 08 (connection exception), 53 (insufficient resources: too many
  connections, disk full) and 57 (operator intervention: shutting down, starting up, statement
  cancelled);
- SQLite's result codes BUSY and LOCKED (another connection's lock outlasted the busy timeout),
  CANTOPEN, IOERR, FULL and PROTOCOL;
- SQLAlchemy's pool timeout (no connection free in time), and any error after which SQLAlchemy
  found the connection closed.

A missing table, a syntax error or a constraint violation is none of these and stays a 500.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator

from sqlalchemy import exc

_POSTGRES_SQLSTATE_CLASSES = ("08", "53", "57")
_SQLITE_RESULT_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_PROTOCOL,
}
_UNREACHABLE = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT}


def database_unavailable(error: BaseException) -> str | None:
    """A one-line reason when ``error``, or an error it wraps, says the database cannot be
    reached or did not answer in time; None for every other failure."""
    for cause in _causes(error):
        if isinstance(cause, exc.TimeoutError):
            return "no database connection free within the timeout"
        if isinstance(cause, exc.DBAPIError) and cause.connection_invalidated:
            return f"the database connection was lost: {_first_line(cause.orig)}"
        if isinstance(cause, sqlite3.Error) and cause.sqlite_errorcode & 0xFF in _SQLITE_RESULT_CODES:
            return f"SQLite: {_first_line(cause)}"
        sqlstate = getattr(cause, "sqlstate", None)  # asyncpg's PostgresError
        if isinstance(sqlstate, str) and sqlstate.startswith(_POSTGRES_SQLSTATE_CLASSES):
            return f"PostgreSQL: {_first_line(cause)} (SQLSTATE {sqlstate})"
        if isinstance(cause, TimeoutError):
            return "the database did not answer within the timeout"
        if isinstance(cause, ConnectionError | socket.gaierror) or (
            isinstance(cause, OSError) and cause.errno in _UNREACHABLE
        ):
            return f"cannot reach the database: {_first_line(cause)}"
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what it wraps: SQLAlchemy's ``orig`` and each explicit cause (not the
    exceptions that merely were being handled when it was raised)."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__]


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
