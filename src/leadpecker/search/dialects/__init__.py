"""The search dialects (base.py): the one place that picks SQLite's or PostgreSQL's search SQL,
for a database (``search_dialect``) or a connection (``search_dialect_of``)."""

from __future__ import annotations

from leadpecker.kit.db import SqlConnection
from leadpecker.kit.dialects import DatabaseDialect, dialect_of
from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.dialects.postgresql import PostgresqlSearch
from leadpecker.search.dialects.sqlite import SqliteSearch

_BY_DATABASE: dict[str, SearchDialect] = {"sqlite": SqliteSearch(), "postgresql": PostgresqlSearch()}


def search_dialect(database: DatabaseDialect) -> SearchDialect:
    return _BY_DATABASE[database.name]


def search_dialect_of(conn: SqlConnection) -> SearchDialect:
    return search_dialect(dialect_of(conn))
