"""Loading prospects (developers.woodpecker.co, "Prospects"): ``POST
/rest/v1/add_prospects_list`` answers per prospect in request order, ``update`` changes only
the keys sent, and ``DELETE /rest/v1/prospects`` answers per id.

Stored field values are read from the database (``database.stored_prospect``): the API has no
endpoint that returns them yet.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.harness.database import stored_prospect
from tests.harness.http import raw_request
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, add, add_emails, statuses


@pytest.fixture
def stored(server, account) -> Any:
    """stored(email) → the account's row of that prospect (None when absent)."""
    return lambda email: stored_prospect(server.database_url, account.id, email)


def test_each_prospect_gets_its_outcome_in_request_order(api) -> None:
    first, second, third = new_emails(3)
    outcomes = add(api, [{"email": first}, {"email": "not-an-email"}, {"email": second}])
    assert [set(o) for o in outcomes] == [
        {"email", "id", "status"},
        {"email", "id", "status", "code", "msg"},
        {"email", "id", "status"},
    ]
    assert [(o["email"], o["status"]) for o in outcomes] == [
        (first, "OK"),
        ("not-an-email", "ERROR"),
        (second, "OK"),
    ]
    assert (outcomes[1]["code"], outcomes[1]["id"]) == ("E_EMAIL", None)
    ids = [outcomes[0]["id"], outcomes[2]["id"]]
    assert all(isinstance(i, int) for i in ids) and ids[0] != ids[1]

    again = add_emails(api, [second, third, first])
    assert [(o["email"], o["status"]) for o in again] == [
        (second, "DUPLICATE"),
        (third, "OK"),
        (first, "DUPLICATE"),
    ]
    assert [again[0]["id"], again[2]["id"]] == [ids[1], ids[0]]  # a duplicate names the stored prospect


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "two@@example.com", "spaces in@example.com", "@example.com", "user@", "", "   "],
)
def test_an_invalid_address_is_error_e_email_and_the_rest_still_load(shared_api, email) -> None:
    (good,) = new_emails(1)
    outcomes = add(shared_api, [{"email": email}, {"email": good}])
    assert (outcomes[0]["status"], outcomes[0]["code"], outcomes[0]["id"]) == ("ERROR", "E_EMAIL", None)
    assert outcomes[1]["status"] == "OK"


def test_emails_are_trimmed_and_lower_cased(api, stored) -> None:
    (email,) = new_emails(1, "MiXeD.Case")
    (outcome,) = add_emails(api, [f"  {email.upper()}\t"])
    assert (outcome["email"], outcome["status"]) == (email.lower(), "OK")
    assert stored(email.lower())["id"] == outcome["id"]
    for spelling in (email.lower(), email.upper(), f" {email} "):
        (again,) = add_emails(api, [spelling])
        assert (again["status"], again["id"]) == ("DUPLICATE", outcome["id"])


def test_an_email_repeated_in_one_request_is_created_once(api, stored) -> None:
    (email,) = new_emails(1)
    outcomes = add(
        api,
        [{"email": email, "first_name": "First"}, {"email": email.upper()}, {"email": f" {email} "}],
    )
    assert statuses(outcomes) == ["OK", "DUPLICATE", "DUPLICATE"]
    assert len({o["id"] for o in outcomes}) == 1
    assert stored(email)["first_name"] == "First"


FLAG_SPELLINGS = [
    pytest.param(True, True, id="true"),
    pytest.param("TRUE", True, id='"TRUE"'),
    pytest.param("true", True, id='"true"'),
    pytest.param(1, True, id="1"),
    pytest.param("1", True, id='"1"'),
    pytest.param(False, False, id="false"),
    pytest.param("false", False, id='"false"'),
    pytest.param("FALSE", False, id='"FALSE"'),
    pytest.param(0, False, id="0"),
    pytest.param("0", False, id='"0"'),
]


@pytest.mark.parametrize(("flag", "updates"), FLAG_SPELLINGS)
def test_update_takes_every_legacy_flag_spelling(server, shared_api, shared_account, flag, updates) -> None:
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, "first_name": "Before", "company": "Acme"}])
    (outcome,) = add(shared_api, [{"email": email, "first_name": "After"}], update=flag)
    assert (outcome["status"], outcome["id"]) == ("UPDATED" if updates else "DUPLICATE", created["id"])
    row = stored_prospect(server.database_url, shared_account.id, email)
    assert row["first_name"] == ("After" if updates else "Before")
    assert row["company"] == "Acme"


def test_without_update_an_existing_prospect_stays_as_it_is(api, stored) -> None:
    (email,) = new_emails(1)
    add(api, [{"email": email, "first_name": "Kept", "status": "BOUNCED"}])
    (outcome,) = add(api, [{"email": email, "first_name": "Ignored", "status": "ACTIVE"}])
    assert outcome["status"] == "DUPLICATE"
    row = stored(email)
    assert (row["first_name"], row["status"]) == ("Kept", "BOUNCED")


def test_update_changes_only_the_keys_sent(api, stored) -> None:
    (email,) = new_emails(1)
    original = {
        "first_name": "Erlich",
        "last_name": "Bachman",
        "company": "Bachmanity",
        "title": "CEO",
        "tags": "#VISIONARY",
        "snippet1": "You are running a successful startup incubator",
        "snippet15": "last",
        "organization_id": 654321789,
        "status": "REPLIED",
    }
    add(api, [{"email": email, **original}])
    (outcome,) = add(api, [{"email": email, "company": "Aviato", "snippet2": "new"}], update=True)
    assert outcome["status"] == "UPDATED"
    row = stored(email)
    assert row["company"] == "Aviato"
    assert row["snippet2"] == "new"
    for key, value in original.items():
        if key != "company":
            assert row[key] == value, key

    # The status changes only when it is sent.
    add(api, [{"email": email, "status": "BLACKLIST"}], update="true")
    assert stored(email)["status"] == "BLACKLIST"


def test_update_with_a_new_email_creates_it(api) -> None:
    existing, new = new_emails(2)
    add_emails(api, [existing])
    assert statuses(add_emails(api, [existing, new], update=True)) == ["UPDATED", "OK"]


def test_legacy_snipet_fields_are_the_snippets(api, stored) -> None:
    (email,) = new_emails(1)
    add(api, [{"email": email, "snipet1": "legacy one", "snipet4": "legacy four", "snippet5": "five"}])
    row = stored(email)
    assert (row["snippet1"], row["snippet4"], row["snippet5"]) == ("legacy one", "legacy four", "five")
    add(api, [{"email": email, "snipet2": "updated through the legacy name"}], update=True)
    row = stored(email)
    assert (row["snippet1"], row["snippet2"]) == ("legacy one", "updated through the legacy name")


def test_a_new_prospect_is_active_with_empty_fields_unless_given(api, stored) -> None:
    (email,) = new_emails(1)
    add(api, [{"email": email, "first_name": "Only", "snippet_labels": {"custom": "value"}}])
    row = stored(email)
    assert row["status"] == "ACTIVE"
    assert (row["first_name"], row["last_name"], row["snippet3"]) == ("Only", "", "")
    labels = row["snippet_labels"]
    assert (json.loads(labels) if isinstance(labels, str) else labels) == {"custom": "value"}


@pytest.mark.parametrize(
    "content_type",
    [None, "application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-8"],
)
def test_the_body_is_json_whatever_the_content_type(server, shared_account, content_type) -> None:
    emails = new_emails(2)
    headers = {"x-api-key": shared_account.api_key}
    if content_type:
        headers["Content-Type"] = content_type
    body = json.dumps({"file_name": "from-curl.csv", "prospects": [{"email": e} for e in emails]})
    response = raw_request(server.url, "POST", ADD, headers, body.encode())
    assert response.status_code == 200, response.text
    assert [(o["email"], o["status"]) for o in response.json()["prospects"]] == [(e, "OK") for e in emails]


# --- DELETE /rest/v1/prospects -----------------------------------------------------------------


def test_delete_answers_per_id_and_deleted_prospects_can_come_back(api, stored) -> None:
    first, second, kept = new_emails(3)
    ids = [o["id"] for o in add_emails(api, [first, second, kept])]
    missing = max(ids) + 1_000_000

    response = api.delete("/rest/v1/prospects", params={"id": f"{ids[0]},{missing},{ids[1]}"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "prospects": [
            {"id": ids[0], "status": "OK"},
            {"id": missing, "status": "ERROR", "code": "E_RECORD_NOT_FOUND", "msg": "Prospect not found"},
            {"id": ids[1], "status": "OK"},
        ]
    }
    assert stored(first) is None and stored(second) is None
    assert stored(kept)["id"] == ids[2]

    again = api.delete("/rest/v1/prospects", params={"id": str(ids[0])})
    assert again.json()["prospects"] == [
        {"id": ids[0], "status": "ERROR", "code": "E_RECORD_NOT_FOUND", "msg": "Prospect not found"}
    ]
    (back,) = add_emails(api, [first])
    assert back["status"] == "OK" and back["id"] != ids[0]
    assert statuses(add_emails(api, [kept])) == ["DUPLICATE"]


def test_delete_names_an_id_given_twice_once(api) -> None:
    (prospect_id,) = [o["id"] for o in add_emails(api, new_emails(1))]
    response = api.delete("/rest/v1/prospects", params={"id": f"{prospect_id},{prospect_id}"})
    assert response.json() == {"prospects": [{"id": prospect_id, "status": "OK"}]}
