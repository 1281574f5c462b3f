"""Webhooks in tests, one way to do each thing:

- settings: ``FAST`` (small delivery settings), ``hooks_database`` (a database of its own whose
  server's embedded dispatcher has them), ``start_dispatcher`` / ``wait_for_line`` (the
  standalone ``leadpecker webhooks dispatch``);
- subscriptions: ``subscribe`` / ``end_subscription`` straight in the database (no endpoint);
  ``subscribe_through_api`` / ``unsubscribe_through_api`` as a client does;
- events: ``emit`` writes them through the outbox writer other features call
  (``WebhookOutbox``), in a transaction of its own;
- what is owed and what happened: ``outbox`` (rows with their bodies decoded), ``bodies``,
  ``states``, ``wait_until_settled``, ``attempts``, ``subscription``;
- ``stocked_account``: an account with the documented example's prospect (``ERLICH``) in a
  campaign, with a sent email, a click and a reply loaded.

A subscription made without a URL points at port 9 (discard, ``NOWHERE``), refused on a test
machine: a dispatcher running beside the test keeps its events (it retries), and the tests read
the outbox rows, whatever their delivery state.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.kit.db import Database
from leadpecker.models import WebhookSubscription
from leadpecker.settings import Settings
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.outbox import WebhookOutbox
from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import DirectDatabase, new_database
from tests.harness.files import write_csv
from tests.harness.names import tag
from tests.harness.server import Server, start_server

SUBSCRIBE = "/rest/v1/webhooks/subscribe"
UNSUBSCRIBE = "/rest/v1/webhooks/unsubscribe"
LIST = "/rest/v2/webhooks"

# Port 9 (discard): refused on a test machine, so nothing is ever delivered.
NOWHERE = "http://127.0.0.1:9/hooks"

# Small delivery settings for tests (LEADPECKER_* names without the prefix).
FAST = {
    "webhook_batch_window_seconds": "0.1",
    "webhook_poll_seconds": "0.05",
    "webhook_retry_base_seconds": "0.05",
    "webhook_retry_max_seconds": "0.4",
    "webhook_timeout_seconds": "1",
}


def nowhere() -> str:
    """A target URL no other test uses, at ``NOWHERE``."""
    return f"{NOWHERE}/{tag()}"


# --- a database of its own, its dispatchers ----------------------------------------------------


@dataclass
class Hooks:
    """A database of its own with a server whose embedded dispatcher has the small settings:
    no other test's dispatcher (default settings) works on it."""

    url: str
    cli: Cli
    server: Server
    workdir: Path


@contextmanager
def hooks_database(backend: str, workdir: Path, **settings: str) -> Iterator[Hooks]:
    """A fresh database of ``backend`` and a server on it with ``FAST`` and ``settings``;
    stopped and dropped at the end."""
    url, drop = new_database(backend, workdir)
    try:
        server = start_server(url, workdir, **{**FAST, **settings})
        try:
            yield Hooks(url, Cli(url), server, workdir)
        finally:
            server.stop()
    finally:
        drop()


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


# --- subscriptions -----------------------------------------------------------------------------


def subscribe(database_url: str, account_id: int, event: str, target_url: str | None = None) -> int:
    """Insert an active subscription of ``account_id`` to ``event``; its id. Each call gets a
    URL of its own (``nowhere()``) unless ``target_url`` is given."""

    async def work(conn: AsyncConnection) -> int:
        statement = (
            insert(WebhookSubscription)
            .values(
                account_id=account_id,
                event=event,
                target_url=target_url or nowhere(),
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


def subscribe_through_api(api: httpx.Client, event: str, target_url: str | None = None) -> str:
    """``POST /rest/v1/webhooks/subscribe``, which must answer 201; the URL subscribed (one of
    its own, ``nowhere()``, unless ``target_url`` is given)."""
    url = target_url or nowhere()
    response = api.post(SUBSCRIBE, json={"target_url": url, "event": event})
    assert response.status_code == 201, response.text
    return url


def unsubscribe_through_api(api: httpx.Client, event: str, target_url: str) -> None:
    """``POST /rest/v1/webhooks/unsubscribe``, which must answer 200."""
    response = api.post(UNSUBSCRIBE, json={"target_url": target_url, "event": event})
    assert response.status_code == 200, response.text


def subscription(database_url: str, subscription_id: int) -> dict[str, Any]:
    """The subscription's row."""
    return DirectDatabase(database_url).rows(
        "SELECT * FROM webhook_subscriptions WHERE id = :id", id=subscription_id
    )[0]


# --- events ------------------------------------------------------------------------------------


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


# --- what is owed, what happened ---------------------------------------------------------------


def outbox(
    database_url: str,
    subscription_id: int | None = None,
    *,
    account_id: int | None = None,
    event: str | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows of a subscription, or of an account (and of one ``event``), in the order
    they were written: every column, with ``body`` decoded."""
    where = {"subscription_id": subscription_id, "account_id": account_id, "event": event}
    given = {column: value for column, value in where.items() if value is not None}
    assert given, "outbox() of what? give a subscription or an account"
    condition = " AND ".join(f"{column} = :{column}" for column in given)
    rows = DirectDatabase(database_url).rows(
        f"SELECT * FROM webhook_outbox WHERE {condition} ORDER BY id", **given
    )
    return [{**row, "body": json.loads(row["body"])} for row in rows]


def bodies(database_url: str, subscription_id: int) -> list[dict[str, Any]]:
    """The events a subscription is owed, as the receiver would get them."""
    return [row["body"] for row in outbox(database_url, subscription_id)]


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


def attempts(database_url: str, subscription_id: int) -> list[dict[str, Any]]:
    """The subscription's delivery attempts, oldest first."""
    return DirectDatabase(database_url).rows(
        "SELECT * FROM webhook_attempts WHERE subscription_id = :id ORDER BY id", id=subscription_id
    )


# --- an account stocked with the documented example's prospect ---------------------------------

# The prospect of the pages' examples ("Prospect saved" and the others), every field given.
ERLICH = {
    "first_name": "Erlich",
    "last_name": "Bachman",
    "company": "Bachmanity",
    "website": "https://bachmanity.com",
    "linkedin_url": "https://linkedin.com/erlich-bachman",
    "tags": "#VISIONARY",
    "title": "CEO",
    "phone": "+1 987-654-321",
    "address": "700 Welch Road",
    "city": "Palo Alto",
    "country": "United States",
    "snippet1": "You are running a successful startup incubator Bachmanity",
    "snippet_labels": {"my snippet label": "You are running a successful startup incubator Bachmanity"},
    "industry": "IT",
    "state": "California",
}


@dataclass
class Stocked:
    """An account with one prospect enrolled in one campaign, its activity loaded."""

    account: AccountInfo
    email: str
    prospect_id: int
    campaign_id: int
    api: httpx.Client
    database_url: str

    def subscribe(self, event: str, url: str | None = None) -> str:
        """Subscribe through the API (``subscribe_through_api``); the URL."""
        return subscribe_through_api(self.api, event, url)

    def outbox(self, event: str) -> list[dict[str, Any]]:
        """The account's outbox rows of ``event``, oldest first, with their bodies decoded."""
        return outbox(self.database_url, account_id=self.account.id, event=event)


def stocked_account(cli: Cli, server: Server, directory: Path) -> Stocked:
    account = cli.new_account()
    email = f"erlich-{tag()}@bachmanity.com"
    api = server.client(account.api_key)
    response = api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": email, **ERLICH}]})
    assert response.status_code == 200, response.text
    prospect_id = response.json()["prospects"][0]["id"]
    campaigns = write_csv(
        directory / f"campaigns-{tag()}.csv",
        ["name", "status", "from_name", "from_email"],
        [("SaaS in America", "RUNNING", "Jared Dunn", "jared.dunn@piedpiper.com")],
    )
    output = cli("campaigns", "import", str(campaigns), "--account", account.name, "--json")
    campaign_id = json.loads(output.strip().splitlines()[-1])[0]["id"]
    enrolments = write_csv(
        directory / f"enrol-{tag()}.csv",
        ["campaign", "email", "status", "interested"],
        [("SaaS in America", email, "ACTIVE", "INTERESTED")],
    )
    cli("enrolments", "import", str(enrolments), "--account", account.name)
    activity = directory / f"activity-{tag()}.jsonl"
    events = [
        {"kind": "SENT", "occurred_at": "2025-03-20T13:32:34Z"},
        {"kind": "SENT", "occurred_at": "2025-03-21T10:25:40Z"},
        {"kind": "CLICKED", "occurred_at": "2025-03-21T19:40:00Z", "url": "https://google.com"},
        {
            "kind": "REPLIED",
            "occurred_at": "2025-03-21T19:47:40Z",
            "subject": "Reply message subject",
            "message": "reply content",
            "step": 2,
            "campaign_email_sent": 2,
        },
    ]
    activity.write_text(
        "".join(
            json.dumps({"email": email, "campaign": "SaaS in America", **event}) + "\n" for event in events
        )
    )
    cli("activity", "import", str(activity), "--account", account.name)
    return Stocked(account, email, prospect_id, campaign_id, api, server.database_url)
