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

from leadpecker.search import dialect_postgresql, dialect_sqlite

# The indexes set aside, as (name, CREATE statement): every sort index and the trigram index
# (migration 0002; on SQLite the latter is an empty placeholder, WHERE 0).
_SEARCH_INDEXES = "LIKE 'ix\\_prospects\\_sort\\_%' ESCAPE '\\' OR {name} = 'ix_prospects_trigram'"
_CATALOG = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospects' "
    f"AND (name {_SEARCH_INDEXES.format(name='name')})",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
    f"AND tablename = 'prospects' AND (indexname {_SEARCH_INDEXES.format(name='indexname')})",
}


@dataclass(frozen=True, slots=True)
class SetAside:
    """What ``set_aside_if_empty`` removed: the statements that create it again."""

    index_definitions: list[str]


class SearchUpkeepRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.component = dialect_postgresql if self.dialect == "postgresql" else dialect_sqlite

    async def set_aside_if_empty(self) -> SetAside | None:
        """When ``prospects`` is empty, drop its search triggers and indexes (in this
        transaction) and return how to build them again; otherwise change nothing."""
        if self.dialect == "postgresql":
            # Nobody may insert between the emptiness check and the drops.
            await self.conn.execute(text("LOCK TABLE prospects IN SHARE ROW EXCLUSIVE MODE"))
        if (await self.conn.execute(text("SELECT 1 FROM prospects LIMIT 1"))).first() is not None:
            return None
        indexes = (await self.conn.execute(text(_CATALOG[self.dialect]))).all()
        for statement in self.component.uninstall_statements():
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
        if self.dialect == "postgresql":
            await self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in set_aside.index_definitions:
            await self.conn.exec_driver_sql(definition)
        # Straight to the driver: the SQL holds colons that text() would take for parameters.
        for statement in self.component.install_statements():
            await self.conn.exec_driver_sql(statement)
