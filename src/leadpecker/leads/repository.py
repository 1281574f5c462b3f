"""SQL for the lead database (shared by all accounts: it is the operator's reference data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, union_all

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.db import SqlConnection
from leadpecker.kit.dialects import dialect_of
from leadpecker.models import Lead

LEAD_COLUMNS = (
    "lead_key",
    "email",
    "first_name",
    "last_name",
    "linkedin_url",
    "title",
    "phone",
    "company_name",
    "company_website",
    "industry",
    "address",
    "city",
    "state",
    "country",
    "linkedin_key",
    "name_key",
    "company_domain",
    "company_key",
    "updated_at",
)
# What a lead offers a prospect, in lead column names.
LEAD_DATA_COLUMNS = LEAD_COLUMNS[2:14]
# What the matcher reads of a candidate: its data and its normalised keys.
CANDIDATE_COLUMNS = (
    "id",
    "email",
    *LEAD_DATA_COLUMNS,
    "linkedin_key",
    "name_key",
    "company_domain",
    "company_key",
)


class LeadRepository:
    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn
        self.sql = dialect_of(conn)

    async def known_keys(self, lead_keys: list[str]) -> set[str]:
        """Which of ``lead_keys`` the lead database has already."""
        table = Lead.__table__
        statement = select(table.c.lead_key).where(self.sql.in_values(table.c.lead_key, lead_keys))
        return set((await self.conn.execute(statement)).scalars())

    async def upsert(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows in LEAD_COLUMNS order; a known lead_key updates that lead (no duplicates)."""
        await bulk_insert(
            self.conn,
            Lead.__table__,  # type: ignore[arg-type]
            LEAD_COLUMNS,
            rows,
            ("lead_key",),
            update_columns=LEAD_COLUMNS[1:],
        )

    async def candidates(
        self, *, emails: list[str], linkedin_keys: list[str], name_keys: list[str]
    ) -> list[dict[str, Any]]:
        """Every lead sharing an email, a LinkedIn key or a folded name with the batch, as
        CANDIDATE_COLUMNS dicts: one statement, an indexed lookup per key kind each binding its
        whole list as a single parameter. A claim reads thousands of leads (a common name has
        dozens): no columns nobody reads, plain tuples turned into dicts here."""
        table = Lead.__table__
        columns = [table.c[name] for name in CANDIDATE_COLUMNS]
        lookups = [
            select(*columns).where(self.sql.in_values(table.c[column], sorted(set(values))))
            for column, values in (
                ("lead_key", emails),  # a lead's email is its lead_key (unique, indexed)
                ("linkedin_key", linkedin_keys),
                ("name_key", name_keys),
            )
            if values
        ]
        if not lookups:
            return []
        found: dict[int, dict[str, Any]] = {}
        for row in await self.conn.execute(union_all(*lookups)):
            if row[0] not in found:  # a lead found by several keys comes once
                found[row[0]] = dict(zip(CANDIDATE_COLUMNS, row, strict=True))
        return list(found.values())

    async def count(self) -> int:
        return (await self.conn.execute(select(func.count()).select_from(Lead))).scalar_one()
