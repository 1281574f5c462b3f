"""search indexes: a sort index per sortable field, substring search (pg_trgm GIN on
PostgreSQL, FTS5 trigram tables on SQLite), prospect counts and ready prospect documents, the
last three kept by triggers so that every write path (API, bulk import, cascades) keeps them
right.

Revision ID: 0002
Revises: 0003 (0003 was written first, against 0001; one line of history keeps one head)
Create Date: 2026-11-23 13:40:00

The trigger SQL is a frozen copy, in the two .sql files beside this one, of what the search
dialects rendered from the document layout (``search.serializer.LAYOUT``) when this migration
was written: a migration runs the same statements whatever the code becomes. Changing that
layout needs a new migration with its own copy of the dialects' ``uninstall_statements()`` and
``install_statements()`` (which rebuild every document); tests/test_architecture.py checks
that the newest copy is what the code renders, which is also what a first load rebuilds
(search/upkeep.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0003"
branch_labels = None
depends_on = None

_TEXT_SORTS = (
    "first_name",
    "last_name",
    "company",
    "industry",
    "website",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    *(f"snippet{n}" for n in range(1, 16)),
)
_NULLABLE_SORTS = ("last_contacted", "last_replied", "last_opened", "last_clicked", "organization_id")
_PLAIN_SORTS = ("status", "updated", "sent_mails")
_SEARCHED = (
    "email",
    "tags",
    "first_name",
    "last_name",
    "company",
    "industry",
    "website",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    *(f"snippet{n}" for n in range(1, 16)),
)


def _sort_indexes() -> dict[str, list[object]]:
    indexes: dict[str, list[object]] = {}
    for name in _PLAIN_SORTS:
        indexes[name] = ["account_id", name, "id"]
    for name in _NULLABLE_SORTS:
        indexes[name] = ["account_id", sa.text(f"({name} IS NOT NULL)"), name, "id"]
    for name in _TEXT_SORTS:
        indexes[name] = ["account_id", sa.text(f"substr({name}, 1, 100)"), "id"]
    return indexes


def frozen_statements(dialect: str, step: str) -> list[str]:
    """The statements of this migration's .sql file for ``dialect`` that ``step`` (upgrade,
    downgrade) runs, in order."""
    text = Path(__file__).with_name(f"{Path(__file__).stem}.{dialect}.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- (upgrade|downgrade)\n", text, flags=re.MULTILINE)
    return [sql.strip() for kind, sql in zip(parts[1::2], parts[2::2], strict=True) if kind == step]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "prospect_counts",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "status", "bucket", "slot", name=op.f("pk_prospect_counts")),
    )
    op.create_table(
        "prospect_documents",
        sa.Column("prospect_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_prospect_documents_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prospect_id", name=op.f("pk_prospect_documents")),
    )
    for name, columns in _sort_indexes().items():
        op.create_index(f"ix_prospects_sort_{name}", "prospects", columns)
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_prospects_trigram",
        "prospects",
        list(_SEARCHED),
        postgresql_using="gin",
        postgresql_ops=dict.fromkeys(_SEARCHED, "gin_trgm_ops"),
        sqlite_where=sa.text("0"),
    )
    # Straight to the driver: the SQL holds colons (to_char's 'HH24:MI:SS') that a text()
    # construct would take for bind parameters.
    for statement in frozen_statements(dialect, "upgrade"):
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in frozen_statements(dialect, "downgrade"):
        op.get_bind().exec_driver_sql(statement)
    op.drop_index("ix_prospects_trigram", table_name="prospects")
    for name in _sort_indexes():
        op.drop_index(f"ix_prospects_sort_{name}", table_name="prospects")
    op.drop_table("prospect_documents")
    op.drop_table("prospect_counts")
