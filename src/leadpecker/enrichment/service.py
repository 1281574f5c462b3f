"""Queuing prospect enrichments and reporting their statuses (developers.woodpecker.co: "Queue
prospect enrichments", "List prospect enrichments", "Get prospect enrichment")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from leadpecker.credits import service as credits
from leadpecker.enrichment.repository import EnrichmentRepository, ItemRecord, WorkQueueRepository
from leadpecker.enrichment.schemas import EnrichmentProspectIn
from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.emails import normalise_email
from leadpecker.vocabulary.enums import QueueStatus

RECENT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class QueueOutcome:
    uuid: str | None
    prospects_count: int
    total_prospects_count: int
    status: QueueStatus


def _hints(entry: EnrichmentProspectIn) -> dict[str, str] | None:
    hints = {
        key: value.strip()
        for key, value in entry.model_dump(exclude={"email"}).items()
        if value and value.strip()
    }
    return hints or None


async def queue_enrichments(
    db: Database, account_id: int, entries: list[EnrichmentProspectIn]
) -> QueueOutcome:
    """Queue the account's prospects named by email, in request order, as far as credits go.

    Unknown emails and prospects with a pending enrichment are skipped; an email repeated in
    the request counts once. Each queued prospect reserves ENRICHMENT_PRICE credits.
    """
    wanted: dict[str, EnrichmentProspectIn] = {}
    for entry in entries:
        wanted.setdefault(normalise_email(entry.email), entry)
    async with db.write() as conn:
        balance = await credits.lock_balance(conn, account_id)
        ids = await ProspectRepository(conn, account_id).ids_by_email(list(wanted))
        repo = EnrichmentRepository(conn, account_id)
        pending = await repo.pending_prospect_ids(list(ids.values()))
        eligible = [
            (ids[email], email, _hints(entry))
            for email, entry in wanted.items()
            if email in ids and ids[email] not in pending
        ]
        queued = eligible[: balance // credits.ENRICHMENT_PRICE]
        batch_uuid = None
        if queued:
            now = utcnow()
            batch_uuid = str(uuid.uuid4())
            batch_id = await repo.insert_batch(batch_uuid, len(queued), len(entries), now)
            await repo.insert_items(batch_id, queued, credits.ENRICHMENT_PRICE, now)
            await credits.reserve(conn, account_id, batch_id, credits.ENRICHMENT_PRICE * len(queued))
    if not queued:
        status = QueueStatus.CREDITS_EXHAUSTED if eligible else QueueStatus.NOT_ENQUEUED
    else:
        status = QueueStatus.ENQUEUED if len(queued) == len(eligible) else QueueStatus.PARTIALLY_ENQUEUED
    return QueueOutcome(batch_uuid, len(queued), len(entries), status)


async def list_statuses(db: Database, account_id: int, emails: list[str] | None) -> list[ItemRecord]:
    """Every record of the given prospects' emails, or with none the last 24 hours; newest first."""
    async with db.read() as conn:
        repo = EnrichmentRepository(conn, account_id)
        if emails:
            return await repo.records_for_emails([normalise_email(email) for email in emails])
        return await repo.records_since(utcnow() - RECENT_WINDOW)


async def batch_statuses(db: Database, account_id: int, batch_uuid: str) -> list[ItemRecord] | None:
    """The records of one batch, or None when the account has no such batch. Only the uuid's
    own form names it (any letter case): other spellings Python accepts (no hyphens, braces,
    ``urn:uuid:``) are malformed here, as for the API."""
    try:
        canonical = str(uuid.UUID(batch_uuid))
    except ValueError:
        return None
    if canonical != batch_uuid.lower():
        return None
    async with db.read() as conn:
        return await EnrichmentRepository(conn, account_id).records_of_batch(canonical)


async def queue_depth(db: Database) -> int:
    """Enrichment items pending, across accounts (for the metrics)."""
    async with db.read(threaded=True) as conn:  # not on the API's event loop
        return await WorkQueueRepository(conn).pending_count()
