"""The listing — no filter but status, in id order — reads a page's documents as one range of
ids where the page's ids lie close together. These accounts' prospects are interleaved with
another account's, so that range holds foreign rows (which must never show) or is too spread
out to read whole (the page then takes the id-by-id way): either way the pages are the
account's own prospects, in order, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from tests.search.conftest import NO_MATCH

ADD = "/rest/v1/add_prospects_list"
SEARCH = "/rest/v1/prospects"
STATUSES = ["ACTIVE", "REPLIED", "BOUNCED"]


def interleave(server: Any, mine: Any, others: Any, *, rounds: int, others_per_round: int) -> list[dict]:
    """Alternate single-prospect additions: one of ``mine``, then ``others_per_round`` of
    ``others`` (each request its own insert, so the ids interleave). Returns mine as listed."""
    with server.client(mine.api_key) as client, server.client(others.api_key) as foreign:
        for n in range(rounds):
            prospect = {"email": f"mine{n}@{mine.name}.test", "status": STATUSES[n % 3]}
            client.post(ADD, json={"prospects": [prospect]}).raise_for_status()
            for k in range(others_per_round):
                other = {"email": f"other{n}-{k}@{others.name}.test", "status": STATUSES[(n + k) % 3]}
                foreign.post(ADD, json={"prospects": [other]}).raise_for_status()
        listed = client.get(SEARCH, params={"per_page": 1000}).json()
    assert [p["email"] for p in listed] == [f"mine{n}@{mine.name}.test" for n in range(rounds)]
    return listed


def pages(client: Any, **params: Any) -> list[int]:
    """Every page of a listing, concatenated, as ids."""
    found: list[int] = []
    for page in range(1, 100):
        body = client.get(SEARCH, params={**params, "page": page}).json()
        if body == NO_MATCH:
            return found
        found.extend(p["id"] for p in body)
    raise AssertionError("the listing did not end")


@pytest.mark.parametrize("others_per_round", [1, 3], ids=["close-together", "spread-out"])
def test_listing_pages_hold_only_the_accounts_own_prospects_in_order(
    server, new_account, others_per_round
) -> None:
    mine, others = new_account(), new_account()
    listed = interleave(server, mine, others, rounds=40, others_per_round=others_per_round)
    ids = [p["id"] for p in listed]
    assert ids == sorted(ids)
    status_of = {p["id"]: p["status"] for p in listed}
    with server.client(mine.api_key) as client:
        assert pages(client, per_page=7) == ids
        assert pages(client, per_page=7, sort="-id") == ids[::-1]
        replied = [i for i in ids if status_of[i] in ("REPLIED", "BOUNCED")]
        assert pages(client, per_page=5, status="REPLIED,BOUNCED") == replied
        assert pages(client, per_page=5, status="REPLIED,BOUNCED", sort="-id") == replied[::-1]
        response = client.get(SEARCH, params={"per_page": 1000, "sort": "-id"})
        assert [p["id"] for p in response.json()] == ids[::-1]
        assert response.headers["x-total-count"] == str(len(ids))
    with server.client(others.api_key) as client:
        theirs = pages(client, per_page=1000)
    assert len(theirs) == 40 * others_per_round and not set(theirs) & set(ids)
