"""The per-key rate limit (SPEC §3): one request in flight per key, six more may wait up to
15 s, anything beyond is refused at once — 429 on v2, 409 ``E_TOO_MANY_REQUESTS`` on v1.

Two backends behind one interface: in-process (one API process, the SQLite default) and Redis
(every API process of a deployment shares the same line).
"""

from __future__ import annotations

import asyncio
import hashlib
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


class RateLimiter(Protocol):
    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        """Wait for a turn of ``key``; raise TooManyRequests if the line is full or too slow."""
        ...

    async def close(self) -> None: ...


@dataclass
class _Line:
    slots: asyncio.Semaphore
    users: int = 0  # in flight plus waiting


class LocalRateLimiter:
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
    """

    POLL_SECONDS = 0.005
    LEASE_MS = 30_000

    def __init__(self, url: str, concurrency: int, queue: int, wait_seconds: float) -> None:
        import redis.asyncio as redis  # imported here so the SQLite default needs no Redis

        self.client = redis.from_url(url)
        self.concurrency = concurrency
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._join = self.client.register_script(_JOIN)
        self._take = self.client.register_script(_TAKE)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        line_key, slots_key = f"leadpecker:rl:{key}:line", f"leadpecker:rl:{key}:slots"
        ttl_ms = int((self.wait_seconds * 1000) + self.LEASE_MS)
        if not await self._join(keys=[line_key], args=[self.concurrency + self.queue, ttl_ms]):
            raise TooManyRequests(REFUSED)
        token = uuid.uuid4().hex
        try:
            deadline = time.monotonic() + self.wait_seconds
            while not await self._try_take(slots_key, token):
                if time.monotonic() >= deadline:
                    raise TooManyRequests(REFUSED)
                await asyncio.sleep(self.POLL_SECONDS)
            renew = asyncio.create_task(self._renew(slots_key, token, line_key, ttl_ms))
            try:
                yield
            finally:
                renew.cancel()
                await self.client.zrem(slots_key, token)
        finally:
            await self.client.decr(line_key)

    async def _try_take(self, slots_key: str, token: str) -> bool:
        now_ms = int(time.time() * 1000)
        args = [now_ms, self.concurrency, now_ms + self.LEASE_MS, token, self.LEASE_MS * 2]
        return bool(await self._take(keys=[slots_key], args=args))

    async def _renew(self, slots_key: str, token: str, line_key: str, line_ttl_ms: int) -> None:
        """Renew the lease of a running request, and the expiry of its line's keys: a request
        longer than that expiry must not lose its slot or its place in the count."""
        while True:
            await asyncio.sleep(self.LEASE_MS / 3000)
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.zadd(slots_key, {token: int(time.time() * 1000) + self.LEASE_MS})
                pipe.pexpire(slots_key, self.LEASE_MS * 2)
                pipe.pexpire(line_key, line_ttl_ms)
                await pipe.execute()

    async def close(self) -> None:
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
