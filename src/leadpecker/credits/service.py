"""Credits: exact integer thousandths, a ledger for every movement, never below zero.

Enrichment reserves ENRICHMENT_PRICE per queued prospect; a success turns the reservation into
a charge, an enrichment that finds nothing releases it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.credits.repository import CreditRepository
from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.enums import LedgerKind

MILLIS_PER_CREDIT = 1000
ENRICHMENT_PRICE = 1_500  # 1.5 credits per enriched prospect (reference)


async def grant(conn: AsyncConnection, account_id: int, millis: int) -> int:
    repo = CreditRepository(conn, account_id)
    balance = await repo.change_balance(millis)
    await repo.record([{"kind": LedgerKind.GRANT.value, "amount_millis": millis, "created_at": utcnow()}])
    return balance


async def set_balance(conn: AsyncConnection, account_id: int, millis: int) -> int:
    """Make the available balance exactly ``millis`` (raising or lowering it) with one GRANT of
    the difference, so the ledger still adds up to the balance; returns the difference (no
    entry when it is 0). The balance is locked first, so a reservation running at the same
    time is either counted in it or waits."""
    difference = millis - await lock_balance(conn, account_id)
    if difference:
        await grant(conn, account_id, difference)
    return difference


async def lock_balance(conn: AsyncConnection, account_id: int) -> int:
    """The available balance, locked until the transaction ends: concurrent reservations of
    one account queue behind each other, so together they can never overspend."""
    return await CreditRepository(conn, account_id).balance_for_update()


async def reserve(conn: AsyncConnection, account_id: int, batch_id: int, millis: int) -> None:
    repo = CreditRepository(conn, account_id)
    await repo.change_balance(-millis)
    await repo.record(
        [
            {
                "kind": LedgerKind.RESERVE.value,
                "amount_millis": -millis,
                "batch_id": batch_id,
                "created_at": utcnow(),
            }
        ]
    )


async def settle(
    conn: AsyncConnection, account_id: int, charged: dict[int, int], released: dict[int, int]
) -> None:
    """Settle finished items' reservations (item id → reserved millis): charge the enriched,
    release the rest back to the balance. The ledger's unique (item, kind) refuses a repeat."""
    repo = CreditRepository(conn, account_id)
    now = utcnow()
    entries = [
        {"kind": LedgerKind.CHARGE.value, "amount_millis": millis, "item_id": item_id, "created_at": now}
        for item_id, millis in charged.items()
    ] + [
        {"kind": LedgerKind.RELEASE.value, "amount_millis": millis, "item_id": item_id, "created_at": now}
        for item_id, millis in released.items()
    ]
    await repo.record(entries)
    refund = sum(released.values())
    if refund:
        await repo.change_balance(refund)
