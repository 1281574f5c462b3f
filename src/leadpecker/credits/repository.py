"""SQL for credit balances and the ledger. Every change of a balance writes a ledger entry in
the same transaction; the balance can never go below zero (a CHECK constraint backs this)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Account, CreditLedgerEntry

_LEDGER_COLUMNS = ("account_id", "kind", "amount_millis", "batch_id", "item_id", "created_at")


class CreditRepository(AccountScopedRepository):
    async def balance_for_update(self) -> int:
        """The available balance, locking the account row until the transaction ends
        (FOR UPDATE on PostgreSQL; SQLite's write transaction already holds the lock)."""
        query = select(Account.credit_millis).where(Account.id == self.account_id).with_for_update()
        return (await self.conn.execute(query)).scalar_one()

    async def balance(self) -> int:
        query = select(Account.credit_millis).where(Account.id == self.account_id)
        return (await self.conn.execute(query)).scalar_one()

    async def change_balance(self, delta_millis: int) -> int:
        """Add ``delta_millis`` (negative to take); refuses to go below zero."""
        result = await self.conn.execute(
            update(Account)
            .where(Account.id == self.account_id, Account.credit_millis + delta_millis >= 0)
            .values(credit_millis=Account.credit_millis + delta_millis)
            .returning(Account.credit_millis)
        )
        balance = result.scalar_one_or_none()
        if balance is None:
            raise ValueError("a credit change would make the balance negative")
        return balance

    async def record(self, entries: list[dict[str, Any]]) -> None:
        """Ledger entries: kind, amount_millis, created_at, and batch_id / item_id if any.
        A settled claim writes one per item, so they go through the bulk path (a plain INSERT:
        the unique (item_id, kind) still refuses a second charge or release of an item)."""
        rows = [
            (
                self.account_id,
                entry["kind"],
                entry["amount_millis"],
                entry.get("batch_id"),
                entry.get("item_id"),
                entry["created_at"],
            )
            for entry in entries
        ]
        await bulk_insert(self.conn, CreditLedgerEntry.__table__, _LEDGER_COLUMNS, rows, ())  # type: ignore[arg-type]

    async def ledger_totals(self) -> dict[str, tuple[int, int]]:
        """kind → (number of entries, sum of amounts): what audits and tests reconcile."""
        query = self.select(
            CreditLedgerEntry,
            CreditLedgerEntry.kind,
            func.count(),
            func.coalesce(func.sum(CreditLedgerEntry.amount_millis), 0),
        ).group_by(CreditLedgerEntry.kind)
        return {kind: (count, int(total)) for kind, count, total in await self.conn.execute(query)}
