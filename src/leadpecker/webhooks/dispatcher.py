"""The webhook dispatcher: POSTs the outbox's events, in batches, in order, with retries.

Embedded in ``serve`` (app.py, ``LEADPECKER_WEBHOOK_DISPATCHER_EMBEDDED``) and standalone
(``leadpecker webhooks dispatch``); any number may run on one database.

- **What goes**: a subscription (one event of one account, to one URL) is due when it owes a
  full batch (100 events, the documented maximum of an array) or an event older than the batch
  window, is past its retry time, and no live dispatcher holds it. A dispatcher claims it with a
  lease, then sends its pending events in id order, at most 100 per POST, one array made by
  joining the stored bodies, and keeps sending full batches back to back while they are due.
  Only the lease holder sends, and it sends batch N+1 only once batch N is answered: the events
  of one event type reach one URL in order, and a failing batch holds back the later ones.
- **What an answer does**, recorded in one transaction guarded by the lease token, with its
  ``webhook_attempts`` row: 2xx delivers the batch and clears the failure count; 410 or 310
  ends the subscription at once (developers.woodpecker.co, "Webhooks") and drops its waiting
  events; anything else (another status — redirects are not followed —, a refused connection,
  a timeout) is a failure: the next try waits min(max, base·2^(failures−1)) with jitter, and
  ``webhook_max_failures`` failures in a row end the subscription.
- **At least once**: the outcome is written after the POST. A dispatcher that dies between the
  two leaves the batch pending under a lease that lapses (timeout + a margin), and the next
  dispatcher sends it again; receivers deduplicate by each event's ``event_id``.
- **Bounded**: every POST (with its address check) has ``webhook_timeout_seconds`` in all; at
  most ``webhook_connections`` subscriptions are delivered at once, each holding one batch,
  over one client of as many connections, so a dead or slow receiver costs a bounded number of
  connections and at most connections × 100 events of memory; a response body is read up to
  a few KiB. Database reads run on the driver's thread, never on the event loop the API shares.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from leadpecker import __version__
from leadpecker.kit.db import Database
from leadpecker.kit.outages import database_unavailable
from leadpecker.kit.types import utcnow
from leadpecker.settings import Settings
from leadpecker.vocabulary.enums import AttemptOutcome, DeliveryState
from leadpecker.webhooks.delivery_repository import (
    MAX_BATCH,
    ClaimedSubscription,
    DeliveryRepository,
    PendingEvent,
)
from leadpecker.webhooks.targets import private_address_problem

log = logging.getLogger("leadpecker.webhooks")

# The answers that end a subscription at once (developers.woodpecker.co, "Webhooks").
GONE = frozenset({310, 410})
# A lease outlives the longest POST by this much: the time to read a batch and write an outcome.
LEASE_MARGIN_SECONDS = 5.0
# What is kept of a receiver's answer: enough for the error column, never a large body.
MAX_RESPONSE_BYTES = 4096
MAX_ERROR_CHARS = 300
# Retention runs this often; each pass deletes in chunks of this many rows per transaction, so
# SQLite's write lock is never held long.
PRUNE_EVERY_SECONDS = 600.0
PRUNE_CHUNK = 5_000
OUTAGE_PAUSE_MAX_SECONDS = 8.0
# The header that names one attempt (one POST): a receiver's log and ``webhooks deliveries``
# can be matched by it and the time.
ATTEMPT_HEADER = "X-Leadpecker-Attempt"


@dataclass(frozen=True)
class DispatcherConfig:
    batch_window_seconds: float = 1.0
    poll_seconds: float = 0.2
    timeout_seconds: float = 10.0
    connections: int = 8
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 3600.0
    max_failures: int = 10
    refuse_private_targets: bool = False
    retention_days: float = 7.0

    @classmethod
    def from_settings(cls, settings: Settings) -> DispatcherConfig:
        return cls(
            batch_window_seconds=settings.webhook_batch_window_seconds,
            poll_seconds=settings.webhook_poll_seconds,
            timeout_seconds=settings.webhook_timeout_seconds,
            connections=settings.webhook_connections,
            retry_base_seconds=settings.webhook_retry_base_seconds,
            retry_max_seconds=settings.webhook_retry_max_seconds,
            max_failures=settings.webhook_max_failures,
            refuse_private_targets=settings.webhook_refuse_private_targets,
            retention_days=settings.webhook_retention_days,
        )

    @property
    def lease_seconds(self) -> float:
        return self.timeout_seconds + LEASE_MARGIN_SECONDS


@dataclass(frozen=True)
class Answer:
    """What one POST came to: the status (None when none came) or the error."""

    started_at: datetime
    duration_ms: float
    status_code: int | None
    error: str | None


class LeaseLost(Exception):
    """Another dispatcher holds the subscription now (this one's lease lapsed): the outcome of
    the batch just sent is not written, and the batch goes again (at least once)."""


def retry_delay(config: DispatcherConfig, failures: int, rng: random.Random | None = None) -> float:
    """Seconds until the next try after ``failures`` failures in a row: base·2^(failures−1),
    capped at the max, then scaled by a random factor in [0.5, 1] so that receivers that failed
    together are not retried together.

    Not a retry library (tenacity, backoff): those run the schedule inside one process's loop,
    and this one must outlive the process — it is ``retry_at`` in the database, so a restarted
    or different dispatcher keeps it, and one subscription's wait holds no task or memory."""
    exponent = min(failures - 1, 63)  # 2**63 seconds is past any max already
    delay = min(config.retry_max_seconds, config.retry_base_seconds * 2**exponent)
    return delay * (rng or random).uniform(0.5, 1.0)


def build_dispatcher(db: Database, settings: Settings) -> WebhookDispatcher:
    return WebhookDispatcher(db, DispatcherConfig.from_settings(settings))


class WebhookDispatcher:
    def __init__(self, db: Database, config: DispatcherConfig) -> None:
        self.db = db
        self.config = config
        self._outage_pause = 0.0
        self._next_prune = time.monotonic() + min(60.0, PRUNE_EVERY_SECONDS)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; then finish the POSTs in flight (each bounded by the
        timeout), record them, give the leases back and return."""
        log.info("webhook dispatcher started")
        limits = httpx.Limits(
            max_connections=self.config.connections, max_keepalive_connections=self.config.connections
        )
        # trust_env=False: no proxy from the environment, so a POST goes where the target URL
        # (and the private-address check) says; follow_redirects=False: a 3xx is an answer.
        async with httpx.AsyncClient(
            limits=limits, timeout=self.config.timeout_seconds, follow_redirects=False, trust_env=False
        ) as client:
            running: dict[int, asyncio.Task[None]] = {}
            stopper = asyncio.ensure_future(stop.wait())
            try:
                while not stop.is_set():
                    free = self.config.connections - len(running)
                    if free > 0:
                        for claimed, token in await self._claim_or_none(free, list(running)):
                            task = asyncio.create_task(self._deliver(client, claimed, token, stop))
                            running[claimed.id] = task
                            task.add_done_callback(lambda _, key=claimed.id: running.pop(key, None))
                    await self._prune_now_and_then()
                    await asyncio.wait(
                        {stopper, *running.values()},
                        timeout=self.config.poll_seconds,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
            finally:
                stopper.cancel()
                if running:
                    await asyncio.gather(*running.values(), return_exceptions=True)
        log.info("webhook dispatcher stopped")

    # --- claiming ----------------------------------------------------------------------------

    async def _claim_or_none(self, limit: int, held: Sequence[int]) -> list[tuple[ClaimedSubscription, str]]:
        """Claimed subscriptions with their lease token; none when nothing is due or claiming
        failed (logged; while the database is unavailable the pause doubles up to a max, one
        line per failure)."""
        try:
            claimed = await self._claim(limit, held)
        except Exception as error:
            if (reason := database_unavailable(error)) is None:
                log.exception("claiming webhook deliveries failed; retrying")
                pause = 1.0
            else:
                pause = self._outage_pause = min(self._outage_pause * 2 or 1.0, OUTAGE_PAUSE_MAX_SECONDS)
                log.warning("the database is unavailable (%s); claiming again in %.0f s", reason, pause)
            await asyncio.sleep(pause)
            return []
        self._outage_pause = 0.0
        return claimed

    async def _claim(self, limit: int, held: Sequence[int]) -> list[tuple[ClaimedSubscription, str]]:
        now = utcnow()
        window_start = now - timedelta(seconds=self.config.batch_window_seconds)
        # Reads first, so idle dispatchers polling do not take the write lock (SQLite's only
        # one) several times a second for nothing.
        async with self.db.read(threaded=True) as conn:
            repository = DeliveryRepository(conn)
            if not await repository.has_pending() or not await repository.has_due(now, window_start, held):
                return []
        token = uuid.uuid4().hex
        lease_until = now + timedelta(seconds=self.config.lease_seconds)
        async with self.db.write() as conn:
            claimed = await DeliveryRepository(conn).claim(limit, token, now, window_start, lease_until, held)
        return [(subscription, token) for subscription in claimed]

    # --- one subscription's batches ----------------------------------------------------------

    async def _deliver(
        self, client: httpx.AsyncClient, subscription: ClaimedSubscription, token: str, stop: asyncio.Event
    ) -> None:
        """Send the subscription's due batches in order until none is due, one fails, or the
        dispatcher stops; then give the lease back (a failure's outcome already did)."""
        holding = True
        try:
            while not stop.is_set():
                batch = await self._due_batch(subscription.id)
                if not batch:
                    break
                answer = await self._post(client, subscription, batch)
                outcome = await self._record(subscription, token, batch, answer)
                if outcome is not AttemptOutcome.DELIVERED:
                    holding = False
                    break
        except LeaseLost:
            holding = False
            log.warning(
                "lease lost on webhook subscription %d; another dispatcher sends its events", subscription.id
            )
        except Exception as error:
            # The batch stays pending; the lease is given back below (or lapses), and the next
            # claim sends it again.
            if (reason := database_unavailable(error)) is not None:
                log.warning("the database is unavailable (%s) while delivering webhooks", reason)
            else:
                log.exception("delivering webhook subscription %d failed", subscription.id)
        finally:
            if holding:
                await self._release(subscription.id, token)

    async def _due_batch(self, subscription_id: int) -> list[PendingEvent]:
        """The next batch if it may go now (full, or its oldest event is past the window)."""
        async with self.db.read(threaded=True) as conn:
            batch = await DeliveryRepository(conn).next_batch(subscription_id)
        if not batch:
            return []
        window_start = utcnow() - timedelta(seconds=self.config.batch_window_seconds)
        if len(batch) < MAX_BATCH and batch[0].created_at > window_start:
            return []
        return batch

    async def _release(self, subscription_id: int, token: str) -> None:
        try:
            async with self.db.write() as conn:
                await DeliveryRepository(conn).release(subscription_id, token)
        except Exception:  # the lease lapses by itself
            log.exception("could not release webhook subscription %d; its lease will lapse", subscription_id)

    async def _post(
        self, client: httpx.AsyncClient, subscription: ClaimedSubscription, batch: list[PendingEvent]
    ) -> Answer:
        """POST the batch as one JSON array: the stored bodies joined, not encoded again."""
        content = ("[" + ",".join(event.body for event in batch) + "]").encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"leadpecker/{__version__}",
            # The answer's bytes as sent: what is read of it is capped before any decompression.
            "Accept-Encoding": "identity",
            ATTEMPT_HEADER: uuid.uuid4().hex,
        }
        started_at = utcnow()
        began = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self.config.timeout_seconds):
                if self.config.refuse_private_targets and (
                    problem := await private_address_problem(subscription.target_url)
                ):
                    error = f"refused: {problem}"
                else:
                    status, error = await _send(client, subscription.target_url, content, headers)
        except TimeoutError:
            error = f"no answer within {self.config.timeout_seconds:g} s"
        except httpx.TimeoutException as timeout:
            error = f"no answer within {self.config.timeout_seconds:g} s ({type(timeout).__name__})"
        except (httpx.HTTPError, OSError) as failure:
            error = f"{type(failure).__name__}: {failure}".rstrip(": ")
        duration_ms = (time.perf_counter() - began) * 1000
        return Answer(started_at, duration_ms, status, error and error[:MAX_ERROR_CHARS])

    async def _record(
        self, subscription: ClaimedSubscription, token: str, batch: list[PendingEvent], answer: Answer
    ) -> AttemptOutcome:
        """The answer's effects, in one transaction guarded by the lease (LeaseLost: none)."""
        now = utcnow()
        ids = [event.id for event in batch]
        delivered = answer.status_code is not None and 200 <= answer.status_code < 300
        gone = answer.status_code in GONE
        async with self.db.write() as conn:
            repository = DeliveryRepository(conn)
            if delivered:
                outcome = AttemptOutcome.DELIVERED
                values = {
                    "failures": 0,
                    "retry_at": None,
                    "lease_expires_at": now + timedelta(seconds=self.config.lease_seconds),
                }
                state = DeliveryState.DELIVERED
                failures = 0
            else:
                failures = subscription.failures + 1
                ended = gone or failures >= self.config.max_failures
                outcome = AttemptOutcome.ENDED if ended else AttemptOutcome.RETRY
                values = {"failures": failures, "lease_token": None, "lease_expires_at": None}
                if ended:
                    reason = (
                        f"the receiver answered {answer.status_code}"
                        if gone
                        else f"{failures} failed deliveries in a row (last: {_said(answer)})"
                    )
                    values.update(ended_at=now, ended_reason=reason)
                    state = DeliveryState.DROPPED
                else:
                    delay = retry_delay(self.config, failures)
                    values["retry_at"] = now + timedelta(seconds=delay)
                    state = DeliveryState.PENDING
            if not await repository.settle(subscription.id, token, **values):
                raise LeaseLost()
            await repository.mark(ids, state, now)
            if outcome is AttemptOutcome.ENDED:
                await repository.drop_pending(subscription.id)
            await repository.add_attempt(
                account_id=subscription.account_id,
                subscription_id=subscription.id,
                started_at=answer.started_at,
                duration_ms=answer.duration_ms,
                status_code=answer.status_code,
                error=answer.error,
                outcome=outcome.value,
                events=len(batch),
                first_outbox_id=ids[0],
                last_outbox_id=ids[-1],
            )
        subscription.failures = failures
        self._log(subscription, batch, answer, outcome, values)
        return outcome

    def _log(
        self,
        subscription: ClaimedSubscription,
        batch: list[PendingEvent],
        answer: Answer,
        outcome: AttemptOutcome,
        values: dict[str, object],
    ) -> None:
        where = f"{subscription.event} → {subscription.target_url} (subscription {subscription.id})"
        if outcome is AttemptOutcome.DELIVERED:
            log.debug("delivered %d events: %s in %.0f ms", len(batch), where, answer.duration_ms)
        elif outcome is AttemptOutcome.ENDED:
            log.warning("webhook subscription ended: %s: %s", where, values["ended_reason"])
        else:
            retry_at = values["retry_at"]
            assert isinstance(retry_at, datetime)
            log.warning(
                "webhook delivery failed (%s): %s; retry at %s",
                _said(answer),
                where,
                retry_at.isoformat(timespec="milliseconds"),
            )

    # --- retention ---------------------------------------------------------------------------

    async def _prune_now_and_then(self) -> None:
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        try:
            await self.prune(utcnow() - timedelta(days=self.config.retention_days))
        except Exception:  # the next pass tries again
            log.exception("pruning old webhook deliveries failed")

    async def prune(self, before: datetime) -> tuple[int, int]:
        """Delete delivered and dropped events and attempts older than ``before``, in chunks
        (each found by a read, then deleted in a short write). Returns (events, attempts)."""
        counts = []
        for find, remove in (
            (DeliveryRepository.expired_events, DeliveryRepository.delete_events),
            (DeliveryRepository.expired_attempts, DeliveryRepository.delete_attempts),
        ):
            total = 0
            while True:
                async with self.db.read(threaded=True) as conn:
                    ids = await find(DeliveryRepository(conn), before, PRUNE_CHUNK)
                if ids:
                    async with self.db.write() as conn:
                        await remove(DeliveryRepository(conn), ids)
                total += len(ids)
                if len(ids) < PRUNE_CHUNK:
                    break
            counts.append(total)
        if any(counts):
            log.info("pruned %d webhook events and %d attempts older than %s", *counts, before.isoformat())
        return counts[0], counts[1]


async def _send(
    client: httpx.AsyncClient, url: str, content: bytes, headers: dict[str, str]
) -> tuple[int, str | None]:
    """The receiver's status, and for a non-2xx answer the start of its body as the error.

    At most MAX_RESPONSE_BYTES of the body are read: a short answer is read whole (its
    connection goes back to the pool), a longer one is cut off with its connection."""
    async with client.stream("POST", url, content=content, headers=headers) as response:
        kept = bytearray()
        async for chunk in response.aiter_raw():
            kept += chunk
            if len(kept) >= MAX_RESPONSE_BYTES:
                break
        if 200 <= response.status_code < 300:
            return response.status_code, None
        text = bytes(kept[:MAX_RESPONSE_BYTES]).decode(errors="replace").strip()
        return response.status_code, f"HTTP {response.status_code}" + (f": {text}" if text else "")


def _said(answer: Answer) -> str:
    if answer.error:
        return answer.error
    return f"HTTP {answer.status_code}"
