"""webhooks: subscriptions, the outbox of events to deliver, and every delivery attempt

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 19:00:00

``POST /rest/v1/webhooks/subscribe`` stores a subscription (developers.woodpecker.co,
"Webhooks"). Every change that raises an event writes one outbox row per subscription of that
event in its own transaction; the dispatcher sends the rows and logs each POST in
``webhook_attempts`` (docs/webhooks.md). The event names are frozen here, as the CHECK holds
them: a later event needs a migration of its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

EVENTS = (
    "campaign_completed",
    "campaign_sent",
    "followup_after_autoreply",
    "linkedin_automation_connection_request_accepted",
    "prospect_autoreplied",
    "prospect_blacklisted",
    "prospect_bounced",
    "link_clicked",
    "prospect_interested",
    "prospect_invalid",
    "prospect_maybe_later",
    "prospect_non_responsive",
    "prospect_not_interested",
    "email_opened",
    "prospect_opt_out",
    "prospect_replied",
    "prospect_saved",
    "secondary_replied",
    "task_created",
    "task_done",
    "task_ignored",
    "leadpecker.enrichment_batch_finished",
)

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACTIVE = sa.text("ended_at IS NULL")
PENDING = sa.text("state = 'PENDING'")


def _account(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"], ["accounts.id"], name=op.f(f"fk_{table}_account_id_accounts"), ondelete="CASCADE"
    )


def _subscription(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["subscription_id"],
        ["webhook_subscriptions.id"],
        name=op.f(f"fk_{table}_subscription_id_webhook_subscriptions"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    events = ", ".join(f"'{event}'" for event in EVENTS)
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("target_url", sa.String(length=2048), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(f"event IN ({events})", name=op.f("ck_webhook_subscriptions_event")),
        _account("webhook_subscriptions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
        sqlite_autoincrement=True,  # ids go on the wire: never given twice (see migration 0005)
    )
    op.create_index(
        "uq_webhook_subscriptions_active",
        "webhook_subscriptions",
        ["account_id", "event", "target_url"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_table(
        "webhook_outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("subscription_id", ID, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("prospect_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=10), server_default="PENDING", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('PENDING', 'DELIVERED', 'DROPPED')", name=op.f("ck_webhook_outbox_state")
        ),
        _account("webhook_outbox"),
        _subscription("webhook_outbox"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_webhook_outbox_pending",
        "webhook_outbox",
        ["subscription_id", "id"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index("ix_webhook_outbox_account_id_id", "webhook_outbox", ["account_id", "id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("subscription_id", ID, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("first_outbox_id", sa.BigInteger(), nullable=False),
        sa.Column("last_outbox_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('DELIVERED', 'RETRY', 'ENDED')", name=op.f("ck_webhook_attempts_outcome")
        ),
        _account("webhook_attempts"),
        _subscription("webhook_attempts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_webhook_attempts_account_id_id", "webhook_attempts", ["account_id", "id"])
    op.create_index("ix_webhook_attempts_subscription_id_id", "webhook_attempts", ["subscription_id", "id"])


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_outbox")
    op.drop_table("webhook_subscriptions")
