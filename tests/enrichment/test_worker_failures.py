"""A source that fails: the worker gives the claimed items back to the queue at once and tries
again; an item whose source keeps failing gives up after ``LEADPECKER_WORKER_MAX_ATTEMPTS``
tries — finished PROCESSED_NOT_ENRICHED, its reservation released, nothing charged, nothing
written to the prospect — and the worker goes on (README: settings, "Enrichment pipeline").

The failure is real: the built-in source reads the lead database, and the test renames the
``leads`` table under the running server (as a failed migration or a stray DBA would); the
source's read then fails in the database driver. Renamed back, the same worker matches again.

How the tries are counted: every claim of an item counts one attempt; an item is matched on
its claims 1 … max_attempts, and the claim after that finishes it unenriched without asking the
source. Leases here are long (60 s): retries that come within seconds show the items were
given back at once, not left to their lease.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.harness.enrichment import (
    LEAD_TO_PROSPECT,
    PRICE,
    Deployment,
    Store,
    batch,
    check_ledger,
    deployment_of_its_own,
    full_lead,
    queue,
    wait_until_processed,
)
from tests.harness.names import new_emails

MAX_ATTEMPTS = 3
GIVEN_BACK = "they go back to the queue"  # the worker's log line for each failed match
GRANTED = 3_000  # 3 credits


@pytest.fixture
def deployment(backend: str, tmp_path: Any) -> Iterator[Deployment]:
    """A database of its own (its lead database, its failure) and a server whose embedded
    worker gives up after MAX_ATTEMPTS tries and holds a claim for a minute."""
    with deployment_of_its_own(
        backend, tmp_path, worker_max_attempts=str(MAX_ATTEMPTS), worker_lease_seconds="60"
    ) as deployment:
        yield deployment


def attempts(store: Store, account_id: int) -> int:
    [item] = store.items(account_id)
    return item["attempts"]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def failed_matches(server: Any) -> int:
    return server.log().count(GIVEN_BACK)


def test_a_failing_source_is_retried_and_the_item_enriched_once_it_answers(deployment) -> None:
    [email] = new_emails(1, "retry")
    deployment.import_leads([full_lead(email)])
    account, client = deployment.customer("--credits", "3", prospects=[email])
    deployment.store.execute("ALTER TABLE leads RENAME TO leads_elsewhere")

    queued = queue(client, [email])
    # Tried, failed, given back and tried again, while the client sees it pending.
    wait_for(lambda: attempts(deployment.store, account.id) >= 2, "a second try")
    assert [record["status"] for record in batch(client, queued["uuid"])] == ["PENDING"]
    assert failed_matches(deployment.server) >= 1

    deployment.store.execute("ALTER TABLE leads_elsewhere RENAME TO leads")
    [record] = wait_until_processed(client, queued["uuid"])
    assert record["status"] == "PROCESSED_ENRICHED"
    assert attempts(deployment.store, account.id) <= MAX_ATTEMPTS
    prospect = deployment.store.prospect(account.id, email)
    assert prospect["title"] == "Head of Growth" and prospect["country"] == "United States"
    assert set(deployment.store.provenance(account.id, email)) == set(LEAD_TO_PROSPECT.values())
    summary = check_ledger(deployment.store, account.id, granted=GRANTED)
    assert summary["balance"] == GRANTED - PRICE


def test_an_item_whose_source_keeps_failing_gives_up_after_the_maximum_attempts(deployment) -> None:
    emails = new_emails(2, "poison")
    deployment.import_leads([full_lead(email) for email in emails])
    account, client = deployment.customer("--credits", "3", prospects=[{"email": emails[0], "title": "CEO"}])
    before = deployment.store.prospect(account.id, emails[0])
    deployment.store.execute("ALTER TABLE leads RENAME TO leads_elsewhere")

    queued = queue(client, [emails[0]])
    [record] = wait_until_processed(client, queued["uuid"], timeout=60)
    assert record["status"] == "PROCESSED_NOT_ENRICHED"
    [item] = deployment.store.items(account.id)
    # Asked the source MAX_ATTEMPTS times; the claim after that finished it.
    assert item["attempts"] == MAX_ATTEMPTS + 1
    assert failed_matches(deployment.server) == MAX_ATTEMPTS
    assert (item["lease_token"], item["lease_expires_at"]) == (None, None)
    assert item["processed_at"] is not None
    # Nothing charged, the reservation released, the prospect as it was.
    summary = check_ledger(deployment.store, account.id, granted=GRANTED)
    assert summary["balance"] == GRANTED
    assert [entry["kind"] for entry in deployment.store.ledger(account.id)] == ["GRANT", "RESERVE", "RELEASE"]
    assert deployment.store.prospect(account.id, emails[0]) == before
    assert deployment.store.provenance(account.id, emails[0]) == {}

    # The worker went on: with the lead database back, the next request is enriched.
    deployment.store.execute("ALTER TABLE leads_elsewhere RENAME TO leads")
    client.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": emails[1]}]}).raise_for_status()
    again = queue(client, [emails[1]])
    assert [r["status"] for r in wait_until_processed(client, again["uuid"])] == ["PROCESSED_ENRICHED"]
    assert failed_matches(deployment.server) == MAX_ATTEMPTS
    summary = check_ledger(deployment.store, account.id, granted=GRANTED)
    assert summary["balance"] == GRANTED - PRICE
