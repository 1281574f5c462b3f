"""campaign list fields: a campaign's sender and sending settings, and an index for its statistics

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00

``GET /rest/v1/campaign_list`` shows, per campaign, who sends it (``from_name``, ``from_email``),
how many opening emails it sends a day (``per_day``) and whether it adds a GDPR unsubscribe
link (``gdpr_unsubscribe``) — the docs page "GET campaign list v1". These are facts about a
real campaign that an operator mirroring one wants to see again, so they are stored and
``leadpecker campaigns import`` takes them; existing campaigns get the empty sender and the
defaults (50 a day, the v2 API's default ``daily_enroll``; no GDPR link). Adding columns with
constant defaults rewrites no row on either database.

The statistics a single-id request adds (docs page "GET campaign stats v1") count a campaign's
events by kind and prospect; without an index on the campaign they would read every event of
the account. ``(account_id, campaign_id, kind, prospect_id)`` answers each count from the index
alone. Building it reads the events table once (SQLite locks it meanwhile).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATS_INDEX = "ix_email_activity_campaign_stats"


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("from_name", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "campaigns", sa.Column("from_email", sa.String(length=320), server_default="", nullable=False)
    )
    op.add_column(
        "campaigns", sa.Column("per_day", sa.Integer(), server_default=sa.text("50"), nullable=False)
    )
    op.add_column(
        "campaigns",
        sa.Column("gdpr_unsubscribe", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_index(STATS_INDEX, "email_activity", ["account_id", "campaign_id", "kind", "prospect_id"])


def downgrade() -> None:
    op.drop_index(STATS_INDEX, table_name="email_activity")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch rebuild would lose AUTOINCREMENT.
    for column in ("gdpr_unsubscribe", "per_day", "from_email", "from_name"):
        op.drop_column("campaigns", column)
