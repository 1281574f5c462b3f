"""Fixtures of the enrichment suite, on top of the root harness (tests/conftest.py).

Deployments per database backend:

* ``live``: the session's server (embedded worker on), its CLI and a direct reader.
* ``paused``: its own database and a server *without* a worker, so queued items stay PENDING
  for as long as a test needs; its rate limit lets no request wait (``rate_limit_queue=0``),
  so a second concurrent request of one key is refused at once (the 429 test).
* ``isolated`` (per module): its own database, worker on, for tests that need a lead database
  holding only their own leads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from .enrichsupport import Store, add_prospects, tag, write_leads


@dataclass
class Deployment:
    """A running server, the ``leadpecker`` command and a direct reader of its database."""

    harness: ModuleType
    server: Any
    cli: Any
    store: Store
    workdir: Path
    clients: list[httpx.Client] = field(default_factory=list)

    def account(self, *options: str) -> Any:
        """A fresh account (``"--credits", "3"``, ``"--no-api-access"`` …)."""
        name = f"acct-{tag()}"
        output = self.cli("accounts", "create", name, "--json", *options)
        data = json.loads(output.strip().splitlines()[-1])
        return self.harness.AccountInfo(data["id"], data["name"], data["api_key"])

    def client(self, account: Any = None, server: Any = None) -> httpx.Client:
        """An HTTP client with the account's key (closed when the test session ends)."""
        client = (server or self.server).client(account.api_key if account else None)
        self.clients.append(client)
        return client

    def customer(self, *options: str, prospects: list[Any] | None = None) -> tuple[Any, httpx.Client]:
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


@pytest.fixture(scope="session")
def live(
    harness: ModuleType, server: Any, cli: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    deployment = Deployment(harness, server, cli, Store(database_url), tmp_path_factory.mktemp("live"))
    yield deployment
    deployment.close()


@pytest.fixture(scope="session")
def paused(
    harness: ModuleType, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    workdir = tmp_path_factory.mktemp(f"paused-{backend}")
    url, drop = harness.new_database(backend, workdir)
    server = harness.start_server(url, workdir, worker_embedded="false", rate_limit_queue="0")
    deployment = Deployment(harness, server, harness.Cli(url), Store(url), workdir)
    yield deployment
    deployment.close()
    server.stop()
    drop()


@pytest.fixture(scope="module")
def isolated(
    harness: ModuleType, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """A deployment with a database of its own (worker on): for tests whose lead database must
    hold nothing but what they import (leads are shared by every account of a database)."""
    workdir = tmp_path_factory.mktemp(f"isolated-{backend}")
    url, drop = harness.new_database(backend, workdir)
    server = harness.start_server(url, workdir)
    deployment = Deployment(harness, server, harness.Cli(url), Store(url), workdir)
    yield deployment
    deployment.close()
    server.stop()
    drop()


@pytest.fixture(scope="module")
def launch(harness: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    """Extra servers with their own LEADPECKER_* settings, stopped when the module ends."""
    started: list[Any] = []

    def start(database_url: str, **settings: str) -> Any:
        server = harness.start_server(database_url, tmp_path_factory.mktemp("logs"), **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
