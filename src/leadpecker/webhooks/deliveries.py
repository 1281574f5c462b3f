"""What the dispatcher did, for the operator: ``leadpecker webhooks deliveries``."""

from __future__ import annotations

from leadpecker.accounts.service import find_account
from leadpecker.kit.db import Database
from leadpecker.webhooks.delivery_repository import AttemptRepository, AttemptRow, DeliveryRepository


async def recent_deliveries(db: Database, account: str | None, limit: int) -> list[AttemptRow]:
    """The newest ``limit`` delivery attempts, newest first: of one account (id or name), or
    of every account."""
    owner = await find_account(db, account) if account is not None else None
    async with db.read() as conn:
        if owner is None:
            return await DeliveryRepository(conn).recent_attempts(limit)
        return await AttemptRepository(conn, owner.id).recent(limit)
