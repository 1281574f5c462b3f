"""SQL for enrichment batches and items: queuing (per account) and the work queue (workers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.db import SqlConnection
from leadpecker.kit.dialects import dialect_of
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import EnrichmentBatch, EnrichmentItem, FieldProvenance
from leadpecker.vocabulary.enums import EnrichmentStatus

ITEM_COLUMNS = (
    "account_id",
    "batch_id",
    "prospect_id",
    "prospect_email",
    "hints",
    "status",
    "reserved_millis",
    "created_at",
    "attempts",
)
# A new item's status, as a plain str: queuing writes up to 10,000 rows (vocabulary.enums).
_PENDING = EnrichmentStatus.PENDING.value


PROVENANCE_COLUMNS = ("prospect_id", "field", "source", "signal", "confidence", "item_id", "enriched_at")


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One row of the status listings."""

    uuid: str
    prospect_email: str
    created_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class ClaimedItem:
    id: int
    account_id: int
    prospect_id: int | None
    prospect_email: str
    hints: dict[str, Any] | None
    reserved_millis: int
    attempts: int
    batch_id: int


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """A batch as the extension event ``leadpecker.enrichment_batch_finished`` shows it."""

    id: int
    uuid: str
    prospects_count: int
    total_prospects_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """How one item of a batch ended."""

    id: int
    prospect_id: int
    prospect_email: str
    status: str
    reserved_millis: int


class EnrichmentRepository(AccountScopedRepository):
    async def pending_prospect_ids(self, prospect_ids: list[int]) -> set[int]:
        query = self.select(EnrichmentItem, EnrichmentItem.prospect_id).where(
            EnrichmentItem.status == EnrichmentStatus.PENDING,
            self.one_of(EnrichmentItem.prospect_id, prospect_ids),
        )
        return set((await self.conn.execute(query)).scalars())

    async def insert_batch(self, uuid: str, queued: int, submitted: int, now: datetime) -> int:
        result = await self.conn.execute(
            insert(EnrichmentBatch)
            .values(
                self.values(
                    uuid=uuid, prospects_count=queued, total_prospects_count=submitted, created_at=now
                )
            )
            .returning(EnrichmentBatch.id)
        )
        return result.scalar_one()

    async def insert_items(
        self,
        batch_id: int,
        items: list[tuple[int, str, dict[str, Any] | None]],
        price: int,
        now: datetime,
    ) -> None:
        """items: (prospect id, email, hints); each PENDING with ``price`` reserved."""
        rows = [
            (self.account_id, batch_id, prospect_id, email, hints, _PENDING, price, now, 0)
            for prospect_id, email, hints in items
        ]
        await bulk_insert(self.conn, EnrichmentItem.__table__, ITEM_COLUMNS, rows, ())  # type: ignore[arg-type]

    def _records(self) -> Any:
        return (
            self.select(
                EnrichmentItem,
                EnrichmentBatch.uuid,
                EnrichmentItem.prospect_email,
                EnrichmentItem.created_at,
                EnrichmentItem.status,
            )
            .join(EnrichmentBatch, EnrichmentBatch.id == EnrichmentItem.batch_id)
            .order_by(EnrichmentItem.created_at.desc(), EnrichmentItem.id.desc())
        )

    async def records_since(self, since: datetime) -> list[ItemRecord]:
        rows = await self.conn.execute(self._records().where(EnrichmentItem.created_at >= since))
        return [ItemRecord(*row) for row in rows]

    async def records_for_emails(self, emails: list[str]) -> list[ItemRecord]:
        query = self._records().where(self.one_of(EnrichmentItem.prospect_email, sorted(set(emails))))
        return [ItemRecord(*row) for row in await self.conn.execute(query)]

    async def records_of_batch(self, uuid: str) -> list[ItemRecord] | None:
        batch = (
            await self.conn.execute(
                self.select(EnrichmentBatch, EnrichmentBatch.id).where(EnrichmentBatch.uuid == uuid)
            )
        ).scalar_one_or_none()
        if batch is None:
            return None
        rows = await self.conn.execute(self._records().where(EnrichmentItem.batch_id == batch))
        return [ItemRecord(*row) for row in rows]

    async def latest_hints(self, prospect_id: int) -> dict[str, Any] | None:
        """The hints of the prospect's most recent enrichment request, if any."""
        query = (
            self.select(EnrichmentItem, EnrichmentItem.hints)
            .where(EnrichmentItem.prospect_id == prospect_id)
            .order_by(EnrichmentItem.id.desc())
            .limit(1)
        )
        return (await self.conn.execute(query)).scalar_one_or_none()

    async def provenance_of(self, prospect_id: int) -> list[dict[str, Any]]:
        query = (
            self.select(
                FieldProvenance,
                FieldProvenance.field,
                FieldProvenance.source,
                FieldProvenance.signal,
                FieldProvenance.confidence,
                FieldProvenance.enriched_at,
            )
            .where(FieldProvenance.prospect_id == prospect_id)
            .order_by(FieldProvenance.field)
        )
        return [dict(row._mapping) for row in await self.conn.execute(query)]

    async def lock_batches(self, batch_ids: list[int]) -> list[BatchRecord]:
        """The account's batches among ``batch_ids``, locked (FOR UPDATE on PostgreSQL; SQLite's
        write transaction is alone anyway) until the transaction ends: two workers finishing
        the last items of one batch at once take turns, and the second sees the first's items
        finished (each statement of a READ COMMITTED transaction reads what committed before
        it), so exactly one of them finds the batch finished."""
        query = (
            self.select(
                EnrichmentBatch,
                EnrichmentBatch.id,
                EnrichmentBatch.uuid,
                EnrichmentBatch.prospects_count,
                EnrichmentBatch.total_prospects_count,
                EnrichmentBatch.created_at,
            )
            .where(self.one_of(EnrichmentBatch.id, batch_ids))
            .order_by(EnrichmentBatch.id)
            .with_for_update()
        )
        return [BatchRecord(*row) for row in await self.conn.execute(query)]

    async def fields_filled(self, item_ids: list[int], prospect_ids: list[int]) -> dict[int, list[str]]:
        """item id → the fields it filled, by their provenance (read through the prospects,
        the provenance's key). A field a later item filled again names that item instead."""
        wanted = set(item_ids)
        query = (
            self.select(FieldProvenance, FieldProvenance.item_id, FieldProvenance.field)
            .where(self.one_of(FieldProvenance.prospect_id, prospect_ids))
            .order_by(FieldProvenance.prospect_id, FieldProvenance.field)
        )
        filled: dict[int, list[str]] = {}
        for item_id, name in await self.conn.execute(query):
            if item_id in wanted:
                filled.setdefault(item_id, []).append(name)
        return filled

    async def record_provenance(self, rows: list[tuple[Any, ...]]) -> None:
        """Per-field provenance, rows in PROVENANCE_COLUMNS order (the account is added); a
        field enriched again gets its newest origin. A claim writes one row per filled field
        (thousands), so they go through the bulk path."""
        await bulk_insert(
            self.conn,
            FieldProvenance.__table__,  # type: ignore[arg-type]
            ("account_id", *PROVENANCE_COLUMNS),
            [(self.account_id, *row) for row in rows],
            ("prospect_id", "field"),
            update_columns=PROVENANCE_COLUMNS[2:],
        )


def _claimable(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Pending, with no lease or an expired one."""
    return (
        EnrichmentItem.status == EnrichmentStatus.PENDING,
        or_(EnrichmentItem.lease_expires_at.is_(None), EnrichmentItem.lease_expires_at <= now),
    )


class WorkQueueRepository:
    """The workers' view of the queue, across accounts: claiming is a system task. Everything
    a claimed item then touches goes through the item's own account-scoped repositories."""

    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn
        self.sql = dialect_of(conn)

    async def has_claimable(self, now: datetime) -> bool:
        """Whether ``claim`` would find an item: a read, so idle workers polling the queue do
        not take the write lock (SQLite's only one) many times a second for nothing."""
        query = select(EnrichmentItem.id).where(*_claimable(now)).limit(1)
        return (await self.conn.execute(query)).first() is not None

    async def pending_count(self) -> int:
        """Items waiting or being worked on: counts the partial index of pending items, so
        the cost follows the queue, not the table's history."""
        query = (
            select(func.count())
            .select_from(EnrichmentItem)
            .where(EnrichmentItem.status == EnrichmentStatus.PENDING)
        )
        return (await self.conn.execute(query)).scalar_one()

    async def claim(self, limit: int, token: str, now: datetime, lease_until: datetime) -> list[ClaimedItem]:
        """Lease up to ``limit`` pending items, oldest first, whose lease is free or expired.
        PostgreSQL workers skip rows another worker is claiming (FOR UPDATE SKIP LOCKED); on
        SQLite the write transaction already serialises claims (the clause is not emitted)."""
        claimable = (
            select(EnrichmentItem.id)
            .where(*_claimable(now))
            .order_by(EnrichmentItem.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self.conn.execute(
            update(EnrichmentItem)
            .where(EnrichmentItem.id.in_(claimable.scalar_subquery()))
            .values(lease_token=token, lease_expires_at=lease_until, attempts=EnrichmentItem.attempts + 1)
            .returning(
                EnrichmentItem.id,
                EnrichmentItem.account_id,
                EnrichmentItem.prospect_id,
                EnrichmentItem.prospect_email,
                EnrichmentItem.hints,
                EnrichmentItem.reserved_millis,
                EnrichmentItem.attempts,
                EnrichmentItem.batch_id,
            )
        )
        return sorted((ClaimedItem(*row) for row in result), key=lambda item: item.id)

    async def finish(self, results: list[tuple[int, str]], token: str, now: datetime) -> int:
        """The lease guard: mark items (id, final status) processed, only while this worker's
        lease on them holds. Returns how many rows it let through.

        Not account-scoped, like the claim: the ids and the token come from this worker's own
        claim. (An account term would also mislead SQLite's planner, without statistics on
        this table, into scanning the account's whole history instead of looking up the ids.)"""
        done = 0
        for status in sorted({status for _, status in results}):
            ids = [item_id for item_id, final in results if final == status]
            result = await self.conn.execute(
                update(EnrichmentItem)
                .where(
                    self.sql.in_values(EnrichmentItem.id, ids),
                    EnrichmentItem.status == EnrichmentStatus.PENDING,
                    EnrichmentItem.lease_token == token,
                    EnrichmentItem.lease_expires_at > now,
                )
                .values(status=status, processed_at=now, lease_token=None, lease_expires_at=None)
            )
            done += result.rowcount
        return done

    async def pending_batches(self, batch_ids: list[int]) -> set[int]:
        """Those of ``batch_ids`` that still have a pending item. By the batch index, and not
        account-scoped for the reason ``finish`` gives: the ids come from the caller's batches."""
        query = (
            select(EnrichmentItem.batch_id)
            .where(
                self.sql.in_values(EnrichmentItem.batch_id, batch_ids),
                EnrichmentItem.status == EnrichmentStatus.PENDING,
            )
            .distinct()
        )
        return set((await self.conn.execute(query)).scalars())

    async def batch_outcomes(self, batch_id: int) -> list[ItemOutcome]:
        """The items of a batch (one the caller has checked is its account's), in queue order."""
        query = (
            select(
                EnrichmentItem.id,
                EnrichmentItem.prospect_id,
                EnrichmentItem.prospect_email,
                EnrichmentItem.status,
                EnrichmentItem.reserved_millis,
            )
            .where(EnrichmentItem.batch_id == batch_id)
            .order_by(EnrichmentItem.id)
        )
        return [ItemOutcome(*row) for row in await self.conn.execute(query)]

    async def release_lease(self, item_ids: list[int], token: str) -> None:
        """Give items back at once (after a failed match) instead of waiting for the lease."""
        await self.conn.execute(
            update(EnrichmentItem)
            .where(and_(EnrichmentItem.id.in_(item_ids), EnrichmentItem.lease_token == token))
            .values(lease_token=None, lease_expires_at=None)
        )
