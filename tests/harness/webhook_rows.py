"""Webhook subscriptions arranged and outbox rows read straight from the database: for tests of
what leadpecker's own writes put in the outbox, without the subscribe endpoint or a receiver.

A subscription made here points at a port nothing listens on, so a dispatcher running beside
the test keeps its events (it retries); the tests read the outbox rows, whatever their
delivery state."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.models import WebhookSubscription
from tests.harness.database import DirectDatabase, db_rows
from tests.harness.names import tag

# Port 9 (discard): refused on a test machine, so nothing is ever delivered.
NOWHERE = "http://127.0.0.1:9/hooks"


def subscribe(database_url: str, account_id: int, event: str, target_url: str | None = None) -> int:
    """Insert an active subscription of ``account_id`` to ``event``; its id. Each call gets a
    URL of its own unless ``target_url`` is given."""

    async def work(conn: AsyncConnection) -> int:
        statement = (
            insert(WebhookSubscription)
            .values(
                account_id=account_id,
                event=event,
                target_url=target_url or f"{NOWHERE}/{tag()}",
                created_at=datetime.now(UTC),
            )
            .returning(WebhookSubscription.id)
        )
        return (await conn.execute(statement)).scalar_one()

    return DirectDatabase(database_url).run(work)


def end_subscription(database_url: str, subscription_id: int) -> None:
    """End a subscription (as an unsubscribe or a 410 answer would)."""

    async def work(conn: AsyncConnection) -> None:
        await conn.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription_id)
            .values(ended_at=datetime.now(UTC), ended_reason="ended by the test")
        )

    DirectDatabase(database_url).run(work)


def outbox(database_url: str, subscription_id: int) -> list[dict[str, Any]]:
    """A subscription's outbox rows in the order they were written, each with its ``body``
    parsed (``body``) beside its columns (``event``, ``event_id``, ``prospect_id``)."""
    rows = db_rows(
        database_url,
        "SELECT id, account_id, event, event_id, prospect_id, body FROM webhook_outbox "
        "WHERE subscription_id = :subscription ORDER BY id",
        subscription=subscription_id,
    )
    for row in rows:
        row["body"] = json.loads(row["body"])
    return rows


def bodies(database_url: str, subscription_id: int) -> list[dict[str, Any]]:
    """The events a subscription is owed, as the receiver would get them."""
    return [row["body"] for row in outbox(database_url, subscription_id)]


def account_outbox_count(database_url: str, account_id: int) -> int:
    return db_rows(
        database_url, "SELECT count(*) AS n FROM webhook_outbox WHERE account_id = :a", a=account_id
    )[0]["n"]
