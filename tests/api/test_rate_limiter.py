"""The per-key rate limiters themselves (leadpecker.http.ratelimit), driven with asyncio: the
in-process one, and the Redis one when Redis answers at 127.0.0.1:6379.

No test depends on timing: a line is known to be full when a newcomer is refused, whatever
order the clients joined in; "refused at once" means before a guard far shorter than the wait.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.harness.outages import redis_reachable

from leadpecker.http.ratelimit import LocalRateLimiter, RedisRateLimiter
from leadpecker.kit.errors import TooManyRequests

REDIS_URL = "redis://127.0.0.1:6379/0"
GUARD = 5.0  # seconds: far below the 15 s a waiting client may wait


@pytest.fixture(params=["local", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> Callable[..., Any]:
    if request.param == "redis" and not redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")

    def make(concurrency: int = 1, queue: int = 6, wait_seconds: float = 15.0) -> Any:
        if request.param == "local":
            return LocalRateLimiter(concurrency, queue, wait_seconds)
        return RedisRateLimiter(REDIS_URL, concurrency, queue, wait_seconds)

    return make


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


def new_key() -> str:
    return f"test-{uuid.uuid4().hex}"


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the other clients until ``condition`` holds (``run`` bounds the whole test)."""
    while not condition():  # noqa: ASYNC110 - the state is the limiter's, no event to wait on
        await asyncio.sleep(0.001)


@dataclass
class Crowd:
    """Clients of one key that, once let in, stay until ``leave`` is set."""

    limiter: Any
    key: str
    leave: asyncio.Event = field(default_factory=asyncio.Event)
    inside: int = 0
    most_inside: int = 0
    entered: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    holders: set[asyncio.Task[Any]] = field(default_factory=set)

    async def _client(self) -> None:
        async with self.limiter.hold(self.key):
            task = asyncio.current_task()
            assert task is not None
            self.holders.add(task)
            self.entered += 1
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            try:
                await self.leave.wait()
            finally:
                self.inside -= 1

    def join(self, count: int) -> list[asyncio.Task[None]]:
        new = [asyncio.create_task(self._client()) for _ in range(count)]
        self.tasks += new
        return new

    async def refusals(self, count: int) -> list[asyncio.Task[None]]:
        """Wait for ``count`` clients to be refused (at most GUARD seconds); return them."""
        refused: list[asyncio.Task[None]] = []
        pending = {task for task in self.tasks if not task.done()}
        deadline = asyncio.get_running_loop().time() + GUARD
        while len(refused) < count and pending:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            done, pending = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                assert isinstance(task.exception(), TooManyRequests), task
                refused.append(task)
        return refused

    async def dismiss(self) -> list[BaseException | None]:
        """Let everyone in line through; the outcome of each task not refused earlier."""
        self.leave.set()
        return await asyncio.gather(*self.tasks, return_exceptions=True)


@pytest.mark.parametrize(("concurrency", "queue"), [(1, 6), (2, 3), (1, 0)])
def test_the_line_holds_concurrency_plus_queue_and_refuses_the_rest_at_once(
    make_limiter, concurrency, queue
) -> None:
    async def scenario() -> None:
        limiter = make_limiter(concurrency, queue)
        key = new_key()
        try:
            for _round in range(2):  # the same key again: nothing leaked from the first round
                crowd = Crowd(limiter, key)
                crowd.join(concurrency + queue + 3)
                refused = await crowd.refusals(3)
                assert len(refused) == 3
                await until(lambda: crowd.inside == concurrency)  # noqa: B023 - awaited here
                outcomes = await crowd.dismiss()
                assert sum(isinstance(o, TooManyRequests) for o in outcomes) == 3
                assert sum(o is None for o in outcomes) == concurrency + queue
                assert crowd.entered == concurrency + queue
                assert crowd.most_inside == concurrency
        finally:
            await limiter.close()

    run(scenario)


def test_a_waiting_client_gives_up_after_the_wait(make_limiter) -> None:
    async def scenario() -> None:
        limiter = make_limiter(1, 6, wait_seconds=0.2)
        try:
            crowd = Crowd(limiter, new_key())
            crowd.join(1)
            await until(lambda: crowd.inside == 1)
            crowd.join(2)  # the line has room: only the wait can refuse them
            assert len(await crowd.refusals(2)) == 2
            assert crowd.entered == 1
            await crowd.dismiss()
            # The slot is free again.
            async with limiter.hold(crowd.key):
                pass
        finally:
            await limiter.close()

    run(scenario)


def test_the_slot_is_released_when_the_request_fails(make_limiter) -> None:
    async def scenario() -> None:
        limiter = make_limiter(1, 6)
        key = new_key()
        try:
            with pytest.raises(ValueError, match="boom"):
                async with limiter.hold(key):
                    raise ValueError("boom")  # the error is the caller's, not swallowed
            crowd = Crowd(limiter, key)
            crowd.join(8)
            assert len(await crowd.refusals(1)) == 1
            await until(lambda: crowd.inside == 1)  # the slot came back
            outcomes = await crowd.dismiss()
            assert sum(o is None for o in outcomes) == 7  # and so did the place in line
        finally:
            await limiter.close()

    run(scenario)


def test_a_client_cancelled_in_flight_gives_its_slot_and_place_back(make_limiter) -> None:
    async def scenario() -> None:
        limiter = make_limiter(1, 2)
        try:
            crowd = Crowd(limiter, new_key())
            crowd.join(4)
            assert len(await crowd.refusals(1)) == 1  # line full: 1 in flight, 2 waiting
            await until(lambda: crowd.inside == 1)
            (holder,) = crowd.holders
            holder.cancel()
            await asyncio.gather(holder, return_exceptions=True)
            await until(lambda: crowd.entered == 2)  # the next one is let in
            crowd.join(1)  # and the place came free: not refused
            outcomes = await crowd.dismiss()
            assert sum(o is None for o in outcomes) == 3
            assert sum(isinstance(o, TooManyRequests) for o in outcomes) == 1
        finally:
            await limiter.close()

    run(scenario)


def test_a_client_cancelled_while_waiting_leaves_the_line() -> None:
    """In-process limiter only: redis-py (8.1, on Python 3.11) now and then swallows a
    cancellation that arrives mid-command, so a cancelled Redis waiter may stay in line until
    its wait ends. Uvicorn does not cancel a request whose client left, so this matters only
    at shutdown."""

    async def scenario() -> None:
        crowd = Crowd(LocalRateLimiter(1, 2, 15.0), new_key())
        crowd.join(4)
        assert len(await crowd.refusals(1)) == 1  # line full: 1 in flight, 2 waiting
        await until(lambda: crowd.inside == 1)
        waiting = [t for t in crowd.tasks if not t.done() and t not in crowd.holders]
        waiting[0].cancel()
        await asyncio.gather(waiting[0], return_exceptions=True)
        crowd.join(1)  # its place came free: not refused
        outcomes = await crowd.dismiss()
        assert sum(o is None for o in outcomes) == 3
        assert sum(isinstance(o, TooManyRequests) for o in outcomes) == 1

    run(scenario)


def test_keys_have_separate_lines(make_limiter) -> None:
    async def scenario() -> None:
        limiter = make_limiter(1, 6)
        try:
            full = Crowd(limiter, new_key())
            full.join(8)
            assert len(await full.refusals(1)) == 1
            other = Crowd(limiter, new_key())
            other.join(1)
            await until(lambda: other.entered == 1)  # enters although the first line is full
            assert full.inside == 1
            await other.dismiss()
            await full.dismiss()
        finally:
            await limiter.close()

    run(scenario)


def test_redis_limiters_of_two_processes_share_one_line() -> None:
    if not redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")

    async def scenario() -> None:
        first, second = (RedisRateLimiter(REDIS_URL, 1, 6, 15.0) for _ in range(2))
        try:
            key = new_key()
            crowds = [Crowd(first, key), Crowd(second, key)]
            crowds[1].leave = crowds[0].leave
            for crowd in crowds:
                crowd.join(4)
            pending = [t for crowd in crowds for t in crowd.tasks]
            done, _ = await asyncio.wait(pending, timeout=GUARD, return_when=asyncio.FIRST_COMPLETED)
            assert len(done) == 1
            assert isinstance(done.pop().exception(), TooManyRequests)
            await until(lambda: crowds[0].inside + crowds[1].inside == 1)
            outcomes = [o for crowd in crowds for o in await crowd.dismiss()]
            assert sum(o is None for o in outcomes) == 7
            assert max(crowds[0].most_inside, crowds[1].most_inside) == 1
        finally:
            await first.close()
            await second.close()

    run(scenario)


def test_a_redis_line_outlives_its_longest_request() -> None:
    """A request that runs longer than the keys' expiry keeps its slot and its place in line
    (the lease is shortened here from 30 s to 0.6 s, so the request needs only 1.5 s)."""
    if not redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")

    async def scenario() -> None:
        short = RedisRateLimiter(REDIS_URL, 1, 6, wait_seconds=0.05)
        short.LEASE_MS = 600  # keys expire after ~0.65 s (line) and 1.2 s (slots) unless renewed
        patient = RedisRateLimiter(REDIS_URL, 1, 6, wait_seconds=15.0)
        key = new_key()
        try:
            long_one = Crowd(short, key)
            long_one.join(1)
            await until(lambda: long_one.inside == 1)
            await asyncio.sleep(1.5)
            long_one.join(1)  # the slot is still taken: this one gives up after its wait
            assert len(await long_one.refusals(1)) == 1
            assert long_one.most_inside == 1
            await long_one.dismiss()
            # The line's count survived: seven fit, the eighth is refused.
            crowd = Crowd(patient, key)
            crowd.join(8)
            assert len(await crowd.refusals(1)) == 1
            outcomes = await crowd.dismiss()
            assert sum(o is None for o in outcomes) == 7
        finally:
            await short.close()
            await patient.close()

    run(scenario)
