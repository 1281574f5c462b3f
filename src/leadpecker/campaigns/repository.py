"""SQL for an account's campaigns and the prospects enrolled in them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, insert, select, union

from leadpecker.kit.dialects import chunked
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Campaign, CampaignProspect, EmailActivity
from leadpecker.vocabulary.enums import ActivityKind, EnrolmentStatus, InterestLevel

_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: int
    name: str
    status: str


# Columns set by ``campaigns import`` beyond name, status and created (migration 0007).
SETTINGS = ("from_name", "from_email", "per_day", "gdpr_unsubscribe")


@dataclass(frozen=True, slots=True)
class CampaignListRow:
    """A campaign as GET campaign_list shows it."""

    id: int
    name: str
    status: str
    created: datetime
    from_name: str
    from_email: str
    per_day: int
    gdpr_unsubscribe: bool


_LISTING = tuple(Campaign.__table__.c[field.name] for field in fields(CampaignListRow))

# Stats counted from the enrolments' status and interest level in the campaign.
_BY_STATUS = (
    ("autoreplied", EnrolmentStatus.AUTOREPLIED),
    ("invalid", EnrolmentStatus.INVALID),
    ("optout", EnrolmentStatus.BLACKLIST),
    ("check", EnrolmentStatus.TO_CHECK),
)
_BY_INTEREST = (
    ("interested", InterestLevel.INTERESTED),
    ("maybe_later", InterestLevel.MAYBE_LATER),
    ("not_interested", InterestLevel.NOT_INTERESTED),
)


@dataclass(frozen=True, slots=True)
class CampaignStats:
    """Counts of a campaign's prospects (see CampaignRepository.stats)."""

    prospects: int
    sent: int
    delivery: int
    opened: int
    clicked: int
    replied: int
    autoreplied: int
    bounced: int
    invalid: int
    optout: int
    check: int
    queue: int
    interested: int
    maybe_later: int
    not_interested: int


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

    async def insert(self, columns: dict[str, Any]) -> int:
        """A new campaign (columns: name, status, created and any of SETTINGS)."""
        statement = insert(Campaign).values(self.values(**columns)).returning(Campaign.id)
        return (await self.conn.execute(statement)).scalar_one()

    async def set_columns(self, campaign_id: int, columns: dict[str, Any]) -> None:
        """Set some of a campaign's columns (status, created, SETTINGS)."""
        await self.conn.execute(self.update(Campaign).where(Campaign.id == campaign_id).values(**columns))

    async def listing(self, ids: list[int] | None, statuses: list[str] | None) -> list[CampaignListRow]:
        """The account's campaigns in id order; with ``ids`` only those, with ``statuses`` only
        those in one of them. An id of another account is simply not found."""
        query = self.select(Campaign, *_LISTING).order_by(Campaign.id)
        if ids is not None:
            query = query.where(self.one_of(Campaign.id, ids))
        if statuses is not None:
            query = query.where(Campaign.status.in_(statuses))
        return [CampaignListRow(*row) for row in await self.conn.execute(query)]

    async def stats(self, campaign_id: int) -> CampaignStats:
        """A campaign's statistics: its enrolments by status and interest level, its events by
        kind (each prospect counted once, except emails sent), and replies and bounces known
        from either. Only the prospects still in the campaign count: one taken out of it (its
        events are kept, for the prospect's own history) is in none of the numbers."""
        enrolment = CampaignProspect
        enrolled = self.select(enrolment, enrolment.prospect_id).where(enrolment.campaign_id == campaign_id)
        in_campaign = (EmailActivity.campaign_id == campaign_id, EmailActivity.prospect_id.in_(enrolled))
        events = self.select(EmailActivity, EmailActivity.prospect_id).where(*in_campaign)
        sent_to = events.where(
            EmailActivity.kind == ActivityKind.SENT, EmailActivity.prospect_id == enrolment.prospect_id
        ).exists()
        by_enrolment = self.select(
            enrolment,
            func.count().label("prospects"),
            *(func.count().filter(enrolment.status == status).label(name) for name, status in _BY_STATUS),
            *(func.count().filter(enrolment.interested == level).label(name) for name, level in _BY_INTEREST),
            func.count().filter(enrolment.status == EnrolmentStatus.ACTIVE, ~sent_to).label("queue"),
        ).where(enrolment.campaign_id == campaign_id)
        counted = (await self.conn.execute(by_enrolment)).one()._asdict()

        one_each = func.count(distinct(EmailActivity.prospect_id))
        by_event = self.select(
            EmailActivity,
            func.count().filter(EmailActivity.kind == ActivityKind.SENT).label("sent"),
            one_each.filter(EmailActivity.kind == ActivityKind.OPENED).label("opened"),
            one_each.filter(EmailActivity.kind == ActivityKind.CLICKED).label("clicked"),
        ).where(*in_campaign)
        counted.update((await self.conn.execute(by_event)).one()._asdict())

        def replied_or_bounced(outcome: str) -> Any:
            """Prospects whose enrolment's status is ``outcome`` (REPLIED or BOUNCED) or who
            have an event of that kind: an import may give one without the other."""
            return union(
                enrolled.where(enrolment.status == outcome), events.where(EmailActivity.kind == outcome)
            ).subquery()

        for name, outcome in (("replied", ActivityKind.REPLIED), ("bounced", ActivityKind.BOUNCED)):
            in_either = select(func.count()).select_from(replied_or_bounced(outcome))
            counted[name] = (await self.conn.execute(in_either)).scalar_one()
        bounced = replied_or_bounced(ActivityKind.BOUNCED)
        delivered = select(func.count(distinct(EmailActivity.prospect_id))).where(
            self.mine(EmailActivity),
            *in_campaign,
            EmailActivity.kind == ActivityKind.SENT,
            EmailActivity.prospect_id.not_in(select(bounced.c.prospect_id)),
        )
        counted["delivery"] = (await self.conn.execute(delivered)).scalar_one()
        return CampaignStats(**counted)

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
        statement = self.sql.insert(CampaignProspect)
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
