"""Authentication (developers.woodpecker.co, "Authentication"; README.md): the key in
``x-api-key`` or any legacy Basic form; 401 for a missing, unknown or revoked key and 403
without the API add-on, in the envelope of the path."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.harness.http import (
    V1_NO_PERMISSION_MSGS,
    V1_SESSION_BODY,
    add_body,
    assert_v1_error,
    assert_v2_error,
    b64,
    raw_request,
    v2_operations,
)
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, add_emails, statuses

KEY = re.compile(r"lp_[A-Za-z0-9_-]{20,}")


def add_with_headers(server: Any, headers: dict[str, str] | list[tuple[str, str]]) -> Any:
    headers = list(headers.items()) if isinstance(headers, dict) else headers
    return raw_request(
        server.url, "POST", ADD, [*headers, ("Content-Type", "application/json")], add_body(new_emails(1))
    )


@pytest.mark.parametrize("name", ["x-api-key", "X-API-KEY", "X-Api-Key", "x-API-key"])
def test_the_key_header_is_read_in_any_letter_case(server, shared_account, name) -> None:
    response = add_with_headers(server, [(name, shared_account.api_key)])
    assert response.status_code == 200, response.text
    assert statuses(response.json()["prospects"]) == ["OK"]


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda key: f"Basic {b64(key)}", id="base64(key)"),
        pytest.param(lambda key: f"Basic {b64(key + ':')}", id="base64(key:)"),
        pytest.param(lambda key: f"Basic {b64(':' + key)}", id="base64(:key)"),
        pytest.param(lambda key: f"Basic {b64(key + ':anything')}", id="base64(key:anything)"),
        pytest.param(lambda key: f"Basic {b64(key)}:X", id="malformed base64(key):X"),
        pytest.param(lambda key: f"basic {b64(key + ':')}", id="scheme in lower case"),
    ],
)
def test_every_legacy_basic_form_authenticates(server, shared_api, shared_account, authorization) -> None:
    first = add_with_headers(server, {"Authorization": authorization(shared_account.api_key)})
    assert first.status_code == 200, first.text
    assert statuses(first.json()["prospects"]) == ["OK"]
    # Same account as the x-api-key client: what Basic added is a duplicate there.
    email = first.json()["prospects"][0]["email"]
    assert statuses(add_emails(shared_api, [email])) == ["DUPLICATE"]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no key"),
        pytest.param({"x-api-key": ""}, id="empty x-api-key"),
        pytest.param({"x-api-key": "lp_not_a_key_of_anybody_000000000000000"}, id="unknown key"),
        pytest.param(
            {"Authorization": f"Basic {b64('lp_unknown_key_0000000000000000:')}"}, id="unknown Basic"
        ),
        pytest.param({"Authorization": "Basic !!!not-base64!!!"}, id="Basic garbage"),
        pytest.param({"Authorization": "Basic "}, id="Basic without credentials"),
    ],
)
def test_a_missing_or_unknown_key_is_401_e_session(server, headers) -> None:
    response = add_with_headers(server, headers)
    assert response.status_code == 401
    assert response.json() == V1_SESSION_BODY


def test_the_401_is_the_same_on_every_v1_endpoint_and_method(anonymous) -> None:
    for response in (
        anonymous.post(ADD, json={"prospects": [{"email": "a@example.com"}]}),
        anonymous.delete("/rest/v1/prospects", params={"id": "1"}),
        anonymous.delete("/rest/v1/prospects", params={"id": "1"}, headers={"x-api-key": "lp_wrong"}),
    ):
        assert response.status_code == 401
        assert response.json() == V1_SESSION_BODY


def test_a_revoked_key_is_401_and_the_accounts_other_keys_still_work(server, cli, account) -> None:
    second_key = KEY.search(cli("keys", "create", account.name)).group(0)
    cli("keys", "revoke", account.api_key[:12])

    with server.client(account.api_key) as revoked:
        response = revoked.post(ADD, json={"prospects": [{"email": new_emails(1)[0]}]})
    assert response.status_code == 401
    assert response.json() == V1_SESSION_BODY
    # Revoked for every way of presenting it, not only x-api-key.
    basic = add_with_headers(server, {"Authorization": f"Basic {b64(account.api_key + ':')}"})
    assert basic.status_code == 401
    assert basic.json() == V1_SESSION_BODY

    with server.client(second_key) as other:
        assert statuses(add_emails(other, new_emails(1))) == ["OK"]


def test_a_second_key_works_for_the_same_account(server, cli, api, account) -> None:
    second_key = KEY.search(cli("keys", "create", account.name)).group(0)
    assert second_key != account.api_key
    emails = new_emails(2)
    first = add_emails(api, emails)
    with server.client(second_key) as second:
        again = add_emails(second, emails)
    assert statuses(again) == ["DUPLICATE", "DUPLICATE"]
    assert [o["id"] for o in again] == [o["id"] for o in first]
    # The first key keeps working.
    assert statuses(add_emails(api, new_emails(1))) == ["OK"]


def test_an_account_without_the_api_addon_is_403_e_no_permission(server, new_account) -> None:
    locked = new_account("--no-api-access")
    with server.client(locked.api_key) as client:
        for response in (
            client.post(ADD, json={"prospects": [{"email": new_emails(1)[0]}]}),
            client.delete("/rest/v1/prospects", params={"id": "1"}),
        ):
            msg = assert_v1_error(response, 403, "E_NO_PERMISSION")
            assert msg in V1_NO_PERMISSION_MSGS


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/plain", "*/*", "image/png"])
def test_no_request_is_refused_over_accept(server, shared_account, accept) -> None:
    response = add_with_headers(server, {"x-api-key": shared_account.api_key, "Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert statuses(response.json()["prospects"]) == ["OK"]
    refused = add_with_headers(server, {"Accept": accept})
    assert refused.status_code == 401
    assert refused.json() == V1_SESSION_BODY


# --- v2 ---------------------------------------------------------------------------------------


def test_v2_endpoints_answer_401_and_403_in_the_v2_envelope(server, cli, anonymous, new_account) -> None:
    operations = v2_operations(server)
    if not operations:
        pytest.skip("no /rest/v2 endpoint exists yet")
    locked = new_account("--no-api-access")
    revoked = new_account().api_key
    cli("keys", "revoke", revoked)
    refused_keys = [{}, {"x-api-key": "lp_not_a_key_of_anybody_000000000000000"}, {"x-api-key": revoked}]
    for method, path, _ in operations:
        for headers in refused_keys:
            response = anonymous.request(method, path, json={}, headers=headers)
            assert_v2_error(response, 401, "Unauthorized", "Invalid api key")
        response = anonymous.request(method, path, json={}, headers={"x-api-key": locked.api_key})
        assert_v2_error(response, 403, "Forbidden")


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"\xff\xfe", b"", b'{"prospects": [{"email": "\xff@x.com"}]}', b"[" * 100_000],
    ids=["not JSON", "not UTF-8", "empty", "a byte not UTF-8 inside JSON", "nested too deeply"],
)
def test_the_key_is_checked_before_the_body_is_read(server, body) -> None:
    """A malformed body without a valid key answers 401, like a well-formed one."""
    v1 = raw_request(server.url, "POST", ADD, {"Content-Type": "application/json"}, body)
    assert v1.status_code == 401
    assert v1.json() == V1_SESSION_BODY
    v2 = raw_request(
        server.url,
        "POST",
        "/rest/v2/lead_finder/prospects/enrichments",
        {"Content-Type": "application/json"},
        body,
    )
    assert v2.status_code == 401
    assert v2.json()["title"] == "Unauthorized"
