"""Webhook subscriptions and events for tests, and the standalone dispatcher.

``subscribe`` inserts a subscription row and ``emit`` writes events through the outbox writer
other features call (``WebhookOutbox``), in a transaction of their own: what the API does once
its subscribe endpoint and its events exist. Switch these two to the API then; the tests that
use them need not change.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.settings import Settings
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.outbox import WebhookOutbox
from leadpecker.webhooks.repository import SubscriptionRepository
from tests.harness.database import DirectDatabase

# Small delivery settings for tests (LEADPECKER_* names without the prefix).
FAST = {
    "webhook_batch_window_seconds": "0.1",
    "webhook_poll_seconds": "0.05",
    "webhook_retry_base_seconds": "0.05",
    "webhook_retry_max_seconds": "0.4",
    "webhook_timeout_seconds": "1",
}


def subscribe(database_url: str, account_id: int, url: str, event: str = "prospect_saved") -> int:
    """A subscription of ``account_id`` to ``event`` at ``url``; its id."""

    async def run() -> int:
        db = Database(Settings(database_url=database_url))
        try:
            async with db.write() as conn:
                return await SubscriptionRepository(conn, account_id).add(event, url, utcnow())
        finally:
            await db.dispose()

    return asyncio.run(run())


def emit(
    database_url: str, account_id: int, count: int, event: str = "prospect_saved", **keys: Any
) -> list[str]:
    """``count`` events of ``event`` in one transaction (each with ``seq`` 0…count−1 and
    ``keys`` in its body), one outbox row per active subscription; their event ids, in order."""

    async def run() -> list[str]:
        db = Database(Settings(database_url=database_url))
        try:
            async with db.write() as conn:
                objects = [(None, {"seq": seq, **keys}) for seq in range(count)]
                await WebhookOutbox(conn, account_id).objects(WebhookEvent(event), objects)
                newest = await conn.execute(
                    text(
                        "SELECT event_id, min(id) AS first FROM webhook_outbox "
                        "WHERE account_id = :account AND event = :event "
                        "GROUP BY event_id ORDER BY first DESC LIMIT :count"
                    ),
                    {"account": account_id, "event": event, "count": count},
                )
                return [row.event_id for row in newest][::-1]
        finally:
            await db.dispose()

    return asyncio.run(run())


def subscription(database_url: str, subscription_id: int) -> dict[str, Any]:
    return DirectDatabase(database_url).rows(
        "SELECT * FROM webhook_subscriptions WHERE id = :id", id=subscription_id
    )[0]


def attempts(database_url: str, subscription_id: int) -> list[dict[str, Any]]:
    """The subscription's delivery attempts, oldest first."""
    return DirectDatabase(database_url).rows(
        "SELECT * FROM webhook_attempts WHERE subscription_id = :id ORDER BY id", id=subscription_id
    )


def states(database_url: str, subscription_id: int) -> dict[str, int]:
    """How many of the subscription's outbox rows are in each state."""
    rows = DirectDatabase(database_url).rows(
        "SELECT state, count(*) AS n FROM webhook_outbox WHERE subscription_id = :id GROUP BY state",
        id=subscription_id,
    )
    return {row["state"]: row["n"] for row in rows}


def wait_until_settled(database_url: str, subscription_id: int, timeout: float = 30) -> dict[str, int]:
    """Wait until none of the subscription's events is pending; their states then."""
    deadline = time.monotonic() + timeout
    while (counted := states(database_url, subscription_id)).get("PENDING"):
        if time.monotonic() > deadline:
            raise AssertionError(f"events still pending after {timeout} s: {counted}")
        time.sleep(0.05)
    return counted


def start_dispatcher(database_url: str, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """``leadpecker webhooks dispatch`` as an operator runs it, with LEADPECKER_* ``settings``;
    output goes to ``log`` (it writes "webhook dispatcher started" once it works)."""
    env = {**os.environ, "LEADPECKER_DATABASE_URL": database_url}
    env.update({f"LEADPECKER_{name.upper()}": value for name, value in settings.items()})
    command = [sys.executable, "-m", "leadpecker", "webhooks", "dispatch"]
    with log.open("wb") as output:  # the child keeps its own descriptor of it
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_for_line(log: Path, line: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while line not in (logged := log.read_text(errors="replace")):
        if process.poll() is not None:
            raise AssertionError(f"the process exited:\n{logged}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{line!r} not logged within {timeout} s:\n{logged}")
        time.sleep(0.05)
