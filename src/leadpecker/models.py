"""The schema, one place for every table. Every table carries the account it belongs to.

Migrations under ``migrations/versions`` create exactly this; a test compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from leadpecker.kit.types import BigId, Json, UtcDateTime
from leadpecker.vocabulary.enums import (
    ActivityKind,
    AttemptOutcome,
    CampaignStatus,
    DeliveryState,
    EnrichmentStatus,
    EnrolmentStatus,
    InterestLevel,
    LedgerKind,
    ProspectStatus,
    UserRole,
    WebhookEvent,
)
from leadpecker.vocabulary.prospect_fields import PROSPECT_FIELDS, SUBSTRING_SEARCHED

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite gives a new row the largest id plus one unless the table says AUTOINCREMENT: the id of
# the newest row, once deleted, would go to the next one, and a client still holding it would
# reach somebody else (migration 0005). PostgreSQL's sequences never go back anyway.
IDS_NEVER_REUSED = {"sqlite_autoincrement": True}

DEFAULT_PER_DAY = 50


def _in(values: Iterable[StrEnum]) -> str:
    """The SQL list of an enum's values, for a CHECK constraint."""
    return ", ".join(f"'{value.value}'" for value in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    api_access: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    # Credits in thousandths: exact integers, never floats. 1.5 credits == 1500.
    credit_millis: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("credit_millis >= 0", name="credits_not_negative"),
        IDS_NEVER_REUSED,
    )


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # The first characters of the key, kept in clear so an operator can name a key to revoke.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = IDS_NEVER_REUSED


class User(Base):
    """A person of an account, as ``GET /rest/v2/users`` lists them ("Get a list of users":
    id, name, email, role admin or user). Every account has one from its creation, an admin:
    its owner, the "me" of ``GET /rest/v1/me`` (an account's keys are the owner's). More come
    with ``leadpecker users add``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), server_default="")
    # Stored trimmed and lower-cased; '' only for an owner created without one (and for the
    # owners migration 0008 gave the accounts that existed before it).
    email: Mapped[str] = mapped_column(String(320), server_default="")
    role: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        # Also the index of an account's users (its leading column).
        UniqueConstraint("account_id", "email"),
        CheckConstraint(f"role IN ({_in(UserRole)})", name="role"),
        IDS_NEVER_REUSED,
    )


class Prospect(Base):
    __tablename__ = "prospects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Stored trimmed and lower-cased: the identity of a prospect within its account.
    email: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(Text, server_default="")
    last_name: Mapped[str] = mapped_column(Text, server_default="")
    company: Mapped[str] = mapped_column(Text, server_default="")
    organization_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    industry: Mapped[str] = mapped_column(Text, server_default="")
    website: Mapped[str] = mapped_column(Text, server_default="")
    linkedin_url: Mapped[str] = mapped_column(Text, server_default="")
    tags: Mapped[str] = mapped_column(Text, server_default="")
    title: Mapped[str] = mapped_column(Text, server_default="")
    phone: Mapped[str] = mapped_column(Text, server_default="")
    address: Mapped[str] = mapped_column(Text, server_default="")
    city: Mapped[str] = mapped_column(Text, server_default="")
    state: Mapped[str] = mapped_column(Text, server_default="")
    country: Mapped[str] = mapped_column(Text, server_default="")
    snippet1: Mapped[str] = mapped_column(Text, server_default="")
    snippet2: Mapped[str] = mapped_column(Text, server_default="")
    snippet3: Mapped[str] = mapped_column(Text, server_default="")
    snippet4: Mapped[str] = mapped_column(Text, server_default="")
    snippet5: Mapped[str] = mapped_column(Text, server_default="")
    snippet6: Mapped[str] = mapped_column(Text, server_default="")
    snippet7: Mapped[str] = mapped_column(Text, server_default="")
    snippet8: Mapped[str] = mapped_column(Text, server_default="")
    snippet9: Mapped[str] = mapped_column(Text, server_default="")
    snippet10: Mapped[str] = mapped_column(Text, server_default="")
    snippet11: Mapped[str] = mapped_column(Text, server_default="")
    snippet12: Mapped[str] = mapped_column(Text, server_default="")
    snippet13: Mapped[str] = mapped_column(Text, server_default="")
    snippet14: Mapped[str] = mapped_column(Text, server_default="")
    snippet15: Mapped[str] = mapped_column(Text, server_default="")
    snippet_labels: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    status: Mapped[str] = mapped_column(String(16), server_default=ProspectStatus.ACTIVE.value)
    encrypted: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    last_contacted: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_replied: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Rolled up from email_activity by the loaders, so activity filters and sorts need no join.
    last_opened: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_clicked: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sent_mails: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    updated: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("account_id", "email"),
        CheckConstraint(f"status IN ({_in(ProspectStatus)})", name="status"),
        Index("ix_prospects_account_id_id", "account_id", "id"),
        IDS_NEVER_REUSED,
    )


# --- Prospect search ("Search for prospects"; migration 0002) ---------------------------------

SORT_TEXT_PREFIX = 100


def prospect_sort_key(name: str) -> tuple[Any, ...]:
    """The ordering expressions of a sortable prospect column, exactly as its index holds
    them (a query must repeat them verbatim for the index to serve it).

    Text sorts by its first 100 characters: a PostgreSQL btree entry must stay under ~2.7 kB.
    A nullable column sorts by "IS NOT NULL" first, so NULLs come first ascending (and last
    descending) on both databases with one index definition.
    """
    column = Prospect.__table__.c[name]
    if isinstance(column.type, Text):
        return (func.substr(column, literal_column("1"), literal_column(str(SORT_TEXT_PREFIX))),)
    if column.nullable:
        return (column.isnot(None), column)
    return (column,)


# One index per sortable field (id and email have theirs): (account, key, id) serves a sorted
# page, and deep pages by walking the index alone.
PROSPECT_SORTED_COLUMNS = tuple(
    field.name for field in PROSPECT_FIELDS if field.sortable and field.name not in ("id", "email")
)
for _name in PROSPECT_SORTED_COLUMNS:
    Index(
        f"ix_prospects_sort_{_name}",
        Prospect.__table__.c.account_id,
        *prospect_sort_key(_name),
        Prospect.__table__.c.id,
    )

# Substring search on PostgreSQL: one GIN trigram index over every searchable column. SQLite
# searches through FTS5 tables instead (created by migration 0002), so there the same index is
# an empty partial one ("WHERE 0") that costs nothing and keeps one schema for both.
PROSPECT_SEARCHED_COLUMNS = SUBSTRING_SEARCHED
Index(
    "ix_prospects_trigram",
    *(Prospect.__table__.c[name] for name in PROSPECT_SEARCHED_COLUMNS),
    postgresql_using="gin",
    postgresql_ops=dict.fromkeys(PROSPECT_SEARCHED_COLUMNS, "gin_trgm_ops"),
    sqlite_where=text("0"),
)


# prospect_counts.bucket = prospects.id >> BUCKET_SHIFT: 4,096 ids per bucket.
BUCKET_SHIFT = 12


class ProspectCount(Base):
    """How many prospects an account has, by status and id range (bucket = id >> 12): exact
    totals without counting rows, and a direct jump to a deep page in id order.

    Kept by triggers on ``prospects`` (migration 0002), so every write path keeps it right. On
    PostgreSQL each writing transaction adds to rows of its own ``slot`` (its transaction id)
    and never waits on another's; readers sum the slots, and compaction folds them into slot 0.
    """

    __tablename__ = "prospect_counts"

    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class ProspectDocument(Base):
    """A prospect's v1 JSON, ready to send (search/serializer.py defines it; triggers on
    ``prospects`` keep it current): a page of 1,000 prospects is one read, not 40,000 values
    decoded and encoded again."""

    __tablename__ = "prospect_documents"

    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default=CampaignStatus.DRAFT.value)
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    # The sender and sending settings GET campaign_list shows (migration 0007); '' = not known.
    from_name: Mapped[str] = mapped_column(Text, server_default="")
    from_email: Mapped[str] = mapped_column(String(320), server_default="")
    # Opening emails sent per day (the v2 API's daily_enroll; 50 is its default there).
    per_day: Mapped[int] = mapped_column(Integer, server_default=text(str(DEFAULT_PER_DAY)))
    gdpr_unsubscribe: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))

    __table_args__ = (
        CheckConstraint(f"status IN ({_in(CampaignStatus)})", name="status"),
        IDS_NEVER_REUSED,
    )


class CampaignProspect(Base):
    """A prospect's enrolment in a campaign, with its status and interest level there."""

    __tablename__ = "campaign_prospects"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), server_default=EnrolmentStatus.ACTIVE.value)
    interested: Mapped[str] = mapped_column(String(16), server_default=InterestLevel.NOT_MARKED.value)
    created: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint(f"status IN ({_in(EnrolmentStatus)})", name="status"),
        CheckConstraint(f"interested IN ({_in(InterestLevel)})", name="interested"),
        Index("ix_campaign_prospects_account_id_prospect_id", "account_id", "prospect_id"),
    )


class EmailActivity(Base):
    """One event of a prospect's mail history: sent, opened, clicked (with URL), replied (with
    what the prospect wrote), bounced."""

    __tablename__ = "email_activity"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What a reply (kind REPLIED) holds, as GET /rest/v2/prospects/{id}/responses shows it;
    # empty for other kinds, and for replies loaded without them (migration 0010).
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The campaign step the reply answered, and how many campaign emails it came after.
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    campaign_email_sent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Another address the reply came from (a colleague answering for the prospect).
    secondary_prospect_email: Mapped[str | None] = mapped_column(String(320), nullable=True)

    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ActivityKind)})", name="kind"),
        Index("ix_email_activity_account_id_prospect_id", "account_id", "prospect_id"),
        # A campaign's statistics count its events by kind and prospect (migration 0007).
        Index("ix_email_activity_campaign_stats", "account_id", "campaign_id", "kind", "prospect_id"),
        IDS_NEVER_REUSED,
    )


# --- Blacklists (developers.woodpecker.co: "Blacklisting") ------------------------------------
# An account's "do not contact" lists. Each entry is its own key: nothing but the entry goes on
# the wire, so there is no surrogate id; the primary key (account, entry) serves the sorted
# pages and the look-ups. Entries are stored trimmed and lower-cased.


class BlacklistedEmail(Base):
    __tablename__ = "blacklisted_emails"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BlacklistedDomain(Base):
    """A domain, or a pattern of domains where ``%`` stands for any characters."""

    __tablename__ = "blacklisted_domains"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Webhooks (developers.woodpecker.co: "Webhooks"; docs/webhooks.md) -------------------------

_ACTIVE_SUBSCRIPTION = "ended_at IS NULL"
_PENDING_DELIVERY = f"state = '{DeliveryState.PENDING.value}'"


class WebhookSubscription(Base):
    """A target URL subscribed to one event of an account, with its delivery state.

    ``failures`` counts failed attempts in a row and ``retry_at`` says when to try again; the
    lease lets one dispatcher at a time send the subscription's batches, so they go in order.
    A subscription that ends (unsubscribed, a 410 or 310 answer, too many failures) is kept,
    with why, so its deliveries keep their history; only active ones count towards the limit
    of three URLs per event.
    """

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    target_url: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    failures: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(f"event IN ({_in(WebhookEvent)})", name="event"),
        Index(
            "uq_webhook_subscriptions_active",
            "account_id",
            "event",
            "target_url",
            unique=True,
            sqlite_where=text(_ACTIVE_SUBSCRIPTION),
            postgresql_where=text(_ACTIVE_SUBSCRIPTION),
        ),
        IDS_NEVER_REUSED,
    )


class OutboxEvent(Base):
    """One event for one subscription: written in the transaction of the change that caused
    it, so an event exists exactly when its change committed (the outbox), then sent by the
    dispatcher. ``body`` is the event's JSON object as the receiver gets it; ``event_id`` is
    the same for every subscription's copy of one event, and for every retry."""

    __tablename__ = "webhook_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(36))
    event: Mapped[str] = mapped_column(String(64))
    prospect_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), server_default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint(f"state IN ({_in(DeliveryState)})", name="state"),
        # The dispatcher reads a subscription's pending events in order; the index holds only
        # pending ones, so its cost follows what waits, not the history.
        Index(
            "ix_webhook_outbox_pending",
            "subscription_id",
            "id",
            sqlite_where=text(_PENDING_DELIVERY),
            postgresql_where=text(_PENDING_DELIVERY),
        ),
        Index("ix_webhook_outbox_account_id_id", "account_id", "id"),
        IDS_NEVER_REUSED,
    )


class WebhookAttempt(Base):
    """One POST of a batch to a subscription's URL: when, how long, what came back."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_ms: Mapped[float] = mapped_column(Float)
    # The receiver's status, or None when none came (refused, timed out, dropped).
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str] = mapped_column(String(10))
    events: Mapped[int] = mapped_column(Integer)
    first_outbox_id: Mapped[int] = mapped_column(BigInteger)
    last_outbox_id: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint(f"outcome IN ({_in(AttemptOutcome)})", name="outcome"),
        Index("ix_webhook_attempts_account_id_id", "account_id", "id"),
        Index("ix_webhook_attempts_subscription_id_id", "subscription_id", "id"),
        IDS_NEVER_REUSED,
    )


# --- Lead Finder enrichment ("Queue prospect enrichments"; docs/matching.md) ------------------


class CreditLedgerEntry(Base):
    """Every movement of an account's credits, in thousandths.

    The account's available balance moves with GRANT (the operator's: + for ``credits add``,
    either sign for the difference ``credits set`` makes), RESERVE (−, one per queued batch) and
    RELEASE (+, an item that found nothing); CHARGE records that an item's reservation was
    spent (no balance effect). A unique (item, kind) makes a second charge or release of one
    item impossible.
    """

    __tablename__ = "credit_ledger"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount_millis: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrichment_batches.id", ondelete="SET NULL"), nullable=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrichment_items.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(LedgerKind)})", name="kind"),
        UniqueConstraint("item_id", "kind"),
        IDS_NEVER_REUSED,
    )


class EnrichmentBatch(Base):
    """One accepted queue request: the uuid the client polls."""

    __tablename__ = "enrichment_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    prospects_count: Mapped[int] = mapped_column(Integer)
    total_prospects_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = IDS_NEVER_REUSED


# The condition of the partial indexes that serve only pending items.
_PENDING = f"status = '{EnrichmentStatus.PENDING.value}'"


class EnrichmentItem(Base):
    """One prospect of a batch: the unit a worker claims (with a lease), matches and finishes.

    No foreign keys, deliberately: queuing writes up to 10,000 items in one request and their
    per-row checks cost more than the rest of the request (measured on PostgreSQL). The rows
    referenced are written in the same transaction (account, batch) or may vanish harmlessly
    (a prospect deleted while pending: the worker finds nothing to merge into and releases the
    credits).
    """

    __tablename__ = "enrichment_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[int] = mapped_column(BigInteger)
    prospect_id: Mapped[int] = mapped_column(BigInteger)
    prospect_email: Mapped[str] = mapped_column(String(320))
    hints: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    status: Mapped[str] = mapped_column(String(24), server_default=EnrichmentStatus.PENDING.value)
    reserved_millis: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    __table_args__ = (
        CheckConstraint(f"status IN ({_in(EnrichmentStatus)})", name="status"),
        # At most one pending enrichment per prospect, whatever races the API has.
        Index(
            "uq_enrichment_items_pending_prospect",
            "prospect_id",
            unique=True,
            sqlite_where=text(_PENDING),
            postgresql_where=text(_PENDING),
        ),
        # The workers' claim scans only pending items, oldest first.
        Index(
            "ix_enrichment_items_pending",
            "id",
            sqlite_where=text(_PENDING),
            postgresql_where=text(_PENDING),
        ),
        Index("ix_enrichment_items_batch_id", "batch_id"),
        Index("ix_enrichment_items_account_email", "account_id", "prospect_email", "created_at"),
        Index("ix_enrichment_items_account_created", "account_id", "created_at"),
        IDS_NEVER_REUSED,
    )


class FieldProvenance(Base):
    """Where an enriched prospect field came from: source, signal, confidence and time."""

    __tablename__ = "field_provenance"

    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(64))
    signal: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrichment_items.id", ondelete="SET NULL"), nullable=True
    )
    enriched_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Lead(Base):
    """A person in the operator's lead database: shared by all accounts, matched by the
    built-in source. The *_key columns are normalised forms the matcher looks up by."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The identity of a lead for re-imports: its email, or "li:" + its LinkedIn key.
    lead_key: Mapped[str] = mapped_column(String(400), unique=True)
    # No index of its own: a lead with an email has it as its lead_key, which is unique.
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    first_name: Mapped[str] = mapped_column(Text, server_default="")
    last_name: Mapped[str] = mapped_column(Text, server_default="")
    linkedin_url: Mapped[str] = mapped_column(Text, server_default="")
    title: Mapped[str] = mapped_column(Text, server_default="")
    phone: Mapped[str] = mapped_column(Text, server_default="")
    company_name: Mapped[str] = mapped_column(Text, server_default="")
    company_website: Mapped[str] = mapped_column(Text, server_default="")
    industry: Mapped[str] = mapped_column(Text, server_default="")
    address: Mapped[str] = mapped_column(Text, server_default="")
    city: Mapped[str] = mapped_column(Text, server_default="")
    state: Mapped[str] = mapped_column(Text, server_default="")
    country: Mapped[str] = mapped_column(Text, server_default="")
    linkedin_key: Mapped[str | None] = mapped_column(String(400), nullable=True, index=True)
    name_key: Mapped[str] = mapped_column(String(400), server_default="")
    company_domain: Mapped[str] = mapped_column(String(255), server_default="")
    company_key: Mapped[str] = mapped_column(String(400), server_default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        # Candidates are looked up by name alone; domain and company are compared in Python.
        Index("ix_leads_name_key", "name_key"),
        IDS_NEVER_REUSED,
    )
