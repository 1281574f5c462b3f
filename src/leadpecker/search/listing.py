"""The listing: an account's prospects in id order, filtered by nothing but (global) status
(``plan.is_listing``) — how clients page through a whole account, and the hot path of
per_page=1000.

``prospect_counts`` says in which 4,096-id bucket the page starts, so page 5,000 skips a few
thousand index entries instead of 499,900, and its buckets' sums are the exact total.
Hand-written statements (no query built per request) read the page's ids and documents
together (the dialect's ``listing_documents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from leadpecker.models import BUCKET_SHIFT
from leadpecker.search.counts import ProspectCounts
from leadpecker.search.dialects.base import SearchDialect
from leadpecker.search.plan import Page
from leadpecker.search.query import SearchQuery
from leadpecker.search.statements import LISTING_IDS


@dataclass(frozen=True, slots=True)
class ListingStart:
    """Where a listing page starts: the parameters of ``statements.listing_ids_sql`` (None
    when the page lies past the end), and the listing's exact total."""

    bind: dict[str, Any] | None
    total: int


class Listing:
    def __init__(self, counts: ProspectCounts, dialect: SearchDialect) -> None:
        self.counts = counts
        self.conn = counts.conn
        self.dialect = dialect

    async def documents(self, query: SearchQuery) -> tuple[bytes | None, int]:
        """The page's JSON array of documents (None past the end) and the exact total."""
        start = await self.start(query)
        if start.bind is None:
            return None, start.total
        shape = (query.sort[0].descending, query.statuses is not None)
        return await self.dialect.listing_documents(self.conn, shape, start.bind), start.total

    async def page(self, query: SearchQuery) -> tuple[Page, int]:
        """The page as ids, with the exact total: for pages that show more than the documents
        (campaigns_details)."""
        start = await self.start(query)
        if start.bind is None:
            return Page([]), start.total
        statement = LISTING_IDS[(query.sort[0].descending, query.statuses is not None)]
        return Page(list((await self.conn.execute(statement, start.bind)).scalars())), start.total

    async def start(self, query: SearchQuery) -> ListingStart:
        buckets = await self.counts.buckets(query.statuses)
        total = sum(n for _, n in buckets)
        found = page_start(buckets, query.offset, query.sort[0].descending)
        if found is None:
            return ListingStart(None, total)
        bound, skip = found
        bind: dict[str, Any] = {
            "account": self.counts.account_id,
            "bound": bound,
            "skip": skip,
            "limit": query.per_page,
        }
        if query.statuses is not None:
            bind["statuses"] = list(query.statuses)
        return ListingStart(bind, total)


def page_start(buckets: Sequence[tuple[int, int]], offset: int, descending: bool) -> tuple[int, int] | None:
    """Where a page at ``offset`` starts, from the account's (bucket, prospects) in id order:
    the id bound of its bucket (``id >= bound``, descending ``id < bound``) and the rows to
    skip past that bound; None when the page lies past the end."""
    skipped = 0
    for bucket, n in reversed(buckets) if descending else buckets:
        if skipped + n > offset:
            return ((bucket + 1) << BUCKET_SHIFT if descending else bucket << BUCKET_SHIFT), offset - skipped
        skipped += n
    return None
