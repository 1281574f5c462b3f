"""Bulk writes that bypass per-row statement processing: the fast path of the importers and
of the enrichment worker's finish.

Rows go into a temporary staging table first (SQLite: the driver's executemany; PostgreSQL:
COPY), then reach the real table in ONE statement: INSERT … SELECT … ON CONFLICT, or
UPDATE … FROM. One statement per batch matters on SQLite: every statement that writes opens a
statement savepoint, and FTS5 (the search tables, fed by triggers) flushes its pending index
data to a new segment at every savepoint — row-by-row executemany made a 14-table FTS upkeep
4.5× slower than the same rows in one statement.
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
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order). A row that hits the unique key
    ``conflict_columns`` is skipped, or with ``update_columns`` updates those columns of the
    existing row (within one call the last row for a key wins). Without ``conflict_columns``
    a conflict is an error, as with a plain INSERT. Returns how many rows were written:
    inserted, plus updated with ``update_columns``."""
    if not rows:
        return 0
    if update_columns:
        key_of = itemgetter(*(columns.index(name) for name in conflict_columns))
        rows = list({key_of(row): row for row in rows}.values())
    dialect = conn.dialect.name
    rows = _adapt(table, columns, rows, dialect)
    if dialect == "postgresql" and not conflict_columns:
        # Nothing to decide per row: COPY straight into the table.
        await conn.exec_driver_sql("SELECT 1")  # begins SQLAlchemy's transaction for the COPY
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return len(rows)
    column_list = ", ".join(columns)
    staging = await _staged(conn, table, columns, rows)
    on_conflict = ""
    if conflict_columns:
        on_conflict = f"ON CONFLICT ({', '.join(conflict_columns)}) " + (
            "DO UPDATE SET " + ", ".join(f"{name} = excluded.{name}" for name in update_columns)
            if update_columns
            else "DO NOTHING"
        )
    # "WHERE true": SQLite would read ON CONFLICT after a bare SELECT as a join's ON.
    written = await conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({column_list}) "
        f"SELECT {column_list} FROM {staging} WHERE true {on_conflict}"
    )
    await _clear(conn, staging)
    return written.rowcount


async def _staged(
    conn: AsyncConnection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> str:
    """Load adapted ``rows`` into a temporary table of just ``columns`` (one per table and
    column set, reused for the connection's life) and return its name. Staged without
    defaults or constraints: a copied id default would draw (and waste) a PostgreSQL sequence
    value per row; on SQLite the columns have no type, so each value reaches the real table
    exactly as the driver sent it."""
    column_list = ", ".join(columns)
    staging = f"_load_{table.name}_{hashlib.sha1(column_list.encode()).hexdigest()[:8]}"
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {staging} ({column_list})")
        marks = ", ".join("?" for _ in columns)
        await conn.exec_driver_sql(f"INSERT INTO {staging} VALUES ({marks})", rows)
        return staging
    # Through SQLAlchemy, so its transaction has begun before the raw COPY joins it.
    await conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
        f"SELECT {column_list} FROM {table.name} WITH NO DATA"
    )
    raw = (await conn.get_raw_connection()).driver_connection
    await raw.copy_records_to_table(staging, records=rows, columns=list(columns))
    return staging


async def _clear(conn: AsyncConnection, staging: str) -> None:
    # SQLite's DELETE without WHERE empties the table in one step, like TRUNCATE.
    verb = "DELETE FROM" if conn.dialect.name == "sqlite" else "TRUNCATE"
    await conn.exec_driver_sql(f"{verb} {staging}")


async def bulk_update(
    conn: AsyncConnection,
    table: Table,
    key_columns: Sequence[str],
    set_columns: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """``UPDATE table SET set_columns WHERE key_columns`` for each row (the key values, then the
    new values); a later row for the same key wins, as with one statement per row. Staged,
    then one ``UPDATE … FROM`` (SQLite ≥ 3.33, PostgreSQL)."""
    if not rows:
        return
    n_keys = len(key_columns)
    # In key order: the UPDATE visits the staged rows in their order, and SQLite's FTS5 (fed
    # by the search triggers) flushes its pending data to a new segment at every rowid that
    # goes backwards.
    latest = {row[:n_keys]: row for row in rows}
    rows = [latest[key] for key in sorted(latest)]
    columns = (*key_columns, *set_columns)
    staging = await _staged(conn, table, columns, _adapt(table, columns, rows, conn.dialect.name))
    assignments = ", ".join(f"{name} = s.{name}" for name in set_columns)
    keys = " AND ".join(f"{table.name}.{name} = s.{name}" for name in key_columns)
    await conn.exec_driver_sql(f"UPDATE {table.name} SET {assignments} FROM {staging} AS s WHERE {keys}")
    await _clear(conn, staging)
