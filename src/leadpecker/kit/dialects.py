"""The SQL that differs between SQLite and PostgreSQL, kept small and in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def insert_on_conflict(dialect: str, model: Any) -> Any:
    """An INSERT that supports ``.on_conflict_do_nothing/update`` (same API on both)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Bind parameters one statement may carry: SQLite's default limit is 32,766, asyncpg's 32,767.
MAX_BIND_PARAMS = 32_000


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
