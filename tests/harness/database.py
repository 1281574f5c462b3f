"""Databases for tests: a fresh, empty one of either kind (``new_database``), and direct reads of
what a test server wrote, for what the API cannot show (yet): how keys are stored, a
prospect's fields, ledgers, counters.

Every test that uses a database runs twice: on SQLite and on PostgreSQL (127.0.0.1:5432 by
default, ``LEADPECKER_TEST_POSTGRES_URL`` to change). Without a reachable PostgreSQL the
PostgreSQL half is skipped, unless ``LEADPECKER_REQUIRE_POSTGRES=1`` (CI) makes that a failure.

Two readers, because tests read two ways: ``fetch`` goes through leadpecker's own read path
(``Database.read``: on SQLite the read-only connection the search uses) and returns tuples;
``DirectDatabase`` (and ``db_rows``) opens an engine of its own per call and returns rows by
column name, and can also write, to arrange a state no request leaves (a batch aged by a day).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from leadpecker.kit.db import Database, async_database_url
from leadpecker.settings import Settings

T = TypeVar("T")

POSTGRES_URL = os.environ.get("LEADPECKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("LEADPECKER_REQUIRE_POSTGRES") == "1"


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql://", "postgres://", 1), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_database(kind: str, directory: Path) -> tuple[str, Callable[[], None]]:
    """A fresh, empty database of ``kind``; returns its URL and a function that drops it."""
    if kind == "sqlite":
        path = directory / f"{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    name = f"leadpecker_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
    except Exception as error:  # any failure means "no PostgreSQL here"
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def fetch(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a query as tuples, read the way leadpecker reads (``Database.read``)."""

    async def run() -> list[tuple[Any, ...]]:
        db = Database(Settings(database_url=database_url))
        try:
            async with db.read() as conn:
                return [tuple(row) for row in await conn.execute(text(sql), params)]
        finally:
            await db.dispose()

    return asyncio.run(run())


class DirectDatabase:
    """Direct reads (and arranged writes) of one database: a fresh engine per call, since
    tests run in no event loop."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """``work`` on a connection in a transaction of its own, committed when it returns."""

        async def main() -> T:
            engine = create_async_engine(async_database_url(self.database_url), poolclass=NullPool)
            try:
                async with engine.begin() as conn:
                    return await work(conn)
            finally:
                await engine.dispose()

        return asyncio.run(main())

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a query, by column name."""

        async def work(conn: AsyncConnection) -> list[dict[str, Any]]:
            return [dict(row) for row in (await conn.execute(text(sql), params)).mappings()]

        return self.run(work)

    def execute(self, sql: str, **params: Any) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(text(sql), params)

        self.run(work)

    def value(self, sql: str, **params: Any) -> Any:
        """The one value of a query that returns exactly one row."""
        rows = self.rows(sql, **params)
        assert len(rows) == 1, rows
        return next(iter(rows[0].values()))


def db_rows(database_url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a query, read straight from the database."""
    return DirectDatabase(database_url).rows(sql, **params)


def stored_prospect(database_url: str, account_id: int, email: str) -> dict[str, Any] | None:
    """The stored row of a prospect (None when there is none)."""
    rows = db_rows(
        database_url,
        "SELECT * FROM prospects WHERE account_id = :account AND email = :email",
        account=account_id,
        email=email,
    )
    return rows[0] if rows else None
