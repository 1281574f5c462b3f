"""SQL for the lead database (shared by all accounts: it is the operator's reference data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.bulk import bulk_insert
from leadpecker.kit.dialects import in_values
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


class LeadRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

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

    async def by_column(self, column: str, values: list[str]) -> list[dict[str, Any]]:
        """Leads whose normalised ``column`` (email, linkedin_key, …) is one of ``values``."""
        key = Lead.__table__.c[column]
        query = select(Lead.__table__).where(in_values(self.conn.dialect.name, key, sorted(set(values))))
        return [dict(row._mapping) for row in await self.conn.execute(query)]

    async def count(self) -> int:
        return (await self.conn.execute(select(func.count()).select_from(Lead))).scalar_one()
