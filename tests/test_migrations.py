"""The migrations build exactly the schema models.py describes, on both databases."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from leadpecker.demo.service import DEMO_API_KEY, load_demo
from leadpecker.kit.db import Database
from leadpecker.kit.migrate import alembic_config, upgrade_to_head
from leadpecker.models import Base
from leadpecker.settings import Settings
from tests.conftest import new_database


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


def _sqlite_contents(path: str) -> dict[str, Any]:
    """Every row of every table (search tables included) and every index and trigger."""
    with sqlite3.connect(path) as conn:
        names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        contents: dict[str, Any] = {
            name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in names
            if name not in ("alembic_version", "sqlite_sequence")
        }
        contents["schema objects"] = sorted(
            conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            )
        )
    return contents


def test_an_existing_sqlite_database_keeps_every_row_and_stops_reusing_ids(tmp_path, harness) -> None:
    """Migration 0005 rebuilds a populated SQLite database's tables with AUTOINCREMENT: nothing
    is lost or changed, search still works, and from then on a deleted id is never given again."""
    path = tmp_path / "before-0005.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "0004")

    async def load() -> None:
        db = Database(Settings(database_url=url))
        try:
            await load_demo(db, 300)
        finally:
            await db.dispose()

    asyncio.run(load())
    before = _sqlite_contents(str(path))

    # Up to 0006, not head: later migrations add tables of their own, which are not the point.
    command.upgrade(alembic_config(url), "0006")

    assert _sqlite_contents(str(path)) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    server = harness.start_server(url, tmp_path)
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
