"""The errors a client meets on the endpoints it uses most, each in the envelope of its API
version, each leaving nothing written:

* ``GET /rest/v1/prospects``: 403 without the API add-on, 409 when the key's line is full, 500
  when the database fails under it;
* ``POST /rest/v1/add_prospects_campaign``: 401, 403, 409, 413, 500, and the 20,000 prospects a
  request may carry (``LEADPECKER_MAX_PROSPECTS_PER_ADD``);
* every v2 endpoint of the OpenAPI document: 413 over ``LEADPECKER_MAX_BODY_BYTES``.

A 500 comes from a real failure: a server on a database of its own, one of whose tables the
test renames behind the server's back (as a failed migration or a stray DBA would).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from tests.harness.cli import Cli
from tests.harness.database import fetch, new_database, stored_prospect
from tests.harness.http import (
    V1_NO_PERMISSION_MSGS,
    V1_SESSION_BODY,
    V1_TOO_MANY_BODY,
    V1_UNKNOWN_BODY,
    HeldRequest,
    answered_early,
    assert_no_trace,
    assert_v1_error,
    assert_v2_error,
    hold,
    v2_operations,
)
from tests.harness.names import new_emails
from tests.harness.prospects import ENROL, add_emails, assert_nothing_stored, statuses
from tests.harness.rate_limit import LINE
from tests.harness.server import start_server

from leadpecker.kit.db import async_database_url

SEARCH = "/rest/v1/prospects"
NO_MATCH = {"message": "There are no prospects matching the given criteria."}
BODY_LIMIT = 2048  # the tight_server's LEADPECKER_MAX_BODY_BYTES
DEFAULT_MAX_PROSPECTS = 20_000


def new_campaign(cli: Any, account: Any, directory: Any) -> int:
    """A campaign of the account, loaded the operator's way; its id."""
    [campaign] = cli.import_campaigns(account.name, directory, [("SaaS in America", "RUNNING")]).values()
    return campaign


def enrol_body(campaign_id: int, emails: list[str], **extra: Any) -> dict[str, Any]:
    return {"campaign": {"campaign_id": campaign_id}, "prospects": [{"email": e, **extra} for e in emails]}


def assert_nobody_enrolled(client: httpx.Client, campaign_id: int) -> None:
    response = client.get(SEARCH, params={"campaigns_id": str(campaign_id)})
    assert (response.status_code, response.json()) == (200, NO_MATCH)
    assert response.headers["x-total-count"] == "0"


@pytest.fixture
def full_line() -> Iterator[Callable[[Any, str], list[HeldRequest]]]:
    """fill(server, key): the key's line held full (one in flight, six waiting) until the test
    ends, when the held requests are let through and served."""
    held: list[HeldRequest] = []

    def fill(server: Any, key: str) -> list[HeldRequest]:
        burst = hold(server.url, key, LINE + 1)
        held.extend(burst)
        # The line is known to be full once one of the burst is refused, whatever order the
        # requests arrived in.
        refused = answered_early(burst, 1)
        assert len(refused) == 1 and refused[0].read().json() == V1_TOO_MANY_BODY
        return [request for request in burst if request not in refused]

    yield fill
    for request in held:
        request.close()


def serve(requests: list[HeldRequest]) -> None:
    for request in requests:
        request.send_rest()
    for request in requests:
        assert request.read().status_code == 200


# --- 500: a server on a database of its own, a table renamed under it ------------------------


def rename_table(database_url: str, table: str) -> None:
    """Rename ``table`` behind the server's back (the same statement on both databases)."""

    async def rename() -> None:
        engine = create_async_engine(async_database_url(database_url), poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                await conn.execute(text(f"ALTER TABLE {table} RENAME TO {table}_gone"))
        finally:
            await engine.dispose()

    asyncio.run(rename())


@pytest.fixture
def broken(backend: str, tmp_path: Any) -> Iterator[Callable[[str], tuple[Any, Any, int]]]:
    """broken(table): a server on a database of its own with an account, a campaign and a
    prospect, whose ``table`` is then renamed; returns (server, account, campaign id)."""
    made: list[tuple[Any, Callable[[], None]]] = []

    def make(table: str) -> tuple[Any, Any, int]:
        url, drop = new_database(backend, tmp_path)
        server = start_server(url, tmp_path)
        made.append((server, drop))
        cli = Cli(url)
        account = cli.create_account(f"broken-{table}")
        campaign_id = new_campaign(cli, account, tmp_path)
        with server.client(account.api_key) as client:
            assert statuses(add_emails(client, ["before@broken.test"])) == ["OK"]
            assert client.get(SEARCH).status_code == 200
        rename_table(url, table)
        return server, account, campaign_id

    yield make
    for server, drop in made:
        server.stop()
        drop()


def assert_still_answering(server: Any, key: str) -> None:
    """Other requests are served after the failure, on a connection of their own and on the
    one the 500 came over."""
    with server.client(key) as client:
        assert client.get("/health").json()["status"] == "ok"
        records = client.post("/rest/v2/lead_finder/prospects/enrichments/statuses/query", json={})
        assert (records.status_code, records.json()) == (200, {"prospect_enrichments": []})


def test_a_failing_search_is_the_v1_500_and_the_server_goes_on(broken) -> None:
    server, account, _ = broken("prospect_documents")
    with server.client(account.api_key) as client:
        for params in ({}, {"search": "email=before@broken.test"}, {"sort": "-email", "per_page": "5"}):
            response = client.get(SEARCH, params=params)
            assert response.status_code == 500, response.text
            assert response.json() == V1_UNKNOWN_BODY
            assert_no_trace(response)
            assert client.get("/health").status_code == 200  # same connection, still usable
    assert_still_answering(server, account.api_key)
    assert "Traceback" in server.log()  # the operator gets the trace, the client does not


def test_a_failing_enrolment_is_the_v1_500_and_writes_nothing(broken) -> None:
    server, account, campaign_id = broken("campaign_prospects")
    email = new_emails(1, "enrol")[0]
    with server.client(account.api_key) as client:
        response = client.post(ENROL, json=enrol_body(campaign_id, [email, "before@broken.test"]))
        assert response.status_code == 500, response.text
        assert response.json() == V1_UNKNOWN_BODY
        assert_no_trace(response)
        assert client.get("/health").status_code == 200
    # The prospect the request would have created by its email was rolled back with it.
    assert stored_prospect(server.database_url, account.id, email) is None
    assert stored_prospect(server.database_url, account.id, "before@broken.test") is not None
    assert_still_answering(server, account.api_key)


# --- GET /rest/v1/prospects -------------------------------------------------------------------


def test_searching_without_the_api_addon_is_403(server, new_account) -> None:
    locked = new_account("--no-api-access")
    with server.client(locked.api_key) as client:
        for params in ({}, {"search": "email=a@b.co"}, {"campaigns_details": "true", "per_page": "1000"}):
            response = client.get(SEARCH, params=params)
            assert assert_v1_error(response, 403, "E_NO_PERMISSION") in V1_NO_PERMISSION_MSGS
            assert_no_trace(response)


def test_searching_while_the_keys_line_is_full_is_409_at_once(server, account, api, full_line) -> None:
    emails = new_emails(2)
    add_emails(api, emails)
    waiting = full_line(server, account.api_key)
    for params in ({}, {"search": f"email={emails[0]}"}):
        response = api.get(SEARCH, params=params, timeout=5)  # refused at once, not after 15 s
        assert response.status_code == 409, response.text
        assert response.json() == V1_TOO_MANY_BODY
    serve(waiting)
    # The line is empty again: the same search is answered.
    response = api.get(SEARCH, params={"search": f"email={emails[0]}"})
    assert [p["email"] for p in response.json()] == emails[:1]


# --- POST /rest/v1/add_prospects_campaign -----------------------------------------------------


@pytest.fixture
def campaign(cli: Any, account: Any, tmp_path: Any) -> int:
    return new_campaign(cli, account, tmp_path)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no key"),
        pytest.param({"x-api-key": "lp_not_a_key_of_anybody_000000000000000"}, id="unknown key"),
    ],
)
def test_enrolling_without_a_valid_key_is_401(server, api, campaign, headers) -> None:
    emails = new_emails(1)
    with server.client() as anonymous:
        response = anonymous.post(ENROL, json=enrol_body(campaign, emails), headers=headers)
    assert response.status_code == 401
    assert response.json() == V1_SESSION_BODY
    assert_nobody_enrolled(api, campaign)
    assert_nothing_stored(api, emails)


def test_a_revoked_key_enrols_nothing_401(server, cli, account, api, campaign) -> None:
    key = re.search(r"lp_[A-Za-z0-9_-]{20,}", cli("keys", "create", account.name)).group(0)
    cli("keys", "revoke", key[:12])
    emails = new_emails(1)
    with server.client(key) as revoked:
        response = revoked.post(ENROL, json=enrol_body(campaign, emails))
    assert response.status_code == 401
    assert response.json() == V1_SESSION_BODY
    assert_nobody_enrolled(api, campaign)
    assert_nothing_stored(api, emails)


def test_enrolling_without_the_api_addon_is_403(server, cli, new_account, tmp_path) -> None:
    locked = new_account("--no-api-access")
    campaign_id = new_campaign(cli, locked, tmp_path)
    emails = new_emails(1)
    with server.client(locked.api_key) as client:
        response = client.post(ENROL, json=enrol_body(campaign_id, emails))
    assert assert_v1_error(response, 403, "E_NO_PERMISSION") in V1_NO_PERMISSION_MSGS
    assert_no_trace(response)
    assert stored_prospect(server.database_url, locked.id, emails[0]) is None
    enrolled = fetch(
        server.database_url, "SELECT count(*) FROM campaign_prospects WHERE campaign_id = :c", c=campaign_id
    )
    assert enrolled == [(0,)]


def test_enrolling_while_the_keys_line_is_full_is_409_and_writes_nothing(
    server, account, api, campaign, full_line
) -> None:
    emails = new_emails(2)
    waiting = full_line(server, account.api_key)
    response = api.post(ENROL, json=enrol_body(campaign, emails), timeout=5)
    assert response.status_code == 409, response.text
    assert response.json() == V1_TOO_MANY_BODY
    serve(waiting)
    assert_nobody_enrolled(api, campaign)
    assert_nothing_stored(api, emails)


def test_an_enrolment_body_over_the_limit_is_413_and_writes_nothing(
    standalone, tight_server, tmp_path
) -> None:
    account = standalone.account()
    campaign_id = new_campaign(Cli(standalone.url), account, tmp_path)
    emails = new_emails(12)
    body = json.dumps(enrol_body(campaign_id, emails, first_name="x" * 200)).encode()
    assert len(body) > BODY_LIMIT
    with tight_server.client(account.api_key) as client:
        for content in (body, iter([body[:1000], body[1000:]])):  # Content-Length, then chunked
            response = client.post(ENROL, content=content, headers={"Content-Type": "application/json"})
            assert_v1_error(response, 413, "E_WRONG_PARAM")
            assert "body" in response.json()["status"]["msg"]
            assert_no_trace(response)
        assert_nobody_enrolled(client, campaign_id)
        assert_nothing_stored(client, emails)


def too_many(count: int) -> str:
    return f"Wrong param [prospects]: at most {count} prospects per request, got {count + 1}"


def test_the_20001st_prospect_is_refused_and_nothing_is_enrolled(api, campaign) -> None:
    """The session's server runs with the default settings: its limit is 20,000."""
    emails = new_emails(DEFAULT_MAX_PROSPECTS + 1, "limit")
    response = api.post(ENROL, json=enrol_body(campaign, emails))
    assert_v1_error(response, 400, "E_WRONG_PARAM", too_many(DEFAULT_MAX_PROSPECTS))
    assert_nobody_enrolled(api, campaign)
    assert_nothing_stored(api, [emails[0], emails[-1]])


def test_the_limit_is_the_setting_and_a_full_request_is_enrolled(launch, account, campaign) -> None:
    """On a server with LEADPECKER_MAX_PROSPECTS_PER_ADD=5 (the same database): five are
    enrolled, six refused — the boundary the default of 20,000 sits on."""
    server = launch(max_prospects_per_add="5")
    with server.client(account.api_key) as client:
        refused = client.post(ENROL, json=enrol_body(campaign, new_emails(6, "six")))
        assert_v1_error(refused, 400, "E_WRONG_PARAM", too_many(5))
        assert_nobody_enrolled(client, campaign)
        five = new_emails(5, "five")
        accepted = client.post(ENROL, json=enrol_body(campaign, five))
        assert accepted.status_code == 200, accepted.text
        assert statuses(accepted.json()["prospects"]) == ["OK"] * 5
        enrolled = client.get(SEARCH, params={"campaigns_id": str(campaign)}).json()
        assert sorted(p["email"] for p in enrolled) == sorted(five)


# --- 413 on every v2 endpoint -----------------------------------------------------------------


def test_every_v2_endpoint_refuses_a_body_over_the_limit_with_413(standalone, tight_server) -> None:
    operations = v2_operations(tight_server)
    assert sum(takes_body for *_, takes_body in operations) >= 2  # the queue and the statuses query
    account = standalone.account()
    email = new_emails(1, "v2")[0]
    hints = {"first_name": "x" * 500, "last_name": "y" * 500, "company_name": "z" * 500}
    body = json.dumps({"prospects": [{"email": email, **hints}] * 2, "emails": [email] * 60}).encode()
    assert len(body) > BODY_LIMIT
    with tight_server.client(account.api_key) as client:
        assert statuses(add_emails(client, [email])) == ["OK"]
        for method, path, takes_body in operations:
            contents = (body, iter([body[:1000], body[1000:]])) if takes_body else (body,)
            for content in contents:  # Content-Length; chunked where a body is expected
                response = client.request(
                    method, path, content=content, headers={"Content-Type": "application/json"}
                )
                problem = assert_v2_error(response, 413, "Payload Too Large")
                assert "body" in problem["details"], (method, path, problem)
                assert_no_trace(response)
        # Nothing was queued for the prospect the refused queue request named.
        records = client.post("/rest/v2/lead_finder/prospects/enrichments/statuses/query", json={})
        assert records.json() == {"prospect_enrichments": []}
