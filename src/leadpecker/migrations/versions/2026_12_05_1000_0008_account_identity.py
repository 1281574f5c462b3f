"""account identity: the users of an account, its owner first

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

``GET /rest/v2/users`` lists an account's users (developers.woodpecker.co, "Get a list of
users": id, name, email, role admin or user) and ``GET /rest/v1/me`` names the key's user. A
Woodpecker account always has at least one user, the person who owns it, so every account
that exists before this migration gets its owner here: an admin named like the account, with
no email yet (``''``; ``leadpecker users add`` adds people with theirs). Accounts created from
now on get theirs from ``leadpecker accounts create`` (``--owner-name``, ``--owner-email``).

Downgrade drops the table, and with it every user added since.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("email", sa.String(length=320), server_default="", nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'user')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_users_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("account_id", "email", name=op.f("uq_users_account_id_email")),
        sqlite_autoincrement=True,  # ids go on the wire: never given twice (see migration 0005)
    )
    # One owner per existing account, in account order (so owners' ids follow their accounts').
    op.execute(
        "INSERT INTO users (account_id, name, email, role, created_at) "
        "SELECT id, name, '', 'admin', created_at FROM accounts ORDER BY id"
    )


def downgrade() -> None:
    op.drop_table("users")
