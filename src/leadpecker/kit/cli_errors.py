"""What the ``leadpecker`` command tells its operator: the database it uses, and one line for
every failure the operator can fix (a setting, the database URL, a database that cannot be
reached, a file, a port).

This is the one place where exceptions become those lines; the command's root (``cli.py``)
prints them as ``error: <what is wrong> — <what to do>`` and exits 1. A failure not described
here is a bug, and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from leadpecker.kit.dialects import dialect_for_url
from leadpecker.kit.errors import UsageError
from leadpecker.settings import Settings

DATABASE_SETTING = "LEADPECKER_DATABASE_URL"


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
    try:
        return dialect_for_url(parsed).shown_url(parsed)
    except ValueError:  # no database leadpecker knows
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
        dialect = dialect_for_url(parsed)
    except (ArgumentError, ValueError):
        return None
    return dialect.failure_line(list(_causes(error)), parsed, f"fix {DATABASE_SETTING}")
