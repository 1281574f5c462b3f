"""Bulk writes that bypass per-row statement processing: the fast path of the importers and
of the enrichment worker's finish.

Rows go into a temporary staging table first (SQLite: the driver's executemany; PostgreSQL:
COPY), then reach the real table in ONE statement: INSERT … SELECT … ON CONFLICT, or
UPDATE … FROM. One statement per batch matters on SQLite: every statement that writes opens a
statement savepoint, and FTS5 (the search tables, fed by triggers) flushes its pending index
data to a new segment at every savepoint — row-by-row executemany made a 14-table FTS upkeep
4.5× slower than the same rows in one statement.
Values arrive as Python objects; each column's values are adapted for the driver here by the
column type's own bind processing (so the stored form is what SQLAlchemy itself writes; only
None stays SQL NULL in JSON columns). (SQLAlchemy's own executemany costs
several microseconds per row and column in parameter processing: at thousands of rows per
statement that was most of an enrichment claim's time.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.dialects import dialect_of


@lru_cache(maxsize=256)
def _processors(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """(position, the column type's own bind processor) of each of ``columns`` that has one on
    ``dialect``: exactly what SQLAlchemy applies to a bound value (a TypeDecorator's
    process_bind_param included). Built once per table, column list and engine."""
    found = []
    for i, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            continue
        if process(None) is not None:
            # JSON writes Python's None as the JSON text 'null'; a bulk write has always
            # written SQL NULL (and the search documents read both as no value).
            process = _keeping_null(process)
        found.append((i, process))
    return tuple(found)


def _keeping_null(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else process(value)


def _adapt(
    conn: AsyncConnection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    processors = _processors(table, tuple(columns), conn.dialect)
    if not processors:
        return rows
    # Column-wise: converting whole columns and zipping them back is several times faster
    # than rebuilding each row in Python (the worker's finish writes thousands per claim).
    values = list(zip(*rows, strict=True))
    for i, process in processors:
        values[i] = tuple(map(process, values[i]))
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
    sql = dialect_of(conn)
    rows = _adapt(conn, table, columns, rows)
    if not conflict_columns and await sql.copy_rows(conn, table.name, columns, rows):
        return len(rows)  # nothing to decide per row: copied straight into the table
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
    await sql.clear(conn, staging)
    return written.rowcount


async def _staged(
    conn: AsyncConnection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> str:
    """Load adapted ``rows`` into a temporary table of just ``columns`` (one per table and
    column set, reused for the connection's life: the dialect's ``stage``) and return its
    name."""
    column_list = ", ".join(columns)
    staging = f"_load_{table.name}_{hashlib.sha1(column_list.encode()).hexdigest()[:8]}"
    await dialect_of(conn).stage(conn, staging, table.name, columns, rows)
    return staging


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
    staging = await _staged(conn, table, columns, _adapt(conn, table, columns, rows))
    assignments = ", ".join(f"{name} = s.{name}" for name in set_columns)
    keys = " AND ".join(f"{table.name}.{name} = s.{name}" for name in key_columns)
    await conn.exec_driver_sql(f"UPDATE {table.name} SET {assignments} FROM {staging} AS s WHERE {keys}")
    await dialect_of(conn).clear(conn, staging)
