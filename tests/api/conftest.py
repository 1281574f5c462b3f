"""Fixtures of the API suite, on top of the root ones (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import new_database
from tests.harness.rate_limit import Line
from tests.harness.server import Server, Standalone


@pytest.fixture(scope="session")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Standalone]:
    """For servers whose settings act in front of the database (body size, rate limit): their
    tests do not depend on the backend, so they run once, on SQLite, not once per backend."""
    directory = tmp_path_factory.mktemp("standalone")
    url, drop = new_database("sqlite", directory)
    deployment = Standalone(url, directory)
    yield deployment
    deployment.stop()
    drop()


@pytest.fixture(scope="session")
def tight_server(standalone: Standalone) -> Server:
    """Small limits: bodies up to 2048 bytes, and a waiting request gives up after 0.3 s."""
    return standalone.start(max_body_bytes="2048", rate_limit_wait_seconds="0.3")


@pytest.fixture(scope="module")
def shared_account(cli: Cli) -> AccountInfo:
    """One account for the tests of a module that need no account of their own."""
    return cli.new_account()


@pytest.fixture(scope="module")
def shared_api(server: Server, shared_account: AccountInfo) -> Iterator[httpx.Client]:
    with server.client(shared_account.api_key) as client:
        yield client


@pytest.fixture
def anonymous(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client that presents no key."""
    with server.client() as client:
        yield client


@pytest.fixture
def line() -> Iterator[Line]:
    """Held requests of the rate limit's line, closed at the end of the test."""
    requests = Line()
    yield requests
    requests.close()
