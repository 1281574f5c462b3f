"""What the ``leadpecker`` command tells its operator: the database it uses, and one line for
every failure the operator can fix (a setting, the database URL, a database that cannot be
reached, a file, a port).

This is the one place where exceptions become those lines; the command's root (``cli.py``)
prints them as ``error: <what is wrong> — <what to do>`` and exits 1. A failure not described
here is a bug, and keeps its traceback.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from leadpecker.kit.errors import UsageError
from leadpecker.settings import Settings

DATABASE_SETTING = "LEADPECKER_DATABASE_URL"
_POSTGRESQL_PORT = 5432


def failure_line(error: BaseException, database_url: str | None) -> str | None:
    """One line saying what is wrong and what to do, or None when ``error`` is not the
    operator's to fix. ``database_url`` is the configured one (None when the settings
    themselves are invalid), to say which database failed."""
    if isinstance(error, UsageError):
        return str(error)
    if isinstance(error, ValidationError) and error.title == Settings.__name__:
        return settings_line(error)
    if database_url is not None:
        line = _database_line(error, database_url)
        if line is not None:
            return line
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror.lower()}"
    return None


def settings_line(error: ValidationError) -> str:
    """Each invalid setting named by its environment variable, with the value given (except
    for URLs, which may hold a password)."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        message = problem["msg"].removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        if not field.endswith("_url") and "input" in problem:
            message += f", got {problem['input']!r}"
        problems.append(f"{(prefix + field).upper()}: {message}")
    return "; ".join(problems)


def shown_database_url(url: str) -> str:
    """The database as an operator should see it: a SQLite file by its absolute path, a
    PostgreSQL URL without its password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "an unreadable URL"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not path.startswith("file:"):
            return f"sqlite:///{Path(path).absolute()}"
    return parsed.render_as_string(hide_password=True)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what lies under it: SQLAlchemy's ``orig``, then causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _database_line(error: BaseException, url: str) -> str | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    causes = list(_causes(error))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_line(causes, parsed)
    if parsed.get_backend_name() in ("postgresql", "postgres"):
        return _postgresql_line(causes, parsed)
    return None


def _sqlite_line(causes: list[BaseException], url: URL) -> str | None:
    shown = shown_database_url(url.render_as_string(hide_password=True))
    fix = f"fix {DATABASE_SETTING}"
    for cause in causes:
        if not isinstance(cause, sqlite3.Error):
            continue
        message = str(cause)
        path = Path(url.database or "").absolute()
        if "unable to open database file" in message:
            if not path.parent.is_dir():
                return f"{shown}: folder {path.parent} does not exist — create it (mkdir -p) or {fix}"
            if path.is_dir():
                return f"{shown} is a folder, not a database file — {fix}"
            return f"{shown}: cannot open the database file — check the permissions of {path.parent}"
        if "file is not a database" in message:
            return f"{shown} is not a SQLite database — {fix} (a new path makes a new database)"
        if "readonly database" in message:
            return f"{shown} is read-only — make it and its folder writable, or {fix}"
    return None


def _postgresql_line(causes: list[BaseException], url: URL) -> str | None:
    host = url.host or str(url.query.get("host") or "the local socket")
    where = f"{host}:{url.port or _POSTGRESQL_PORT}"
    user = url.username or "(the current user)"
    fix = f"fix {DATABASE_SETTING}"
    # The deepest cause with a SQLSTATE is the server's own error (asyncpg's), whose text is
    # the server's message without the driver's wrapping.
    answered = [cause for cause in causes if getattr(cause, "sqlstate", None)]
    if answered:
        server = answered[-1]
        sqlstate, message = str(getattr(server, "sqlstate", "")), str(server)
        if sqlstate == "3D000":
            name = url.database or url.username
            return f'database "{name}" does not exist on {where} — create it (createdb {name}) or {fix}'
        if sqlstate == "28P01":
            return f'password authentication failed for user "{user}" on {where} — {fix}'
        if sqlstate == "28000" and "role" in message and "does not exist" in message:
            return f"{message} on {where} — create it (createuser {user}) or {fix}"
        if sqlstate.startswith(("08", "28", "53", "57P")):
            return f"PostgreSQL at {where} refused the connection: {message} — {fix}"
        if sqlstate == "42501":
            return f"PostgreSQL at {where}: {message} — give the role the rights it needs or {fix}"
        return None
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            return f"cannot reach PostgreSQL at {where} (unknown host) — {fix}"
        if isinstance(cause, ConnectionRefusedError) or "Connect call failed" in str(cause):
            return f"cannot reach PostgreSQL at {where} (connection refused) — is it running? {fix}"
        if isinstance(cause, TimeoutError):
            return f"cannot reach PostgreSQL at {where} (timed out) — is it running? {fix}"
        if isinstance(cause, FileNotFoundError) and not url.host:
            return f"cannot reach PostgreSQL at {where} (no server socket) — is it running? {fix}"
        if isinstance(cause, OSError) and cause.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return f"cannot reach PostgreSQL at {where} ({cause.strerror}) — {fix}"
    return None
