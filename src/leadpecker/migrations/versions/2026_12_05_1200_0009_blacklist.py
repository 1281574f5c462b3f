"""blacklist: an account's blacklisted emails and domains

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00

Two tables behind ``/rest/v2/blacklist/emails`` and ``/rest/v2/blacklist/domains``. An entry is
its own key (account, entry): only the entry goes on the wire, so there is no surrogate id to
keep from being reused, and the primary key's index serves the alphabetical pages.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _entries_table(name: str, entry: str, length: int) -> None:
    op.create_table(
        name,
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(entry, sa.String(length=length), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{name}_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", entry, name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _entries_table("blacklisted_emails", "email", 320)
    _entries_table("blacklisted_domains", "domain", 253)


def downgrade() -> None:
    op.drop_table("blacklisted_domains")
    op.drop_table("blacklisted_emails")
