"""Loading a whole prospect database at once: the search structures set aside while the rows
go in, and built once afterwards.

Row by row, each prospect costs its 35 sort-index entries, its trigram entries (14 FTS5
tables on SQLite, one 28-column GIN index on PostgreSQL), its document and its counts: at a
million rows the B-tree and trigram upkeep is most of an import's time, and it grows with the
table. Built in one pass over the finished table (sorted index builds, each FTS table filled
in rowid order, one ``INSERT … SELECT`` of the documents) the same structures cost a fraction
of that.

Only for a table that holds no prospect at all — the first load of a database — so that the
rebuild never re-does the work of rows already there. Everything happens in the caller's one
transaction, and a failed load leaves no trace. Meanwhile PostgreSQL readers of
``prospects`` wait for the commit (dropping an index locks the table). SQLite readers read
their snapshot — unless nothing had the database open when the load began: it then runs with a
rollback journal (``Database.load``), and whoever opens the database meanwhile waits for the
commit. Writers wait on both (on SQLite for at most ``LEADPECKER_SQLITE_BUSY_TIMEOUT_MS``): a
first load is best run before the API is opened to users.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.search.dialects import search_dialect_of


@dataclass(frozen=True, slots=True)
class SetAside:
    """What ``set_aside_if_empty`` removed: the statements that create it again."""

    index_definitions: list[str]


class SearchUpkeepRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.dialect = search_dialect_of(conn)

    async def set_aside_if_empty(self) -> SetAside | None:
        """When ``prospects`` is empty, drop its search triggers and indexes (in this
        transaction) and return how to build them again; otherwise change nothing."""
        await self.dialect.before_set_aside(self.conn)
        if (await self.conn.execute(text("SELECT 1 FROM prospects LIMIT 1"))).first() is not None:
            return None
        indexes = (await self.conn.execute(text(self.dialect.search_indexes_sql))).all()
        for statement in self.dialect.uninstall_statements():
            await self.conn.exec_driver_sql(statement)
        for name, _ in indexes:
            await self.conn.exec_driver_sql(f"DROP INDEX {name}")
        # Left over from prospects deleted earlier (zeroed counts): rebuilt from the rows.
        await self.conn.exec_driver_sql("DELETE FROM prospect_documents")
        await self.conn.exec_driver_sql("DELETE FROM prospect_counts")
        return SetAside([definition for _, definition in indexes])

    async def build_again(self, set_aside: SetAside) -> None:
        """Create the indexes, then the triggers with their tables, documents and counts, from
        the rows now in ``prospects`` (the migration's own statements)."""
        await self.dialect.before_build(self.conn)
        for definition in set_aside.index_definitions:
            await self.conn.exec_driver_sql(definition)
        # Straight to the driver: the SQL holds colons that text() would take for parameters.
        for statement in self.dialect.install_statements():
            await self.conn.exec_driver_sql(statement)
