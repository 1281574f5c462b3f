"""``POST /rest/v1/stop_followups``: the legacy verb npm ``woodpecker-api`` 1.1.0 calls for
``prospects().blacklist(id | email)`` (woodpecker.js; its README: "To change prospect status to
BLACKLIST"). No developers.woodpecker.co page documents the verb; the client's request is the
contract (docs/compatibility.md, "stop_followups and responses"): ``{"prospect": {"email"}}``,
sent with ``Authorization: Basic base64(key):X`` and no Content-Type. The prospect's global
status becomes BLACKLIST, and so does each of its enrolments that still had follow-ups
planned, visible at once in ``GET /rest/v1/prospects`` (with ``campaigns_details``). Errors in
the v1 envelope, with the codes of developers.woodpecker.co "Prospects" (error codes table).
Both databases, through a real server."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.http import (
    V1_SESSION_BODY,
    V1_TOO_MANY_BODY,
    assert_v1_error,
    hold,
    openapi_document,
    raw_request,
)
from tests.harness.names import new_emails
from tests.harness.prospects import add, add_emails
from tests.harness.rate_limit import LINE

STOP = "/rest/v1/stop_followups"
SEARCH = "/rest/v1/prospects"
# Enrolment status before → after: follow-ups still planned stop; an ended sequence stays.
ENROLMENTS = {
    "ACTIVE": "BLACKLIST",
    "PAUSED": "BLACKLIST",
    "TO-CHECK": "BLACKLIST",
    "TO-REVIEW": "BLACKLIST",
    "AUTOREPLIED": "BLACKLIST",
    "REPLIED": "REPLIED",
    "BOUNCED": "BOUNCED",
    "INVALID": "INVALID",
    "BLACKLIST": "BLACKLIST",
}


def npm_basic(key: str) -> str:
    """The Authorization header woodpecker-api builds: base64 of the key, then ``:X``."""
    return "Basic " + base64.b64encode(key.encode()).decode() + ":X"


def npm_blacklist(server: Any, key: str, email: str) -> Any:
    """The request woodpecker.js sends for ``blacklist(email)``: a JSON body and no Content-Type."""
    body = json.dumps({"prospect": {"email": email}}).encode()
    return raw_request(server.url, "POST", STOP, {"Authorization": npm_basic(key)}, body)


def enrol_everywhere(cli: Any, account: Any, directory: Path, email: str) -> dict[str, int]:
    """One campaign per enrolment status, the prospect enrolled in each with that status;
    campaign name (the status) → id."""
    ids = cli.import_campaigns(account.name, directory, [(status, "RUNNING") for status in ENROLMENTS])
    enrolments = directory / f"enrolments-{account.name}.csv"
    enrolments.write_text(
        "campaign,email,status,interested\n"
        + "".join(f"{status},{email},{status},INTERESTED\n" for status in ENROLMENTS)
    )
    cli("enrolments", "import", str(enrolments), "--account", account.name)
    return ids


def found(client: httpx.Client, prospect_id: int) -> dict[str, Any]:
    response = client.get(SEARCH, params={"id": prospect_id, "campaigns_details": "true"})
    assert response.status_code == 200, response.text
    [prospect] = response.json()
    return prospect


def enrolment_statuses(prospect: dict[str, Any]) -> dict[str, str]:
    entries = prospect["campaigns_details"]
    return {entry["campaign_name"]: entry["campaign_prospect_status"] for entry in entries}


def test_blacklist_by_email_as_the_npm_client_sends_it_stops_every_planned_follow_up(
    server, cli, account, api, tmp_path
) -> None:
    """woodpecker-api README: ``Woodpecker.prospects().blacklist('mrtest@somedomain.com')``
    changes the prospect's status to BLACKLIST; its follow-ups stop in every campaign."""
    email, bystander = new_emails(2, "stop")
    [added, other] = add_emails(api, [email, bystander])
    enrol_everywhere(cli, account, tmp_path, email)
    before = found(api, added["id"])
    assert before["status"] == "ACTIVE"

    response = npm_blacklist(server, account.api_key, email)
    assert response.status_code == 200, response.text
    assert response.json() == {"prospect": {"email": email, "id": added["id"], "status": "OK"}}

    after = found(api, added["id"])  # at once: no refresh, no wait
    assert after["status"] == "BLACKLIST"
    assert enrolment_statuses(after) == ENROLMENTS
    assert [entry["interested"] for entry in after["campaigns_details"]] == ["INTERESTED"] * len(ENROLMENTS)
    assert found(api, other["id"])["status"] == "ACTIVE"  # nobody else
    listed = api.get(SEARCH, params={"status": "BLACKLIST"})
    assert [prospect["email"] for prospect in listed.json()] == [email]
    assert listed.headers["x-total-count"] == "1"


def test_blacklist_by_id_as_the_npm_client_does_it_finds_the_email_first(server, account, api) -> None:
    """woodpecker.js ``blacklist(id)``: ``prospects().find({id})`` (GET /rest/v1/prospects?id=…),
    then the same request with the email it found; the README: "Blacklists a prospect by id or
    email"."""
    email = new_emails(1, "byid")[0]
    [added] = add_emails(api, [email])
    headers = {"Authorization": npm_basic(account.api_key)}
    search = raw_request(server.url, "GET", f"{SEARCH}?id={added['id']}", headers)
    assert search.status_code == 200, search.text
    [prospect] = search.json()
    response = npm_blacklist(server, account.api_key, prospect["email"])
    assert response.status_code == 200, response.text
    assert response.json()["prospect"]["id"] == added["id"]
    assert found(api, added["id"])["status"] == "BLACKLIST"


def test_the_email_is_matched_as_stored_and_asking_again_changes_nothing(api) -> None:
    email = new_emails(1, "again")[0]
    [added] = add_emails(api, [email])
    first = api.post(STOP, json={"prospect": {"email": f"  {email.upper()} "}})
    assert first.status_code == 200, first.text
    assert first.json() == {"prospect": {"email": email, "id": added["id"], "status": "OK"}}
    updated = found(api, added["id"])["updated"]
    again = api.post(STOP, json={"prospect": {"email": email}})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert found(api, added["id"])["updated"] == updated  # nothing was written the second time


def test_a_prospect_already_replied_is_blacklisted_too(api) -> None:
    """The client's README promises the BLACKLIST status, whatever the status was."""
    email = new_emails(1, "replied")[0]
    [added] = add(api, [{"email": email, "status": "REPLIED"}])
    assert found(api, added["id"])["status"] == "REPLIED"
    assert api.post(STOP, json={"prospect": {"email": email}}).status_code == 200
    assert found(api, added["id"])["status"] == "BLACKLIST"


def test_fields_the_body_does_not_define_are_ignored(api) -> None:
    email = new_emails(1, "extra")[0]
    [added] = add_emails(api, [email])
    body = {"prospect": {"email": email, "first_name": "Ignored", "id": 1}, "campaign_id": 7}
    response = api.post(STOP, json=body)
    assert response.status_code == 200, response.text
    prospect = found(api, added["id"])
    assert prospect["status"] == "BLACKLIST" and prospect["first_name"] == ""


@pytest.mark.parametrize("email", ["nobody-{tag}@example.com", "not-an-email", ""])
def test_an_email_the_account_does_not_have_is_404_record_not_found(api, email) -> None:
    """developers.woodpecker.co "Prospects": E_RECORD_NOT_FOUND, "The resource cannot be found"."""
    response = api.post(STOP, json={"prospect": {"email": email.format(tag=new_emails(1)[0][:12])}})
    assert_v1_error(response, 404, "E_RECORD_NOT_FOUND", "Prospect not found")


def test_another_accounts_prospect_answers_like_a_missing_one_and_stays_as_it_was(
    api, other_api, other_account
) -> None:
    email = new_emails(1, "foreign")[0]
    [theirs] = add_emails(other_api, [email])
    response = api.post(STOP, json={"prospect": {"email": email}})
    assert_v1_error(response, 404, "E_RECORD_NOT_FOUND", "Prospect not found")
    assert found(other_api, theirs["id"])["status"] == "ACTIVE"
    # The same email in both accounts: only the caller's is stopped.
    [mine] = add_emails(api, [email])
    assert api.post(STOP, json={"prospect": {"email": email}}).json()["prospect"]["id"] == mine["id"]
    assert found(other_api, theirs["id"])["status"] == "ACTIVE"
    assert found(api, mine["id"])["status"] == "BLACKLIST"


@pytest.mark.parametrize(
    ("body", "code", "msg"),
    [
        (None, "E_REQUIRED_ELEMENT", "Required element missing: body"),
        ({}, "E_REQUIRED_ELEMENT", "Required element missing: prospect"),
        ({"prospect": {}}, "E_REQUIRED_ELEMENT", "Required element missing: prospect.email"),
        ({"prospect": "someone@example.com"}, "E_WRONG_PARAM", None),
        ({"prospect": {"email": 42}}, "E_WRONG_PARAM", None),
        ({"prospect": {"email": "nul\u0000@example.com"}}, "E_WRONG_PARAM", None),
        ({"prospect": {"email": "x" * 321}}, "E_WRONG_PARAM", None),
        ([{"prospect": {"email": "someone@example.com"}}], "E_WRONG_PARAM", "body: must be a JSON object"),
    ],
)
def test_a_malformed_body_is_400_in_the_v1_envelope_naming_the_field(api, body, code, msg) -> None:
    """developers.woodpecker.co "Prospects": E_REQUIRED_ELEMENT for a missing element,
    E_WRONG_PARAM for an invalid parameter."""
    response = api.post(STOP, content=b"" if body is None else json.dumps(body).encode())
    text = assert_v1_error(response, 400, code, msg)
    if code == "E_WRONG_PARAM" and msg is None:
        assert "prospect" in text


def test_a_body_that_is_not_json_is_400(api) -> None:
    response = api.post(STOP, content=b'{"prospect": {"email": ')
    assert_v1_error(response, 400, "E_WRONG_PARAM")


def test_without_a_valid_key_it_is_401_and_without_the_api_addon_403(server, new_account) -> None:
    email = new_emails(1, "auth")[0]
    with server.client("lp_wrong") as client:
        response = client.post(STOP, json={"prospect": {"email": email}})
    assert response.status_code == 401 and response.json() == V1_SESSION_BODY
    no_api = new_account("--no-api-access")
    with server.client(no_api.api_key) as client:
        response = client.post(STOP, json={"prospect": {"email": email}})
    assert_v1_error(response, 403, "E_NO_PERMISSION")
    # The key is checked before the body: a malformed body from a stranger is still a 401.
    with server.client("lp_wrong") as client:
        assert client.post(STOP, content=b"{").status_code == 401


def test_another_method_is_405_in_the_v1_envelope(api) -> None:
    response = api.get(STOP)
    assert_v1_error(response, 405, "E_URL_NOT_FOUND")
    assert response.headers["allow"] == "POST"


def test_the_rate_limit_applies_with_the_v1_answer(server, account) -> None:
    held = hold(server.url, account.api_key, LINE)
    try:
        response = npm_blacklist(server, account.api_key, new_emails(1)[0])
        assert response.status_code == 409, response.text
        assert response.json() == V1_TOO_MANY_BODY
    finally:
        for request in held:
            request.send_rest()
        for request in held:
            request.read()
            request.close()


def test_the_openapi_document_describes_it(server) -> None:
    spec = openapi_document(server)
    operation = spec["paths"][STOP]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert body["required"] == ["prospect"]
    prospect = spec["components"]["schemas"][body["properties"]["prospect"]["$ref"].rsplit("/", 1)[-1]]
    assert prospect["required"] == ["email"]
    assert {"200", "400", "401", "403", "404", "409", "500"} <= set(operation["responses"])
    assert "422" not in operation["responses"]
    assert operation["security"]
