"""SQL for an account's prospects."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.dialects import chunked, insert_on_conflict
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import CampaignProspect, Prospect

_LOOKUP_CHUNK = 5_000


class ProspectRepository(AccountScopedRepository):
    async def ids_by_email(self, emails: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunked(emails, _LOOKUP_CHUNK):
            query = self.select(Prospect, Prospect.email, Prospect.id).where(Prospect.email.in_(chunk))
            found.update((await self.conn.execute(query)).all())
        return found

    async def existing_ids(self, ids: list[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            query = self.select(Prospect, Prospect.id).where(Prospect.id.in_(chunk))
            found.update((await self.conn.execute(query)).scalars())
        return found

    async def statuses(self, ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            query = self.select(Prospect, Prospect.id, Prospect.status).where(Prospect.id.in_(chunk))
            found.update((await self.conn.execute(query)).all())
        return found

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
            insert_on_conflict(self.dialect, Prospect)
            .on_conflict_do_nothing(index_elements=["account_id", "email"])
            .returning(Prospect.email, Prospect.id)
        )
        result = await self.conn.execute(statement, [self.values(**row) for row in rows])
        inserted.update(result.all())
        return inserted

    async def bulk_insert_new(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """The importers' fast path: rows as tuples in ``columns`` order (without account_id),
        existing emails skipped, nothing read back."""
        await bulk_insert(
            self.conn,
            Prospect.__table__,  # type: ignore[arg-type]
            ("account_id", *columns),
            [(self.account_id, *row) for row in rows],
            ("account_id", "email"),
        )

    async def update_fields(self, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """Apply per-prospect field changes; prospects sending the same keys share a statement."""
        by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for prospect_id, fields in changes:
            keys = tuple(sorted(fields))
            by_keys[keys].append({"_id": prospect_id, **{f"_{k}": fields[k] for k in keys}})
        for keys, params in by_keys.items():
            statement = (
                self.update(Prospect)
                .where(Prospect.id == bindparam("_id"))
                .values({key: bindparam(f"_{key}") for key in keys})
            )
            await self.conn.execute(statement, params)

    async def current_fields(
        self, ids: list[int], fields: tuple[str, ...], *, lock: bool = False
    ) -> dict[int, dict[str, Any]]:
        """id → {field: value} for the given prospects; with ``lock`` the rows stay locked
        (FOR UPDATE) until the transaction ends, so a merge sees what it overwrites."""
        columns = [Prospect.__table__.c[name] for name in fields]
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            query = self.select(Prospect, Prospect.id, *columns).where(Prospect.id.in_(chunk))
            if lock:
                query = query.with_for_update()
            for row in await self.conn.execute(query):
                values = row._mapping
                found[row.id] = {name: values[name] for name in fields}
        return found

    async def delete_ids(self, ids: list[int]) -> None:
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            await self.conn.execute(self.delete(Prospect).where(Prospect.id.in_(chunk)))

    async def touch(self, ids: list[int], now: datetime) -> None:
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            await self.conn.execute(self.update(Prospect).where(Prospect.id.in_(chunk)).values(updated=now))

    async def enrolled_ids(self, ids: list[int], campaign_ids: list[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            query = self.select(CampaignProspect, CampaignProspect.prospect_id).where(
                CampaignProspect.prospect_id.in_(chunk),
                CampaignProspect.campaign_id.in_(campaign_ids),
            )
            found.update((await self.conn.execute(query)).scalars())
        return found

    async def unenrol(self, ids: list[int], campaign_ids: list[int]) -> None:
        for chunk in chunked(ids, _LOOKUP_CHUNK):
            await self.conn.execute(
                self.delete(CampaignProspect).where(
                    CampaignProspect.prospect_id.in_(chunk),
                    CampaignProspect.campaign_id.in_(campaign_ids),
                )
            )
