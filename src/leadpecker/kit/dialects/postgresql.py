"""PostgreSQL, the scale-out path: asyncpg for everything."""

from __future__ import annotations

import errno
import socket
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, Text, any_, bindparam, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.dialects.common import EngineOptions

_PORT = 5432


class PostgresqlDialect:
    name = "postgresql"
    # autovacuum gathers planner statistics by itself.
    analyzes_on_its_own = True

    # --- URLs ----------------------------------------------------------------------------

    def async_url(self, url: URL) -> str:
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)

    def shown_url(self, url: URL) -> str:
        """Without its password."""
        return url.render_as_string(hide_password=True)

    def failure_line(self, causes: Sequence[BaseException], url: URL, fix: str) -> str | None:
        host = url.host or str(url.query.get("host") or "the local socket")
        where = f"{host}:{url.port or _PORT}"
        user = url.username or "(the current user)"
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

    def open_before_migrating(self, url: URL) -> None:
        """Nothing: asyncpg reports a server it cannot reach from the connection attempt."""

    # --- engines and transactions --------------------------------------------------------

    def create_engine(self, url: str, options: EngineOptions) -> AsyncEngine:
        kwargs = options.shared()
        kwargs.update(pool_size=options.pool_size, max_overflow=options.pool_size)
        if options.timeout_seconds is not None:
            # asyncpg's own timeouts, client-side, rather than the server's statement_timeout:
            # they also end the wait for a server that accepts the TCP connection but never
            # answers (stopped, or cut off by the network), which no server-side setting can;
            # for a live server asyncpg then sends it a cancel request, so the statement stops
            # there too.
            timeout = options.timeout_seconds
            kwargs.update(connect_args={"timeout": timeout, "command_timeout": timeout})
        engine = create_async_engine(url, **kwargs)
        _configure(engine.sync_engine)
        return engine

    def create_inline_engine(self, url: str, options: EngineOptions) -> Engine | None:
        """None: every statement is a round trip to the server, which the event loop awaits."""
        return None

    @asynccontextmanager
    async def read_transaction(self, conn: AsyncConnection) -> AsyncIterator[None]:
        """No transaction: READ COMMITTED, PostgreSQL's default, gives every statement its own
        snapshot whether or not they share a transaction; BEGIN and COMMIT would only add two
        round trips to every read."""
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield

    @asynccontextmanager
    async def load_connection(
        self, engine: AsyncEngine, close_idle: Callable[[], Coroutine[Any, Any, None]]
    ) -> AsyncIterator[AsyncConnection]:
        """A connection like any write's: PostgreSQL loads as fast into a live database."""
        async with engine.connect() as conn:
            yield conn

    def analyze_statements(self, tables: Sequence[str]) -> list[str]:
        return [f"ANALYZE {table}" for table in tables]

    # --- statements ----------------------------------------------------------------------

    def insert(self, model: Any) -> postgresql.Insert:
        """An INSERT with ``.on_conflict_do_nothing/update`` (the same API on both)."""
        return postgresql.insert(model)

    def in_values(self, column: Any, values: list[Any]) -> ColumnElement[bool]:
        """``column = ANY($1)``, the list bound as ONE array (see DatabaseDialect.in_values)."""
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))

    def like_any(self, column: Any, patterns: list[str]) -> ColumnElement[bool]:
        # The backslash is PostgreSQL's default LIKE escape: LIKE ANY needs no ESCAPE clause.
        return column.like(any_(bindparam(None, patterns, type_=postgresql.ARRAY(Text()))))

    # --- bulk writes (kit/bulk.py) -------------------------------------------------------

    async def copy_rows(
        self, conn: AsyncConnection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> bool:
        """COPY straight into the table. The driver's own call: an error the database raises
        (a constraint, a trigger) comes back as SQLAlchemy's DBAPIError, as it would from any
        statement, so callers handle one kind of database error."""
        import asyncpg

        await conn.exec_driver_sql("SELECT 1")  # begins SQLAlchemy's transaction for the COPY
        raw = (await conn.get_raw_connection()).driver_connection
        try:
            await raw.copy_records_to_table(table, records=rows, columns=list(columns))
        except asyncpg.PostgresError as error:
            raise DBAPIError(f"COPY {table}", None, error) from error
        return True

    async def stage(
        self,
        conn: AsyncConnection,
        staging: str,
        table: str,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        # Through SQLAlchemy, so its transaction has begun before the raw COPY joins it.
        await conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(staging, records=rows, columns=list(columns))

    async def clear(self, conn: AsyncConnection, staging: str) -> None:
        await conn.exec_driver_sql(f"TRUNCATE {staging}")


def _configure(engine: Engine) -> None:
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
