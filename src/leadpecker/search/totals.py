"""The total of a filtered page (``X-Total-Count``), without ever scanning the account.

In turn: a page that shows where the matches end knows the total; a plan that counted its
matches on the way knows it; nothing but status filters → ``prospect_counts`` (exact);
otherwise the matches are counted up to ``EXACT_COUNT_LIMIT`` (exact), and beyond that
estimated from a fixed sample of the account's rows (``estimate``), remembered for a while in
``caches.Estimates``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, literal_column, or_, select

from leadpecker.search import plan as plans
from leadpecker.search.caches import Estimates
from leadpecker.search.counts import ProspectCounts, Totals
from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.filtered import FilteredPage
from leadpecker.search.plan import P
from leadpecker.search.query import SearchQuery

# Matches are counted exactly up to this many; a page of the largest size is always exact.
EXACT_COUNT_LIMIT = 1_000
SAMPLE_WINDOWS = 16
SAMPLE_WINDOW_ROWS = 256
# Below this many prospects an account's matches are always counted, never estimated.
ESTIMATED_FROM = 20_000


@dataclass(frozen=True, slots=True)
class Total:
    value: int
    exact: bool


class FilteredTotals:
    def __init__(self, counts: ProspectCounts, dialect: SearchDialect, estimates: Estimates) -> None:
        self.counts = counts
        self.conn = counts.conn
        self.account_id = counts.account_id
        self.dialect = dialect
        self.estimates = estimates

    async def total(self, query: SearchQuery, found: FilteredPage) -> Total:
        page_rows = len(found.page)
        if 0 < page_rows < query.per_page or (page_rows == 0 and query.offset == 0):
            return Total(query.offset + page_rows, True)  # the page shows where the matches end
        if found.total is not None:
            return Total(found.total, True)
        totals = await self.counts.totals()
        if plans.only_statuses(query):
            return Total(totals.of(query.statuses), True)
        estimate = None
        if totals.all > ESTIMATED_FROM:
            estimate = await self._remembered_estimate(query, totals)
            # 4,096 sampled rows: an estimate this far above the limit cannot come from a true
            # count under it (it would take a deviation of many standard errors).
            if estimate > 4 * EXACT_COUNT_LIMIT:
                return Total(estimate, False)
        plan = found.plan
        limited = select(literal_column("1")).select_from(plan.source).where(*plan.conditions)
        if plan.fts_driven:
            limited = limited.order_by(*plan.order[:1])  # keeps SQLite reading the FTS table first
        limited = limited.limit(EXACT_COUNT_LIMIT + 1).subquery()
        counted = (await self.conn.execute(select(func.count()).select_from(limited))).scalar_one()
        if counted <= EXACT_COUNT_LIMIT:
            return Total(counted, True)
        if estimate is None:
            estimate = await self._remembered_estimate(query, totals)
        return Total(max(EXACT_COUNT_LIMIT + 1, estimate), False)

    async def _remembered_estimate(self, query: SearchQuery, totals: Totals) -> int:
        # Not remembered: id lists (a key of up to 10,000 ids), and the campaign view, whose
        # enrolments change without the account's size changing.
        if query.ids is not None or query.in_campaigns:
            return await self.estimate(query, totals)
        estimate = self.estimates.get(self.account_id, query, totals.all)
        if estimate is None:
            estimate = await self.estimate(query, totals)
            self.estimates.put(self.account_id, query, totals.all, estimate)
        return estimate

    async def estimate(self, query: SearchQuery, totals: Totals) -> int:
        """Matches among a fixed sample of the account's rows, scaled to the account: 16 id
        ranges of about 256 prospects each, spread evenly over the account's ids and read in
        place (one pass, no row copied). The same query gives the same estimate on every page
        (as long as the account's rows do not change)."""
        ranges = await self._sample_ranges(totals.all)
        sampled = or_(*(P.c.id.between(low, high) for low, high in ranges))
        conditions = and_(*plans.conditions(query, self.account_id, self.dialect.row_condition), sampled)
        if query.in_campaigns:
            hits = select(func.count()).select_from(plans.source(query, self.account_id)).where(conditions)
            read = select(func.count()).where(P.c.account_id == self.account_id, sampled)
            statement = select(hits.scalar_subquery(), read.scalar_subquery())
        else:
            # One pass over the sample: how many match, how many were read.
            statement = select(func.count().filter(conditions), func.count()).where(
                P.c.account_id == self.account_id, sampled
            )
        matched, read_rows = (await self.conn.execute(statement)).one()
        return round(matched * totals.all / read_rows) if read_rows else 0

    async def _sample_ranges(self, everyone: int) -> list[tuple[int, int]]:
        """Id ranges evenly spaced over the account's ids, each wide enough for about
        ``SAMPLE_WINDOW_ROWS`` of its prospects were they spread evenly (two index probes;
        the estimate divides by the rows actually read, so unevenness only widens it)."""
        # Two scalar subqueries: SQLite answers a lone min() or max() from the index's ends,
        # but min() and max() in one SELECT make it scan the whole index.
        mine = P.c.account_id == self.account_id
        first = select(func.min(P.c.id)).where(mine).scalar_subquery()
        last = select(func.max(P.c.id)).where(mine).scalar_subquery()
        low, high = (await self.conn.execute(select(first, last))).one()
        if low is None or not everyone:
            return [(0, -1)]
        spread = high - low + 1
        span = max(1, SAMPLE_WINDOW_ROWS * spread // everyone)
        if span * SAMPLE_WINDOWS >= spread:
            return [(low, high)]
        step = spread // SAMPLE_WINDOWS
        return [
            (low + k * step + (step - span) // 2, low + k * step + (step - span) // 2 + span - 1)
            for k in range(SAMPLE_WINDOWS)
        ]
