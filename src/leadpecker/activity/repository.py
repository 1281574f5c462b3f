"""SQL for email activity and the per-prospect roll-ups derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_
from sqlalchemy.orm import aliased

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.dialects import chunked
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import EmailActivity, Prospect
from leadpecker.vocabulary.enums import ActivityKind

_CHUNK = 5_000
# What a REPLIED event holds besides the common columns (GET /rest/v2/prospects/{id}/responses).
REPLY_COLUMNS = ("subject", "message", "step", "campaign_email_sent", "secondary_prospect_email")
EVENT_COLUMNS = ("prospect_id", "campaign_id", "kind", "occurred_at", "url", *REPLY_COLUMNS)
_ROLLUP_COLUMNS = ("sent_mails", "last_contacted", "last_replied", "last_opened", "last_clicked")


@dataclass(frozen=True, slots=True)
class Reply:
    """A REPLIED event with what it holds. ``sent_before``: the SENT events of its campaign to
    the prospect up to the reply, for a reply loaded without its step numbers."""

    id: int
    campaign_id: int | None
    occurred_at: datetime
    subject: str | None
    message: str | None
    step: int | None
    campaign_email_sent: int | None
    secondary_prospect_email: str | None
    sent_before: int


class ActivityRepository(AccountScopedRepository):
    async def insert_events(self, rows: list[tuple[Any, ...]]) -> None:
        """Events as tuples in EVENT_COLUMNS order (the account is added)."""
        await bulk_insert(
            self.conn,
            EmailActivity.__table__,  # type: ignore[arg-type]
            ("account_id", *EVENT_COLUMNS),
            [(self.account_id, *row) for row in rows],
            (),
        )

    async def insert_events_with_ids(self, rows: list[tuple[Any, ...]]) -> list[int]:
        """``insert_events``, answering each event's id in the order of ``rows`` (for webhook
        payloads, which name the event by its id). Slower than the bulk path: used when
        someone is subscribed."""
        if not rows:
            return []
        columns = ("account_id", *EVENT_COLUMNS)
        statement = insert(EmailActivity).returning(EmailActivity.id, sort_by_parameter_order=True)
        result = await self.conn.execute(
            statement, [dict(zip(columns, (self.account_id, *row), strict=True)) for row in rows]
        )
        return list(result.scalars())

    def _sent_up_to(self, event: Any) -> Any:
        """How many SENT events of ``event``'s campaign its prospect had got up to it (itself
        included): which email of the campaign it answered or followed."""
        sent = aliased(EmailActivity)
        return (
            self.select(sent, func.count())
            .where(
                sent.prospect_id == event.prospect_id,
                sent.campaign_id == event.campaign_id,
                sent.kind == ActivityKind.SENT,
                sent.occurred_at <= event.occurred_at,
            )
            .scalar_subquery()
        )

    async def sent_before(self, event_ids: list[int]) -> dict[int, int]:
        """event id → how many SENT events of its campaign its prospect had got up to it (the
        SENT event itself included): which email of the campaign it was, the rule replies
        loaded without their step numbers follow (``replies``). 0 outside a campaign."""
        if not event_ids:
            return {}
        event = EmailActivity
        query = self.select(event, event.id, self._sent_up_to(event)).where(self.one_of(event.id, event_ids))
        return {row[0]: row[1] for row in await self.conn.execute(query)}

    async def recompute_rollups(self, prospect_ids: list[int]) -> None:
        """Recompute the roll-up columns of prospects that have events (those an import just
        gave events to) from their events, exactly: one grouped read of the events per chunk,
        and only the prospects whose roll-ups changed are written (each write costs the row's
        sort indexes and search document, and on PostgreSQL a new row version)."""
        latest = func.max(EmailActivity.occurred_at)
        for chunk in chunked(prospect_ids, _CHUNK):
            rollups = (
                self.select(
                    EmailActivity,
                    EmailActivity.prospect_id,
                    func.count().filter(EmailActivity.kind == ActivityKind.SENT).label("sent_mails"),
                    latest.filter(EmailActivity.kind == ActivityKind.SENT).label("last_contacted"),
                    latest.filter(EmailActivity.kind == ActivityKind.REPLIED).label("last_replied"),
                    latest.filter(EmailActivity.kind == ActivityKind.OPENED).label("last_opened"),
                    latest.filter(EmailActivity.kind == ActivityKind.CLICKED).label("last_clicked"),
                )
                .where(self.one_of(EmailActivity.prospect_id, chunk))
                .group_by(EmailActivity.prospect_id)
                .subquery()
            )
            stored = Prospect.__table__.c
            changed = or_(*(stored[name].is_distinct_from(rollups.c[name]) for name in _ROLLUP_COLUMNS))
            await self.conn.execute(
                self.update(Prospect)
                .where(Prospect.id == rollups.c.prospect_id, changed)
                .values({name: rollups.c[name] for name in _ROLLUP_COLUMNS})
            )

    async def replies(self, prospect_id: int, campaign_ids: list[int] | None) -> list[Reply]:
        """The prospect's REPLIED events, oldest first (only in ``campaign_ids`` when given)."""
        event = EmailActivity
        sent_before = self._sent_up_to(event)
        query = (
            self.select(
                event,
                event.id,
                event.campaign_id,
                event.occurred_at,
                *(event.__table__.c[name] for name in REPLY_COLUMNS),
                sent_before,
            )
            .where(event.prospect_id == prospect_id, event.kind == ActivityKind.REPLIED)
            .order_by(event.occurred_at, event.id)
        )
        if campaign_ids is not None:
            query = query.where(self.one_of(event.campaign_id, campaign_ids))
        return [Reply(*row) for row in await self.conn.execute(query)]
