"""Planner statistics kept fresh on SQLite while the service runs.

SQLite gathers statistics only when told to (ANALYZE); PostgreSQL's autovacuum does it by
itself. Without them SQLite's planner guesses, and at a million prospects a guess can cost a
search 30–50× (a common company substring: ~700 ms instead of ~20 ms, measured with
``bench/search_bench.py``). The file importers analyze after they load; a database filled
through the API never was. So ``serve`` looks at its tables now and then and analyzes the ones
that have no statistics yet or whose row count has since halved or doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from sqlalchemy import text

from leadpecker.kit.db import Database, SqlConnection

log = logging.getLogger("leadpecker.statistics")

# A table is analyzed again once its row count left this factor of the analyzed count.
DRIFT = 2.0


class StatisticsRepository:
    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn

    async def stale_tables(self, tables: Sequence[str]) -> list[str]:
        """The ``tables`` holding rows whose statistics are missing or out of date."""
        recorded = await self._recorded_rows()
        stale = []
        for table in tables:
            # Counting reads the table's smallest index: ~15 ms at a million rows.
            rows = (await self.conn.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one()
            analyzed = recorded.get(table)
            if rows and (analyzed is None or not analyzed / DRIFT <= rows <= analyzed * DRIFT):
                stale.append(table)
        return stale

    async def _recorded_rows(self) -> dict[str, int]:
        """Table → its row count when last analyzed (the first number of every stat line)."""
        exists = await self.conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        )
        if exists.first() is None:
            return {}
        query = text("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        return {table: rows for table, rows in await self.conn.execute(query)}


async def refresh_statistics(db: Database, tables: Sequence[str]) -> list[str]:
    """Analyze the stale ``tables``; returns their names."""
    async with db.read(threaded=True) as conn:  # counts every table: not on the API's loop
        stale = await StatisticsRepository(conn).stale_tables(tables)
    if stale:
        await db.analyze(*stale)
    return stale


async def keep_statistics_fresh(
    db: Database, tables: Sequence[str], stop: asyncio.Event, interval_seconds: float
) -> None:
    """Refresh at once, then every ``interval_seconds`` until ``stop`` is set. A failed round
    (the write lock busy beyond the timeout, say) is logged and tried again next time."""
    while not stop.is_set():
        try:
            if analyzed := await refresh_statistics(db, tables):
                log.info("planner statistics refreshed for %s", ", ".join(analyzed))
        except Exception:
            log.exception("refreshing the planner statistics failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
