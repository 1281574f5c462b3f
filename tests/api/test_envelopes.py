"""Error envelopes (README.md, "Errors"): unknown paths, wrong methods and unexpected failures
answer in the envelope of the path's API version; the service's own pages are not unknown."""

from __future__ import annotations

import asyncio
import http.client
import sqlite3
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.http import (
    V1_CODES,
    V1_UNKNOWN_BODY,
    assert_no_trace,
    assert_v1_error,
    assert_v2_error,
    raw_request,
)
from tests.harness.names import new_emails
from tests.harness.prospects import ADD

ENRICHMENTS = "/rest/v2/lead_finder/prospects/enrichments"
KEYS = {
    "no key": lambda account: {},
    "unknown key": lambda account: {"x-api-key": "lp_not_a_key_of_anybody_000000000000000"},
    "valid key": lambda account: {"x-api-key": account.api_key},
}


@pytest.mark.parametrize("who", list(KEYS))
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_the_references_unknown_v1_url_example(anonymous, shared_account, who, method) -> None:
    path = "/rest/v1/webhooks/someMadeUpURL"
    response = anonymous.request(method, path, headers=KEYS[who](shared_account))
    assert response.status_code == 404
    assert response.json() == {
        "status": {
            "status": "ERROR",
            "code": "E_URL_NOT_FOUND",
            "msg": "URL not found: /Woodpecker/rest/v1/webhooks/someMadeUpURL",
        }
    }


@pytest.mark.parametrize("path", ["/rest/v1", "/rest/v1/", "/rest/v1/prospectz", "/rest/v1/a/b/c"])
def test_every_unknown_v1_path_is_e_url_not_found(anonymous, shared_account, path) -> None:
    for who in KEYS:
        response = anonymous.get(path, headers=KEYS[who](shared_account))
        assert_v1_error(response, 404, "E_URL_NOT_FOUND", f"URL not found: /Woodpecker{path}")


@pytest.mark.parametrize(
    "path", ["/rest/v2/webhooks/someMadeUpURL", "/rest/v2", "/rest/v10/prospects", "/", "/nothing/here"]
)
def test_every_other_unknown_path_is_the_v2_not_found(anonymous, shared_account, path) -> None:
    for who in KEYS:
        for method in ("GET", "POST"):
            response = anonymous.request(method, path, headers=KEYS[who](shared_account))
            assert_v2_error(response, 404, "Not Found", "Requested resource does not exist")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ADD), ("PUT", ADD), ("PUT", "/rest/v1/prospects"), ("PATCH", "/rest/v1/prospects")],
)
def test_a_wrong_method_on_a_v1_path_is_405_in_the_v1_envelope(
    anonymous, shared_account, method, path
) -> None:
    for who in KEYS:
        response = anonymous.request(method, path, headers=KEYS[who](shared_account))
        assert response.status_code == 405, response.text
        assert_v1_error(response, 405, response.json()["status"]["code"])
        assert response.json()["status"]["code"] in V1_CODES


@pytest.mark.parametrize(("method", "path"), [("POST", "/health"), ("DELETE", "/openapi.json")])
def test_a_wrong_method_elsewhere_is_405_in_the_v2_envelope(anonymous, method, path) -> None:
    assert_v2_error(anonymous.request(method, path), 405, "Method Not Allowed")


def test_the_services_own_pages_are_not_unknown(anonymous) -> None:
    assert anonymous.get("/health").json()["status"] == "ok"
    docs = anonymous.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    spec = anonymous.get("/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.")


# --- 500 --------------------------------------------------------------------------------------


def drop_prospects_table(database_url: str) -> None:
    """Break the database behind the server's back, as a failed migration or a stray DBA would."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute("DROP TABLE prospects")
        return

    async def drop() -> None:
        import asyncpg

        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1))
        try:
            await conn.execute("DROP TABLE prospects CASCADE")
        finally:
            await conn.close()

    asyncio.run(drop())


@pytest.fixture(scope="module")
def broken(backend, launch, tmp_path_factory) -> Any:
    """A server on its own database, with an account, whose prospects table is then dropped."""
    url, drop = new_database(backend, tmp_path_factory.mktemp("broken"))
    server = launch(database_url=url)
    name = f"broken-{backend}"
    key = Cli(url).create_account(name).api_key
    drop_prospects_table(url)
    yield server, key
    server.stop()
    drop()


def test_an_unexpected_failure_is_500_e_unnown_without_a_trace(broken) -> None:
    server, key = broken
    with server.client(key) as client:
        for method, path, body in (
            ("POST", ADD, {"prospects": [{"email": new_emails(1)[0]}]}),
            ("DELETE", "/rest/v1/prospects?id=1", None),
        ):
            response = client.request(method, path, json=body)
            assert response.status_code == 500
            assert response.json() == V1_UNKNOWN_BODY
            assert_no_trace(response)
    # The operator gets the trace in the log instead.
    assert "Traceback" in server.log()


def test_an_unexpected_failure_on_v2_is_the_v2_500(broken) -> None:
    server, key = broken
    with server.client(key) as client:
        response = client.post(ENRICHMENTS, json={"prospects": [{"email": new_emails(1)[0]}]})
    assert_v2_error(
        response, 500, "Internal server error", "An unexpected error has occurred. Please try again later."
    )
    assert_no_trace(response)


def test_the_connection_stays_usable_after_a_500(broken) -> None:
    server, key = broken
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        body = b'{"prospects": [{"email": "after-500@example.com"}]}'
        headers = {"x-api-key": key, "Content-Type": "application/json"}
        connection.request("POST", ADD, body, headers)
        first = connection.getresponse()
        assert first.status == 500
        first.read()
        connection.request("GET", "/health")  # same connection: it was not announced closed
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_a_v1_error_never_depends_on_accept(server, shared_account) -> None:
    response = raw_request(server.url, "GET", "/rest/v1/nope", {"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/json")
    assert_v1_error(response, 404, "E_URL_NOT_FOUND")
