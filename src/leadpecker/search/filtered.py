"""Every page that is not a listing: a search, a filter, a sort by another field than id.

The page's ids are read by walking the sort's own index (``prospect_sort_key``) with
LIMIT/OFFSET, the database checking the filters on the rows it walks — from the indexes
alone where possible; the page's documents are read afterwards (a deferred join). The dialect
may narrow the walk first (SQLite's FTS tables; PostgreSQL's planner uses its trigram index by
itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from leadpecker.search import plan as plans
from leadpecker.search.counts import ProspectCounts
from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.plan import CP, P, Page, PagePlan
from leadpecker.search.query import SearchQuery


@dataclass(frozen=True, slots=True)
class FilteredPage:
    page: Page
    plan: PagePlan
    total: int | None  # the exact total, when the page query counted it on the way


class FilteredPages:
    def __init__(self, counts: ProspectCounts, dialect: SearchDialect) -> None:
        self.counts = counts
        self.dialect = dialect

    async def plan(self, query: SearchQuery) -> PagePlan:
        found = plans.plan(query, self.counts.account_id, self.dialect.row_condition)
        return await self.dialect.narrow(query, found, self.counts)

    async def page(self, query: SearchQuery) -> FilteredPage:
        plan = await self.plan(query)
        columns = [P.c.id, CP.c.campaign_id] if query.in_campaigns else [P.c.id]
        if plan.counted:
            columns.append(func.count().over())
        statement = (
            select(*columns)
            .select_from(plan.source)
            .where(*plan.conditions)
            .order_by(*plan.order)
            .limit(query.per_page)
            .offset(query.offset)
        )
        rows = (await self.counts.conn.execute(statement)).all()
        total = rows[0][-1] if plan.counted and rows else None
        prospect_ids = [row[0] for row in rows]
        page = Page(prospect_ids, [row[1] for row in rows] if query.in_campaigns else None)
        return FilteredPage(page, plan, total)
