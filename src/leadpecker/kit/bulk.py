"""Bulk writes that bypass per-row statement processing: the fast path of the importers and
of the enrichment worker's finish.

Inserts — SQLite: one prepared INSERT … ON CONFLICT DO NOTHING/UPDATE run with the driver's
executemany. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT.
Updates — one prepared UPDATE run with the driver's executemany on both.
Values arrive as Python objects; each column's values are adapted for the driver here, so the
stored form is exactly what SQLAlchemy itself writes. (SQLAlchemy's own executemany costs
several microseconds per row and column in parameter processing: at thousands of rows per
statement that was most of an enrichment claim's time.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
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
    # Column-wise: converting whole columns and zipping them back is several times faster
    # than rebuilding each row in Python (the worker's finish writes thousands per claim).
    values = list(zip(*rows, strict=True))
    for i, convert in converters:
        values[i] = tuple(map(convert, values[i]))
    return list(zip(*values, strict=True))


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
        key_of = itemgetter(*(columns.index(name) for name in conflict_columns))
        rows = list({key_of(row): row for row in rows}.values())
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
    # Only the loaded columns, without defaults or constraints: a copied id default would draw
    # (and waste) a sequence value for every staged row. One staging table per column set.
    staging = f"_load_{table.name}_{hashlib.sha1(column_list.encode()).hexdigest()[:8]}"
    # Through SQLAlchemy, so its transaction has begun before the raw COPY joins it.
    await conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
        f"SELECT {column_list} FROM {table.name} WITH NO DATA"
    )
    raw = (await conn.get_raw_connection()).driver_connection
    await raw.copy_records_to_table(staging, records=rows, columns=list(columns))
    await raw.execute(
        f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {staging} {on_conflict}"
    )
    await raw.execute(f"TRUNCATE {staging}")


async def bulk_update(
    conn: AsyncConnection,
    table: Table,
    key_columns: Sequence[str],
    set_columns: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """``UPDATE table SET set_columns WHERE key_columns`` once per row, in order (a later row for
    the same key wins, as with single statements). Each row: the key values, then the new values.
    The rows go through the driver's executemany: one prepared statement, no per-row
    processing in SQLAlchemy."""
    if not rows:
        return
    dialect = conn.dialect.name
    columns = (*key_columns, *set_columns)
    rows = _adapt(table, columns, rows, dialect)
    n_keys = len(key_columns)
    if dialect == "sqlite":
        marks = [f"{name} = ?" for name in columns]
    else:
        marks = [f"{name} = ${i}" for i, name in enumerate(columns, 1)]
    await conn.exec_driver_sql(
        f"UPDATE {table.name} SET {', '.join(marks[n_keys:])} WHERE {' AND '.join(marks[:n_keys])}",
        # SQLite numbers "?" in text order (SET before WHERE); PostgreSQL's $n say where they go.
        [(*row[n_keys:], *row[:n_keys]) for row in rows] if dialect == "sqlite" else rows,
    )
