"""The search dialects (base.py): ``search_dialect`` is the one place that picks SQLite's or
PostgreSQL's, by the database's name."""

from __future__ import annotations

from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.dialects.postgresql import PostgresqlSearch
from leadpecker.search.dialects.sqlite import SqliteSearch

_BY_DATABASE: dict[str, SearchDialect] = {"sqlite": SqliteSearch(), "postgresql": PostgresqlSearch()}


def search_dialect(database: str) -> SearchDialect:
    """The search dialect of a database (its SQLAlchemy backend name)."""
    return _BY_DATABASE[database]
