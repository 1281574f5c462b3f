"""A database that is down, frozen or locked is a 503 with Retry-After in the envelope of the
request's API version — never a 500, never a request that hangs as long as the database does —
and the service recovers by itself when the database is back, without a restart.

Each backend's outage is the one it can have: PostgreSQL stops or freezes (a TCP proxy between
the server and the shared PostgreSQL is cut or stops forwarding; the shared server itself is
never touched), and on both a lock held by another process outlasts the API's timeout.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.enrichment import QUEUE
from tests.harness.http import assert_no_trace, assert_v1_error, assert_v2_error
from tests.harness.names import new_emails
from tests.harness.outages import LockHolder, TcpProxy
from tests.harness.prospects import ADD
from tests.harness.server import start_server

UNAVAILABLE = "The service is temporarily unavailable: its database does not answer. Please try again later."
TIMEOUT = 2  # seconds: LEADPECKER_DB_TIMEOUT_SECONDS of these servers
# What a request may take beyond the timeout on a loaded test machine; far below what a request
# waited before (as long as the database stayed frozen; 30 s for SQLite's lock).
SLACK = 4
QUERY = f"{QUEUE}/statuses/query"


def v1_search(client: httpx.Client) -> httpx.Response:
    return client.get("/rest/v1/prospects", params={"search": "email=nobody@example.com"})


def v1_add(client: httpx.Client) -> httpx.Response:
    return client.post(ADD, json={"prospects": [{"email": new_emails(1)[0]}]})


def v2_query(client: httpx.Client) -> httpx.Response:
    return client.post(QUERY, json={"emails": ["nobody@example.com"]})


def v2_queue(client: httpx.Client) -> httpx.Response:
    return client.post(QUEUE, json={"prospects": [{"email": "nobody@example.com"}]})


def assert_unavailable(response: httpx.Response, v1: bool) -> None:
    if v1:
        assert_v1_error(response, 503, "E_UNNOWN", UNAVAILABLE)
    else:
        assert_v2_error(response, 503, "Service Unavailable", UNAVAILABLE)
    assert response.headers["retry-after"].isdigit(), response.headers
    assert_no_trace(response)


def client_of(server: Any, key: str) -> httpx.Client:
    # Far beyond TIMEOUT + SLACK, so that a request that hangs fails its test instead of the run.
    return httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30)


Request = Callable[[httpx.Client], httpx.Response]


def timed(request: Request, client: httpx.Client) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = request(client)
    return response, time.monotonic() - started


def until_served(client: httpx.Client, within: float = 20) -> None:
    """The service recovers by itself: requests are answered 200 again (the first after the
    database returns may still meet a connection the outage broke)."""
    deadline = time.monotonic() + within
    while (status := v1_search(client).status_code) != 200:
        assert status == 503, status
        assert time.monotonic() < deadline, "the service did not recover"
        time.sleep(0.2)
    for request in (v1_search, v1_add, v2_query):
        assert request(client).status_code == 200


@contextlib.contextmanager
def impatient_server(
    database_url: str, tmp_path: Path, served_url: str | None = None
) -> Iterator[tuple[Any, str]]:
    """A server with these tests' TIMEOUT, reaching the database at ``served_url`` (its own URL
    by default), and the key of an account with credits."""
    key = Cli(database_url).create_account("outage", "--credits", "10").api_key
    server = start_server(served_url or database_url, tmp_path, db_timeout_seconds=str(TIMEOUT))
    try:
        yield server, key
    finally:
        server.stop()


@pytest.fixture
def proxied(tmp_path) -> Iterator[tuple[Any, TcpProxy, str]]:
    """A server whose PostgreSQL is behind a proxy the test controls, and an account's key."""
    url, drop = new_database("postgresql", tmp_path)
    direct = make_url(url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432).start()
    through_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with impatient_server(url, tmp_path, through_proxy) as (server, key):
            yield server, proxy, key
    finally:
        proxy.close()
        drop()


def test_while_postgresql_is_down_requests_answer_503_and_the_service_recovers(proxied) -> None:
    server, proxy, key = proxied
    with client_of(server, key) as client:
        assert v1_search(client).status_code == 200
        proxy.cut()
        for request, v1 in ((v1_search, True), (v1_add, True), (v2_query, False), (v2_queue, False)):
            assert_unavailable(request(client), v1)
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.headers["retry-after"].isdigit()
        assert ready.json()["status"] == "down"
        assert ready.json()["checks"]["database"]["state"] == "down"
        assert ready.json()["checks"]["database"]["reason"]
        assert client.get("/healthz").status_code == 200  # alive: nothing a restart would mend
        proxy.restore()
        until_served(client)
        assert client.get("/readyz").json()["status"] == "ok"
        # The embedded enrichment worker lived through it too: what is queued now is processed.
        email = new_emails(1)[0]
        assert client.post(ADD, json={"prospects": [{"email": email}]}).status_code == 200
        assert client.post(QUEUE, json={"prospects": [{"email": email}]}).json()["status"] == "ENQUEUED"
        deadline = time.monotonic() + 30
        while (status := client.post(QUERY, json={"emails": [email]}).json())["prospect_enrichments"][0][
            "status"
        ] == "PENDING":
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
    log = server.log()
    assert "database unavailable on GET /rest/v1/prospects" in log  # one line per refused request
    assert "Traceback" not in log  # an outage is not a storm of tracebacks


def test_a_frozen_postgresql_answers_503_within_the_timeout(proxied) -> None:
    server, proxy, key = proxied
    with client_of(server, key) as client:
        assert v1_search(client).status_code == 200
        proxy.freeze()  # connections stay open, nothing is answered
        for request, v1 in ((v1_search, True), (v1_add, True), (v2_query, False)):
            response, took = timed(request, client)
            assert_unavailable(response, v1)
            assert took < TIMEOUT + SLACK, took
        ready, took = timed(lambda c: c.get("/readyz"), client)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"]["state"] == "down"
        assert took < TIMEOUT + SLACK, took
        proxy.restore()
        until_served(client)


@pytest.fixture
def locked_server(backend, tmp_path) -> Iterator[tuple[Any, str, str]]:
    url, drop = new_database(backend, tmp_path)
    try:
        with impatient_server(url, tmp_path) as (server, key):
            yield server, url, key
    finally:
        drop()


# What another process holds: an operator's SQLite shell in an exclusive transaction; on
# PostgreSQL a maintenance statement's lock on the prospects table.
LOCKS = {
    "sqlite": ("BEGIN EXCLUSIVE",),
    "postgresql": ("BEGIN", "LOCK TABLE prospects IN ACCESS EXCLUSIVE MODE"),
}


def test_a_lock_held_by_another_process_answers_503_within_the_timeout(locked_server, backend) -> None:
    server, url, key = locked_server
    with client_of(server, key) as client:
        assert v1_add(client).status_code == 200
        holder = LockHolder(url, *LOCKS[backend])
        try:
            for request, v1 in ((v1_add, True), (v2_queue, False)):
                response, took = timed(request, client)
                assert_unavailable(response, v1)
                assert TIMEOUT - 0.5 < took < TIMEOUT + SLACK, took  # it did wait for the lock
            if backend == "sqlite":  # a WAL reader does not wait for a writer
                assert v1_search(client).status_code == 200
        finally:
            holder.release()
        until_served(client)
    assert "Traceback" not in server.log()
