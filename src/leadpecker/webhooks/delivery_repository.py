"""SQL of webhook delivery: the dispatcher's view of every account's subscriptions and outbox.

Claiming what is due and recording what a POST came to are system work across accounts (like
enrichment's WorkQueueRepository): ``DeliveryRepository``. The ids and the lease token its
writes are given come from the dispatcher's own claim. What an account's operator reads back —
its delivery attempts — goes through the account-scoped ``AttemptRepository``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, literal_column, or_, select, update
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.db import SqlConnection
from leadpecker.kit.dialects import dialect_of
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Account, OutboxEvent, WebhookAttempt, WebhookSubscription
from leadpecker.vocabulary.enums import DeliveryState

# The documented ceiling of one array (developers.woodpecker.co, "Webhooks": "The maximum array
# size is 100 objects").
MAX_BATCH = 100


@dataclass(slots=True)
class ClaimedSubscription:
    """A leased subscription; ``failures`` is kept current by the dispatcher that holds it."""

    id: int
    account_id: int
    event: str
    target_url: str
    failures: int


@dataclass(frozen=True, slots=True)
class PendingEvent:
    id: int
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One attempt as ``webhooks deliveries`` shows it."""

    id: int
    started_at: datetime
    account_id: int
    account: str
    subscription_id: int
    event: str
    target_url: str
    status_code: int | None
    duration_ms: float
    events: int
    first_outbox_id: int
    last_outbox_id: int
    outcome: str
    error: str | None


def _pending() -> ColumnElement[bool]:
    # The constant written into the statement, as the partial index's WHERE spells it
    # (models.py: state = 'PENDING'): a bound parameter would keep PostgreSQL's generic plan of
    # a prepared statement from proving that the index covers the query.
    return OutboxEvent.state == literal_column(f"'{DeliveryState.PENDING.value}'")


def _pending_of_subscription() -> Select[Any]:
    """The pending rows of the subscription of the enclosing query, in id order."""
    return (
        select(OutboxEvent.id)
        .where(OutboxEvent.subscription_id == WebhookSubscription.id, _pending())
        .order_by(OutboxEvent.id)
    )


def _due(now: datetime, window_start: datetime) -> tuple[ColumnElement[bool], ...]:
    """A subscription whose next batch may go now: active, past its retry time, not leased by
    a live dispatcher, and owed either a full batch or an event older than the window. Both
    are read through the pending index: the first pending row, and the 100th."""
    oldest = (
        select(OutboxEvent.created_at)
        .where(OutboxEvent.subscription_id == WebhookSubscription.id, _pending())
        .order_by(OutboxEvent.id)
        .limit(1)
        .scalar_subquery()
    )
    hundredth = _pending_of_subscription().offset(MAX_BATCH - 1).limit(1).scalar_subquery()
    return (
        WebhookSubscription.ended_at.is_(None),
        or_(WebhookSubscription.retry_at.is_(None), WebhookSubscription.retry_at <= now),
        or_(WebhookSubscription.lease_expires_at.is_(None), WebhookSubscription.lease_expires_at <= now),
        or_(oldest <= window_start, hundredth.is_not(None)),
    )


class DeliveryRepository:
    """The dispatcher's statements, across accounts."""

    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn
        self.sql = dialect_of(conn)

    async def has_pending(self) -> bool:
        """Whether any event waits at all: one probe of the pending index, so that an idle
        dispatcher's poll costs next to nothing."""
        query = select(OutboxEvent.id).where(_pending()).limit(1)
        return (await self.conn.execute(query)).first() is not None

    async def has_due(self, now: datetime, window_start: datetime, held: Sequence[int]) -> bool:
        """Whether ``claim`` would find a subscription (a read: no write lock for nothing)."""
        query = select(WebhookSubscription.id).where(*_due(now, window_start), *self._not_held(held)).limit(1)
        return (await self.conn.execute(query)).first() is not None

    async def claim(
        self,
        limit: int,
        token: str,
        now: datetime,
        window_start: datetime,
        lease_until: datetime,
        held: Sequence[int],
    ) -> list[ClaimedSubscription]:
        """Lease up to ``limit`` due subscriptions, oldest first, skipping those this
        dispatcher already delivers (``held``). PostgreSQL dispatchers skip rows another is
        claiming (FOR UPDATE SKIP LOCKED); on SQLite the write transaction serialises claims."""
        claimable = (
            select(WebhookSubscription.id)
            .where(*_due(now, window_start), *self._not_held(held))
            .order_by(WebhookSubscription.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookSubscription)
        )
        result = await self.conn.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id.in_(claimable.scalar_subquery()))
            .values(lease_token=token, lease_expires_at=lease_until)
            .returning(
                WebhookSubscription.id,
                WebhookSubscription.account_id,
                WebhookSubscription.event,
                WebhookSubscription.target_url,
                WebhookSubscription.failures,
            )
        )
        return sorted((ClaimedSubscription(*row) for row in result), key=lambda claimed: claimed.id)

    def _not_held(self, held: Sequence[int]) -> tuple[ColumnElement[bool], ...]:
        return (WebhookSubscription.id.not_in(list(held)),) if held else ()

    async def next_batch(self, subscription_id: int) -> list[PendingEvent]:
        """The subscription's first ``MAX_BATCH`` pending events, in id order."""
        query = (
            select(OutboxEvent.id, OutboxEvent.body, OutboxEvent.created_at)
            .where(OutboxEvent.subscription_id == subscription_id, _pending())
            .order_by(OutboxEvent.id)
            .limit(MAX_BATCH)
        )
        return [PendingEvent(*row) for row in await self.conn.execute(query)]

    async def settle(self, subscription_id: int, token: str, **values: Any) -> bool:
        """The lease guard, and the subscription's new delivery state (``values``): applied
        only while this dispatcher's lease holds. False when another dispatcher took the
        subscription over (its lease lapsed) or it ended meanwhile: then nothing may be written."""
        result = await self.conn.execute(
            update(WebhookSubscription)
            .where(
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.lease_token == token,
                WebhookSubscription.ended_at.is_(None),
            )
            .values(**values)
        )
        return result.rowcount == 1

    async def mark(self, ids: list[int], state: DeliveryState, now: datetime) -> None:
        """One attempt more for the batch's events; ``state`` PENDING leaves them waiting."""
        values: dict[str, Any] = {"attempts": OutboxEvent.attempts + 1}
        if state is DeliveryState.DELIVERED:
            values.update(state=state.value, delivered_at=now)
        elif state is DeliveryState.DROPPED:
            values.update(state=state.value)
        await self.conn.execute(
            update(OutboxEvent).where(self.sql.in_values(OutboxEvent.id, ids), _pending()).values(**values)
        )

    async def drop_pending(self, subscription_id: int) -> int:
        """Every event still waiting for an ended subscription: never to be sent."""
        result = await self.conn.execute(
            update(OutboxEvent)
            .where(OutboxEvent.subscription_id == subscription_id, _pending())
            .values(state=DeliveryState.DROPPED.value)
        )
        return result.rowcount

    async def add_attempt(self, **row: Any) -> None:
        await self.conn.execute(self.sql.insert(WebhookAttempt).values(**row))

    async def release(self, subscription_id: int, token: str) -> None:
        """Give the subscription back at once instead of letting the lease lapse."""
        await self.conn.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription_id, WebhookSubscription.lease_token == token)
            .values(lease_token=None, lease_expires_at=None)
        )

    # --- retention ---------------------------------------------------------------------------

    async def expired_events(self, before: datetime, limit: int) -> list[int]:
        """Ids of delivered or dropped events created before ``before``, oldest first. Ids
        follow time, so the walk finds them at the front of the table (there is no index on
        the time: the outbox is kept small, and this runs now and then)."""
        query = (
            select(OutboxEvent.id)
            .where(OutboxEvent.state != DeliveryState.PENDING.value, OutboxEvent.created_at < before)
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
        return list((await self.conn.execute(query)).scalars())

    async def expired_attempts(self, before: datetime, limit: int) -> list[int]:
        query = (
            select(WebhookAttempt.id)
            .where(WebhookAttempt.started_at < before)
            .order_by(WebhookAttempt.id)
            .limit(limit)
        )
        return list((await self.conn.execute(query)).scalars())

    async def delete_events(self, ids: list[int]) -> None:
        await self.conn.execute(delete(OutboxEvent).where(self.sql.in_values(OutboxEvent.id, ids)))

    async def delete_attempts(self, ids: list[int]) -> None:
        await self.conn.execute(delete(WebhookAttempt).where(self.sql.in_values(WebhookAttempt.id, ids)))

    # --- what the operator reads -------------------------------------------------------------

    async def recent_attempts(self, limit: int) -> list[AttemptRow]:
        """The newest attempts of every account (``webhooks deliveries`` without --account)."""
        return await _attempt_rows(self.conn, _attempts_query().limit(limit))


class AttemptRepository(AccountScopedRepository):
    """One account's delivery attempts."""

    async def recent(self, limit: int) -> list[AttemptRow]:
        query = _attempts_query().where(self.mine(WebhookAttempt)).limit(limit)
        return await _attempt_rows(self.conn, query)


def _attempts_query() -> Select[Any]:
    return (
        select(
            WebhookAttempt.id,
            WebhookAttempt.started_at,
            WebhookAttempt.account_id,
            Account.name,
            WebhookAttempt.subscription_id,
            WebhookSubscription.event,
            WebhookSubscription.target_url,
            WebhookAttempt.status_code,
            WebhookAttempt.duration_ms,
            WebhookAttempt.events,
            WebhookAttempt.first_outbox_id,
            WebhookAttempt.last_outbox_id,
            WebhookAttempt.outcome,
            WebhookAttempt.error,
        )
        .join(WebhookSubscription, WebhookSubscription.id == WebhookAttempt.subscription_id)
        .join(Account, Account.id == WebhookAttempt.account_id)
        .order_by(WebhookAttempt.id.desc())
    )


async def _attempt_rows(conn: SqlConnection, query: Select[Any]) -> list[AttemptRow]:
    return [AttemptRow(*row) for row in await conn.execute(query)]
