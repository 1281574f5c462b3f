"""The SQL that differs between SQLite and PostgreSQL, kept small and in one place."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Text, any_, bindparam, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite


def insert_on_conflict(dialect: str, model: Any) -> Any:
    """An INSERT that supports ``.on_conflict_do_nothing/update`` (same API on both)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Bind parameters one statement may carry: SQLite's default limit is 32,766, asyncpg's 32,767.
MAX_BIND_PARAMS = 32_000


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def in_values(dialect: str, column: Any, values: list[Any]) -> Any:
    """``column IN (values)`` with the whole list as ONE bound parameter.

    An expanded IN binds one parameter per value, which both drivers pay for per value; a list
    of 5,000 emails costs tens of milliseconds before the database sees it. PostgreSQL takes
    an array (``= ANY($1)``), SQLite a JSON array read by ``json_each``.
    """
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    as_json = orjson.dumps(values).decode()
    return column.in_(select(func.json_each(as_json).table_valued("value").c.value).scalar_subquery())


def like_any(dialect: str, column: Any, patterns: list[str]) -> Any:
    """``column`` matches at least one of the LIKE ``patterns`` (``\\`` escapes ``%``, ``_`` and
    itself), the whole list bound as ONE parameter however long it is (see in_values): a chain
    of ORs would meet SQLite's limit on expression depth (1,000) long before a URL's length."""
    if dialect == "postgresql":
        # The backslash is PostgreSQL's default LIKE escape: LIKE ANY needs no ESCAPE clause.
        return column.like(any_(bindparam(None, patterns, type_=postgresql.ARRAY(Text()))))
    listed = func.json_each(orjson.dumps(patterns).decode()).table_valued("value")
    return exists(select(literal(1)).select_from(listed).where(column.like(listed.c.value, escape="\\")))
