"""The per-key rate limit: one request in flight per key, six more may wait up to
15 s, anything beyond is refused at once — 429 on v2, 409 ``E_TOO_MANY_REQUESTS`` on v1.

Two backends behind one interface: in-process (one API process, the SQLite default) and Redis
(every API process of a deployment shares the same line).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from leadpecker.http.auth import presented_key
from leadpecker.http.envelopes import error_response, is_v1
from leadpecker.kit import metrics
from leadpecker.kit.errors import TooManyRequests
from leadpecker.settings import Settings

REFUSED = "Too many requests in one time"

log = logging.getLogger("leadpecker.ratelimit")


class RateLimiter(Protocol):
    # True while a shared limiter serves from its per-process fallback (/readyz and the
    # metrics read it); always False for the per-process limiter, which is what it was asked to be.
    degraded: bool

    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        """Wait for a turn of ``key``; raise TooManyRequests if the line is full or too slow."""
        ...

    async def close(self) -> None: ...


@dataclass
class _Line:
    slots: asyncio.Semaphore
    users: int = 0  # in flight plus waiting


class LocalRateLimiter:
    degraded = False

    def __init__(self, concurrency: int, queue: int, wait_seconds: float) -> None:
        self.concurrency = concurrency
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._lines: dict[str, _Line] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = _Line(asyncio.Semaphore(self.concurrency))
        # Counted before the first await: a burst arriving in one event-loop turn sees every
        # earlier member of it, although none has taken a slot yet.
        if line.users >= self.concurrency + self.queue:
            raise TooManyRequests(REFUSED)
        line.users += 1
        try:
            try:
                await asyncio.wait_for(line.slots.acquire(), self.wait_seconds)
            except TimeoutError:
                raise TooManyRequests(REFUSED) from None
            try:
                yield
            finally:
                line.slots.release()
        finally:
            line.users -= 1
            if line.users == 0:
                del self._lines[key]

    async def close(self) -> None:
        return None


# Atomically join a key's line: refuse when the slots and the waiting room are all taken.
_JOIN = """
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
return 1
"""
# Take a free slot (a member of a sorted set scored by its lease deadline), dropping dead ones.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


class RedisRateLimiter:
    """The same line shared by every API process through Redis.

    A process that dies mid-request leaks nothing for long: the counter of people in line
    expires, and a held slot is a lease that lapses (renewed while the request runs).

    An outage of Redis is not an outage of the API. When Redis does not answer (refused, reset,
    silent beyond SOCKET_TIMEOUT_SECONDS) the limiter is ``degraded``: each process keeps the
    line of its own LocalRateLimiter, a WARNING says so once, and /readyz and the metrics
    show it. Every RETRY_SECONDS a background PING asks Redis again (no request waits for it);
    when Redis answers the line is shared again (logged at INFO). Around the switch a key may
    briefly have a request in each line. Requests that held a Redis slot when Redis went away
    finish normally: their release fails quietly and the slot lapses with Redis's keys.
    """

    POLL_SECONDS = 0.005
    LEASE_MS = 30_000
    # Redis answers in well under a millisecond; a second without an answer is an outage, not
    # load (the event loop itself can stall for a few hundred ms behind a slow inline read).
    SOCKET_TIMEOUT_SECONDS = 1.0
    RETRY_SECONDS = 5.0

    def __init__(self, url: str, concurrency: int, queue: int, wait_seconds: float) -> None:
        # Imported here so the SQLite default needs no Redis.
        import redis.asyncio as redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        # One immediate retry: after a restart of Redis the first command meets a pooled
        # connection that is already closed. More, or redis-py's backoff, would only add to
        # the time a request waits for a Redis that is gone.
        self.client = redis.from_url(
            url,
            socket_timeout=self.SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=self.SOCKET_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),
        )
        self.concurrency = concurrency
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._join = self.client.register_script(_JOIN)
        self._take = self.client.register_script(_TAKE)
        # What "Redis does not answer" looks like: redis-py's errors, and the socket's own.
        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError)
        self.fallback = LocalRateLimiter(concurrency, queue, wait_seconds)
        self.degraded = False
        self.reason = ""  # why it is degraded, for /readyz
        self._retry_at = 0.0
        self._probing: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        # No yield inside a try that catches Redis's errors: the request's own errors must
        # pass through untouched.
        if self.degraded:
            self._probe_when_due()
            async with self.fallback.hold(key):
                yield
            return
        line_key, slots_key = f"leadpecker:rl:{key}:line", f"leadpecker:rl:{key}:slots"
        ttl_ms = int((self.wait_seconds * 1000) + self.LEASE_MS)
        token = uuid.uuid4().hex
        try:
            await self._enter(line_key, slots_key, token, ttl_ms)
        except self._failures as error:
            self._fall_back(error)
            async with self.fallback.hold(key):
                yield
            return
        renew = asyncio.create_task(self._renew(slots_key, token, line_key, ttl_ms))
        try:
            yield
        finally:
            renew.cancel()
            await self._leave(line_key, slots_key, token)

    async def _enter(self, line_key: str, slots_key: str, token: str, ttl_ms: int) -> None:
        """Join the key's line and wait for a slot; TooManyRequests when the line is full or
        the wait runs out (the place in line is given back)."""
        if not await self._join(keys=[line_key], args=[self.concurrency + self.queue, ttl_ms]):
            raise TooManyRequests(REFUSED)
        try:
            deadline = time.monotonic() + self.wait_seconds
            while not await self._try_take(slots_key, token):
                if time.monotonic() >= deadline:
                    raise TooManyRequests(REFUSED)
                await asyncio.sleep(self.POLL_SECONDS)
        except BaseException:
            with contextlib.suppress(*self._failures):
                await self.client.decr(line_key)
            raise

    async def _leave(self, line_key: str, slots_key: str, token: str) -> None:
        """Give back the slot and the place in line; never raises (the answer is already out)."""
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.zrem(slots_key, token)
                pipe.decr(line_key)
                await pipe.execute()
        except self._failures as error:
            self._fall_back(error)

    async def _try_take(self, slots_key: str, token: str) -> bool:
        now_ms = int(time.time() * 1000)
        args = [now_ms, self.concurrency, now_ms + self.LEASE_MS, token, self.LEASE_MS * 2]
        return bool(await self._take(keys=[slots_key], args=args))

    async def _renew(self, slots_key: str, token: str, line_key: str, line_ttl_ms: int) -> None:
        """Renew the lease of a running request, and the expiry of its line's keys: a request
        longer than that expiry must not lose its slot or its place in the count."""
        try:
            while True:
                await asyncio.sleep(self.LEASE_MS / 3000)
                async with self.client.pipeline(transaction=False) as pipe:
                    pipe.zadd(slots_key, {token: int(time.time() * 1000) + self.LEASE_MS})
                    pipe.pexpire(slots_key, self.LEASE_MS * 2)
                    pipe.pexpire(line_key, line_ttl_ms)
                    await pipe.execute()
        except self._failures as error:
            self._fall_back(error)

    async def probe(self) -> None:
        """Ask Redis now (PING) and switch to or from the fallback by its answer."""
        try:
            await self.client.ping()
        except self._failures as error:
            self._fall_back(error)
        else:
            self._recovered()

    def _probe_when_due(self) -> None:
        if time.monotonic() >= self._retry_at and (self._probing is None or self._probing.done()):
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            self._probing = asyncio.create_task(self.probe())

    def _fall_back(self, error: BaseException) -> None:
        self.reason = f"{type(error).__name__}: {error}"
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        if not self.degraded:
            self.degraded = True
            log.warning(
                "Redis does not answer (%s): the rate limit falls back to a per-process line; "
                "asking Redis again every %.0f s",
                self.reason,
                self.RETRY_SECONDS,
            )

    def _recovered(self) -> None:
        if self.degraded:
            self.degraded = False
            self.reason = ""
            log.info("Redis answers again: the rate limit is shared through Redis again")

    async def close(self) -> None:
        if self._probing is not None:
            self._probing.cancel()
        await self.client.aclose()


def build_rate_limiter(settings: Settings) -> RateLimiter | None:
    if not settings.rate_limit_enabled:
        return None
    args = (
        settings.rate_limit_concurrency,
        settings.rate_limit_queue,
        settings.rate_limit_wait_seconds,
    )
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, *args)
    return LocalRateLimiter(*args)


class RateLimitMiddleware:
    """Applies the limit to API requests that present a key; others go straight through
    (a request without a key is answered 401 at once)."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/rest/"):
            await self.app(scope, receive, send)
            return
        key = presented_key(Headers(scope=scope))
        if key is None:
            await self.app(scope, receive, send)
            return
        line = hashlib.sha256(key.encode()).hexdigest()
        try:
            async with self.limiter.hold(line):
                await self.app(scope, receive, send)
        except TooManyRequests as refusal:
            metrics.RATE_LIMIT_REFUSALS.labels("v1" if is_v1(scope["path"]) else "v2").inc()
            await error_response(scope["path"], refusal)(scope, receive, send)
