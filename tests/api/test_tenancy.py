"""Tenancy (README.md, "Tenancy"): every request is scoped to the key's account. Another
account's prospect cannot be seen, updated, detected as a duplicate or deleted; its id answers
exactly like one that does not exist."""

from __future__ import annotations

import pytest
from tests.harness.database import stored_prospect
from tests.harness.names import new_emails
from tests.harness.prospects import add, add_emails, statuses


@pytest.fixture
def a_prospect(api) -> tuple[str, int]:
    """A prospect of account A (``api``)."""
    (email,) = new_emails(1, "tenant-a")
    (outcome,) = add(api, [{"email": email, "first_name": "Alice", "company": "A Corp"}])
    assert outcome["status"] == "OK"
    return email, outcome["id"]


def test_another_account_adding_the_same_email_gets_its_own_prospect(
    server, api, other_api, account, other_account, a_prospect
) -> None:
    email, a_id = a_prospect
    (outcome,) = add(other_api, [{"email": email, "first_name": "Bob"}])
    assert outcome["status"] == "OK"  # not a DUPLICATE: A's row is invisible to B
    assert outcome["id"] != a_id
    assert stored_prospect(server.database_url, other_account.id, email)["first_name"] == "Bob"
    assert stored_prospect(server.database_url, account.id, email)["first_name"] == "Alice"
    # Each account now sees exactly its own row.
    assert add_emails(api, [email])[0]["id"] == a_id
    assert add_emails(other_api, [email])[0]["id"] == outcome["id"]


def test_another_accounts_update_never_touches_the_first_accounts_row(
    server, api, other_api, account, a_prospect
) -> None:
    email, a_id = a_prospect
    for flag in (True, "true", 1):
        (outcome,) = add(
            other_api, [{"email": email, "first_name": "Mallory", "company": "Evil"}], update=flag
        )
        assert outcome["id"] != a_id
    row = stored_prospect(server.database_url, account.id, email)
    assert (row["first_name"], row["company"]) == ("Alice", "A Corp")


def test_another_accounts_id_answers_exactly_like_a_missing_one(api, other_api, a_prospect) -> None:
    email, a_id = a_prospect
    missing = a_id + 1_000_000_000
    foreign = other_api.delete("/rest/v1/prospects", params={"id": str(a_id)})
    unknown = other_api.delete("/rest/v1/prospects", params={"id": str(missing)})
    assert foreign.status_code == unknown.status_code == 200
    (answer,) = foreign.json()["prospects"]
    (reference,) = unknown.json()["prospects"]
    assert answer == {**reference, "id": a_id}
    assert answer["code"] == "E_RECORD_NOT_FOUND"
    # A's prospect is still there.
    (outcome,) = add_emails(api, [email])
    assert (outcome["status"], outcome["id"]) == ("DUPLICATE", a_id)


def test_a_mixed_delete_removes_only_the_callers_own_prospects(api, other_api, a_prospect) -> None:
    email, a_id = a_prospect
    (b_email,) = new_emails(1, "tenant-b")
    (b_outcome,) = add_emails(other_api, [b_email])
    response = other_api.delete("/rest/v1/prospects", params={"id": f"{a_id},{b_outcome['id']}"})
    assert [(p["id"], p["status"]) for p in response.json()["prospects"]] == [
        (a_id, "ERROR"),
        (b_outcome["id"], "OK"),
    ]
    assert statuses(add_emails(api, [email])) == ["DUPLICATE"]
    assert statuses(add_emails(other_api, [b_email])) == ["OK"]  # B's own one is gone
