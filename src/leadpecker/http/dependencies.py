"""What the application hands an endpoint: its database, its settings and the other objects
the process holds, as ``Annotated`` aliases for the endpoints' signatures.

app.py builds these objects and keeps them on ``app.state``; the functions below are the only
other code that reads it, so an endpoint says in its signature what it uses, and a test or a
second application can hand it something else (``app.dependency_overrides``). Each is an
``async def``: FastAPI runs a plain ``def`` dependency on its thread pool, a hand-over that
would cost every request more than the lookup itself.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request

from leadpecker.http.ratelimit import RateLimiter
from leadpecker.kit.db import Database
from leadpecker.settings import Settings


async def database(request: Request) -> Database:
    return request.app.state.db


async def settings(request: Request) -> Settings:
    return request.app.state.settings


async def work_available(request: Request) -> asyncio.Event:
    return request.app.state.work_available


async def rate_limiter(request: Request) -> RateLimiter | None:
    return request.app.state.rate_limiter


async def migration_heads(request: Request) -> set[str]:
    return request.app.state.migration_heads


DatabaseDep = Annotated[Database, Depends(database)]
SettingsDep = Annotated[Settings, Depends(settings)]
# Set when enrichments are queued, so that an idle embedded worker starts at once instead of at
# its next poll.
WorkAvailable = Annotated[asyncio.Event, Depends(work_available)]
# None when the rate limit is off.
RateLimiterDep = Annotated[RateLimiter | None, Depends(rate_limiter)]
# The revisions this code's migrations end at, read once at start-up.
MigrationHeads = Annotated[set[str], Depends(migration_heads)]
