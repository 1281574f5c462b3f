"""The migrations build exactly the schema models.py describes, on both databases."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateTable

from leadpecker.demo.service import DEMO_API_KEY, load_demo
from leadpecker.kit.db import Database
from leadpecker.kit.migrate import alembic_config, upgrade_to_head
from leadpecker.models import Base
from leadpecker.settings import Settings
from tests.harness.database import new_database
from tests.harness.server import start_server


def _differences(database_url: str) -> list[Any]:
    async def run() -> list[Any]:
        db = Database(Settings(database_url=database_url))
        try:
            async with db.engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                    )
                )
        finally:
            await db.dispose()

    return asyncio.run(run())


# Alembic cannot reflect SQLite's expression indexes (the sort indexes) and says so once per
# index; they are compared by what they serve instead (tests/search: sorts use the indexes).
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_the_models(backend, tmp_path) -> None:
    url, drop = new_database(backend, tmp_path)
    try:
        upgrade_to_head(url)
        upgrade_to_head(url)  # idempotent: every command runs it
        differences = [
            diff
            for diff in _differences(url)
            # Tables other than ours (none expected) and search helpers may exist;
            # anything touching a model table is a real drift.
            if not (isinstance(diff, tuple) and diff[0] == "remove_table")
        ]
        assert differences == []
    finally:
        drop()


def _sqlite_contents(path: str, tables: Iterable[str] | None = None) -> dict[str, Any]:
    """Every row of every table (search tables included) and every index and trigger; of
    ``tables`` only, when given (later migrations add tables of their own)."""
    with sqlite3.connect(path) as conn:
        names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if tables is not None:
            kept = {*tables, "alembic_version", "sqlite_sequence"}
            names = [name for name in names if name in kept]
        contents: dict[str, Any] = {
            name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in names
            if name not in ("alembic_version", "sqlite_sequence")
        }
        contents["schema objects"] = sorted(
            row
            for row in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            )
            if row[2] in names
        )
    return contents


def _default_of(column: Any) -> str:
    """`` DEFAULT …`` for a column a later migration adds NOT NULL with a server default."""
    if column.nullable:
        return ""
    assert column.server_default is not None, f"{column}: a NOT NULL column needs a server default"
    value = column.server_default.arg
    return f" DEFAULT '{value}'" if isinstance(value, str) else f" DEFAULT {value.text}"


@contextmanager
def _schema_of_later_migrations(path: str) -> Iterator[None]:
    """Today's code (the demo loader) writes every table and column models.py has: the tables
    and columns that migrations after the database's revision add are there while the block
    runs, and dropped after it (with what was written to them), so the database is its
    revision's again, with the rows its own tables were given."""
    added_tables: list[str] = []
    added: list[tuple[str, str]] = []
    with closing(sqlite3.connect(path)) as conn:
        for table in Base.metadata.sorted_tables:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
            if not present:
                conn.execute(str(CreateTable(table).compile(dialect=sqlite_dialect.dialect())))
                added_tables.append(table.name)
                continue
            for column in table.columns:
                if column.name not in present:
                    conn.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name}{_default_of(column)}")
                    added.append((table.name, column.name))
        conn.commit()
    yield
    with closing(sqlite3.connect(path)) as conn:
        for table_name, column_name in added:
            conn.execute(f"ALTER TABLE {table_name} DROP COLUMN {column_name}")
        for table_name in reversed(added_tables):
            conn.execute(f"DROP TABLE {table_name}")
        conn.commit()


def test_an_existing_sqlite_database_keeps_every_row_and_stops_reusing_ids(tmp_path) -> None:
    """Migration 0005 rebuilds a populated SQLite database's tables with AUTOINCREMENT: nothing
    is lost or changed, search still works, and from then on a deleted id is never given again."""
    path = tmp_path / "before-0005.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0004")

    # The demo is loaded by today's code into the schema of 0004, which has no users table yet:
    # the owner it writes goes with the table, and the account's owner is left to migration
    # 0008, as for any account older than it.
    async def load() -> None:
        db = Database(Settings(database_url=url))
        try:
            await load_demo(db, 300)
        finally:
            await db.dispose()

    with _schema_of_later_migrations(str(path)):
        asyncio.run(load())
    before = _sqlite_contents(str(path))

    command.upgrade(alembic_config(url), "0005")  # later migrations may add columns

    assert _sqlite_contents(str(path), tables=before) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    upgrade_to_head(url)
    server = start_server(url, tmp_path)
    try:
        with server.client(DEMO_API_KEY) as api:
            found = api.get("/rest/v1/prospects", params={"search": "company=Bachmanity"}).json()
            assert [prospect["email"] for prospect in found] == ["erlich@bachmanity.com"]
            newest = max(row[0] for row in before["prospects"])
            assert api.delete("/rest/v1/prospects", params={"id": str(newest)}).status_code == 200
            added = api.post(
                "/rest/v1/add_prospects_list", json={"prospects": [{"email": "after-0005@example.com"}]}
            ).json()
            assert added["prospects"][0]["id"] == newest + 1
    finally:
        server.stop()
