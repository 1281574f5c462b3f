"""Everything that differs between SQLite and PostgreSQL (outside the search's own SQL), behind
one interface: ``DatabaseDialect``, implemented once per database (sqlite.py, postgresql.py).

This is the one place that maps a database's name to its implementation: ``dialect_for_url``
for a configured URL (the settings, the command's error lines, the migrations, ``Database``),
``dialect_of`` for a connection (repositories, bulk writes). Nothing else asks which database
it runs on; it asks the dialect to do the thing instead. The dialects import nothing of
leadpecker but each other's shared parts (common.py): the settings use them to check the
database URL.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.dialects.common import (
    MAX_BIND_PARAMS,
    USABLE_URLS,
    WRITE_OPTION,
    EngineOptions,
    chunked,
    json_text,
)
from leadpecker.kit.dialects.postgresql import PostgresqlDialect
from leadpecker.kit.dialects.sqlite import SqliteDialect

__all__ = [
    "MAX_BIND_PARAMS",
    "WRITE_OPTION",
    "DatabaseDialect",
    "EngineOptions",
    "PostgresqlDialect",
    "SqliteDialect",
    "async_database_url",
    "chunked",
    "dialect_for_url",
    "dialect_of",
    "json_text",
]


class DatabaseDialect(Protocol):
    """One database's ways: its URLs, its engines and transactions, the statements that are
    spelled differently, and its bulk-write path. Stateless: one instance per database."""

    name: str
    """``sqlite`` or ``postgresql``: for messages and logs, never to branch on."""

    analyzes_on_its_own: bool
    """Whether the database keeps its planner statistics fresh by itself (else ``serve`` does,
    kit/statistics.py)."""

    # --- URLs ----------------------------------------------------------------------------

    def async_url(self, url: URL) -> str:
        """The URL with leadpecker's async driver; ValueError (saying why, never repeating the
        URL, which may hold a password) for a URL of this database leadpecker cannot use."""
        ...

    def shown_url(self, url: URL) -> str:
        """The database as an operator should see it (never its password)."""
        ...

    def failure_line(self, causes: Sequence[BaseException], url: URL, fix: str) -> str | None:
        """What is wrong with the database, and what to do (``fix`` ends the advice), for an
        error and its ``causes`` the operator can fix; None for any other."""
        ...

    def open_before_migrating(self, url: URL) -> None:
        """Whatever must be checked in this thread before Alembic opens the database."""
        ...

    # --- engines and transactions --------------------------------------------------------

    def create_engine(self, url: str, options: EngineOptions) -> AsyncEngine:
        """The engine of writes and threaded reads, with its connections' set-up."""
        ...

    def create_inline_engine(self, url: str, options: EngineOptions) -> Engine | None:
        """A read-only synchronous engine for reads on the calling thread, or None where every
        read goes through ``create_engine``'s (kit/db.py says when inline reads pay)."""
        ...

    def read_transaction(self, conn: AsyncConnection) -> AbstractAsyncContextManager[None]:
        """What a read on ``conn`` runs inside (a transaction, or none)."""
        ...

    def load_connection(
        self, engine: AsyncEngine, close_idle: Callable[[], Coroutine[Any, Any, None]]
    ) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for loading a whole database at once (``Database.load``), set up for
        it and back to normal afterwards. ``close_idle`` closes the process's idle connections."""
        ...

    def analyze_statements(self, tables: Sequence[str]) -> list[str]:
        """The statements that refresh the planner's statistics of ``tables``."""
        ...

    # --- statements ----------------------------------------------------------------------

    def insert(self, model: Any) -> Any:
        """An INSERT that supports ``.on_conflict_do_nothing/update`` (the same API on both)."""
        ...

    def in_values(self, column: Any, values: list[Any]) -> ColumnElement[bool]:
        """``column IN (values)`` with the whole list as ONE bound parameter.

        An expanded IN binds one parameter per value, which both drivers pay for per value; a
        list of 5,000 emails costs tens of milliseconds before the database sees it. PostgreSQL
        takes an array (``= ANY($1)``), SQLite a JSON array read by ``json_each``."""
        ...

    def like_any(self, column: Any, patterns: list[str]) -> ColumnElement[bool]:
        """``column`` matches at least one of the LIKE ``patterns`` (``\\`` escapes ``%``, ``_``
        and itself), the whole list bound as ONE parameter however long it is (see in_values): a
        chain of ORs would meet SQLite's limit on expression depth (1,000) long before a URL's
        length."""
        ...

    # --- bulk writes (kit/bulk.py) -------------------------------------------------------

    async def copy_rows(
        self, conn: AsyncConnection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> bool:
        """Rows (adapted for the driver) straight into ``table``, where the database has a
        path for that needing no statement per batch (PostgreSQL's COPY): True. False where it
        has none, and nothing was written: the caller stages them."""
        ...

    async def stage(
        self,
        conn: AsyncConnection,
        staging: str,
        table: str,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        """Load rows (adapted for the driver) into the temporary table ``staging`` of just
        ``columns`` (created on first use, kept for the connection's life), without defaults
        or constraints: a copied id default would draw (and waste) a PostgreSQL sequence value
        per row."""
        ...

    async def clear(self, conn: AsyncConnection, staging: str) -> None:
        """Empty the staging table for the connection's next batch."""
        ...


SQLITE = SqliteDialect()
POSTGRESQL = PostgresqlDialect()

# SQLAlchemy's backend names (a URL's, a connection dialect's) → the implementation.
_BY_BACKEND: dict[str, DatabaseDialect] = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "postgres": POSTGRESQL}


def dialect_for_url(url: str | URL) -> DatabaseDialect:
    """The dialect of a database URL; ValueError (saying why, without repeating the URL) for a
    URL that names no database leadpecker supports."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL: {USABLE_URLS}") from None
    dialect = _BY_BACKEND.get(parsed.get_backend_name())
    if dialect is None:
        raise ValueError(f"{parsed.drivername!r} databases are not supported: {USABLE_URLS}")
    return dialect


def async_database_url(url: str) -> str:
    """Accept the plain URLs users write and pick the async driver for them. A URL leadpecker
    cannot use raises ValueError saying why, without repeating the URL (it may hold a password)."""
    return dialect_for_url(url).async_url(make_url(url))


def dialect_of(conn: Any) -> DatabaseDialect:
    """The dialect of a connection: anything with SQLAlchemy's ``dialect`` (an AsyncConnection,
    a read connection, a synchronous Connection)."""
    sqlalchemy_dialect: Dialect = conn.dialect
    return _BY_BACKEND[sqlalchemy_dialect.name]
