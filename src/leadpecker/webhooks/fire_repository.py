"""SQL for events fired on demand (``leadpecker webhooks fire``): the stored data a payload is
built from — a prospect by email, a campaign and the prospect's enrolment there, the prospect's
latest activity of a kind, its latest enrichment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import (
    Campaign,
    CampaignProspect,
    EmailActivity,
    EnrichmentBatch,
    EnrichmentItem,
    FieldProvenance,
    Prospect,
)


class FireRepository(AccountScopedRepository):
    async def prospect(self, email: str) -> dict[str, Any] | None:
        """The prospect's columns and ``in_campaign`` (how many campaigns it is in)."""
        in_campaign = (
            select(func.count())
            .select_from(CampaignProspect)
            .where(CampaignProspect.prospect_id == Prospect.id)
            .scalar_subquery()
        )
        query = self.select(Prospect, *Prospect.__table__.c, in_campaign.label("in_campaign")).where(
            Prospect.email == email
        )
        row = (await self.conn.execute(query)).mappings().first()
        return dict(row) if row is not None else None

    async def campaign(self, campaign_id: int) -> Any:
        query = self.select(Campaign, *Campaign.__table__.c).where(Campaign.id == campaign_id)
        return (await self.conn.execute(query)).first()

    async def enrolment(self, campaign_id: int, prospect_id: int) -> Any:
        """The prospect's status and interest level in the campaign (None: not enrolled)."""
        query = self.select(CampaignProspect, CampaignProspect.status, CampaignProspect.interested).where(
            CampaignProspect.campaign_id == campaign_id, CampaignProspect.prospect_id == prospect_id
        )
        return (await self.conn.execute(query)).first()

    async def latest_activity(self, prospect_id: int, kind: str, campaign_id: int | None) -> Any:
        """The prospect's newest event of ``kind`` (in the campaign, when one is given)."""
        query = self.select(EmailActivity, *EmailActivity.__table__.c).where(
            EmailActivity.prospect_id == prospect_id, EmailActivity.kind == kind
        )
        if campaign_id is not None:
            query = query.where(EmailActivity.campaign_id == campaign_id)
        query = query.order_by(EmailActivity.occurred_at.desc(), EmailActivity.id.desc()).limit(1)
        return (await self.conn.execute(query)).first()

    async def count_activity(self, prospect_id: int, kind: str, campaign_id: int) -> int:
        query = self.select(EmailActivity, func.count()).where(
            EmailActivity.prospect_id == prospect_id,
            EmailActivity.kind == kind,
            EmailActivity.campaign_id == campaign_id,
        )
        return (await self.conn.execute(query)).scalar_one()

    async def latest_enrichment(self, prospect_id: int) -> Any:
        """The prospect's newest finished enrichment item and its batch's uuid."""
        query = (
            self.select(
                EnrichmentItem,
                EnrichmentItem.id,
                EnrichmentItem.status,
                EnrichmentItem.reserved_millis,
                EnrichmentBatch.uuid,
            )
            .join(EnrichmentBatch, EnrichmentBatch.id == EnrichmentItem.batch_id)
            .where(EnrichmentItem.prospect_id == prospect_id, EnrichmentItem.processed_at.is_not(None))
            .order_by(EnrichmentItem.id.desc())
            .limit(1)
        )
        return (await self.conn.execute(query)).first()

    async def enriched_fields(self, item_id: int) -> list[str]:
        query = self.select(FieldProvenance, FieldProvenance.field).where(FieldProvenance.item_id == item_id)
        return sorted((await self.conn.execute(query)).scalars())
