"""ids never reused: SQLite tables whose ids are surrogate keys get AUTOINCREMENT

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 18:40:00

Without AUTOINCREMENT SQLite gives a new row the largest id in the table plus one, so deleting
the newest prospect and adding another hands the new one the deleted one's id: a client still
holding the old id then reads, changes or deletes somebody else. With AUTOINCREMENT SQLite
remembers the largest id ever given (in ``sqlite_sequence``) and never goes back. PostgreSQL's
sequences already never go back, and need nothing here.

SQLite cannot add AUTOINCREMENT to an existing table, so each table is rebuilt the way SQLite's
documentation prescribes for schema changes ("Making Other Kinds Of Table Schema Changes"):
create the new table, copy the rows (ids unchanged), drop the old one, rename the new one, then
create the old table's indexes and triggers again from their own stored SQL. Foreign keys are
not enforced on the migration's connection, so dropping ``prospects`` cascades to nothing, and
``PRAGMA foreign_key_check`` proves nothing dangles afterwards. The search tables (FTS5 over
``prospects`` by rowid), documents and counts stay as they are: the ids do not change.

The rebuild rewrites each table once, with its indexes: under a second for the demo, 6.6 s for
100,000 prospects (2026-12-04, a 2-core machine), so about a minute per million. Ids deleted before the upgrade above today's largest id cannot be known any more;
from the upgrade on, ids only grow.
"""

from __future__ import annotations

import re

from alembic import op
from sqlalchemy import text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Every table with a surrogate ``id`` (the ones on the wire: prospects, campaigns, accounts;
# the others so that one rule holds for every id leadpecker hands out).
TABLES = (
    "accounts",
    "api_keys",
    "prospects",
    "campaigns",
    "email_activity",
    "credit_ledger",
    "enrichment_batches",
    "enrichment_items",
    "leads",
)


def _autoincrement_sql(table: str, create_sql: str) -> str:
    """The table's own CREATE statement with its id as ``INTEGER PRIMARY KEY AUTOINCREMENT``
    (SQLite accepts AUTOINCREMENT only on the column, not on a table's PRIMARY KEY clause)."""
    constraint = f"CONSTRAINT pk_{table} PRIMARY KEY (id)"
    column = re.compile(r"\bid INTEGER NOT NULL,")
    if constraint not in create_sql or len(column.findall(create_sql)) != 1:
        raise RuntimeError(f"migration 0005: unexpected schema of table {table}: {create_sql}")
    without_constraint = re.sub(rf",\s*{re.escape(constraint)}", "", create_sql, count=1)
    with_column = column.sub(
        f"id INTEGER NOT NULL CONSTRAINT pk_{table} PRIMARY KEY AUTOINCREMENT,", without_constraint, count=1
    )
    return with_column.replace(f"CREATE TABLE {table} (", f"CREATE TABLE _new_{table} (", 1)


def _rebuild_sqlite(table: str) -> None:
    bind = op.get_bind()
    (create_sql,) = bind.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
    ).one()
    if "AUTOINCREMENT" in create_sql:
        return
    # Explicit indexes and triggers (automatic ones, with NULL sql, come back with the table).
    dependents = [
        sql
        for (sql,) in bind.execute(
            text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = :name AND type IN ('index', 'trigger') "
                "AND sql IS NOT NULL ORDER BY type, name"
            ),
            {"name": table},
        )
    ]
    bind.exec_driver_sql(_autoincrement_sql(table, create_sql))
    bind.exec_driver_sql(f"INSERT INTO _new_{table} SELECT * FROM {table}")
    bind.exec_driver_sql(f"DROP TABLE {table}")
    bind.exec_driver_sql(f"ALTER TABLE _new_{table} RENAME TO {table}")
    for sql in dependents:
        bind.exec_driver_sql(sql)
    # The copy left the largest id so far in sqlite_sequence, and the rename renamed its row:
    # the sequence goes on from there.


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar_one():
        # With foreign keys enforced, dropping prospects would delete every enrolment.
        raise RuntimeError("migration 0005 must run with SQLite foreign keys off")
    for table in TABLES:
        _rebuild_sqlite(table)
    dangling = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"migration 0005: foreign keys left dangling: {dangling[:5]}")


def downgrade() -> None:
    # Going back would only let SQLite reuse ids again; the tables stay as they are.
    pass
