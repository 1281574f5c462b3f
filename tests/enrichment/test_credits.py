"""The credits ledger (README.md, "Enrichment pipeline"): exact amounts in thousandths, a
reservation per queued prospect that becomes a charge (enriched) or is released (nothing found),
a balance that never goes below zero — also under 50 concurrent queue requests of one account."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.enrichment import (
    LEAD_TO_PROSPECT,
    PRICE,
    QUEUE,
    Deployment,
    Store,
    check_ledger,
    full_lead,
    queue,
    start_worker,
    statuses_by_email,
    wait_until_processed,
)
from tests.harness.names import new_emails
from tests.harness.server import start_server

REQUESTS = 50


def test_a_mixed_batch_reconciles(live: Any) -> None:
    found = new_emails(3, "found")
    nothing = new_emails(2, "nothing")
    complete = new_emails(1, "complete")[0]
    live.import_leads([full_lead(email) for email in [*found, complete]])
    account, client = live.customer(
        "--credits", "10", prospects=[*found, *nothing, {"email": complete, **full_prospect_fields()}]
    )
    request = [*found, nothing[0], found[0].upper(), "stranger@nowhere.example", nothing[1], complete]
    queued = queue(client, request)
    assert (queued["prospects_count"], queued["total_prospects_count"]) == (6, 8)
    records = wait_until_processed(client, queued["uuid"])
    assert Counter(statuses_by_email(records).values()) == {
        "PROCESSED_ENRICHED": 3,
        "PROCESSED_NOT_ENRICHED": 3,
    }

    summary = check_ledger(live.store, account.id, granted=10_000)
    assert summary["balance"] == 10_000 - 3 * PRICE
    ledger = live.store.ledger(account.id)
    [reserve] = [entry for entry in ledger if entry["kind"] == "RESERVE"]
    assert reserve["amount_millis"] == -6 * PRICE
    assert reserve["batch_id"] is not None
    enriched_emails = {
        item["prospect_email"] for item in live.store.items(account.id) if item["id"] in summary["enriched"]
    }
    assert enriched_emails == set(found)

    # Enriching the same prospects again finds nothing left to fill: free.
    again = queue(client, found)
    assert set(statuses_by_email(wait_until_processed(client, again["uuid"])).values()) == {
        "PROCESSED_NOT_ENRICHED"
    }
    assert check_ledger(live.store, account.id, granted=10_000)["balance"] == 10_000 - 3 * PRICE


def test_a_prospect_deleted_while_pending_gets_its_reservation_back(backend: str, tmp_path: Path) -> None:
    """Queued through a server without a worker; one prospect deleted (v1 DELETE) before a
    standalone ``leadpecker worker`` runs: its item finishes unenriched and is released."""
    url, drop = new_database(backend, tmp_path)
    server = start_server(url, tmp_path, worker_embedded="false")
    deployment = Deployment(server, Cli(url), Store(url), tmp_path)
    worker = None
    try:
        kept, gone = new_emails(2)
        deployment.import_leads([full_lead(kept), full_lead(gone)])
        account, client = deployment.customer("--credits", "3", prospects=[kept, gone])
        queued = queue(client, [kept, gone])
        gone_id = deployment.store.prospect(account.id, gone)["id"]
        response = client.delete("/rest/v1/prospects", params={"id": str(gone_id)})
        assert response.status_code == 200, response.text

        worker = start_worker(url, tmp_path / "worker.log")
        records = wait_until_processed(client, queued["uuid"])
        assert statuses_by_email(records) == {kept: "PROCESSED_ENRICHED", gone: "PROCESSED_NOT_ENRICHED"}
        assert check_ledger(deployment.store, account.id, granted=3_000)["balance"] == 1_500
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(10)
        deployment.close()
        server.stop()
        drop()


def full_prospect_fields() -> dict[str, str]:
    """A prospect whose every enrichable field is already set (enrichment can add nothing)."""
    return {field: f"own {field}" for field in LEAD_TO_PROSPECT.values()}


def concurrently(server: Any, key: str, bodies: list[list[str]]) -> list[dict[str, Any]]:
    """POST every body at the same moment (one thread and connection each); all must be 200."""
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response | BaseException | None] = [None] * len(bodies)

    def send(index: int) -> None:
        with server.client(key) as client:
            barrier.wait()
            try:
                answers[index] = client.post(QUEUE, json={"prospects": [{"email": e} for e in bodies[index]]})
            except httpx.HTTPError as error:
                answers[index] = error

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    results = []
    for answer in answers:
        assert isinstance(answer, httpx.Response), answer
        assert answer.status_code == 200, answer.text
        results.append(answer.json())
    return results


@pytest.fixture(scope="module")
def unlimited(paused: Any, launch: Any) -> Any:
    """A second server on the paused database (no worker: items stay reserved), with the rate
    limit off so a key's requests really run at the same time."""
    return launch(paused.server.database_url, worker_embedded="false", rate_limit_enabled="false")


def test_50_concurrent_requests_never_queue_more_than_the_credits_cover(paused: Any, unlimited: Any) -> None:
    emails = new_emails(REQUESTS)
    account, _ = paused.customer("--credits", "15", prospects=emails)  # for exactly 10
    results = concurrently(unlimited, account.api_key, [[email] for email in emails])

    assert sum(result["prospects_count"] for result in results) == 10
    assert Counter(result["status"] for result in results) == {"ENQUEUED": 10, "CREDITS_EXHAUSTED": 40}
    assert all((result["uuid"] is None) == (result["prospects_count"] == 0) for result in results)
    assert paused.store.balance(account.id) == 0
    items = paused.store.items(account.id)
    assert len(items) == 10
    assert len({item["prospect_id"] for item in items}) == 10
    ledger = paused.store.ledger(account.id)
    assert sum(entry["amount_millis"] for entry in ledger) == 0  # 15,000 granted, 10 × 1,500 reserved
    assert Counter(entry["kind"] for entry in ledger) == {"GRANT": 1, "RESERVE": 10}


def test_50_concurrent_requests_for_overlapping_prospects(paused: Any, unlimited: Any) -> None:
    pool = new_emails(12)
    bodies = [[pool[i % 12], pool[(i + 1) % 12], pool[(i + 5) % 12]] for i in range(REQUESTS)]

    # Credits for 10 of the 12: exactly 10 queued, each prospect at most once.
    account, _ = paused.customer("--credits", "15", prospects=pool)
    results = concurrently(unlimited, account.api_key, bodies)
    assert sum(result["prospects_count"] for result in results) == 10
    assert all(result["total_prospects_count"] == 3 for result in results)
    items = paused.store.items(account.id)
    assert len(items) == len({item["prospect_id"] for item in items}) == 10
    assert paused.store.balance(account.id) == 0

    # Credits for more than all: every prospect queued exactly once, the rest left untouched.
    account, _ = paused.customer("--credits", "100", prospects=pool)
    results = concurrently(unlimited, account.api_key, bodies)
    assert sum(result["prospects_count"] for result in results) == 12
    assert {result["status"] for result in results} <= {"ENQUEUED", "NOT_ENQUEUED"}
    items = paused.store.items(account.id)
    assert sorted(item["prospect_email"] for item in items) == sorted(pool)
    assert paused.store.balance(account.id) == 100_000 - 12 * PRICE


def test_concurrent_requests_while_workers_charge(live: Any, launch: Any) -> None:
    """With workers running (two: the session server's and this one's) and every prospect
    enriched, the credits for 10 still buy exactly 10 enrichments."""
    server = launch(live.server.database_url, rate_limit_enabled="false")
    emails = new_emails(REQUESTS, "charged")
    live.import_leads([full_lead(email) for email in emails])
    account, client = live.customer("--credits", "15", prospects=emails)
    results = concurrently(server, account.api_key, [[email] for email in emails])
    assert sum(result["prospects_count"] for result in results) == 10
    for result in results:
        if result["uuid"]:
            records = wait_until_processed(client, result["uuid"])
            assert {record["status"] for record in records} == {"PROCESSED_ENRICHED"}
    summary = check_ledger(live.store, account.id, granted=15_000)
    assert summary["balance"] == 0
    assert len(summary["enriched"]) == 10
