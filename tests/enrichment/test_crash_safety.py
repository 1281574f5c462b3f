"""Exactly once in effect (README.md, "Enrichment pipeline"): real processes killed with SIGKILL
at random points while a batch is being processed, then restarted on the same database.
Afterwards every item is processed, charged when enriched and released otherwise, once; no
reservation is left.

The kills are seeded (repeatable): every run waits for its process to be up, then kills it
50–400 ms later; the test checks that at least two kills landed while work was pending and
that some items were claimed again after their claimant died. Leases of one second let the
next process reclaim a dead one's items quickly. Everything is bounded by deadlines.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.enrichment import (
    LEAD_TO_PROSPECT,
    PRICE,
    Store,
    check_ledger,
    full_lead,
    queue,
    start_worker,
    write_leads,
)
from tests.harness.names import tag
from tests.harness.prospects import add_prospects
from tests.harness.server import start_server

# Enough work that several kills land while items are pending (SQLite workers are faster).
PROSPECTS = {"sqlite": 8_000, "postgresql": 3_000}
KILL_ROUNDS = 3
GRANTED = 20_000_000  # 20,000 credits: enough for every prospect
# Claims of 100: a worker spends nearly all its time holding a claim (matching, writing back),
# so a kill at a random moment almost always interrupts one — the recovery under test. (With
# 20, each claim's short transactions and the idle check between claims made up a third of
# the time, and a run now and then had no kill inside a claim.)
SETTINGS = {"worker_batch_size": "100", "worker_lease_seconds": "1", "worker_max_attempts": "1000"}
DEADLINE = 120  # seconds per test: a hang guard, far above the normal run


@dataclass
class Scenario:
    store: Store
    account: Any
    count: int
    matched: set[str]  # emails the lead database knows (by email or LinkedIn)


def arrange(server: Any, workdir: Path, count: int) -> Scenario:
    """An account with ``count`` prospects; the lead database knows about half of them (a
    third of those only by their LinkedIn profile). All of them queued in one request."""
    t = tag()
    emails = [f"crash{i}-{t}@example.com" for i in range(count)]
    prospects: list[dict[str, str]] = []
    leads: list[dict[str, str]] = []
    matched: set[str] = set()
    for i, email in enumerate(emails):
        if i % 2:
            prospects.append({"email": email})
        elif i % 3:
            prospects.append({"email": email})
            leads.append(full_lead(email, title=f"Title {i}"))
            matched.add(email)
        else:
            profile = f"https://www.linkedin.com/in/crash-{i}-{t}"
            prospects.append({"email": email, "linkedin_url": profile.upper()})
            leads.append(full_lead(f"other{i}-{t}@example.com", linkedin_url=profile, title=f"Title {i}"))
            matched.add(email)

    cli = Cli(server.database_url)
    account = cli.create_account(f"acct-{t}", "--credits", str(GRANTED // 1000))
    cli("leads", "import", str(write_leads(workdir / "leads.csv", leads)))
    with server.client(account.api_key) as client:
        add_prospects(client, prospects)
        queued = queue(client, emails)
    assert (queued["prospects_count"], queued["status"]) == (count, "ENQUEUED")
    return Scenario(Store(server.database_url), account, count, matched)


def pending(store: Store) -> int:
    return store.value("SELECT count(*) FROM enrichment_items WHERE status = 'PENDING'")


def wait_for_no_pending(store: Store, deadline: float, what: str) -> None:
    while (left := pending(store)) > 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"{left} items still pending after {what}")
        time.sleep(0.1)


def assert_exactly_once(scenario: Scenario) -> None:
    store, account = scenario.store, scenario.account
    summary = check_ledger(store, account.id, granted=GRANTED)
    items = store.items(account.id)
    assert len(items) == scenario.count
    enriched = {item["prospect_email"] for item in items if item["id"] in summary["enriched"]}
    assert enriched == scenario.matched
    assert summary["balance"] == GRANTED - PRICE * len(scenario.matched)

    # Every enriched prospect has its provenance, written by its own item; no other has any.
    unexplained = store.rows(
        "SELECT i.id FROM enrichment_items i "
        "WHERE i.account_id = :a AND i.status = 'PROCESSED_ENRICHED' AND NOT EXISTS "
        "(SELECT 1 FROM field_provenance f WHERE f.item_id = i.id AND f.prospect_id = i.prospect_id)",
        a=account.id,
    )
    assert unexplained == []
    provenance_counts = store.rows(
        "SELECT p.email, count(*) AS n FROM field_provenance f JOIN prospects p ON p.id = f.prospect_id "
        "WHERE f.account_id = :a GROUP BY p.email",
        a=account.id,
    )
    assert {row["email"] for row in provenance_counts} == scenario.matched
    # The email-matched prospects get every field; LinkedIn-matched ones had theirs already.
    assert {row["n"] for row in provenance_counts} <= {len(LEAD_TO_PROSPECT), len(LEAD_TO_PROSPECT) - 1}
    titles = store.rows(
        "SELECT email, title FROM prospects WHERE account_id = :a AND title <> ''", a=account.id
    )
    assert {row["email"] for row in titles} == scenario.matched
    assert all(row["title"].startswith("Title ") for row in titles)


def assert_kills_hit_work(store: Store) -> None:
    """The scenario really exercised recovery: some claims died with their process."""
    assert store.value("SELECT max(attempts) FROM enrichment_items") >= 2


def test_killed_standalone_workers(backend: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    url, drop = new_database(backend, tmp_path)
    server = start_server(url, tmp_path, worker_embedded="false")
    workers: list[subprocess.Popen[bytes]] = []
    try:
        scenario = arrange(server, tmp_path, PROSPECTS[backend])
        rng = random.Random(f"workers-{backend}")

        def worker(name: str) -> tuple[subprocess.Popen[bytes], Path]:
            log = tmp_path / f"{name}.log"
            workers.append(start_worker(url, log, **SETTINGS))
            return workers[-1], log

        kills_during_work = 0
        for round_no in range(KILL_ROUNDS):
            # Two workers at once, each killed at its own random moment after it started.
            started = [worker(f"worker-{round_no}-{n}") for n in range(2)]
            for process, log in started:
                wait_for_line(process, log, "enrichment worker started", deadline)
            moments = sorted((rng.uniform(0.05, 0.4), n) for n in range(2))
            begun = time.monotonic()
            for moment, n in moments:
                time.sleep(max(0.0, begun + moment - time.monotonic()))
                started[n][0].send_signal(signal.SIGKILL)
            for process, _ in started:
                process.wait(10)
            if not pending(scenario.store):
                break  # a fast machine: the rest of the kills would hit idle workers
            kills_during_work += 1
        assert kills_during_work >= 2, "the workers finished before they could be killed twice"

        final, _ = worker("worker-final")
        wait_for_no_pending(scenario.store, deadline, "the final worker ran")
        final.send_signal(signal.SIGTERM)
        assert final.wait(10) == 0
        assert_exactly_once(scenario)
        assert_kills_hit_work(scenario.store)
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        server.stop()
        drop()


def test_killed_servers_with_embedded_workers(backend: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    url, drop = new_database(backend, tmp_path)
    servers = [start_server(url, tmp_path, **SETTINGS)]
    try:
        scenario = arrange(servers[0], tmp_path, PROSPECTS[backend])  # its worker starts at once
        rng = random.Random(f"servers-{backend}")
        kills_during_work = 0
        for _ in range(KILL_ROUNDS):
            time.sleep(rng.uniform(0.05, 0.4))
            servers[-1].process.send_signal(signal.SIGKILL)
            servers[-1].process.wait(10)
            assert time.monotonic() < deadline, "out of time"
            servers.append(start_server(url, tmp_path, **SETTINGS))
            if not pending(scenario.store):
                break
            kills_during_work += 1
        assert kills_during_work >= 2, "the server finished before it could be killed twice"
        wait_for_no_pending(scenario.store, deadline, "the last server ran")
        assert_exactly_once(scenario)
        assert_kills_hit_work(scenario.store)
    finally:
        for running in servers:
            if running.process.poll() is None:
                running.stop()
        drop()


def wait_for_line(process: subprocess.Popen[bytes], log: Path, line: str, deadline: float) -> None:
    while line not in log.read_text(errors="replace"):
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not start in time:\n{log.read_text(errors='replace')}")
        time.sleep(0.01)
