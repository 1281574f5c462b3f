"""The database plumbing itself (kit/db.py, kit/dialects/, kit/bulk.py), on both databases:
what a read connection lets through, SQLite's ``unicode_lower``, and how values are stored
whichever path wrote them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import insert, text

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.db import Database, ReadConnection, snapshot_version
from leadpecker.kit.migrate import upgrade_to_head
from leadpecker.models import Account, Prospect
from leadpecker.settings import Settings
from tests.harness.database import new_database

# What an AsyncConnection has and a read connection must not: transactions, the raw driver
# connection, synchronous code, options that would change what the connection does.
NOT_FOR_READS = (
    "begin",
    "begin_nested",
    "commit",
    "rollback",
    "close",
    "get_raw_connection",
    "run_sync",
    "execution_options",
    "stream",
    "scalar",
    "sync_connection",
    "invalidate",
)

# A time given with an offset, and the text SQLite has always stored for it (naive UTC).
GIVEN = datetime(2024, 3, 1, 12, 0, 0, 123, tzinfo=timezone(timedelta(hours=2)))
STORED = "2024-03-01 10:00:00.000123"


@pytest.fixture(scope="module")
def migrated(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database of its own, at the newest migration."""
    url, drop = new_database(backend, tmp_path_factory.mktemp("database"))
    upgrade_to_head(url)
    yield url
    drop()


def run(database_url: str, work: Any) -> Any:
    async def main() -> Any:
        db = Database(Settings(database_url=database_url))
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


@pytest.mark.parametrize("threaded", [False, True], ids=["default", "threaded"])
def test_a_read_connection_runs_statements_and_nothing_else(migrated: str, threaded: bool) -> None:
    async def work(db: Database) -> None:
        async with db.read(threaded=threaded) as conn:
            assert isinstance(conn, ReadConnection)
            assert (await conn.execute(text("SELECT 1 + :n"), {"n": 1})).scalar_one() == 2
            assert (await conn.exec_driver_sql("SELECT 3")).scalar_one() == 3
            assert conn.dialect.name == db.engine.dialect.name
            assert isinstance(conn.info, dict)
            for name in NOT_FOR_READS:
                with pytest.raises(AttributeError, match="a read connection has no"):
                    getattr(conn, name)
            version = await snapshot_version(conn)
            # Only SQLite's inline reads can say which snapshot they read.
            assert (version is not None) == (db.inline_engine is not None and not threaded)

    run(migrated, work)


def test_unicode_lower_on_every_sqlite_connection(tmp_path: Any) -> None:
    """SQLite's own lower() folds only ASCII; unicode_lower is Python's str.lower(), on every
    connection: inline reads, threaded reads, writes."""
    url, _ = new_database("sqlite", tmp_path)
    upgrade_to_head(url)
    query = "SELECT unicode_lower('ÉMILE Ünal ǅ'), unicode_lower(NULL), lower('ÉMILE')"
    expected = ("émile ünal ǆ", None, "Émile")

    async def work(db: Database) -> None:
        async with db.read() as conn:
            assert tuple((await conn.exec_driver_sql(query)).one()) == expected
        async with db.read(threaded=True) as conn:
            assert tuple((await conn.exec_driver_sql(query)).one()) == expected
        async with db.write() as conn:
            assert tuple((await conn.exec_driver_sql(query)).one()) == expected
            # Deterministic, so an index may be built on it.
            await conn.exec_driver_sql("CREATE TEMP TABLE names (name TEXT)")
            await conn.exec_driver_sql("CREATE INDEX temp.names_folded ON names (unicode_lower(name))")

    run(url, work)


def test_statements_and_bulk_writes_store_the_same_values(migrated: str) -> None:
    """A time with an offset is stored as the same instant in UTC (on SQLite, the same naive
    text as ever), a boolean as SQLite's 1, JSON as the same text, and None as SQL NULL in a
    bulk write, whether a statement or a bulk write (the column types' own bind processing)
    wrote them."""
    labels = {"1": "Émile", "2": "two"}

    async def work(db: Database) -> list[tuple[Any, ...]]:
        async with db.write() as conn:
            await conn.execute(
                insert(Account.__table__),  # type: ignore[arg-type]
                [{"name": "by statement", "created_at": GIVEN, "api_access": True}],
            )
            await bulk_insert(
                conn,
                Account.__table__,  # type: ignore[arg-type]
                ("name", "created_at", "api_access"),
                [("by bulk", GIVEN, True)],
                (),
            )
            ids = dict((await conn.execute(text("SELECT name, id FROM accounts"))).all())
            columns = {"email": "a@example.com", "created": GIVEN, "updated": GIVEN, "snippet_labels": labels}
            await conn.execute(
                insert(Prospect.__table__),  # type: ignore[arg-type]
                [{**columns, "account_id": ids["by statement"]}],
            )
            await bulk_insert(
                conn,
                Prospect.__table__,  # type: ignore[arg-type]
                ("account_id", "email", "created", "updated", "snippet_labels"),
                [
                    (ids["by bulk"], "a@example.com", GIVEN, GIVEN, labels),
                    (ids["by bulk"], "b@example.com", GIVEN, GIVEN, None),
                ],
                ("account_id", "email"),
            )
        async with db.read() as conn:
            query = (
                "SELECT a.name, a.created_at, a.api_access, p.email, p.created, p.snippet_labels "
                "FROM accounts a JOIN prospects p ON p.account_id = a.id ORDER BY a.name, p.email"
            )
            return [tuple(row) for row in await conn.exec_driver_sql(query)]

    rows = run(migrated, work)
    by_bulk, by_bulk_none, by_statement = rows
    assert by_bulk[1:] == by_statement[1:]
    assert by_bulk_none[5] is None
    if migrated.startswith("sqlite"):
        assert by_bulk[1:3] == (STORED, 1)
        assert by_bulk[4] == STORED
        assert by_bulk[5] == '{"1":"Émile","2":"two"}'
        path = migrated.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as raw:
            stored = raw.execute("SELECT DISTINCT typeof(created_at), created_at FROM accounts").fetchall()
        assert stored == [("text", STORED)]
    else:
        assert by_bulk[1] == GIVEN.astimezone(UTC)
        assert by_bulk[5] == labels
