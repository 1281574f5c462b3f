"""Redis down is not the API down: the rate limit falls back to a line per process (and says
so in the log and /readyz), and returns to the shared line by itself when Redis is back.

Redis here is a private ``redis-server`` the test kills and restarts on the same port; the
servers are real ``leadpecker serve`` processes (rate limit in front of the database: SQLite
only, as the other rate-limit tests).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.harness.http import answered_early
from tests.harness.names import new_emails
from tests.harness.outages import PrivateRedis
from tests.harness.prospects import add_emails, statuses
from tests.harness.rate_limit import LINE, assert_refused, assert_served

from leadpecker.http.ratelimit import RedisRateLimiter
from leadpecker.kit.errors import TooManyRequests

FELL_BACK = "the rate limit falls back to a per-process line"
RETURNED = "the rate limit is shared through Redis again"


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    private = PrivateRedis().start()
    yield private
    private.kill()


def slots_in_redis(redis: PrivateRedis, line_id: str) -> int:
    """How many requests of the line hold a slot in Redis now."""
    import redis as redis_py

    with redis_py.Redis.from_url(redis.url) as client:
        return int(client.zcard(f"leadpecker:rl:{line_id}:slots"))


def line_of(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()  # as the middleware names it


def test_without_redis_the_api_serves_on_a_line_per_process_and_goes_back_to_redis(
    standalone, redis, line
) -> None:
    key = standalone.account().api_key  # migrates the database first: the servers start together
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: standalone.start(redis_url=redis.url), range(2))

    # Redis goes away while a request holds its slot there.
    (holding,) = line.hold(first, key, 1)
    deadline = time.monotonic() + 10
    while slots_in_redis(redis, line_of(key)) == 0:
        assert time.monotonic() < deadline, "the request never took its slot in Redis"
        time.sleep(0.01)
    redis.kill()
    assert_served([holding])  # its release fails quietly: the answer is the request's own

    # Both processes go on serving, each with a line of its own, and say why.
    for server in (first, second):
        with server.client(key) as client:
            assert statuses(add_emails(client, new_emails(1))) == ["OK"]
            response = client.get("/readyz")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"]["database"]["state"] == "ok"
        assert body["checks"]["redis"]["state"] == "degraded: per-process fallback"
        assert body["checks"]["redis"]["reason"]
        assert "WARNING" in server.log() and FELL_BACK in server.log()
    held = line.hold(first, key, LINE + 1)  # the per-process line still limits
    refused = answered_early(held, 1)
    assert len(refused) == 1
    assert_refused(refused)
    assert_served([request for request in held if request not in refused])

    # Redis comes back on the same port: requests alone (no /readyz) bring both processes back.
    redis.start()
    deadline = time.monotonic() + RedisRateLimiter.RETRY_SECONDS + 20
    while not all(RETURNED in server.log() for server in (first, second)):
        assert time.monotonic() < deadline, "the rate limit did not go back to Redis"
        for server in (first, second):
            with server.client(key) as client:
                assert statuses(add_emails(client, new_emails(1))) == ["OK"]
        time.sleep(0.5)
    # One line across both processes again: four in each would fit a line of their own.
    held = line.hold(first, key, 4) + line.hold(second, key, 4)
    refused = answered_early(held, 1)
    assert len(refused) == 1
    assert_refused(refused)
    assert_served([request for request in held if request not in refused])


def test_the_limiter_itself_falls_back_and_returns(redis) -> None:
    """The same at the limiter's level: no error ever reaches the caller, the fallback still
    limits, and ``degraded`` (what /readyz and the metrics read) tells the state."""

    async def scenario() -> None:
        limiter = RedisRateLimiter(redis.url, 1, 0, 15.0)
        try:
            async with limiter.hold("k"):
                assert not limiter.degraded
                redis.kill()
            assert limiter.degraded  # the release found Redis gone, and said nothing
            async with limiter.hold("k"):  # served by the fallback, which still limits
                with pytest.raises(TooManyRequests):
                    async with limiter.hold("k"):
                        pass
            with pytest.raises(ValueError, match="the caller's"):
                async with limiter.hold("k"):
                    raise ValueError("the caller's")  # passed through, not taken for Redis's
            redis.start()
            deadline = time.monotonic() + RedisRateLimiter.RETRY_SECONDS + 10
            while limiter.degraded:
                assert time.monotonic() < deadline
                async with limiter.hold("k"):
                    pass
                await asyncio.sleep(0.1)
            async with limiter.hold("k"):
                assert slots_in_redis(redis, "k") == 1
        finally:
            await limiter.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
