"""The service's own pages: is the process alive, and is it ready to serve.

- ``/healthz`` (liveness): the process answers; no I/O, so a database or Redis outage never
  makes an orchestrator restart a process that would come back to the same outage.
- ``/readyz`` (readiness): 200 when the API can serve, 503 when it cannot, and a body naming
  each check — the database answers, its schema is at this code's migration head, and (when the
  rate limit is shared through Redis) Redis answers. Redis down is ``degraded``, not down: the
  API goes on serving with a per-process rate limit.
- ``/health``: the page leadpecker always had, which checked the database; now the same as
  ``/readyz``, so that what it says is the whole truth.

Not under /rest: no key, no rate limit, no API envelope.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from leadpecker.http.dependencies import DatabaseDep, MigrationHeads, RateLimiterDep
from leadpecker.http.envelopes import RETRY_AFTER_SECONDS
from leadpecker.http.ratelimit import RateLimiter, RedisRateLimiter
from leadpecker.kit.db import Database
from leadpecker.kit.json import JsonResponse
from leadpecker.kit.migrate import applied_revisions
from leadpecker.kit.outages import database_unavailable

# A probe must answer before the prober gives up on it (Kubernetes waits 1 s by default): a
# database that has not answered in 2 s is reported down rather than waited for.
READINESS_TIMEOUT_SECONDS = 2.0

OK = "ok"
DEGRADED = "degraded: per-process fallback"
DOWN = "down"


class Check(BaseModel):
    state: Literal["ok", "degraded: per-process fallback", "down"]
    reason: str = Field(examples=["answered in 0.4 ms"])


class Readiness(BaseModel):
    """Ready (200): every check ok, or degraded but serving. Not ready (503): a check is down."""

    status: Literal["ok", "degraded", "down"]
    checks: dict[str, Check] = Field(
        description="database (reachable), migrations (at head), redis (only when the rate limit "
        "is shared through Redis)"
    )


class Liveness(BaseModel):
    status: Literal["ok"]


router = APIRouter(tags=["service"])
_READINESS: dict[str, Any] = {
    "response_model": Readiness,
    "responses": {503: {"model": Readiness, "description": "Not ready: a check is down (with Retry-After)"}},
}


@router.get("/healthz", summary="Liveness: the process answers (no I/O)")
async def healthz() -> Liveness:
    return Liveness(status="ok")


@router.get("/health", summary="The same as /readyz (kept for existing monitors)", **_READINESS)
@router.get("/readyz", summary="Readiness: database, migrations and Redis", **_READINESS)
async def readiness(db: DatabaseDep, heads: MigrationHeads, limiter: RateLimiterDep) -> JsonResponse:
    checks, redis = await asyncio.gather(_database_checks(db, heads), _redis_check(limiter))
    if redis is not None:
        checks["redis"] = redis
    states = {check.state for check in checks.values()}
    status = "down" if DOWN in states else "degraded" if DEGRADED in states else "ok"
    body = Readiness(status=status, checks=checks).model_dump()
    if status == "down":
        return JsonResponse(body, 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return JsonResponse(body)


async def _database_checks(db: Database, heads: set[str]) -> dict[str, Check]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            # On SQLite through the driver's thread: a locked file must not hold up the loop.
            applied = await db.read_sync(applied_revisions)
    except Exception as error:  # noqa: BLE001 - whatever it is, it is the reason the check failed
        reason = database_unavailable(error) or f"{type(error).__name__}: {error}"
        return {
            "database": Check(state=DOWN, reason=reason),
            "migrations": Check(state=DOWN, reason="not known: the database does not answer"),
        }
    database = Check(state=OK, reason=f"answered in {(time.perf_counter() - started) * 1000:.1f} ms")
    if applied == heads:
        return {"database": database, "migrations": Check(state=OK, reason=f"at head {', '.join(heads)}")}
    at = ", ".join(sorted(applied)) or "no revision"
    reason = f"at {at}, this code needs {', '.join(sorted(heads))}: run any leadpecker command to migrate"
    return {"database": database, "migrations": Check(state=DOWN, reason=reason)}


async def _redis_check(limiter: RateLimiter | None) -> Check | None:
    if not isinstance(limiter, RedisRateLimiter):
        return None  # Redis is not configured, or the rate limit (its only use) is off
    await limiter.probe()
    if limiter.degraded:
        return Check(state=DEGRADED, reason=limiter.reason)
    return Check(state=OK, reason="the rate limit is shared through Redis")
