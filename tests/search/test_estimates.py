"""Estimated totals are remembered per account, matching conditions and account size, for a
limited time and a limited number of queries (search.caches)."""

from __future__ import annotations

import time

from leadpecker.search.caches import Estimates
from leadpecker.search.params import parse


def query(**params: str):
    return parse(params)


def test_pages_and_sorts_of_one_search_share_its_estimate() -> None:
    estimates = Estimates()
    estimates.put(1, query(search="company=group"), 1_000_000, 23_500)
    paged = query(search="company=group", page="7", per_page="1000")
    sorted_with_details = query(search="company=group", sort="-last_name", campaigns_details="1")
    assert estimates.get(1, paged, 1_000_000) == 23_500
    assert estimates.get(1, sorted_with_details, 1_000_000) == 23_500


def test_another_search_account_or_account_size_asks_again() -> None:
    estimates = Estimates()
    estimates.put(1, query(search="company=group"), 1_000_000, 23_500)
    assert estimates.get(1, query(search="company=grou"), 1_000_000) is None
    assert estimates.get(1, query(search="company=group", status="ACTIVE"), 1_000_000) is None
    assert estimates.get(2, query(search="company=group"), 1_000_000) is None
    assert estimates.get(1, query(search="company=group"), 1_000_001) is None


def test_an_estimate_expires() -> None:
    estimates = Estimates(ttl_seconds=0.05)
    estimates.put(1, query(search="company=group"), 10, 5)
    time.sleep(0.06)
    assert estimates.get(1, query(search="company=group"), 10) is None


def test_the_least_recently_used_goes_first() -> None:
    estimates = Estimates(max_entries=2)
    estimates.put(1, query(search="company=a"), 10, 1)
    estimates.put(1, query(search="company=b"), 10, 2)
    assert estimates.get(1, query(search="company=a"), 10) == 1  # a is now the most recent
    estimates.put(1, query(search="company=c"), 10, 3)
    assert estimates.get(1, query(search="company=b"), 10) is None
    assert estimates.get(1, query(search="company=a"), 10) == 1
    assert estimates.get(1, query(search="company=c"), 10) == 3
