"""Helpers of the enrichment suite: the three endpoints over HTTP, a poller with a deadline,
leads loaded the way an operator loads them, a direct look at the rows the API does not show
(ledger, provenance, prospect fields), and a :class:`Deployment` to hold them together.

The direct database access only *reads*, except ``Store.age_batch``, which arranges time
(moves a batch's ``created_at`` into the past) so the 24-hour window can be tested without
waiting a day.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.leads.schemas import LEAD_FILE_COLUMNS
from leadpecker.models import EnrichmentBatch, EnrichmentItem
from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import DirectDatabase, new_database
from tests.harness.names import tag
from tests.harness.prospects import add_prospects
from tests.harness.server import Server, start_server

QUEUE = "/rest/v2/lead_finder/prospects/enrichments"
QUERY = f"{QUEUE}/statuses/query"
PRICE = 1_500  # millis: 1.5 credits per enriched prospect
RECORD_KEYS = ["uuid", "prospect_email", "created", "status"]
# The reference's form: ISO 8601, seconds, a colon in the offset (UTC here).
CREATED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
LEAD_COLUMNS = LEAD_FILE_COLUMNS


# --- the API ---------------------------------------------------------------------------------


def queue(client: httpx.Client, prospects: list[dict[str, Any]] | list[str]) -> dict[str, Any]:
    """POST a queue request (emails alone or full entries); asserts 200, returns the body."""
    entries = [{"email": p} if isinstance(p, str) else p for p in prospects]
    response = client.post(QUEUE, json={"prospects": entries})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["uuid", "prospects_count", "total_prospects_count", "status"], body
    return body


def query(client: httpx.Client, emails: list[str] | None = None) -> list[dict[str, Any]]:
    """The statuses query: without emails an empty object, else the emails filter."""
    response = client.post(QUERY, json={} if emails is None else {"emails": emails})
    return records_of(response)


def batch(client: httpx.Client, batch_uuid: str) -> list[dict[str, Any]]:
    return records_of(client.get(f"{QUEUE}/{batch_uuid}"))


def records_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The records of a 200 listing, each checked for the reference's shape."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["prospect_enrichments"], body
    for record in body["prospect_enrichments"]:
        assert list(record) == RECORD_KEYS, record
        assert CREATED.match(record["created"]), record
        assert record["status"] in ("PENDING", "PROCESSED_ENRICHED", "PROCESSED_NOT_ENRICHED"), record
        uuid.UUID(record["uuid"])
    return body["prospect_enrichments"]


def statuses_by_email(records: list[dict[str, Any]]) -> dict[str, str]:
    by_email: dict[str, str] = {}
    for record in records:
        assert record["prospect_email"] not in by_email, f"two records of one prospect: {records}"
        by_email[record["prospect_email"]] = record["status"]
    return by_email


def wait_until_processed(client: httpx.Client, batch_uuid: str, timeout: float = 30) -> list[dict[str, Any]]:
    """Poll the batch until no record is PENDING; fail with what was seen after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        records = batch(client, batch_uuid)
        if records and all(record["status"] != "PENDING" for record in records):
            return records
        if time.monotonic() > deadline:
            raise AssertionError(f"batch {batch_uuid} still pending after {timeout} s: {records}")
        time.sleep(0.02)


# --- leads -------------------------------------------------------------------------------------


def write_leads(path: Path, leads: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, LEAD_COLUMNS)
        writer.writeheader()
        for lead in leads:
            writer.writerow({column: lead.get(column, "") for column in LEAD_COLUMNS})
    return path


def full_lead(email: str, **fields: str) -> dict[str, str]:
    """A lead with every column set (values derived from the email unless given)."""
    name = email.split("@")[0]
    lead = {
        "email": email,
        "first_name": f"First-{name}",
        "last_name": f"Last-{name}",
        "linkedin_url": f"https://www.linkedin.com/in/{name}",
        "title": "Head of Growth",
        "phone": "+48 600 100 200",
        "company_name": "Hooli",
        "company_website": "https://hooli.example",
        "industry": "Software",
        "address": "1 Infinite Loop",
        "city": "Palo Alto",
        "state": "CA",
        "country": "United States",
    }
    lead.update(fields)
    return lead


# Lead column → prospect column.
LEAD_TO_PROSPECT = {
    "first_name": "first_name",
    "last_name": "last_name",
    "linkedin_url": "linkedin_url",
    "title": "title",
    "phone": "phone",
    "company_name": "company",
    "company_website": "website",
    "industry": "industry",
    "address": "address",
    "city": "city",
    "state": "state",
    "country": "country",
}


# --- the database, read directly ---------------------------------------------------------------


class Store(DirectDatabase):
    """Direct reads of one database's credits, enrichment items and enriched fields."""

    def balance(self, account_id: int) -> int:
        return self.value("SELECT credit_millis FROM accounts WHERE id = :a", a=account_id)

    def prospect(self, account_id: int, email: str) -> dict[str, Any]:
        rows = self.rows(
            "SELECT * FROM prospects WHERE account_id = :a AND email = :e", a=account_id, e=email
        )
        assert len(rows) == 1, (email, rows)
        return rows[0]

    def provenance(self, account_id: int, email: str) -> dict[str, dict[str, Any]]:
        rows = self.rows(
            "SELECT fp.* FROM field_provenance fp JOIN prospects p ON p.id = fp.prospect_id "
            "WHERE p.account_id = :a AND p.email = :e",
            a=account_id,
            e=email,
        )
        return {row["field"]: row for row in rows}

    def ledger(self, account_id: int) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM credit_ledger WHERE account_id = :a ORDER BY id", a=account_id)

    def items(self, account_id: int) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM enrichment_items WHERE account_id = :a ORDER BY id", a=account_id)

    def age_batch(self, batch_uuid: str, hours: float) -> None:
        """Move a batch's records ``hours`` into the past (arranging time, not mocking)."""
        items = cast(Table, EnrichmentItem.__table__)

        async def work(conn: AsyncConnection) -> None:
            batch_id = select(EnrichmentBatch.__table__.c.id).where(
                EnrichmentBatch.__table__.c.uuid == batch_uuid
            )
            rows = (
                await conn.execute(
                    select(items.c.id, items.c.created_at).where(
                        items.c.batch_id == batch_id.scalar_subquery()
                    )
                )
            ).all()
            assert rows, f"no items for batch {batch_uuid}"
            for item_id, created_at in rows:
                moved: datetime = created_at - timedelta(hours=hours)
                await conn.execute(update(items).where(items.c.id == item_id).values(created_at=moved))

        self.run(work)


def check_ledger(store: Store, account_id: int, granted: int) -> dict[str, Any]:
    """The account's ledger reconciles with its items and its balance; returns a summary.

    GRANT + RESERVE (negative) + RELEASE == balance; one CHARGE per enriched item and one
    RELEASE per unenriched one, nothing both, nothing twice; no item left PENDING;
    the reservations equal the price of the items.
    """
    ledger = store.ledger(account_id)
    items = store.items(account_id)
    balance = store.balance(account_id)
    by_kind: dict[str, list[dict[str, Any]]] = {"GRANT": [], "RESERVE": [], "CHARGE": [], "RELEASE": []}
    for entry in ledger:
        by_kind[entry["kind"]].append(entry)
    total = {kind: sum(entry["amount_millis"] for entry in entries) for kind, entries in by_kind.items()}
    assert total["GRANT"] == granted, ledger
    assert balance >= 0
    assert total["GRANT"] + total["RESERVE"] + total["RELEASE"] == balance, (total, balance)
    assert -total["RESERVE"] == PRICE * len(items), (total, len(items))

    pending = [item["id"] for item in items if item["status"] == "PENDING"]
    assert not pending, f"items left pending: {pending[:20]}"
    enriched = {item["id"] for item in items if item["status"] == "PROCESSED_ENRICHED"}
    not_enriched = {item["id"] for item in items if item["status"] == "PROCESSED_NOT_ENRICHED"}
    charged = [entry["item_id"] for entry in by_kind["CHARGE"]]
    released = [entry["item_id"] for entry in by_kind["RELEASE"]]
    assert len(charged) == len(set(charged)), "an item charged twice"
    assert len(released) == len(set(released)), "an item released twice"
    assert set(charged) == enriched
    assert set(released) == not_enriched
    assert not set(charged) & set(released)
    assert all(entry["amount_millis"] == PRICE for entry in by_kind["CHARGE"] + by_kind["RELEASE"])
    assert balance == granted - PRICE * len(enriched), (balance, granted, len(enriched))
    return {"balance": balance, "enriched": enriched, "not_enriched": not_enriched}


# --- processes --------------------------------------------------------------------------------


def start_worker(database_url: str, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """``leadpecker worker`` as an operator runs it, with LEADPECKER_* ``settings``; output
    goes to ``log`` (it writes "enrichment worker started" once it works)."""
    env = {**os.environ, "LEADPECKER_DATABASE_URL": database_url}
    env.update({f"LEADPECKER_{name.upper()}": value for name, value in settings.items()})
    command = [sys.executable, "-m", "leadpecker", "worker"]
    with log.open("wb") as output:  # the child keeps its own descriptor of it
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


# --- deployments ------------------------------------------------------------------------------


@dataclass
class Deployment:
    """A running server, the ``leadpecker`` command and a direct reader of its database."""

    server: Server
    cli: Cli
    store: Store
    workdir: Path
    clients: list[httpx.Client] = field(default_factory=list)

    def account(self, *options: str) -> AccountInfo:
        """A fresh account (``"--credits", "3"``, ``"--no-api-access"`` …)."""
        return self.cli.new_account(*options)

    def client(self, account: AccountInfo | None = None, server: Server | None = None) -> httpx.Client:
        """An HTTP client with the account's key (closed when the test session ends)."""
        client = (server or self.server).client(account.api_key if account else None)
        self.clients.append(client)
        return client

    def customer(self, *options: str, prospects: list[Any] | None = None) -> tuple[AccountInfo, httpx.Client]:
        """An account with a client, and ``prospects`` already in its database."""
        account = self.account(*options)
        client = self.client(account)
        if prospects:
            add_prospects(client, prospects)
        return account, client

    def import_leads(self, leads: list[dict[str, str]]) -> None:
        """Load leads the operator's way: a CSV file and ``leadpecker leads import``."""
        path = write_leads(self.workdir / f"leads-{tag()}.csv", leads)
        output = self.cli("leads", "import", str(path))
        count = len(leads)
        assert f"leads, {count} row{'s' if count != 1 else ''}: {count} inserted" in output, output

    def close(self) -> None:
        for client in self.clients:
            client.close()


@contextmanager
def deployment_of_its_own(backend: str, workdir: Path, **settings: str) -> Iterator[Deployment]:
    """A deployment on a new database of ``backend``, its server started with LEADPECKER_*
    ``settings``; everything stopped and the database dropped on the way out."""
    url, drop = new_database(backend, workdir)
    server = start_server(url, workdir, **settings)
    deployment = Deployment(server, Cli(url), Store(url), workdir)
    try:
        yield deployment
    finally:
        deployment.close()
        server.stop()
        drop()
