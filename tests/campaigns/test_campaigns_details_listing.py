"""``GET /rest/v1/prospects?campaigns_details=true`` on the listing path (no filter but status,
sorted by id: ``Listing.page``, search/listing.py): every page holds the account's own prospects
in id order, each with exactly its own campaigns — ``[]`` when none — and pages count
prospects, not campaigns.

The account's prospects are interleaved with another account's, which has campaigns of its own
and enrols a prospect with one of the same emails: none of it may show. Enrolments come from
``add_prospects_campaign`` and from ``leadpecker enrolments import`` (statuses and interest)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests.harness.prospects import ADD, ENROL

SEARCH = "/rest/v1/prospects"
NO_MATCH = {"message": "There are no prospects matching the given criteria."}
CAMPAIGNS = [("SaaS in America", "RUNNING"), ("SaaS in Europe", "PAUSED"), ("Draft ideas", "DRAFT")]
PROSPECTS = 9
STATUSES = ["ACTIVE", "REPLIED", "ACTIVE", "BOUNCED", "ACTIVE", "ACTIVE", "REPLIED", "ACTIVE", "BLACKLIST"]
# email index → [(campaign, status in it, interest)], loaded by ``leadpecker enrolments import``
IMPORTED = {
    0: [("SaaS in America", "ACTIVE", "NOT_MARKED"), ("SaaS in Europe", "REPLIED", "INTERESTED")],
    1: [("SaaS in Europe", "TO-CHECK", "MAYBE_LATER")],
    4: [("Draft ideas", "PAUSED", "NOT_INTERESTED")],
    6: [("SaaS in America", "BOUNCED", "NOT_MARKED"), ("Draft ideas", "ACTIVE", "INTERESTED")],
}
ENROLLED_BY_API = [2, 4, 7]  # in "SaaS in America", ACTIVE and NOT_MARKED


@pytest.fixture(scope="module")
def listed(server, cli, tmp_path_factory) -> tuple[Any, list[dict[str, Any]]]:
    """(the account, its prospects in id order as they must be listed, with campaigns_details)."""
    tmp_path = tmp_path_factory.mktemp("campaigns-details")
    mine, theirs = (cli.create_account(f"details-{uuid.uuid4().hex[:10]}") for _ in range(2))
    campaigns = cli.import_campaigns(mine.name, tmp_path, CAMPAIGNS)
    their_campaigns = cli.import_campaigns(theirs.name, tmp_path, [("SaaS in America", "RUNNING")])
    emails = [f"p{n}@{mine.name}.test" for n in range(PROSPECTS)]
    ids: list[int] = []
    with server.client(mine.api_key) as client, server.client(theirs.api_key) as foreign:
        for n, email in enumerate(emails):  # one request each: the two accounts' ids interleave
            added = client.post(ADD, json={"prospects": [{"email": email, "status": STATUSES[n]}]})
            ids.append(added.json()["prospects"][0]["id"])
            foreign.post(ADD, json={"prospects": [{"email": email}]}).raise_for_status()
        body = {"campaign": {"campaign_id": campaigns["SaaS in America"]}, "force": True}
        enrolled = client.post(ENROL, json={**body, "prospects": [{"id": ids[n]} for n in ENROLLED_BY_API]})
        assert [p["status"] for p in enrolled.json()["prospects"]] == ["OK"] * len(ENROLLED_BY_API)
        body = {"campaign": {"campaign_id": their_campaigns["SaaS in America"]}}
        assert foreign.post(ENROL, json={**body, "prospects": [{"email": emails[3]}]}).status_code == 200
    rows = [
        f"{campaign},{emails[n]},{status},{interest}"
        for n, entries in IMPORTED.items()
        for campaign, status, interest in entries
    ]
    path = tmp_path / "enrolments.csv"
    path.write_text("campaign,email,status,interested\n" + "\n".join(rows) + "\n")
    output = cli("enrolments", "import", str(path), "--account", mine.name)
    assert f"enrolments, {len(rows)} rows: {len(rows)} inserted" in output

    status_of = dict(CAMPAIGNS)
    expected = []
    for n, email in enumerate(emails):
        entries = list(IMPORTED.get(n, []))
        if n in ENROLLED_BY_API:
            entries.append(("SaaS in America", "ACTIVE", "NOT_MARKED"))
        details = [
            {
                "campaign_id": campaigns[name],
                "campaign_name": name,
                "campaign_status": status_of[name],
                "campaign_prospect_status": status,
                "interested": interest,
            }
            for name, status, interest in sorted(entries, key=lambda entry: campaigns[entry[0]])
        ]
        expected.append({"id": ids[n], "email": email, "status": STATUSES[n], "campaigns_details": details})
    return mine, expected


def shown(prospect: dict[str, Any]) -> dict[str, Any]:
    return {key: prospect[key] for key in ("id", "email", "status", "campaigns_details")}


def every_page(client: Any, per_page: int, **params: Any) -> list[dict[str, Any]]:
    """Every page of the listing, concatenated. Each page but the last holds ``per_page``
    prospects (however many campaigns they are in), and every page, the no-match answer past
    the end included, gives the same X-Total-Count."""
    found: list[dict[str, Any]] = []
    totals: set[str] = set()
    for page in range(1, 100):
        query = {"campaigns_details": "true", "per_page": per_page, **params, "page": page}
        response = client.get(SEARCH, params=query)
        assert response.status_code == 200, response.text
        totals.add(response.headers["x-total-count"])
        if response.json() == NO_MATCH:
            assert totals == {str(len(found))}, totals
            return found
        assert found == [] or len(found) % per_page == 0  # only the last page is short
        found.extend(response.json())
    raise AssertionError("the listing did not end")


def test_a_listing_with_campaigns_details_shows_each_prospects_own_campaigns(server, listed) -> None:
    account, expected = listed
    with server.client(account.api_key) as client:
        whole = client.get(SEARCH, params={"campaigns_details": "true", "per_page": 1000})
        assert whole.headers["x-total-count"] == str(PROSPECTS)
        prospects = whole.json()
        assert [shown(p) for p in prospects] == expected
        # The documents are the plain listing's, with campaigns_details added last.
        plain = client.get(SEARCH, params={"per_page": 1000}).json()
        assert [
            {**p, "campaigns_details": d["campaigns_details"]} for p, d in zip(plain, prospects, strict=True)
        ] == prospects
        assert all(list(p)[-1] == "campaigns_details" for p in prospects)


@pytest.mark.parametrize("per_page", [1, 2, 4])
def test_its_pages_count_prospects_and_hold_exactly_their_details(server, listed, per_page) -> None:
    account, expected = listed
    with server.client(account.api_key) as client:
        assert [shown(p) for p in every_page(client, per_page)] == expected
        assert [shown(p) for p in every_page(client, per_page, sort="-id")] == expected[::-1]
        # A status filter is a listing too: its prospects, their details, its own total.
        replied = every_page(client, per_page, status="REPLIED,BOUNCED")
        assert [shown(p) for p in replied] == [p for p in expected if p["status"] in ("REPLIED", "BOUNCED")]
