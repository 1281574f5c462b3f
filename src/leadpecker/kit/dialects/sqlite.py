"""SQLite: the embedded default. aiosqlite for writes and threaded reads, and a second,
read-only engine (pysqlite) whose reads run on the calling thread (see kit/db.py)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exists, func, literal, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.dialects.common import USABLE_URLS, WRITE_OPTION, EngineOptions, json_text


def unicode_lower(value: Any) -> Any:
    """SQL ``unicode_lower(text)``: Python's ``str.lower()``, for the whole of Unicode where
    SQLite's own ``lower()`` folds only ASCII (``lower('ÉMILE')`` is ``'Émile'``), so a
    case-insensitive comparison means the same as PostgreSQL's. NULL stays NULL; a number or
    a blob, which have no case, come back as they are."""
    return value.lower() if isinstance(value, str) else value


class SqliteDialect:
    name = "sqlite"
    # SQLite gathers planner statistics only when told to (kit/statistics.py).
    analyzes_on_its_own = False

    # --- URLs ----------------------------------------------------------------------------

    def async_url(self, url: URL) -> str:
        if not url.database or url.database == ":memory:":
            # Each connection would get a database of its own, gone when the command ends.
            raise ValueError(f"a SQLite URL needs a file path: {USABLE_URLS}")
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)

    def shown_url(self, url: URL) -> str:
        """The file by its absolute path."""
        path = url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            return f"sqlite:///{Path(path).absolute()}"
        return url.render_as_string(hide_password=True)

    def failure_line(self, causes: Sequence[BaseException], url: URL, fix: str) -> str | None:
        shown = self.shown_url(url)
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

    def open_before_migrating(self, url: URL) -> None:
        """Open the database file (creating it, as the migration would) and read its header,
        before Alembic does through aiosqlite. A file that cannot be opened (missing folder, no
        permission) or is no database then fails with sqlite3's error in this thread: aiosqlite
        (0.22) leaves the thread of a connection that failed to open behind, and that thread
        prints a traceback of its own once the event loop has closed."""
        if not url.database or "uri" in url.query:
            return
        with closing(sqlite3.connect(url.database)) as conn:
            conn.execute("PRAGMA schema_version")

    # --- engines and transactions --------------------------------------------------------

    def create_engine(self, url: str, options: EngineOptions) -> AsyncEngine:
        engine = create_async_engine(url, **options.shared())
        _configure(engine.sync_engine, _busy_timeout_ms(options))
        return engine

    def create_inline_engine(self, url: str, options: EngineOptions) -> Engine | None:
        """The read-only engine of reads on the calling thread. LIFO: the connection used last
        is used next, so its page cache is the warm one and what it remembers (the search's
        bucket counts) is found again."""
        engine = create_engine(
            make_url(url).set(drivername="sqlite+pysqlite"),
            pool_use_lifo=True,
            **options.shared(),
        )
        _configure(engine, _busy_timeout_ms(options), read_only=True)
        return engine

    @asynccontextmanager
    async def read_transaction(self, conn: AsyncConnection) -> AsyncIterator[None]:
        """One transaction: a consistent snapshot."""
        async with conn.begin():
            yield

    @asynccontextmanager
    async def load_connection(
        self, engine: AsyncEngine, close_idle: Callable[[], Coroutine[Any, Any, None]]
    ) -> AsyncIterator[AsyncConnection]:
        """When no other connection has the database open, the load runs with a rollback journal
        instead of the WAL. In WAL mode the load's pages go to the WAL, and SQLite looks every
        page the load reads again (building indexes, FTS tables, documents) up in the WAL's hash
        tables one 4,096-frame table after another: gigabytes of uncommitted WAL made the first
        load of 1M prospects ~50 % slower. With a rollback journal the new pages go straight to
        the database file, and only the few pages that existed before are saved to the journal.
        A crash mid-load rolls back from the journal when the database is next opened. The WAL
        comes back at the end (and every connection asks for it when it opens)."""
        await close_idle()  # this process's idle connections count as "other"
        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            # Left in WAL mode (and nothing else changes) when another connection is open.
            rollback_journal = await _set_journal(driver, "DELETE", synchronous="FULL") == "delete"
            try:
                yield conn
            finally:
                # Suppressed: the connection is gone when the load was cancelled (Ctrl-C).
                # Harmless: every connection asks for the WAL when it opens.
                with contextlib.suppress(ValueError, sqlite3.Error):
                    if rollback_journal:
                        await _set_journal(driver, "WAL", synchronous="NORMAL")

    def analyze_statements(self, tables: Sequence[str]) -> list[str]:
        # Sample instead of reading every row: 4 ms instead of most of a second per 200k.
        return ["PRAGMA analysis_limit=1000", *(f"ANALYZE {table}" for table in tables)]

    # --- statements ----------------------------------------------------------------------

    def insert(self, model: Any) -> sqlite.Insert:
        """An INSERT with ``.on_conflict_do_nothing/update`` (the same API on both)."""
        return sqlite.insert(model)

    def in_values(self, column: Any, values: list[Any]) -> ColumnElement[bool]:
        """``column IN (values)``, the list bound as ONE parameter: a JSON array read by
        ``json_each`` (see DatabaseDialect.in_values)."""
        return column.in_(
            select(func.json_each(json_text(values)).table_valued("value").c.value).scalar_subquery()
        )

    def like_any(self, column: Any, patterns: list[str]) -> ColumnElement[bool]:
        listed = func.json_each(json_text(patterns)).table_valued("value")
        return exists(select(literal(1)).select_from(listed).where(column.like(listed.c.value, escape="\\")))

    # --- bulk writes (kit/bulk.py) -------------------------------------------------------

    async def copy_rows(
        self, conn: AsyncConnection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> bool:
        return False  # no COPY: bulk writes go through a staging table

    async def stage(
        self,
        conn: AsyncConnection,
        staging: str,
        table: str,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        # Columns without a type: each value reaches the real table exactly as the driver sent it.
        column_list = ", ".join(columns)
        await conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {staging} ({column_list})")
        marks = ", ".join("?" for _ in columns)
        await conn.exec_driver_sql(f"INSERT INTO {staging} VALUES ({marks})", rows)

    async def clear(self, conn: AsyncConnection, staging: str) -> None:
        # DELETE without WHERE empties the table in one step, like TRUNCATE.
        await conn.exec_driver_sql(f"DELETE FROM {staging}")


def _busy_timeout_ms(options: EngineOptions) -> int:
    # The API gives up waiting for another connection's lock (an import, an operator's shell)
    # after its timeout; commands wait as long as the setting says. Inline reads wait on the
    # event loop's thread, but in WAL mode a reader waits only in rare moments (another process
    # recovering the WAL, or holding the file in exclusive locking mode).
    if options.timeout_seconds is None:
        return options.sqlite_busy_timeout_ms
    return int(options.timeout_seconds * 1000)


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


def _configure(engine: Engine, busy_timeout_ms: int, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so "begin" below decides the mode.
        dbapi_connection.isolation_level = None
        dbapi_connection.create_function("unicode_lower", 1, unicode_lower, deterministic=True)
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
            # connections' snapshot version would not see their own commits (kit/db.py).
            pragmas.append("query_only=ON")
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front (BEGIN IMMEDIATE): a deferred one
        # that upgrades from read to write can fail with SQLITE_BUSY instead of waiting.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
