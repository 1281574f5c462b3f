"""SQL for an account's prospects."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from leadpecker.kit.bulk import bulk_insert, bulk_update
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import CampaignProspect, Prospect


class ProspectRepository(AccountScopedRepository):
    async def ids_by_email(self, emails: list[str]) -> dict[str, int]:
        query = self.select(Prospect, Prospect.email, Prospect.id).where(self.one_of(Prospect.email, emails))
        return dict((await self.conn.execute(query)).all())

    async def existing_ids(self, ids: list[int]) -> set[int]:
        query = self.select(Prospect, Prospect.id).where(self.one_of(Prospect.id, ids))
        return set((await self.conn.execute(query)).scalars())

    async def emails_and_statuses(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        query = self.select(Prospect, Prospect.id, Prospect.email, Prospect.status).where(
            self.one_of(Prospect.id, ids)
        )
        return {row.id: (row.email, row.status) for row in await self.conn.execute(query)}

    async def insert_new(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert prospects whose email is not yet in the account; an email that is (even one
        added by a concurrent request) is skipped, never an error. Returns email → id of the
        rows inserted."""
        inserted: dict[str, int] = {}
        if not rows:
            return inserted
        # One executemany: SQLAlchemy batches it into multi-row INSERT … RETURNING statements
        # ("insertmanyvalues") without compiling a statement per chunk of values.
        statement = (
            self.sql.insert(Prospect)
            .on_conflict_do_nothing(index_elements=["account_id", "email"])
            .returning(Prospect.email, Prospect.id)
        )
        result = await self.conn.execute(statement, [self.values(**row) for row in rows])
        inserted.update(result.all())
        return inserted

    async def bulk_insert_new(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
        """The importers' fast path: rows as tuples in ``columns`` order (without account_id),
        existing emails skipped, nothing read back but how many were inserted."""
        return await bulk_insert(
            self.conn,
            Prospect.__table__,  # type: ignore[arg-type]
            ("account_id", *columns),
            [(self.account_id, *row) for row in rows],
            ("account_id", "email"),
        )

    async def update_fields(self, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """Apply per-prospect field changes; prospects sending the same keys share a statement
        (run in id order). Only the keys sent are SET: a column in the SET list costs its
        index and search-trigger upkeep even when its value does not change."""
        by_keys: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for prospect_id, fields in changes:
            keys = tuple(sorted(fields))
            by_keys[keys].append((self.account_id, prospect_id, *(fields[key] for key in keys)))
        for keys, rows in by_keys.items():
            await bulk_update(self.conn, Prospect.__table__, ("account_id", "id"), keys, rows)  # type: ignore[arg-type]

    async def current_fields(
        self, ids: list[int], fields: tuple[str, ...], *, lock: bool = False
    ) -> dict[int, dict[str, Any]]:
        """id → {field: value} for the given prospects; with ``lock`` the rows stay locked
        (FOR UPDATE) until the transaction ends, so a merge sees what it overwrites."""
        if not ids:
            return {}
        columns = [Prospect.__table__.c[name] for name in fields]
        query = self.select(Prospect, Prospect.id, *columns).where(self.one_of(Prospect.id, ids))
        if lock:
            query = query.with_for_update()
        return {row[0]: dict(zip(fields, row[1:], strict=True)) for row in await self.conn.execute(query)}

    async def delete_ids(self, ids: list[int]) -> None:
        await self.conn.execute(self.delete(Prospect).where(self.one_of(Prospect.id, ids)))

    async def touch(self, ids: list[int], now: datetime) -> None:
        await self.conn.execute(
            self.update(Prospect).where(self.one_of(Prospect.id, ids)).values(updated=now)
        )

    async def enrolled_ids(self, ids: list[int], campaign_ids: list[int]) -> set[int]:
        query = self.select(CampaignProspect, CampaignProspect.prospect_id).where(
            self.one_of(CampaignProspect.prospect_id, ids),
            CampaignProspect.campaign_id.in_(campaign_ids),
        )
        return set((await self.conn.execute(query)).scalars())

    async def unenrol(self, ids: list[int], campaign_ids: list[int]) -> None:
        await self.conn.execute(
            self.delete(CampaignProspect).where(
                self.one_of(CampaignProspect.prospect_id, ids),
                CampaignProspect.campaign_id.in_(campaign_ids),
            )
        )
