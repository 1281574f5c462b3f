"""What a page shows: its prospects' ready documents (the deferred join's second step), and
for campaigns_details and the campaign view their enrolments, activities and clicks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func

from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Campaign, CampaignProspect, EmailActivity, Prospect, ProspectDocument
from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.plan import CP, P
from leadpecker.search.serializer import CampaignEntry
from leadpecker.vocabulary.enums import ActivityKind

DOCUMENTS = ProspectDocument.__table__


@dataclass(frozen=True, slots=True)
class Activities:
    sent_mails: int
    last_opened: Any
    last_clicked: Any


class PageContents(AccountScopedRepository):
    def __init__(self, conn: Any, account_id: int, dialect: SearchDialect) -> None:
        super().__init__(conn, account_id)
        self.dialect = dialect

    async def documents_array(self, ids: list[int]) -> bytes:
        """The page's documents as one JSON array, in the page's order."""
        return await self.dialect.documents_array(self.conn, self.account_id, ids)

    async def documents(self, ids: list[int]) -> dict[int, str]:
        query = self.select(ProspectDocument, DOCUMENTS.c.prospect_id, DOCUMENTS.c.body).where(
            DOCUMENTS.c.prospect_id.in_(ids)
        )
        return dict((await self.conn.execute(query)).all())

    async def enrolments(
        self, prospect_ids: list[int], campaign_ids: Sequence[int] | None = None
    ) -> dict[int, list[CampaignEntry]]:
        """Each prospect's campaigns (all, or only ``campaign_ids``), by campaign id."""
        query = (
            self.select(
                CampaignProspect,
                CP.c.prospect_id,
                Campaign.id,
                Campaign.name,
                Campaign.status,
                CP.c.status,
                CP.c.interested,
            )
            .join(Campaign, Campaign.id == CP.c.campaign_id)
            .where(Campaign.account_id == self.account_id, CP.c.prospect_id.in_(prospect_ids))
            .order_by(CP.c.prospect_id, Campaign.id)
        )
        if campaign_ids is not None:
            query = query.where(CP.c.campaign_id.in_(campaign_ids))
        found: dict[int, list[CampaignEntry]] = {}
        for prospect_id, *entry in await self.conn.execute(query):
            found.setdefault(prospect_id, []).append(CampaignEntry(*entry))
        return found

    async def activities(self, prospect_ids: list[int]) -> dict[int, Activities]:
        query = self.select(Prospect, P.c.id, P.c.sent_mails, P.c.last_opened, P.c.last_clicked).where(
            P.c.id.in_(prospect_ids)
        )
        return {row[0]: Activities(*row[1:]) for row in await self.conn.execute(query)}

    async def clicks(self, prospect_ids: list[int]) -> dict[int, list[tuple[str | None, Any]]]:
        """Each prospect's clicked links with the last click on each, latest first."""
        last = func.max(EmailActivity.occurred_at)
        query = (
            self.select(EmailActivity, EmailActivity.prospect_id, EmailActivity.url, last)
            .where(EmailActivity.kind == ActivityKind.CLICKED, EmailActivity.prospect_id.in_(prospect_ids))
            .group_by(EmailActivity.prospect_id, EmailActivity.url)
            .order_by(EmailActivity.prospect_id, last.desc(), EmailActivity.url)
        )
        found: dict[int, list[tuple[str | None, Any]]] = {}
        for prospect_id, url, moment in await self.conn.execute(query):
            found.setdefault(prospect_id, []).append((url, _as_utc(moment)))
        return found


def _as_utc(moment: Any) -> Any:
    """A value of func.max() on a UtcDateTime column comes back untyped on SQLite (text)."""
    if isinstance(moment, str):
        return datetime.fromisoformat(moment).replace(tzinfo=UTC)
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
