"""Searching an account's prospects (developers.woodpecker.co, "Search for prospects";
docs/search.md): one read transaction for the page, its total and what the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadpecker.kit.db import Database
from leadpecker.search import serializer
from leadpecker.search.estimates import Estimates
from leadpecker.search.query import SearchQuery
from leadpecker.search.repository import COMPACT_AFTER, Page, SearchRepository, Total, is_listing
from leadpecker.search.serializer import CampaignEntry


@dataclass(frozen=True, slots=True)
class SearchResult:
    body: bytes  # a JSON array of prospects, or the no-match message
    total: int  # X-Total-Count: prospects (enrolments in the campaign view) matching
    exact: bool  # False when the total is an estimate (see repository.Total)


# Estimated totals, kept between the requests of this process (see search.estimates).
_ESTIMATES = Estimates()


async def search(db: Database, account_id: int, query: SearchQuery) -> SearchResult:
    async with db.read() as conn:
        repo = SearchRepository(conn, account_id)
        if is_listing(query):
            if query.campaigns_details:
                page, everyone = await repo.listing_page(query)
                body = await _body(repo, query, page) if page else serializer.NO_MATCH
            else:
                documents, everyone = await repo.listing(query)
                body = documents or serializer.NO_MATCH
            total = Total(everyone, True)
        else:
            page, plan = await repo.page(query)
            total = await repo.total(query, plan, len(page), _ESTIMATES)
            body = await _body(repo, query, page) if page else serializer.NO_MATCH
    if repo.pending_slots > COMPACT_AFTER:
        # PostgreSQL's per-transaction count rows pile up after many writes: fold them now,
        # in a short transaction of its own, so the next reads sum a few rows again.
        async with db.write() as conn:
            await SearchRepository(conn, account_id).compact_counts()
    return SearchResult(body, total.value, total.exact)


async def _body(repo: SearchRepository, query: SearchQuery, page: Page) -> bytes:
    ids = list(dict.fromkeys(page.prospect_ids))
    if not query.in_campaigns and not query.campaigns_details:
        # The common case: the documents as they are, joined by the database.
        return await repo.documents_array(ids)

    documents = await repo.documents(ids)
    in_view = await repo.enrolments(ids, query.campaign_ids) if query.in_campaigns else {}
    details = await repo.enrolments(ids) if query.campaigns_details else {}
    variants = await _activity_variants(repo, query, ids) if query.campaigns_details else {}
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
    repo: SearchRepository, query: SearchQuery, ids: list[int]
) -> dict[int, list[dict[str, Any] | None]]:
    """With ``activity``, the fields each campaigns_details entry gets. A prospect who
    clicked several links is shown once per link, as the reference says."""
    if query.activity is None:
        return {}
    activities = await repo.activities(ids)
    if query.activity.about_opens:
        return {
            prospect_id: [
                serializer.activity_fields(
                    opens=True, sent_mails=found.sent_mails, last_opened=found.last_opened
                )
            ]
            for prospect_id, found in activities.items()
        }
    clicks = await repo.clicks(ids)
    return {
        prospect_id: [
            serializer.activity_fields(
                opens=False, sent_mails=found.sent_mails, last_clicked=moment, click_url=url
            )
            for url, moment in clicks.get(prospect_id) or [(None, None)]
        ]
        for prospect_id, found in activities.items()
    }
