"""SQL for email activity and the per-prospect roll-ups derived from it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from leadpecker.kit.dialects import chunked
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import EmailActivity, Prospect

_CHUNK = 5_000


class ActivityRepository(AccountScopedRepository):
    async def insert_events(self, rows: list[dict[str, Any]]) -> None:
        for chunk in chunked(rows, _CHUNK):
            await self.conn.execute(insert(EmailActivity), [self.values(**row) for row in chunk])

    async def recompute_rollups(self, prospect_ids: list[int]) -> None:
        """Recompute each prospect's roll-up columns from its events, exactly."""

        def of_kind(aggregate: Any, kind: str) -> Any:
            return (
                select(aggregate)
                .where(
                    EmailActivity.account_id == self.account_id,
                    EmailActivity.prospect_id == Prospect.id,
                    EmailActivity.kind == kind,
                )
                .scalar_subquery()
            )

        latest = func.max(EmailActivity.occurred_at)
        for chunk in chunked(prospect_ids, _CHUNK):
            await self.conn.execute(
                self.update(Prospect)
                .where(Prospect.id.in_(chunk))
                .values(
                    sent_mails=of_kind(func.count(), "SENT"),
                    last_contacted=of_kind(latest, "SENT"),
                    last_replied=of_kind(latest, "REPLIED"),
                    last_opened=of_kind(latest, "OPENED"),
                    last_clicked=of_kind(latest, "CLICKED"),
                )
            )
