"""Engine and transactions for both databases.

SQLite is the embedded default and PostgreSQL the scale-out path; the same Core statements run
on both. Writes are done on ``AsyncConnection`` objects, reads on a ``ReadConnection`` that
only runs statements (no ORM unit of work): the hot paths fetch tuples and encode them straight
to JSON.

SQLite reads run on the calling thread (``InlineReadConnection``). aiosqlite runs every statement
on a thread of its own and hands the result back through the event loop; each hand-over waits
for the GIL, so a search of four statements spent more time passing results between threads
than in SQLite (an exact-email search at a million prospects: 4.9 ms → 2.4 ms p50 inline).
A read in WAL mode does not wait for writers, but the loop waits for the read: while one runs,
nothing else of the process does, so a slow search holds up the others (``serve --workers N``
serves beside it). Writes, which can wait for SQLite's one write lock, and reads that must
overlap other work (``read(threaded=True)``) stay on aiosqlite's thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, CursorResult, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from leadpecker.kit.dialects import (
    WRITE_OPTION,
    DatabaseDialect,
    EngineOptions,
    async_database_url,
    dialect_for_url,
)
from leadpecker.settings import Settings

T = TypeVar("T")

__all__ = [
    "AsyncReadConnection",
    "Database",
    "InlineReadConnection",
    "ReadConnection",
    "SqlConnection",
    "async_database_url",
    "snapshot_version",
]


class Database:
    """One engine plus the two kinds of transaction the code needs: read and write.

    ``timeout_seconds`` is the API's patience (``serve``): no step of a request waits longer
    for the database — a pooled connection, a new connection, SQLite's write lock, one
    PostgreSQL statement — and the request answers 503 instead of hanging as long as a frozen
    database stays frozen. None (the operator's commands: imports, workers of their own) waits
    as long as it takes; migrations run on an engine of their own and are never limited.

    What differs between the databases is the dialect's (``self.dialect``, kit/dialects/),
    chosen here once from the URL.
    """

    def __init__(self, settings: Settings, *, timeout_seconds: float | None = None) -> None:
        self.url = async_database_url(settings.database_url)
        self.dialect: DatabaseDialect = dialect_for_url(self.url)
        options = EngineOptions(
            timeout_seconds=timeout_seconds,
            pool_size=settings.db_pool_size,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        )
        self.engine: AsyncEngine = self.dialect.create_engine(self.url, options)
        # The read-only engine of reads on the calling thread (SQLite's), else None.
        self.inline_engine: Engine | None = self.dialect.create_inline_engine(self.url, options)

    @asynccontextmanager
    async def read(self, *, threaded: bool = False) -> AsyncIterator[ReadConnection]:
        """Reads, taking no lock. On SQLite one transaction: a consistent snapshot. On
        PostgreSQL each statement reads the data committed when it starts, as inside a READ
        COMMITTED transaction, but without one (the dialect's read_transaction).

        On SQLite it runs on the calling thread (see the module's docstring): the event loop
        waits for it, so keep such reads short and await nothing else inside them. With
        ``threaded`` it runs on the driver's thread and the loop goes on meanwhile: for reads
        that other coroutines must overlap (the enrichment worker matches one claim while the
        previous claim's write-back runs) or that may take long.

        The connection only reads (``ReadConnection``): anything but statements fails."""
        if self.inline_engine is not None and not threaded:
            with self.inline_engine.connect() as sync, sync.begin():
                yield InlineReadConnection(sync)
            return
        async with self.engine.connect() as conn, self.dialect.read_transaction(conn):
            yield AsyncReadConnection(conn)

    async def read_sync(self, function: Callable[[Connection], T]) -> T:
        """``function(connection)`` in a read on the driver's thread, for code that only takes a
        synchronous Connection (Alembic's MigrationContext: the readiness check)."""
        async with self.engine.connect() as conn, self.dialect.read_transaction(conn):
            return await conn.run_sync(function)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that writes; commits on success, rolls back on any exception.

        On SQLite it starts with BEGIN IMMEDIATE so the write lock is taken up front: a deferred
        transaction that upgrades from read to write can fail with SQLITE_BUSY instead of waiting.
        """
        async with self.engine.connect() as conn:
            await conn.execution_options(**{WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def load(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction for loading a whole database at once (the first prospects
        import), on a connection the dialect sets up for it (SQLite: a rollback journal
        instead of the WAL, when no other connection has the database open)."""
        async with self.dialect.load_connection(self.engine, self.dispose) as conn:
            await conn.execution_options(**{WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    async def analyze(self, *tables: str) -> None:
        """Refresh the planner's statistics after a bulk load, so the first queries on the
        new rows pick the right indexes."""
        async with self.write() as conn:
            for statement in self.dialect.analyze_statements(tables):
                await conn.exec_driver_sql(statement)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.inline_engine is not None:
            self.inline_engine.dispose()


class SqlConnection(Protocol):
    """What repositories need of a connection, whichever it is: an ``AsyncConnection`` (writes)
    or a ``ReadConnection`` (reads). SQLAlchemy's ``dialect`` says which database it is
    (``kit.dialects.dialect_of``)."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]: ...

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> CursorResult[Any]: ...


class ReadConnection:
    """The connection of ``Database.read()``, on both databases: it runs statements
    (``execute``, ``exec_driver_sql``), says its ``dialect``, and keeps ``info`` for as long as
    the pooled connection lives. Nothing else: transactions, raw connections, ``run_sync``…
    are the ``Database``'s business, and asking for them fails at once, on both databases
    alike, rather than working on one and not the other."""

    __slots__ = ()

    dialect: Dialect
    execute: Callable[..., Awaitable[CursorResult[Any]]]
    exec_driver_sql: Callable[..., Awaitable[CursorResult[Any]]]

    @property
    def info(self) -> dict[Any, Any]:
        raise NotImplementedError

    async def snapshot_version(self) -> int | None:
        """See ``snapshot_version``: None unless the connection can say."""
        return None

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"a read connection has no {name!r}: it runs statements (execute, exec_driver_sql); "
            "transactions and writes go through Database.write()"
        )


class InlineReadConnection(ReadConnection):
    """A read over a synchronous (SQLite) connection: each statement runs at once on the
    calling thread and its awaitable is already done."""

    __slots__ = ("_sync", "dialect")

    def __init__(self, sync: Connection) -> None:
        self._sync = sync
        self.dialect = sync.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:  # type: ignore[override]
        return self._sync.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> CursorResult[Any]:  # type: ignore[override]
        return self._sync.exec_driver_sql(statement, parameters)

    @property
    def info(self) -> dict[Any, Any]:
        """A dict that lives as long as the pooled SQLite connection (SQLAlchemy's)."""
        return self._sync.info

    async def snapshot_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version``: it changes when *another* connection commits (never
        for the connection's own commits, hence the inline engine's ``query_only``) and stays
        the same for the whole of a read transaction, so it is the version of the
        transaction's snapshot."""
        return int(self._sync.exec_driver_sql("PRAGMA data_version").scalar_one())


class AsyncReadConnection(ReadConnection):
    """A read over an ``AsyncConnection`` (PostgreSQL's reads, and SQLite's ``threaded``
    ones). Its ``execute`` and ``exec_driver_sql`` are the AsyncConnection's own bound
    methods, not wrappers: a statement costs what it costs on the AsyncConnection itself."""

    __slots__ = ("_conn", "dialect", "exec_driver_sql", "execute")

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.dialect = conn.dialect
        self.execute = conn.execute
        self.exec_driver_sql = conn.exec_driver_sql

    @property
    def info(self) -> dict[Any, Any]:
        """A dict that lives as long as the pooled connection (SQLAlchemy's)."""
        return self._conn.info


async def snapshot_version(conn: SqlConnection) -> int | None:
    """A number that stays the same as long as nothing was committed to the database, for a
    connection that cannot write: SQLite's ``PRAGMA data_version`` on an inline read
    connection (``InlineReadConnection.snapshot_version``). None elsewhere: PostgreSQL, and
    SQLite connections that also write (aiosqlite's, threaded reads included)."""
    return await conn.snapshot_version() if isinstance(conn, ReadConnection) else None
