"""Searching an account's prospects (developers.woodpecker.co, "Search for prospects";
docs/search.md): one read transaction for the page, its total and what the page shows.

``ProspectSearch.search`` is where the way to read a page is chosen, in one place:

- **the listing** (search/listing.py) — no filter but status, sorted by id;
- **filtered pages** (search/filtered.py) and their totals (search/totals.py) — the rest.

Either way the page's documents come from search/documents.py. The database's differences
are its ``SearchDialect``'s, picked once when the search is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadpecker.kit.db import Database
from leadpecker.search import serializer
from leadpecker.search.caches import SearchCaches
from leadpecker.search.counts import ProspectCounts
from leadpecker.search.dialects import search_dialect
from leadpecker.search.documents import PageContents
from leadpecker.search.filtered import FilteredPages
from leadpecker.search.listing import Listing
from leadpecker.search.plan import Page, is_listing
from leadpecker.search.query import SearchQuery
from leadpecker.search.serializer import CampaignEntry
from leadpecker.search.totals import FilteredTotals, Total


@dataclass(frozen=True, slots=True)
class SearchResult:
    body: bytes  # a JSON array of prospects, or the no-match message
    total: int  # X-Total-Count: prospects (enrolments in the campaign view) matching
    exact: bool  # False when the total is an estimate (see totals.Total)


class ProspectSearch:
    """The search of one database, built once by the application (app.py) with the caches it
    owns; a test builds its own."""

    def __init__(self, db: Database, caches: SearchCaches | None = None) -> None:
        self.db = db
        self.dialect = search_dialect(db.dialect)
        self.caches = caches or SearchCaches()

    async def search(self, account_id: int, query: SearchQuery) -> SearchResult:
        async with self.db.read() as conn:
            counts = ProspectCounts(conn, account_id, self.caches.bucket_sums)
            contents = PageContents(conn, account_id, self.dialect)
            if is_listing(query) and not query.campaigns_details:
                documents, everyone = await Listing(counts, self.dialect).documents(query)
                body, total = documents or serializer.NO_MATCH, Total(everyone, True)
            elif is_listing(query):
                page, everyone = await Listing(counts, self.dialect).page(query)
                body, total = await _body(contents, query, page), Total(everyone, True)
            else:
                found = await FilteredPages(counts, self.dialect).page(query)
                total = await FilteredTotals(counts, self.dialect, self.caches.estimates).total(query, found)
                body = await _body(contents, query, found.page)
        if counts.needs_compaction:
            # PostgreSQL's per-transaction count rows pile up after many writes: fold them now,
            # in a short transaction of its own, so the next reads sum a few rows again.
            async with self.db.write() as conn:
                await self.dialect.compact_counts(conn, account_id)
        return SearchResult(body, total.value, total.exact)


async def _body(contents: PageContents, query: SearchQuery, page: Page) -> bytes:
    if not page:
        return serializer.NO_MATCH
    ids = list(dict.fromkeys(page.prospect_ids))
    if not query.in_campaigns and not query.campaigns_details:
        # The common case: the documents as they are, joined by the database.
        return await contents.documents_array(ids)

    documents = await contents.documents(ids)
    in_view = await contents.enrolments(ids, query.campaign_ids) if query.in_campaigns else {}
    details = await contents.enrolments(ids) if query.campaigns_details else {}
    variants = await _activity_variants(contents, query, ids) if query.campaigns_details else {}
    shown: list[str] = []
    campaign_ids = page.campaign_ids or [None] * len(page)
    for prospect_id, campaign_id in zip(page.prospect_ids, campaign_ids, strict=True):
        document = documents.get(prospect_id)
        if document is None:
            continue
        enrolment = next((e for e in in_view.get(prospect_id, ()) if e.campaign_id == campaign_id), None)
        if not query.campaigns_details:
            shown.append(serializer.extended(document, enrolment=enrolment))
            continue
        entries: list[CampaignEntry] = details.get(prospect_id, [])
        for activity in variants.get(prospect_id, [None]):
            listed = [entry.details(activity) for entry in entries]
            shown.append(serializer.extended(document, enrolment=enrolment, details=listed))
    return serializer.array(shown)


async def _activity_variants(
    contents: PageContents, query: SearchQuery, ids: list[int]
) -> dict[int, list[dict[str, Any] | None]]:
    """With ``activity``, the fields each campaigns_details entry gets. A prospect who
    clicked several links is shown once per link, as the reference says."""
    if query.activity is None:
        return {}
    activities = await contents.activities(ids)
    if query.activity.about_opens:
        return {
            prospect_id: [
                serializer.activity_fields(
                    opens=True, sent_mails=found.sent_mails, last_opened=found.last_opened
                )
            ]
            for prospect_id, found in activities.items()
        }
    clicks = await contents.clicks(ids)
    return {
        prospect_id: [
            serializer.activity_fields(
                opens=False, sent_mails=found.sent_mails, last_clicked=moment, click_url=url
            )
            for url, moment in clicks.get(prospect_id) or [(None, None)]
        ]
        for prospect_id, found in activities.items()
    }
