"""The enrichment worker: claim with a lease, match outside any transaction, finish atomically.

Exactly-once in effect: an item's effects (prospect fields, provenance, its final status and
its credits) are written in one transaction guarded by the worker's lease. A worker that dies
anywhere leaves either nothing (the lease lapses and another worker redoes the item) or the
whole finish; a worker whose lease lapsed cannot commit.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.accounts.service import millis_to_credits
from leadpecker.credits import service as credits
from leadpecker.enrichment.repository import ClaimedItem, EnrichmentRepository, WorkQueueRepository
from leadpecker.enrichment.sources import ENRICHABLE_FIELDS, EnrichmentSource, Identity, Match
from leadpecker.kit import metrics
from leadpecker.kit.db import Database
from leadpecker.kit.outages import database_unavailable
from leadpecker.kit.types import utcnow
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.enums import EnrichmentStatus, WebhookEvent
from leadpecker.webhooks.outbox import WebhookOutbox
from leadpecker.webhooks.payloads import EnrichmentOutcome, enrichment_batch_keys

log = logging.getLogger("leadpecker.worker")

OUTAGE_PAUSE_MAX_SECONDS = 8.0

# Stored prospect fields that describe the person to a source (hint names → prospect names).
_IDENTITY_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "linkedin_url": "linkedin_url",
    "company_name": "company",
    "company_website": "website",
}


class LeaseLost(Exception):
    """The claim's lease lapsed (another worker may own the items now): nothing is written."""


@dataclass
class WorkerConfig:
    batch_size: int = 1_000
    lease_seconds: float = 10.0
    poll_seconds: float = 0.05
    max_attempts: int = 5
    overwrite: bool = False


@dataclass
class _Plan:
    """What the match step found for one claimed item."""

    item: ClaimedItem
    match: Match | None = None
    source: str = ""
    changes: dict[str, str] = field(default_factory=dict)


@dataclass
class _Claim:
    """A leased batch: the lease's token, the items, and (once matched) their plans."""

    token: str
    items: list[ClaimedItem]
    plans: list[_Plan] = field(default_factory=list)


class EnrichmentWorker:
    def __init__(self, db: Database, sources: Sequence[EnrichmentSource], config: WorkerConfig) -> None:
        self.db = db
        self.sources = list(sources)
        self.config = config
        self._outage_pause = 0.0  # seconds; 0 while the database answers

    async def run(self, stop: asyncio.Event, wake: asyncio.Event | None = None) -> None:
        """Work until ``stop`` is set; sleep when idle until woken or the poll interval ends."""
        log.info("enrichment worker started")
        wake = wake or asyncio.Event()
        # Pipelined: claim N+1 is matched (reads, mostly Python) while claim N's finish (one
        # write transaction, mostly in the database's own thread) runs, so one worker keeps
        # both cores busy. A claim is taken before the previous finish starts: on SQLite the
        # claim needs the one write lock, which the finish holds until it commits. A claim's
        # match may read a prospect that the finish running beside it is filling; that only
        # changes what is matched, never what is written — the finish's merge re-reads the
        # prospect under the write lock and fills only what is still empty.
        matched: _Claim | None = None
        try:
            while not stop.is_set():
                # Cleared before claiming: a batch queued after this point sets it again, so
                # an empty claim can never sleep through a wake-up meant for it.
                wake.clear()
                claim = await self._claim_or_none()
                finishing = asyncio.ensure_future(self._finish_claim(matched)) if matched else None
                matched = None
                try:
                    if claim is not None:
                        matched = await self._match_claim(claim)
                except Exception:
                    log.exception("matching failed; retrying")
                    await asyncio.sleep(1)
                finally:
                    if finishing is not None:
                        await finishing
                if claim is not None or finishing is not None:
                    continue
                waiter = asyncio.ensure_future(wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait(
                    {waiter, stopper}, timeout=self.config.poll_seconds, return_when="FIRST_COMPLETED"
                )
                waiter.cancel()
                stopper.cancel()
        finally:
            if matched is not None:
                await self._finish_claim(matched)

    async def _claim_or_none(self) -> _Claim | None:
        """A claim, or None when nothing is claimable or claiming failed (logged; the loop
        goes on after a pause). While the database is unavailable the pause doubles up to
        OUTAGE_PAUSE_MAX_SECONDS, and each failure is one line, not a traceback."""
        try:
            claim = await self._claim()
        except Exception as error:
            if (reason := database_unavailable(error)) is None:
                log.exception("claiming failed; retrying")
                pause = 1.0
            else:
                pause = self._outage_pause = min(self._outage_pause * 2 or 1.0, OUTAGE_PAUSE_MAX_SECONDS)
                log.warning("the database is unavailable (%s); claiming again in %.0f s", reason, pause)
            await asyncio.sleep(pause)
            return None
        self._outage_pause = 0.0
        return claim

    async def _claim(self) -> _Claim | None:
        token = uuid.uuid4().hex
        now = utcnow()
        async with self.db.read() as conn:
            if not await WorkQueueRepository(conn).has_claimable(now):
                return None
        async with self.db.write() as conn:
            items = await WorkQueueRepository(conn).claim(
                self.config.batch_size, token, now, now + timedelta(seconds=self.config.lease_seconds)
            )
        return _Claim(token, items) if items else None

    async def _match_claim(self, claim: _Claim) -> _Claim:
        """The claim with its plans; on failure its items go back to the queue at once."""
        try:
            claim.plans = await self._match(claim.items)
        except Exception:
            log.exception("matching failed for %d items; they go back to the queue", len(claim.items))
            async with self.db.write() as conn:
                await WorkQueueRepository(conn).release_lease([item.id for item in claim.items], claim.token)
            raise
        return claim

    async def _finish_claim(self, claim: _Claim) -> None:
        """Finish a matched claim. A failure is logged, not raised: nothing of the claim was
        written, and its items go back to the queue when the lease lapses."""
        try:
            await self._finish(claim.plans, claim.token)
        except LeaseLost:
            log.warning("lease lost on %d items; another worker will finish them", len(claim.items))
        except Exception:
            log.exception(
                "finishing %d items failed; they are retried when the lease lapses", len(claim.items)
            )

    async def _match(self, claimed: list[ClaimedItem]) -> list[_Plan]:
        plans = [_Plan(item) for item in claimed]
        stored = await self._stored_identities(claimed)
        # An item retried too often (a poison input) finishes unenriched instead of looping.
        open_plans = [
            plan
            for plan in plans
            if plan.item.prospect_id in stored and plan.item.attempts <= self.config.max_attempts
        ]
        for source in self.sources:
            if not open_plans:
                break
            identities = [
                identity_of(plan.item.prospect_email, plan.item.hints, stored[plan.item.prospect_id])  # type: ignore[index]
                for plan in open_plans
            ]
            answers = await source.match(identities)
            for plan, answer in zip(open_plans, answers, strict=True):
                if answer is not None:
                    plan.match, plan.source = answer, source.name
            open_plans = [plan for plan in open_plans if plan.match is None]
        return plans

    async def _stored_identities(self, claimed: list[ClaimedItem]) -> dict[int, dict[str, Any]]:
        stored: dict[int, dict[str, Any]] = {}
        async with self.db.read(threaded=True) as conn:  # beside the previous write-back
            for account_id, ids in _prospects_by_account(claimed).items():
                repo = ProspectRepository(conn, account_id)
                stored.update(await repo.current_fields(ids, tuple(_IDENTITY_FIELDS.values())))
        return stored

    async def _finish(self, plans: list[_Plan], token: str) -> None:
        """One transaction: the lease guard, the prospects' new fields and their provenance,
        the items' statuses, and the credits (charge the enriched, release the rest).

        The guard is the first write: before it the prospects are only read (and locked, so
        the merge sees what it fills); a lapsed lease raises LeaseLost and nothing is written."""
        now = utcnow()
        by_account: dict[int, list[_Plan]] = defaultdict(list)
        for plan in plans:
            by_account[plan.item.account_id].append(plan)
        async with self.db.write() as conn:
            for account_id, account_plans in by_account.items():
                await self._merge(conn, account_id, account_plans)
            results = [
                (
                    plan.item.id,
                    EnrichmentStatus.PROCESSED_ENRICHED
                    if plan.changes
                    else EnrichmentStatus.PROCESSED_NOT_ENRICHED,
                )
                for plan in plans
            ]
            if await WorkQueueRepository(conn).finish(results, token, now) != len(results):
                raise LeaseLost()
            for account_id, account_plans in by_account.items():
                await self._write(conn, account_id, account_plans, now)
                await self._announce(conn, account_id, account_plans, now)
        self._report(plans)

    def _report(self, plans: list[_Plan]) -> None:
        """Count a committed finish (metrics and one log line per claim, not per item)."""
        enriched = [plan for plan in plans if plan.changes]
        retried_out = self.config.max_attempts
        gave_up = sum(1 for plan in plans if not plan.changes and plan.item.attempts > retried_out)
        charged = sum(plan.item.reserved_millis for plan in enriched)
        not_enriched = len(plans) - len(enriched) - gave_up
        metrics.count_enrichment(len(enriched), not_enriched, gave_up, charged)
        log.info(
            "finished %d items: %d enriched, %d not enriched, %d gave up; %s credits charged",
            len(plans),
            len(enriched),
            not_enriched,
            gave_up,
            millis_to_credits(charged),
        )

    async def _merge(self, conn: AsyncConnection, account_id: int, plans: list[_Plan]) -> None:
        """Each matched plan's changes: what its match fills on the prospect as it is now."""
        matched = [plan for plan in plans if plan.match is not None and plan.item.prospect_id is not None]
        current = await ProspectRepository(conn, account_id).current_fields(
            [plan.item.prospect_id for plan in matched],  # type: ignore[misc]
            ENRICHABLE_FIELDS,
            lock=True,
        )
        for plan in matched:
            values = current.get(plan.item.prospect_id)  # type: ignore[arg-type]
            if values is not None:
                plan.changes = merge(values, plan.match.fields, overwrite=self.config.overwrite)  # type: ignore[union-attr]

    async def _write(self, conn: AsyncConnection, account_id: int, plans: list[_Plan], now: datetime) -> None:
        """The account's effects of a guarded finish: fields, provenance, credits."""
        enriched = [plan for plan in plans if plan.changes]
        await ProspectRepository(conn, account_id).update_fields(
            [(plan.item.prospect_id, {**plan.changes, "updated": now}) for plan in enriched]  # type: ignore[misc]
        )
        await EnrichmentRepository(conn, account_id).record_provenance(
            [
                (plan.item.prospect_id, name, plan.source, match.signal, match.confidence, plan.item.id, now)
                for plan in enriched
                if (match := plan.match) is not None
                for name in plan.changes
            ]
        )
        await credits.settle(
            conn,
            account_id,
            charged={plan.item.id: plan.item.reserved_millis for plan in enriched},
            released={plan.item.id: plan.item.reserved_millis for plan in plans if not plan.changes},
        )

    async def _announce(
        self, conn: AsyncConnection, account_id: int, plans: list[_Plan], now: datetime
    ) -> None:
        """The account's webhook events of a guarded finish, in its transaction:
        ``prospect_saved`` for each prospect whose fields it filled, and the extension event
        ``leadpecker.enrichment_batch_finished`` for each batch it finished the last items of."""
        outbox = WebhookOutbox(conn, account_id)
        enriched = [
            plan.item.prospect_id for plan in plans if plan.changes and plan.item.prospect_id is not None
        ]
        await outbox.prospects(WebhookEvent.PROSPECT_SAVED, enriched, moment=now)
        if not await outbox.subscribed(WebhookEvent.ENRICHMENT_BATCH_FINISHED):
            return  # nobody is told, so nothing needs to know whether a batch finished
        batches = await EnrichmentRepository(conn, account_id).lock_batches(
            sorted({plan.item.batch_id for plan in plans})
        )
        queue = WorkQueueRepository(conn)
        pending = await queue.pending_batches([batch.id for batch in batches])
        events = []
        for batch in batches:
            if batch.id in pending:
                continue
            items = await queue.batch_outcomes(batch.id)
            filled = await EnrichmentRepository(conn, account_id).fields_filled(
                [item.id for item in items], sorted({item.prospect_id for item in items})
            )
            outcomes = [
                EnrichmentOutcome(
                    prospect_id=item.prospect_id,
                    email=item.prospect_email,
                    status=item.status,
                    fields=filled.get(item.id, []),
                    # An enriched item was charged its reservation; the others were released.
                    credits_charged=str(millis_to_credits(item.reserved_millis))
                    if item.status == EnrichmentStatus.PROCESSED_ENRICHED
                    else "0",
                )
                for item in items
            ]
            keys = enrichment_batch_keys(batch.uuid, outcomes)
            events.append((None, keys))
        await outbox.objects(WebhookEvent.ENRICHMENT_BATCH_FINISHED, events, moment=now)


def _prospects_by_account(claimed: list[ClaimedItem]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for item in claimed:
        if item.prospect_id is not None:
            grouped[item.account_id].append(item.prospect_id)
    return grouped


def identity_of(email: str, hints: dict[str, Any] | None, stored: dict[str, Any]) -> Identity:
    """The identity to match: each hint the request sent, else the prospect's stored value."""
    hints = hints or {}
    known = {hint: hints.get(hint) or stored.get(column) or "" for hint, column in _IDENTITY_FIELDS.items()}
    return Identity(email=email, **known)


def merge(current: dict[str, Any], offered: dict[str, str], *, overwrite: bool) -> dict[str, str]:
    """The fields to write: empty ones get the offered value; with ``overwrite`` differing
    ones do too. Never blanks a field."""
    changes = {}
    for name, value in offered.items():
        if name not in current or not value:
            continue
        if not current[name] or (overwrite and current[name] != value):
            changes[name] = value
    return changes
