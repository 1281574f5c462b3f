"""The migrations build exactly the schema models.py describes, on both databases."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from leadpecker.kit.db import Database
from leadpecker.kit.migrate import upgrade_to_head
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
