"""SQL for an account's webhook subscriptions and the events they are owed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import (
    Account,
    Campaign,
    CampaignProspect,
    OutboxEvent,
    Prospect,
    WebhookSubscription,
)
from leadpecker.vocabulary.enums import DeliveryState


class SubscriptionRepository(AccountScopedRepository):
    async def lock_account(self) -> None:
        """Hold the account's row until the transaction ends: one account's subscriptions are
        made one at a time, so two requests at once cannot both take the third place of an
        event (SQLite's write transactions are one at a time already)."""
        await self.conn.execute(select(Account.id).where(Account.id == self.account_id).with_for_update())

    def _active(self) -> Any:
        return self.select(WebhookSubscription).where(WebhookSubscription.ended_at.is_(None))

    async def active(self) -> list[WebhookSubscription]:
        """The account's subscriptions in the order they were made."""
        query = self._active().order_by(WebhookSubscription.id)
        return list((await self.conn.execute(query)).all())

    async def active_ids(self, event: str) -> list[int]:
        query = (
            self.select(WebhookSubscription, WebhookSubscription.id)
            .where(WebhookSubscription.ended_at.is_(None), WebhookSubscription.event == event)
            .order_by(WebhookSubscription.id)
        )
        return list((await self.conn.execute(query)).scalars())

    async def active_events(self) -> list[tuple[int, str]]:
        """(id, event) of every active subscription of the account, in the order they were
        made: one read of the index of active subscriptions, which starts with the account."""
        query = (
            self.select(WebhookSubscription, WebhookSubscription.id, WebhookSubscription.event)
            .where(WebhookSubscription.ended_at.is_(None))
            .order_by(WebhookSubscription.id)
        )
        return [(row.id, row.event) for row in await self.conn.execute(query)]

    async def active_urls(self, event: str) -> list[str]:
        query = (
            self.select(WebhookSubscription, WebhookSubscription.target_url)
            .where(WebhookSubscription.ended_at.is_(None), WebhookSubscription.event == event)
            .order_by(WebhookSubscription.id)
        )
        return list((await self.conn.execute(query)).scalars())

    async def add(self, event: str, target_url: str, now: datetime) -> int:
        statement = (
            self.sql.insert(WebhookSubscription)
            .values(self.values(event=event, target_url=target_url, created_at=now))
            .returning(WebhookSubscription.id)
        )
        return (await self.conn.execute(statement)).scalar_one()

    async def end(self, event: str, target_url: str, reason: str, now: datetime) -> list[int]:
        """End the active subscription of this pair; its waiting events are dropped. Returns
        the ids ended (none when there was no such subscription)."""
        statement = (
            self.update(WebhookSubscription)
            .where(
                WebhookSubscription.ended_at.is_(None),
                WebhookSubscription.event == event,
                WebhookSubscription.target_url == target_url,
            )
            .values(ended_at=now, ended_reason=reason)
            .returning(WebhookSubscription.id)
        )
        ended = list((await self.conn.execute(statement)).scalars())
        if ended:
            await self.conn.execute(
                self.update(OutboxEvent)
                .where(
                    OutboxEvent.subscription_id.in_(ended),
                    OutboxEvent.state == DeliveryState.PENDING,
                )
                .values(state=DeliveryState.DROPPED)
            )
        return ended


OUTBOX_COLUMNS = ("subscription_id", "event_id", "event", "prospect_id", "body", "created_at")


class OutboxRepository(AccountScopedRepository):
    async def add(self, rows: Sequence[dict[str, Any]]) -> None:
        """Outbox rows (subscription_id, event_id, event, prospect_id, body, created_at)."""
        await self.add_rows([tuple(row[name] for name in OUTBOX_COLUMNS) for row in rows])

    async def add_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Outbox rows as tuples in OUTBOX_COLUMNS order (the account is added). The bulk path
        (kit/bulk.py: COPY on PostgreSQL, one INSERT … SELECT from a staging table on SQLite):
        one add_prospects_list of 10,000 prospects writes 10,000 rows per subscribed URL, which
        SQLAlchemy's executemany took 2–3 times as long to write (SQLite, measured)."""
        await bulk_insert(
            self.conn,
            OutboxEvent.__table__,  # type: ignore[arg-type]
            ("account_id", *OUTBOX_COLUMNS),
            [(self.account_id, *row) for row in rows],
            (),
        )


class PayloadRepository(AccountScopedRepository):
    """What the payloads are built from: the stored prospects and their campaigns."""

    async def prospects(self, ids: Sequence[int]) -> list[tuple[dict[str, Any], int]]:
        """Each prospect's columns and how many campaigns it is in, in id order; ids the
        account does not have are left out."""
        if not ids:
            return []
        in_campaign = (
            select(func.count())
            .select_from(CampaignProspect)
            .where(CampaignProspect.prospect_id == Prospect.id)
            .scalar_subquery()
        )
        query = (
            self.select(Prospect, *Prospect.__table__.c, in_campaign.label("in_campaign"))
            .where(self.one_of(Prospect.id, list(ids)))
            .order_by(Prospect.id)
        )
        rows = []
        for row in (await self.conn.execute(query)).mappings():
            rows.append((dict(row), row["in_campaign"]))
        return rows

    async def campaign(self, campaign_id: int) -> Campaign | None:
        query = self.select(Campaign).where(Campaign.id == campaign_id)
        return (await self.conn.execute(query)).scalar_one_or_none()

    async def campaigns(self, ids: Sequence[int]) -> dict[int, Any]:
        """id → the campaign's row (id, name, from_name, from_email) of the account's
        campaigns among ``ids``."""
        if not ids:
            return {}
        query = self.select(
            Campaign, Campaign.id, Campaign.name, Campaign.from_name, Campaign.from_email
        ).where(self.one_of(Campaign.id, list(ids)))
        return {row.id: row for row in await self.conn.execute(query)}

    async def interest_levels(self, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """(campaign id, prospect id) → the enrolment's interest level, for the pairs that are
        enrolments."""
        if not pairs:
            return {}
        wanted = set(pairs)
        query = self.select(
            CampaignProspect,
            CampaignProspect.campaign_id,
            CampaignProspect.prospect_id,
            CampaignProspect.interested,
        ).where(
            self.one_of(CampaignProspect.campaign_id, sorted({campaign for campaign, _ in wanted})),
            self.one_of(CampaignProspect.prospect_id, sorted({prospect for _, prospect in wanted})),
        )
        return {
            (row.campaign_id, row.prospect_id): row.interested
            for row in await self.conn.execute(query)
            if (row.campaign_id, row.prospect_id) in wanted
        }
