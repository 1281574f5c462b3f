"""Ids only grow: a deleted prospect's id never comes back, so a client still holding it can
never reach somebody else's prospect through it (on both databases)."""

from __future__ import annotations

from tests.harness.names import new_emails
from tests.harness.prospects import add_emails


def _search_by_id(api, prospect_id: int) -> object:
    return api.get("/rest/v1/prospects", params={"id": str(prospect_id)}).json()


def test_the_id_of_a_deleted_newest_prospect_is_never_given_again(api) -> None:
    first, newest = add_emails(api, new_emails(2))
    assert api.delete("/rest/v1/prospects", params={"id": str(newest["id"])}).status_code == 200

    (replacement,) = add_emails(api, new_emails(1))

    assert replacement["id"] > newest["id"] > first["id"]
    # The old id still answers "nobody", not the new prospect.
    assert _search_by_id(api, newest["id"]) == {
        "message": "There are no prospects matching the given criteria."
    }


def test_ids_keep_growing_after_the_whole_account_is_emptied(api) -> None:
    added = add_emails(api, new_emails(3))
    ids = ",".join(str(outcome["id"]) for outcome in added)
    assert api.delete("/rest/v1/prospects", params={"id": ids}).status_code == 200

    (again,) = add_emails(api, new_emails(1))

    assert again["id"] > max(outcome["id"] for outcome in added)
