"""Who a key is: ``GET /rest/v1/me`` and ``GET /rest/v2/users`` (developers.woodpecker.co,
"Authentication" and "Get a list of users"), the users behind them (``leadpecker accounts
create --owner-…``, ``leadpecker users add|list``), and the key checks the public clients run
when a connection is saved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tests.harness.database import new_database
from tests.harness.http import (
    V1_NO_PERMISSION_MSGS,
    V1_SESSION_BODY,
    V1_TOO_MANY_BODY,
    answered_early,
    assert_v1_error,
    assert_v2_error,
    b64,
    hold,
    openapi_document,
    raw_request,
)
from tests.harness.names import new_emails
from tests.harness.server import start_server

from leadpecker.accounts.service import hash_key
from leadpecker.kit.db import async_database_url
from leadpecker.kit.migrate import alembic_config, upgrade_to_head

ME = "/rest/v1/me"
USERS = "/rest/v2/users"
NO_API_ADDON = "You need to have an API keys addon to access our API."
UNKNOWN_KEY = "lp_not_a_key_of_anybody_000000000000000"


@pytest.fixture
def dunder(new_account: Callable[..., Any], cli: Any) -> Any:
    """The account of the docs page's example: Michael Scott owns it, Jim Halpert is a user."""
    created = new_account("--owner-name", "Michael Scott", "--owner-email", "michael@dundermifflin.com")
    cli("users", "add", created.name, "jimothy@dundermifflin.com", "--name", "Jim Halpert")
    return created


def users_of(cli: Any, account: Any) -> list[dict[str, Any]]:
    return cli.json("users", "list", account.name, "--json")


def listed(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Users as GET /rest/v2/users shows them."""
    return [{key: user[key] for key in ("id", "name", "email", "role")} for user in users]


# --- GET /rest/v2/users -----------------------------------------------------------------------


def test_the_users_are_listed_as_in_the_docs_example(server, cli, dunder) -> None:
    """Docs page "Get a list of users", Response examples: Michael Scott (admin) and Jim
    Halpert (user), two users on one page of 50."""
    michael, jim = users_of(cli, dunder)
    with server.client(dunder.api_key) as api:
        response = api.get(USERS)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "content": [
            {
                "id": michael["id"],
                "name": "Michael Scott",
                "email": "michael@dundermifflin.com",
                "role": "admin",
            },
            {"id": jim["id"], "name": "Jim Halpert", "email": "jimothy@dundermifflin.com", "role": "user"},
        ],
        "pagination_data": {"total_elements": 2, "total_pages": 1, "current_page_number": 1, "page_size": 50},
    }
    assert michael["id"] < jim["id"]


def test_the_request_sample_lists_the_newest_users_first(server, cli, dunder) -> None:
    """Docs page "Get a list of users", Request sample "Retrieve newest users":
    ``?page=0&sort=-id``."""
    with server.client(dunder.api_key) as api:
        newest_first = api.get(f"{USERS}?page=0&sort=-id").json()["content"]
    assert newest_first == list(reversed(listed(users_of(cli, dunder))))


@pytest.mark.parametrize("sort", ["+id", "id", " id"], ids=["+id", "bare id", "+ sent unencoded"])
def test_ascending_id_is_the_default_and_every_spelling_of_it(server, cli, dunder, sort) -> None:
    """Docs page "Get a list of users", Parameters: sorted by id ascending by default, ``+id``
    ascending. A "+" written into a query string unencoded arrives as a space."""
    with server.client(dunder.api_key) as api:
        by_default = api.get(USERS).json()["content"]
        sorted_ = api.get(USERS, params={"sort": sort}).json()["content"]
    raw = raw_request(server.url, "GET", f"{USERS}?sort=+id", {"x-api-key": dunder.api_key})
    assert by_default == sorted_ == raw.json()["content"] == listed(users_of(cli, dunder))


def test_pages_hold_50_users_and_page_is_0_based(server, cli, new_account) -> None:
    """Docs page "Get a list of users", Pagination: each request returns 50 users; page is
    0-based and current_page_number 1-based; the docs' example is 80 users, on 2 pages."""
    team = new_account()
    for email in new_emails(79, "team"):
        cli("users", "add", team.name, email)
    users = listed(users_of(cli, team))
    assert len(users) == 80
    with server.client(team.api_key) as api:
        first, second, past = (api.get(USERS, params={"page": page}).json() for page in (0, 1, 2))
        newest = api.get(USERS, params={"page": 1, "sort": "-id"}).json()
    assert first["pagination_data"] == {
        "total_elements": 80,
        "total_pages": 2,
        "current_page_number": 1,
        "page_size": 50,
    }
    assert first["content"] == users[:50]
    assert second["content"] == users[50:]
    assert second["pagination_data"] == {**first["pagination_data"], "current_page_number": 2}
    assert past["content"] == []
    assert past["pagination_data"] == {**first["pagination_data"], "current_page_number": 3}
    assert newest["content"] == list(reversed(users))[50:]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=true", "page"),
        (f"page={2**31}", "page"),
        ("page=1_0", "page"),  # pydantic's lax int would read 10
        ("page=1.0", "page"),
        ("page=%201", "page"),
        ("sort=name", "sort"),
        ("sort=id,-id", "sort"),
        ("sort=", "sort"),
    ],
)
def test_a_wrong_page_or_sort_is_a_v2_400_naming_it(server, shared_api, query, names) -> None:
    response = shared_api.get(f"{USERS}?{query}")
    body = assert_v2_error(response, 400, "Bad Request")
    assert body["details"].startswith(f"{names}: "), body


def test_other_query_parameters_are_ignored(server, shared_api) -> None:
    """The reference ignores what it does not know (issue 13, point 6): a client's extra
    paging parameter (w6w sends its own) does not break the check of a key."""
    plain = shared_api.get(USERS).json()
    assert shared_api.get(USERS, params={"per_page": "5", "role": "admin"}).json() == plain
    assert shared_api.get(ME, params={"anything": "1"}).status_code == 200


# --- GET /rest/v1/me --------------------------------------------------------------------------


def test_me_is_the_accounts_owner_and_the_account(server, cli, dunder) -> None:
    """Docs page "Authentication": ``curl …/rest/v1/me --header "x-api-key: …"`` answers for
    a good key. The owner is the user ``accounts create`` made (docs/compatibility.md, "me and
    users")."""
    michael, _ = users_of(cli, dunder)
    with server.client(dunder.api_key) as api:
        response = api.get(ME)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": michael["id"],
        "name": "Michael Scott",
        "email": "michael@dundermifflin.com",
        "role": "admin",
        "company_id": dunder.id,
        "company_name": dunder.name,
    }


def test_an_account_created_without_owner_details_is_owned_by_its_namesake(server, cli, account) -> None:
    (owner,) = users_of(cli, account)
    with server.client(account.api_key) as api:
        me = api.get(ME).json()
        users = api.get(USERS).json()
    assert me == {
        "id": owner["id"],
        "name": account.name,
        "email": "",
        "role": "admin",
        "company_id": account.id,
        "company_name": account.name,
    }
    assert users["content"] == [{"id": owner["id"], "name": account.name, "email": "", "role": "admin"}]


def test_every_key_of_an_account_is_its_owner(server, cli, dunder) -> None:
    output = cli("keys", "create", dunder.name)
    second_key = next(word for word in output.split() if word.startswith("lp_"))
    with server.client(dunder.api_key) as first, server.client(second_key) as second:
        assert first.get(ME).json() == second.get(ME).json()


# --- errors, in each version's envelope ------------------------------------------------------


def test_a_missing_unknown_or_revoked_key_is_401_in_each_envelope(server, cli, new_account) -> None:
    revoked = new_account()
    cli("keys", "revoke", revoked.api_key)
    for headers in ({}, {"x-api-key": UNKNOWN_KEY}, {"x-api-key": revoked.api_key}):
        me = raw_request(server.url, "GET", ME, headers)
        assert me.status_code == 401 and me.json() == V1_SESSION_BODY, me.text
        assert_v2_error(
            raw_request(server.url, "GET", USERS, headers), 401, "Unauthorized", "Invalid api key"
        )


def test_an_account_without_the_api_addon_is_403_in_each_envelope(server, new_account) -> None:
    locked = new_account("--no-api-access")
    with server.client(locked.api_key) as api:
        msg = assert_v1_error(api.get(ME), 403, "E_NO_PERMISSION")
        assert msg in V1_NO_PERMISSION_MSGS
        assert_v2_error(api.get(USERS), 403, "Forbidden", NO_API_ADDON)


def test_the_key_is_checked_before_the_parameters(server) -> None:
    response = raw_request(server.url, "GET", f"{USERS}?page=-1", {"x-api-key": UNKNOWN_KEY})
    assert_v2_error(response, 401, "Unauthorized", "Invalid api key")


@pytest.mark.parametrize("path", [ME, USERS])
def test_only_get_is_allowed(server, shared_api, path) -> None:
    response = shared_api.post(path, json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_both_go_through_the_per_key_rate_limit(server, new_account) -> None:
    """The per-key line (1 in flight, 6 waiting) is full: v1 answers 409, v2 429, at once."""
    busy = new_account()
    held = hold(server.url, busy.api_key, 1 + 6 + 1)
    try:
        assert len(answered_early(held, 1)) == 1  # the line is full now
        me = raw_request(server.url, "GET", ME, {"x-api-key": busy.api_key}, timeout=5)
        assert me.status_code == 409 and me.json() == V1_TOO_MANY_BODY, me.text
        users = raw_request(server.url, "GET", USERS, {"x-api-key": busy.api_key}, timeout=5)
        assert_v2_error(users, 429, "Too Many Requests")
    finally:
        for request in held:
            request.close()


# --- tenancy ---------------------------------------------------------------------------------


def test_an_account_sees_only_its_own_users_and_owner(server, cli, dunder, new_account) -> None:
    other = new_account("--owner-name", "Jan Levinson", "--owner-email", "jan@dundermifflin.com")
    # The same email in the other account is another user of another account.
    cli("users", "add", other.name, "jimothy@dundermifflin.com", "--name", "Jim at corporate")
    with server.client(dunder.api_key) as mine, server.client(other.api_key) as theirs:
        my_users, their_users = mine.get(USERS).json(), theirs.get(USERS).json()
        my_me, their_me = mine.get(ME).json(), theirs.get(ME).json()
    assert my_users["content"] == listed(users_of(cli, dunder))
    assert their_users["content"] == listed(users_of(cli, other))
    assert {user["id"] for user in my_users["content"]}.isdisjoint(u["id"] for u in their_users["content"])
    assert (
        my_users["pagination_data"]["total_elements"] == their_users["pagination_data"]["total_elements"] == 2
    )
    assert (my_me["name"], my_me["company_id"]) == ("Michael Scott", dunder.id)
    assert (their_me["name"], their_me["company_id"]) == ("Jan Levinson", other.id)


# --- the public clients' key checks ------------------------------------------------------------


# How each client presents a key, by its own code (docs/compatibility.md, "me and users").
CLIENT_KEY_FORMS: dict[str, Callable[[str], dict[str, str]]] = {
    # developers.woodpecker.co "Authentication"; activepieces (packages/pieces/community/
    # woodpecker/src/index.ts, validate); romeoman/woodpecker-skill (scripts/wp.py).
    "x-api-key": lambda key: {"x-api-key": key},
    # segevsh/w6w-apps apps/woodpecker/auth/api-key.ts (test): x-api-key and an Accept.
    "w6w": lambda key: {"accept": "application/json", "x-api-key": key},
    # dd-woodpecker (woodpecker.py) and Bit Integrations (WoodpeckerController.php): Basic base64(key).
    "Basic base64(key)": lambda key: {"Authorization": f"Basic {b64(key)}"},
    # woodpecker-api (woodpecker.js), behind Pipedream's app: Basic base64(key) + ":X".
    "Basic base64(key):X": lambda key: {"Authorization": f"Basic {b64(key)}:X"},
    # Power Automate (independent-publisher-connectors/Woodpecker: basic auth, the key as user
    # name, "Enter Space" as the password).
    "Basic base64(key: )": lambda key: {"Authorization": f"Basic {b64(key + ': ')}"},
}


@pytest.mark.parametrize("path", [ME, USERS])
@pytest.mark.parametrize("form", list(CLIENT_KEY_FORMS))
def test_each_clients_key_check_passes_with_a_good_key_and_fails_with_a_bad_or_locked_one(
    server, shared_account, new_account, form, path
) -> None:
    """A key check is a GET that must answer 2xx for a working key (Activepieces and w6w read
    nothing else) and the documented 401/403 otherwise, in the envelope of its version."""
    present = CLIENT_KEY_FORMS[form]
    good = raw_request(server.url, "GET", path, present(shared_account.api_key))
    assert good.status_code == 200, good.text
    assert good.headers["content-type"] == "application/json"
    bad = raw_request(server.url, "GET", path, present(UNKNOWN_KEY))
    locked = raw_request(server.url, "GET", path, present(new_account("--no-api-access").api_key))
    if path == ME:
        assert bad.status_code == 401 and bad.json() == V1_SESSION_BODY, bad.text
        assert assert_v1_error(locked, 403, "E_NO_PERMISSION") in V1_NO_PERMISSION_MSGS
    else:
        assert_v2_error(bad, 401, "Unauthorized", "Invalid api key")
        assert_v2_error(locked, 403, "Forbidden", NO_API_ADDON)


def test_the_w6w_check_reads_a_users_page(server, shared_account) -> None:
    """w6w's test (apps/woodpecker/tests/auth/api-key.test.ts) expects ``content`` and
    ``pagination_data``; its user list reads ``content`` and ``pagination_data``."""
    with httpx.Client(base_url=server.url, headers=CLIENT_KEY_FORMS["w6w"](shared_account.api_key)) as w6w:
        body = w6w.get(USERS).json()
    assert isinstance(body["content"], list) and body["content"]
    assert set(body["pagination_data"]) == {
        "total_elements",
        "total_pages",
        "current_page_number",
        "page_size",
    }


# --- the operator's commands ------------------------------------------------------------------


def test_users_add_and_list(cli, new_account) -> None:
    team = new_account("--owner-email", " Owner@Example.COM ")
    said = cli("users", "add", team.name, "Pam@Example.com", "--name", " Pam Beesly ", "--role", "admin")
    (owner, pam) = users_of(cli, team)
    assert f"user {pam['id']} (admin) added to {team.name}: pam@example.com" in said
    assert (owner["email"], owner["role"], owner["name"]) == ("owner@example.com", "admin", team.name)
    assert (pam["email"], pam["role"], pam["name"]) == ("pam@example.com", "admin", "Pam Beesly")
    assert set(owner) == {"id", "name", "email", "role", "created"}
    by_id = cli("users", "list", str(team.id))
    assert "pam@example.com" in by_id and "Pam Beesly" in by_id


def test_users_add_refuses_what_it_cannot_store(cli, account) -> None:
    cli("users", "add", account.name, "dwight@example.com")
    cli.fails(
        "users",
        "add",
        account.name,
        "DWIGHT@example.com ",
        says="already has a user with email dwight@example.com",
    )
    cli.fails("users", "add", account.name, "not-an-email", says="not an email address: 'not-an-email'")
    cli.fails("users", "add", account.name, "a@" + "b" * 320 + ".com", says="at most 320 characters")
    cli.fails(
        "users", "add", account.name, "x@example.com", "--name", "n" * 201, says="at most 200 characters"
    )
    cli.fails("users", "add", "no-such-account-anywhere", "x@example.com", says="no account with id or name")
    cli.fails("users", "add", account.name, "x@example.com", "--role", "owner", says="--role", exit_code=2)
    cli.fails("users", "list", "no-such-account-anywhere", says="no account with id or name")
    assert [user["email"] for user in users_of(cli, account)] == ["", "dwight@example.com"]


def test_accounts_create_refuses_a_wrong_owner_email_and_creates_nothing(cli) -> None:
    name = f"acct-{new_emails(1)[0][:12]}"
    cli.fails("accounts", "create", name, "--owner-email", "nobody", says="not an email address")
    assert name not in {account["name"] for account in cli.json("accounts", "list", "--json")}


# --- documents and upgrades -------------------------------------------------------------------


def test_both_are_in_the_openapi_document(server) -> None:
    spec = openapi_document(server)
    me, users = spec["paths"][ME]["get"], spec["paths"][USERS]["get"]
    assert set(spec["paths"][ME]) == set(spec["paths"][USERS]) == {"get"}
    for operation, envelope in ((me, "V1Error"), (users, "V2Error")):
        assert {"200", "401", "403", "429" if envelope == "V2Error" else "409"} <= set(operation["responses"])
        assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith(
            envelope
        )
    assert me["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/MeOut")
    assert users["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/UsersOut")
    parameters = {parameter["name"]: parameter for parameter in users["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 0
    assert parameters["sort"]["schema"]["pattern"] == "^[+ -]?id$"
    assert set(spec["components"]["schemas"]["UserOut"]["properties"]) == {"id", "name", "email", "role"}


def test_accounts_that_existed_before_the_upgrade_get_their_owner(backend, tmp_path) -> None:
    """Migration 0008 gives every existing account its owner: an admin named like the account,
    with no email yet; the account's key then answers /me and /users."""
    url, drop = new_database(backend, tmp_path)
    config = alembic_config(url)
    before = ScriptDirectory.from_config(config).get_revision("0008").down_revision
    try:
        command.upgrade(config, before)
        key = "lp_before_0008_identity_key_000000000000"
        asyncio.run(_insert_account(url, "Old Account", key))
        upgrade_to_head(url)
        server = start_server(url, tmp_path)
        try:
            with server.client(key) as api:
                me, users = api.get(ME).json(), api.get(USERS).json()
        finally:
            server.stop()
    finally:
        drop()
    assert me == {
        "id": me["id"],
        "name": "Old Account",
        "email": "",
        "role": "admin",
        "company_id": me["company_id"],
        "company_name": "Old Account",
    }
    assert users["content"] == [{"id": me["id"], "name": "Old Account", "email": "", "role": "admin"}]


async def _insert_account(url: str, name: str, key: str) -> None:
    """An account and its key as the schema before 0008 stores them."""
    engine = create_async_engine(async_database_url(url))
    try:
        async with engine.begin() as conn:
            account_id = (
                await conn.execute(
                    text(
                        "INSERT INTO accounts (name, api_access, credit_millis, created_at) "
                        "VALUES (:name, true, 0, CURRENT_TIMESTAMP) RETURNING id"
                    ),
                    {"name": name},
                )
            ).scalar_one()
            await conn.execute(
                text(
                    "INSERT INTO api_keys (account_id, prefix, key_hash, created_at) "
                    "VALUES (:account, :prefix, :hash, CURRENT_TIMESTAMP)"
                ),
                {"account": account_id, "prefix": key[:12], "hash": hash_key(key)},
            )
    finally:
        await engine.dispose()
