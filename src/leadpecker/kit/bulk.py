"""Bulk loading that bypasses per-row statement processing: the fast path of the importers.

SQLite: one prepared INSERT … ON CONFLICT DO NOTHING run with the driver's executemany.
PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING.
Values arrive as Python objects; each column's values are adapted for the driver here, so the
stored form is exactly what SQLAlchemy itself writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.types import UtcDateTime


@lru_cache(maxsize=4096)  # a load stamps thousands of rows with the same few times
def _sqlite_datetime(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format, naive UTC.
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _converter(column: Any, dialect: str) -> Callable[[Any], Any] | None:
    if isinstance(column.type, UtcDateTime):
        return _sqlite_datetime if dialect == "sqlite" else None
    if isinstance(column.type, JSON) or column.type.__class__.__name__ == "JSONB":
        return _json_text
    if isinstance(column.type, Boolean) and dialect == "sqlite":
        return lambda value: None if value is None else int(value)
    return None


def _adapt(
    table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]], dialect: str
) -> list[tuple[Any, ...]]:
    converters = [(i, _converter(table.c[name], dialect)) for i, name in enumerate(columns)]
    converters = [(i, convert) for i, convert in converters if convert is not None]
    if not converters:
        return rows
    adapted = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i])
        adapted.append(tuple(values))
    return adapted


async def bulk_insert(
    conn: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    conflict_columns: Sequence[str],
    update_columns: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order). A row that hits the unique key
    ``conflict_columns`` is skipped, or with ``update_columns`` updates those columns of the
    existing row (within one call the last row for a key wins). Without ``conflict_columns``
    a conflict is an error, as with a plain INSERT."""
    if not rows:
        return
    if update_columns:
        key_at = [columns.index(name) for name in conflict_columns]
        rows = list({tuple(row[i] for i in key_at): row for row in rows}.values())
    dialect = conn.dialect.name
    rows = _adapt(table, columns, rows, dialect)
    column_list = ", ".join(columns)
    on_conflict = ""
    if conflict_columns:
        on_conflict = f"ON CONFLICT ({', '.join(conflict_columns)}) " + (
            "DO UPDATE SET " + ", ".join(f"{name} = excluded.{name}" for name in update_columns)
            if update_columns
            else "DO NOTHING"
        )
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in columns)
        await conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({column_list}) VALUES ({marks}) {on_conflict}", rows
        )
        return
    if not conflict_columns:
        await conn.exec_driver_sql("SELECT 1")  # begins SQLAlchemy's transaction for the COPY
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return
    staging = f"_load_{table.name}"
    # Through SQLAlchemy, so its transaction has begun before the raw COPY joins it.
    await conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
        f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    raw = (await conn.get_raw_connection()).driver_connection
    await raw.copy_records_to_table(staging, records=rows, columns=list(columns))
    await raw.execute(
        f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {staging} {on_conflict}"
    )
    await raw.execute(f"TRUNCATE {staging}")
