"""activity replies: a reply event keeps what the prospect wrote

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:30:00

``GET /rest/v2/prospects/{id}/responses`` answers each reply with its subject, message, the
campaign step and campaign email it answered, and the other address it came from, if any
(developers.woodpecker.co, "Get prospect responses"). A REPLIED event recorded only when it
happened, so these columns are added to ``email_activity``, all nullable: events of other kinds
leave them empty, and replies imported before this revision answer ``null`` for what was never
loaded. Adding nullable columns rewrites no row on either database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (
    ("subject", sa.Text()),
    ("message", sa.Text()),
    ("step", sa.Integer()),
    ("campaign_email_sent", sa.Integer()),
    ("secondary_prospect_email", sa.String(length=320)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("email_activity", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch rebuild would drop the table's
    # AUTOINCREMENT (migration 0005).
    for name, _ in reversed(COLUMNS):
        op.drop_column("email_activity", name)
