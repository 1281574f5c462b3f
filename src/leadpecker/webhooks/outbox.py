"""Writing events into the outbox, in the transaction of the change that raises them.

Every feature that changes something a webhook reports calls ``WebhookOutbox`` with its own
connection, inside its own write transaction: the events commit with the change or not at all
(a rolled-back request emits nothing), and the dispatcher sends only what committed. An event
nobody subscribed to costs one indexed read of the subscriptions and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.payloads import CampaignContext, event_body, prospect_object
from leadpecker.webhooks.repository import OutboxRepository, PayloadRepository, SubscriptionRepository


class WebhookOutbox:
    """The events of one account's change, joining the caller's transaction (``conn``)."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def prospects(
        self,
        event: WebhookEvent,
        prospect_ids: Sequence[int],
        *,
        campaign_id: int | None = None,
        moment: datetime | None = None,
    ) -> int:
        """One ``event`` per prospect, each built from the prospect as stored now (so call
        this after the change is written). Returns how many outbox rows were written."""
        subscriptions = await SubscriptionRepository(self.conn, self.account_id).active_ids(event)
        if not subscriptions or not prospect_ids:
            return 0
        reader = PayloadRepository(self.conn, self.account_id)
        campaign = await self._campaign(reader, campaign_id)
        moment = moment or utcnow()
        events = [
            (row["id"], prospect_object(row, in_campaign, campaign))
            for row, in_campaign in await reader.prospects(prospect_ids)
        ]
        return await self._write(subscriptions, event, moment, [(pid, {"prospect": p}) for pid, p in events])

    async def objects(
        self,
        event: WebhookEvent,
        objects: Sequence[tuple[int | None, Mapping[str, Any]]],
        *,
        moment: datetime | None = None,
    ) -> int:
        """Events whose bodies the caller built: (prospect id or None, the keys besides
        ``method``, ``timestamp``, ``firm_id`` and ``event_id``)."""
        subscriptions = await SubscriptionRepository(self.conn, self.account_id).active_ids(event)
        if not subscriptions or not objects:
            return 0
        return await self._write(subscriptions, event, moment or utcnow(), objects)

    async def subscribed(self, event: WebhookEvent) -> bool:
        """Whether anyone is subscribed: lets a caller skip building what nobody receives."""
        return bool(await SubscriptionRepository(self.conn, self.account_id).active_ids(event))

    async def _campaign(self, reader: PayloadRepository, campaign_id: int | None) -> CampaignContext | None:
        if campaign_id is None:
            return None
        campaign = await reader.campaign(campaign_id)
        if campaign is None:
            return None
        return CampaignContext(id=campaign.id, name=campaign.name, email=campaign.from_email)

    async def _write(
        self,
        subscriptions: list[int],
        event: WebhookEvent,
        moment: datetime,
        objects: Sequence[tuple[int | None, Mapping[str, Any]]],
    ) -> int:
        rows = []
        for prospect_id, keys in objects:
            event_id = str(uuid.uuid4())
            prospect = keys.get("prospect")
            extra = {key: value for key, value in keys.items() if key != "prospect"}
            body = event_body(event, self.account_id, event_id, moment, prospect=prospect, extra=extra)
            for subscription_id in subscriptions:
                rows.append(
                    {
                        "subscription_id": subscription_id,
                        "event_id": event_id,
                        "event": event.value,
                        "prospect_id": prospect_id,
                        "body": body,
                        "created_at": moment,
                    }
                )
        await OutboxRepository(self.conn, self.account_id).add(rows)
        return len(rows)
