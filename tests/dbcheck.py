"""Reading the database a test server writes, to check what the API cannot show (yet)."""

from __future__ import annotations

import asyncio
from typing import Any

from leadpecker.kit.db import Database
from leadpecker.settings import Settings


def fetch(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async def run() -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        db = Database(Settings(database_url=database_url))
        try:
            async with db.read() as conn:
                return [tuple(row) for row in await conn.execute(text(sql), params)]
        finally:
            await db.dispose()

    return asyncio.run(run())
