"""Prospects put in an account, and in its campaigns, the way a client puts them there: v1
``add_prospects_list`` and ``add_prospects_campaign``."""

from __future__ import annotations

from typing import Any

import httpx

ADD = "/rest/v1/add_prospects_list"
ENROL = "/rest/v1/add_prospects_campaign"


def add(client: httpx.Client, prospects: list[dict[str, Any]], **fields: Any) -> list[dict[str, Any]]:
    """POST add_prospects_list; asserts 200 and returns the per-prospect outcomes."""
    response = client.post(ADD, json={**fields, "prospects": prospects})
    assert response.status_code == 200, response.text
    outcomes = response.json()["prospects"]
    assert len(outcomes) == len(prospects), outcomes
    return outcomes


def add_emails(client: httpx.Client, emails: list[str], **fields: Any) -> list[dict[str, Any]]:
    return add(client, [{"email": email} for email in emails], **fields)


def statuses(outcomes: list[dict[str, Any]]) -> list[str]:
    return [outcome["status"] for outcome in outcomes]


def assert_nothing_stored(client: httpx.Client, emails: list[str]) -> None:
    """None of ``emails`` is in the account: adding them now creates every one."""
    assert statuses(add_emails(client, emails)) == ["OK"] * len(emails)


def add_prospects(client: httpx.Client, prospects: list[dict[str, Any]] | list[str]) -> None:
    """Create prospects (emails alone or full entries) in the client's account, 20,000 a
    request (the most one request takes); every one must be created."""
    entries = [{"email": p} if isinstance(p, str) else p for p in prospects]
    for start in range(0, len(entries), 20_000):
        response = client.post(ADD, json={"prospects": entries[start : start + 20_000]})
        assert response.status_code == 200, response.text
        outcomes = response.json()["prospects"]
        assert all(outcome["status"] == "OK" for outcome in outcomes), outcomes[:5]


def enrol(
    client: httpx.Client, campaign: dict[str, Any], prospects: list[dict[str, Any]], **fields: Any
) -> Any:
    """POST add_prospects_campaign; asserts 200 and returns the per-prospect outcomes."""
    response = client.post(ENROL, json={"campaign": campaign, "prospects": prospects, **fields})
    assert response.status_code == 200, response.text
    return response.json()["prospects"]
