"""Writing events into the outbox, in the transaction of the change that raises them.

Every feature that changes something a webhook reports calls ``WebhookOutbox`` with its own
connection, inside its own write transaction: the events commit with the change or not at all
(a rolled-back request emits nothing), and the dispatcher sends only what committed.

What it costs: a ``WebhookOutbox`` reads the account's active subscriptions once, on first use
(one indexed read, whatever the number of rows or events the change has), and an event nobody
subscribed to costs nothing more. A caller with its own work to do before it can build events
(reading ids back, say) asks ``subscribed`` first and skips that work when nobody listens.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.enums import InterestLevel, WebhookEvent
from leadpecker.webhooks.payloads import CampaignContext, event_bodies, prospect_object
from leadpecker.webhooks.repository import OutboxRepository, PayloadRepository, SubscriptionRepository


@dataclass(frozen=True, slots=True)
class ProspectEvent:
    """One event about one prospect, as the caller knows it.

    ``campaign_id``: the campaign it happened in (None: outside any; the payload's campaign
    fields are then empty). ``interested``: the interest level to show instead of the stored
    enrolment's (an interest event shows the level it announces). ``step`` and
    ``emails_sent`` fill the prospect's ``step`` and ``campaign_email_sent`` where the caller
    knows them (a reply does). ``extra``: the event's keys after ``prospect`` (a reply's
    ``email``, a click's ``click_url``…)."""

    prospect_id: int
    campaign_id: int | None = None
    interested: str | None = None
    step: int | None = None
    emails_sent: int | None = None
    extra: Mapping[str, Any] | None = None


class WebhookOutbox:
    """The events of one account's change, joining the caller's transaction (``conn``)."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id
        self._subscriptions: dict[str, list[int]] | None = None

    async def subscribed(self, event: WebhookEvent) -> bool:
        """Whether anyone is subscribed: lets a caller skip building what nobody receives."""
        return bool(await self._subscribers(event))

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
        return await self.prospect_events(
            event, [ProspectEvent(prospect_id, campaign_id) for prospect_id in prospect_ids], moment=moment
        )

    async def new_prospects(
        self, event: WebhookEvent, rows: Sequence[Mapping[str, Any]], *, moment: datetime | None = None
    ) -> int:
        """One ``event`` per prospect the caller has just inserted, built from the rows it
        wrote (each with its ``id`` and every column ``payloads.prospect_object`` reads) instead
        of reading them back: a 10,000-prospect add would spend more on that read than on
        everything else its events cost. A prospect just inserted is in no campaign."""
        subscriptions = await self._subscribers(event)
        if not subscriptions or not rows:
            return 0
        bodies = [(row["id"], {"prospect": prospect_object(row, 0, None)}) for row in rows]
        return await self._write(subscriptions, event, moment or utcnow(), bodies)

    async def prospect_events(
        self, event: WebhookEvent, events: Sequence[ProspectEvent], *, moment: datetime | None = None
    ) -> int:
        """One ``event`` per entry, in order, each prospect as stored now (call this after the
        change is written); an entry whose prospect the account does not have is left out.
        Returns how many outbox rows were written."""
        subscriptions = await self._subscribers(event)
        if not subscriptions or not events:
            return 0
        reader = PayloadRepository(self.conn, self.account_id)
        rows = {
            row["id"]: (row, in_campaign)
            for row, in_campaign in await reader.prospects(sorted({entry.prospect_id for entry in events}))
        }
        campaign_ids = sorted({entry.campaign_id for entry in events if entry.campaign_id is not None})
        campaigns = await reader.campaigns(campaign_ids)
        pairs = [
            (entry.campaign_id, entry.prospect_id)
            for entry in events
            if entry.campaign_id in campaigns and entry.interested is None
        ]
        levels = await reader.interest_levels(pairs)
        bodies: list[tuple[int | None, Mapping[str, Any]]] = []
        for entry in events:
            found = rows.get(entry.prospect_id)
            if found is None:
                continue
            row, in_campaign = found
            context = None
            campaign = campaigns.get(entry.campaign_id) if entry.campaign_id is not None else None
            if campaign is not None:
                level = entry.interested or levels.get((campaign.id, entry.prospect_id), "")
                context = CampaignContext(
                    id=campaign.id,
                    name=campaign.name,
                    email=campaign.from_email,
                    emails_sent=entry.emails_sent,
                    step=entry.step,
                    interested=_shown_level(level),
                )
            keys: dict[str, Any] = {"prospect": prospect_object(row, in_campaign, context)}
            if entry.extra:
                keys.update(entry.extra)
            bodies.append((entry.prospect_id, keys))
        return await self._write(subscriptions, event, moment or utcnow(), bodies)

    async def objects(
        self,
        event: WebhookEvent,
        objects: Sequence[tuple[int | None, Mapping[str, Any]]],
        *,
        moment: datetime | None = None,
    ) -> int:
        """Events whose bodies the caller built: (prospect id or None, the keys besides
        ``method``, ``timestamp``, ``firm_id`` and ``event_id``)."""
        subscriptions = await self._subscribers(event)
        if not subscriptions or not objects:
            return 0
        return await self._write(subscriptions, event, moment or utcnow(), objects)

    async def _subscribers(self, event: WebhookEvent) -> list[int]:
        if self._subscriptions is None:
            # Every event's at once: a change raising several kinds of event (an activity
            # import) still reads the subscriptions once.
            by_event: dict[str, list[int]] = defaultdict(list)
            for subscription_id, subscribed in await SubscriptionRepository(
                self.conn, self.account_id
            ).active_events():
                by_event[subscribed].append(subscription_id)
            self._subscriptions = dict(by_event)
        return self._subscriptions.get(event.value, [])

    async def _write(
        self,
        subscriptions: list[int],
        event: WebhookEvent,
        moment: datetime,
        objects: Sequence[tuple[int | None, Mapping[str, Any]]],
    ) -> int:
        name = event.value
        bodies = event_bodies(name, self.account_id, moment, [keys for _, keys in objects])
        rows = [
            (subscription_id, event_id, name, prospect_id, body, moment)
            for (prospect_id, _), (event_id, body) in zip(objects, bodies, strict=True)
            for subscription_id in subscriptions
        ]
        await OutboxRepository(self.conn, self.account_id).add_rows(rows)
        return len(rows)


def _shown_level(level: str) -> str:
    """An enrolment's interest level as the payloads show it: "" when none was marked (the
    pages' examples show "" for a prospect whose interest nobody marked)."""
    return "" if level in ("", InterestLevel.NOT_MARKED) else level
