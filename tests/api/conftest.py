"""Fixtures of the API suite, on top of the root harness (tests/conftest.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest


@dataclass
class Standalone:
    """A SQLite database of its own with servers of their own settings."""

    harness: ModuleType
    url: str
    directory: Path
    servers: list[Any] = field(default_factory=list)

    def start(self, *serve_args: str, **settings: str) -> Any:
        server = self.harness.start_server(self.url, self.directory, *serve_args, **settings)
        self.servers.append(server)
        return server

    def account(self, *options: str) -> Any:
        return create_account(self.harness, self.harness.Cli(self.url), *options)


@pytest.fixture(scope="session")
def standalone(harness: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Standalone]:
    """For servers whose settings act in front of the database (body size, rate limit): their
    tests do not depend on the backend, so they run once, on SQLite, not once per backend."""
    directory = tmp_path_factory.mktemp("standalone")
    url, drop = harness.new_database("sqlite", directory)
    deployment = Standalone(harness, url, directory)
    yield deployment
    for server in deployment.servers:
        server.stop()
    drop()


@pytest.fixture(scope="session")
def tight_server(standalone: Standalone) -> Any:
    """Small limits: bodies up to 2048 bytes, and a waiting request gives up after 0.3 s."""
    return standalone.start(max_body_bytes="2048", rate_limit_wait_seconds="0.3")


@pytest.fixture(scope="module")
def launch(
    harness: ModuleType, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Any]]:
    """Start extra servers with their own LEADPECKER_* settings, stopped when the module ends:
    ``launch(rate_limit_wait_seconds="0.5")`` serves the session's database;
    ``launch(database_url=url, …)`` another one."""
    started: list[Any] = []

    def start(database_url: str = database_url, **settings: str) -> Any:
        server = harness.start_server(database_url, tmp_path_factory.mktemp("logs"), **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def create_account(harness: ModuleType, cli: Any, *options: str) -> Any:
    name = f"acct-{uuid.uuid4().hex[:10]}"
    data = json.loads(cli("accounts", "create", name, "--json", *options).strip().splitlines()[-1])
    return harness.AccountInfo(data["id"], data["name"], data["api_key"])


@pytest.fixture(scope="module")
def shared_account(harness: ModuleType, cli: Any) -> Any:
    """One account for the tests of a module that need no account of their own."""
    return create_account(harness, cli)


@pytest.fixture(scope="module")
def shared_api(server: Any, shared_account: Any) -> Iterator[httpx.Client]:
    with server.client(shared_account.api_key) as client:
        yield client


@pytest.fixture
def other_account(new_account: Callable[..., Any]) -> Any:
    """A second account, beside ``account``."""
    return new_account()


@pytest.fixture
def other_api(server: Any, other_account: Any) -> Iterator[httpx.Client]:
    """An HTTP client authenticated as ``other_account``."""
    with server.client(other_account.api_key) as client:
        yield client


@pytest.fixture
def anonymous(server: Any) -> Iterator[httpx.Client]:
    """An HTTP client that presents no key."""
    with server.client() as client:
        yield client
