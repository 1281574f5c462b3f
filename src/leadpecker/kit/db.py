"""Engine and transactions for both databases.

SQLite is the embedded default and PostgreSQL the scale-out path; the same Core statements run
on both. Work is done on ``AsyncConnection`` objects, or their look-alike for SQLite reads
(no ORM unit of work): the hot paths fetch tuples and encode them straight to JSON.

SQLite reads run on the calling thread (``InlineConnection``). aiosqlite runs every statement
on a thread of its own and hands the result back through the event loop; each hand-over waits
for the GIL, so a search of four statements spent more time passing results between threads
than in SQLite (an exact-email search at a million prospects: 4.9 ms → 2.4 ms p50 inline).
A read in WAL mode does not wait for writers, but the loop waits for the read: while one runs,
nothing else of the process does, so a slow search holds up the others (``serve --workers N``
serves beside it). Writes, which can wait for SQLite's one write lock, and reads that must
overlap other work (``read(threaded=True)``) stay on aiosqlite's thread.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from leadpecker.settings import Settings, async_database_url

_WRITE_OPTION = "leadpecker_write"


class Database:
    """One engine plus the two kinds of transaction the code needs: read and write.

    ``timeout_seconds`` is the API's patience (``serve``): no step of a request waits longer
    for the database — a pooled connection, a new connection, SQLite's write lock, one
    PostgreSQL statement — and the request answers 503 instead of hanging as long as a frozen
    database stays frozen. None (the operator's commands: imports, workers of their own) waits
    as long as it takes; migrations run on an engine of their own and are never limited.
    """

    def __init__(self, settings: Settings, *, timeout_seconds: float | None = None) -> None:
        self.url = async_database_url(settings.database_url)
        self.dialect = make_url(self.url).get_backend_name()
        # No pool_pre_ping: a connection broken by an outage fails its first statement, which
        # invalidates it and every older connection of the pool, so at most one request per
        # process meets the break; pinging before every checkout would cost each request a round
        # trip (measured on PostgreSQL, an exact-email search over HTTP: +0.5 ms or 17 % at the
        # 10th percentile, +1.5 ms or 25 % at the median).
        pool_options: dict[str, Any] = {} if timeout_seconds is None else {"pool_timeout": timeout_seconds}
        # A statement's error (logged with its trace) names the statement but not its bound
        # values: they are searched emails and other personal data.
        kwargs: dict[str, Any] = {**pool_options, "hide_parameters": True}
        if self.is_postgresql:
            kwargs.update(pool_size=settings.db_pool_size, max_overflow=settings.db_pool_size)
            if timeout_seconds is not None:
                # asyncpg's own timeouts, client-side, rather than the server's
                # statement_timeout: they also end the wait for a server that accepts the TCP
                # connection but never answers (stopped, or cut off by the network), which no
                # server-side setting can; for a live server asyncpg then sends it a cancel
                # request, so the statement stops there too.
                kwargs.update(connect_args={"timeout": timeout_seconds, "command_timeout": timeout_seconds})
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_postgresql:
            _configure_postgresql(self.engine.sync_engine)
        self.inline_engine: Engine | None = None
        if self.is_sqlite:
            # The API gives up waiting for another connection's lock (an import, an operator's
            # shell) after its timeout; commands wait as long as the setting says. Inline reads
            # wait on the event loop's thread, but in WAL mode a reader waits only in rare moments
            # (another process recovering the WAL, or holding the file in exclusive locking mode).
            busy_timeout_ms = (
                settings.sqlite_busy_timeout_ms if timeout_seconds is None else int(timeout_seconds * 1000)
            )
            _configure_sqlite(self.engine.sync_engine, busy_timeout_ms)
            # LIFO: the connection used last is used next, so its page cache is the warm one and
            # what it remembers (search.repository's bucket counts) is found again.
            self.inline_engine = create_engine(
                make_url(self.url).set(drivername="sqlite+pysqlite"),
                pool_use_lifo=True,
                hide_parameters=True,
                **pool_options,
            )
            _configure_sqlite(self.inline_engine, busy_timeout_ms, read_only=True)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def read(self, *, threaded: bool = False) -> AsyncIterator[AsyncConnection]:
        """Reads, taking no lock. On SQLite one transaction: a consistent snapshot. On
        PostgreSQL each statement reads the data committed when it starts, as inside a READ
        COMMITTED transaction, but without one (see below).

        On SQLite it runs on the calling thread (see the module's docstring): the event loop
        waits for it, so keep such reads short and await nothing else inside them. With
        ``threaded`` it runs on the driver's thread and the loop goes on meanwhile: for reads
        that other coroutines must overlap (the enrichment worker matches one claim while the
        previous claim's write-back runs) or that may take long."""
        if self.inline_engine is not None and not threaded:
            with self.inline_engine.connect() as sync, sync.begin():
                # The same awaitable execute() as an AsyncConnection: repositories take either.
                yield cast(AsyncConnection, InlineConnection(sync))
            return
        if self.is_postgresql:
            # READ COMMITTED, PostgreSQL's default, gives every statement its own snapshot
            # whether or not they share a transaction; BEGIN and COMMIT would only add two
            # round trips to every read.
            async with self.engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                yield conn
            return
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that writes; commits on success, rolls back on any exception.

        On SQLite it starts with BEGIN IMMEDIATE so the write lock is taken up front: a deferred
        transaction that upgrades from read to write can fail with SQLITE_BUSY instead of waiting.
        """
        async with self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def load(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction for loading a whole database at once (the first prospects
        import); otherwise ``write()``.

        On SQLite, when no other connection has the database open, it runs with a rollback
        journal instead of the WAL. In WAL mode the load's pages go to the WAL, and SQLite looks
        every page the load reads again (building indexes, FTS tables, documents) up in the
        WAL's hash tables one 4,096-frame table after another: gigabytes of uncommitted WAL made
        the first load of 1M prospects ~50 % slower. With a rollback journal the new pages go
        straight to the database file, and only the few pages that existed before are saved to
        the journal. A crash mid-load rolls back from the journal when the database is next
        opened. The WAL comes back at the end (and every connection asks for it when it opens)."""
        if not self.is_sqlite:
            async with self.write() as conn:
                yield conn
            return
        await self.dispose()  # this process's idle connections count as "other"
        async with self.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            # Left in WAL mode (and nothing else changes) when another connection is open.
            rollback_journal = await _set_journal(driver, "DELETE", synchronous="FULL") == "delete"
            try:
                await conn.execution_options(**{_WRITE_OPTION: True})
                async with conn.begin():
                    yield conn
            finally:
                # Suppressed: the connection is gone when the load was cancelled (Ctrl-C).
                # Harmless: every connection asks for the WAL when it opens.
                with contextlib.suppress(ValueError, sqlite3.Error):
                    if rollback_journal:
                        await _set_journal(driver, "WAL", synchronous="NORMAL")

    async def analyze(self, *tables: str) -> None:
        """Refresh the planner's statistics after a bulk load, so the first queries on the
        new rows pick the right indexes (both databases spell it ANALYZE)."""
        async with self.write() as conn:
            if self.is_sqlite:
                # Sample instead of reading every row: 4 ms instead of most of a second per 200k.
                await conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            for table in tables:
                await conn.exec_driver_sql(f"ANALYZE {table}")

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.inline_engine is not None:
            self.inline_engine.dispose()


class InlineConnection:
    """What read transactions use of an ``AsyncConnection``, over a synchronous connection:
    each statement runs at once on the calling thread and its awaitable is already done."""

    def __init__(self, sync: Connection) -> None:
        self.sync_connection = sync
        self.dialect = sync.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        return self.sync_connection.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> CursorResult[Any]:
        return self.sync_connection.exec_driver_sql(statement, parameters)

    @property
    def info(self) -> dict[Any, Any]:
        """A dict that lives as long as the pooled SQLite connection (SQLAlchemy's)."""
        return self.sync_connection.info


async def snapshot_version(conn: AsyncConnection) -> int | None:
    """A number that stays the same as long as nothing was committed to the database, for a
    connection that cannot write: SQLite's ``PRAGMA data_version`` on an inline read
    connection. SQLite changes it when *another* connection commits (never for the
    connection's own commits, hence ``query_only``) and keeps it for the whole of a read
    transaction, so it is the version of the transaction's snapshot. None elsewhere:
    PostgreSQL, and SQLite connections that also write (aiosqlite's, threaded reads
    included)."""
    if not isinstance(conn, InlineConnection):
        return None
    return int((await conn.exec_driver_sql("PRAGMA data_version")).scalar_one())


async def _set_journal(driver: Any, mode: str, *, synchronous: str) -> str:
    """Switch an aiosqlite connection's journal mode (outside any transaction); returns the
    mode now in force, which stays the old one when another connection is open."""
    try:
        cursor = await driver.execute(f"PRAGMA journal_mode={mode}")
    except sqlite3.OperationalError:  # "database is locked": leaving WAL needs it to ourselves
        cursor = await driver.execute("PRAGMA journal_mode")
    (now,) = await cursor.fetchone()
    if now == mode.lower():
        # A rollback journal is only power-safe with FULL; WAL is with NORMAL.
        await driver.execute(f"PRAGMA synchronous={synchronous}")
    return str(now)


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A statement that outlived asyncpg's command_timeout leaves its connection waiting
        # for an answer that may never come (a frozen server would not answer the ROLLBACK of
        # the connection's return to the pool either): drop that connection at once —
        # SQLAlchemy's own invalidation first tries a polite close, which waits 2 s more for a
        # frozen server. Only that connection: a single slow statement says nothing about the
        # others.
        if isinstance(context.original_exception, TimeoutError):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False
            if context.connection is not None and not context.connection.invalidated:
                context.connection.connection.driver_connection.terminate()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # No JIT compilation: leadpecker's statements are short reads and writes, and
        # PostgreSQL decides to compile from cost estimates that misfire on statements whose
        # row counts are only known at run time (a listing page's key range: estimated at
        # 111,000 rows, 1,000 read, 7–12 ms compiling a 1 ms query). A SET rather than a
        # startup parameter, which connection poolers such as PgBouncer refuse.
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so "begin" below decides the mode.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        pragmas = [
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={busy_timeout_ms}",
            "foreign_keys=ON",
            "temp_store=MEMORY",
            "cache_size=-65536",
            "mmap_size=268435456",
        ]
        if read_only:
            # A write through the inline read engine fails instead of happening: its
            # connections' snapshot_version would not see their own commits.
            pragmas.append("query_only=ON")
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
