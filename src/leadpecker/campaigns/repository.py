"""SQL for an account's campaigns and the prospects enrolled in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from leadpecker.kit.dialects import chunked, insert_on_conflict
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Campaign, CampaignProspect

_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: int
    name: str
    status: str


class CampaignRepository(AccountScopedRepository):
    async def get(self, campaign_id: int) -> CampaignRow | None:
        query = self.select(Campaign, Campaign.id, Campaign.name, Campaign.status).where(
            Campaign.id == campaign_id
        )
        row = (await self.conn.execute(query)).first()
        return CampaignRow(*row) if row else None

    async def by_names(self, names: list[str]) -> dict[str, CampaignRow]:
        found: dict[str, CampaignRow] = {}
        for chunk in chunked(names, _CHUNK):
            query = (
                self.select(Campaign, Campaign.id, Campaign.name, Campaign.status)
                .where(Campaign.name.in_(chunk))
                .order_by(Campaign.id)
            )
            for row in await self.conn.execute(query):
                found.setdefault(row.name, CampaignRow(*row))
        return found

    async def insert(self, name: str, status: str, now: datetime) -> int:
        result = await self.conn.execute(
            insert(Campaign).values(self.values(name=name, status=status, created=now)).returning(Campaign.id)
        )
        return result.scalar_one()

    async def set_status(self, campaign_id: int, status: str) -> None:
        await self.conn.execute(self.update(Campaign).where(Campaign.id == campaign_id).values(status=status))

    async def enrolled(self, campaign_id: int, prospect_ids: list[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunked(prospect_ids, _CHUNK):
            query = self.select(CampaignProspect, CampaignProspect.prospect_id).where(
                CampaignProspect.campaign_id == campaign_id,
                CampaignProspect.prospect_id.in_(chunk),
            )
            found.update((await self.conn.execute(query)).scalars())
        return found

    async def enrolment_states(self, campaign_id: int, prospect_ids: list[int]) -> dict[int, tuple[str, str]]:
        """prospect id → (status, interest level) of those enrolled in the campaign."""
        found: dict[int, tuple[str, str]] = {}
        for chunk in chunked(prospect_ids, _CHUNK):
            query = self.select(
                CampaignProspect,
                CampaignProspect.prospect_id,
                CampaignProspect.status,
                CampaignProspect.interested,
            ).where(CampaignProspect.campaign_id == campaign_id, CampaignProspect.prospect_id.in_(chunk))
            found.update(
                (row.prospect_id, (row.status, row.interested)) for row in await self.conn.execute(query)
            )
        return found

    async def upsert_enrolments(self, rows: list[dict[str, Any]], *, replace: bool) -> None:
        """Enrol prospects (rows: campaign_id, prospect_id, status, interested, created). An
        existing enrolment keeps its state, or with ``replace`` takes the row's status and
        interest level."""
        if not rows:
            return
        statement = insert_on_conflict(self.dialect, CampaignProspect)
        keys = ["campaign_id", "prospect_id"]
        if replace:
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={
                    "status": statement.excluded.status,
                    "interested": statement.excluded.interested,
                },
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        for chunk in chunked(rows, _CHUNK):
            await self.conn.execute(statement, [self.values(**row) for row in chunk])
