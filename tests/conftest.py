"""Fixtures every suite shares, declared from the test harness (``tests.harness``): a real
``leadpecker serve`` process per database, driven over HTTP, and the real ``leadpecker``
command for everything an operator does.

Every test that uses these runs twice: on SQLite and on PostgreSQL (see
``tests.harness.database`` for how PostgreSQL is found, and when its absence is a failure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import new_database
from tests.harness.http import openapi_document
from tests.harness.server import Server, start_server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = new_database(backend, tmp_path_factory.mktemp(backend))
    yield url
    drop()


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(database_url, tmp_path_factory.mktemp("logs"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def launch(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """Start extra servers with their own LEADPECKER_* settings, stopped when the module ends:
    ``launch(rate_limit_wait_seconds="0.5")`` serves the session's database;
    ``launch(url, …)`` another one."""
    started: list[Server] = []

    def start(database_url: str = database_url, **settings: str) -> Server:
        server = start_server(database_url, tmp_path_factory.mktemp("logs"), **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def spec(server: Server) -> dict[str, Any]:
    """The server's OpenAPI document."""
    return openapi_document(server)


@pytest.fixture(scope="session")
def cli(database_url: str) -> Cli:
    return Cli(database_url)


@pytest.fixture
def new_account(cli: Cli) -> Callable[..., AccountInfo]:
    """Create a fresh account (and key) through ``leadpecker accounts create --json``."""
    return cli.new_account


@pytest.fixture
def account(new_account: Callable[..., AccountInfo]) -> AccountInfo:
    return new_account()


@pytest.fixture
def other_account(new_account: Callable[..., AccountInfo]) -> AccountInfo:
    """A second account, beside ``account``."""
    return new_account()


@pytest.fixture
def api(server: Server, account: AccountInfo) -> Iterator[httpx.Client]:
    """An HTTP client authenticated as ``account``."""
    with server.client(account.api_key) as client:
        yield client


@pytest.fixture
def other_api(server: Server, other_account: AccountInfo) -> Iterator[httpx.Client]:
    """An HTTP client authenticated as ``other_account``."""
    with server.client(other_account.api_key) as client:
        yield client
