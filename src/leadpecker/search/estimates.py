"""Estimated totals remembered between requests.

An estimated ``X-Total-Count`` (more than 1,000 matches of a search or filter, see
``SearchRepository.total``) costs a pass over a sample of 4,096 of the account's rows: 5–8 ms
of substring checks at a million prospects. A client paging through a result asks for the same
query page after page, and every page would pay it again for the same number. So an estimate
is kept for a while, for the same account, the same matching conditions (``SearchQuery.matching``:
sort and page do not change the count) and the same number of prospects in the account: an
import or a delete changes the size and so asks again. Edits that change which prospects match
without changing the account's size show after at most ``TTL_SECONDS``. Each process keeps its
own; the estimate is the same in every process for the same rows (a fixed sample). The
repository decides what is remembered (not id lists, not the campaign view).
"""

from __future__ import annotations

import time
from collections import OrderedDict

from leadpecker.search.query import SearchQuery

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096

_Key = tuple[int, SearchQuery, int]  # account, matching conditions, prospects in the account


class Estimates:
    def __init__(self, ttl_seconds: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, tuple[float, int]] = OrderedDict()

    def get(self, account_id: int, query: SearchQuery, account_size: int) -> int | None:
        key = (account_id, query.matching, account_size)
        found = self._entries.get(key)
        if found is None:
            return None
        expires, estimate = found
        if time.monotonic() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return estimate

    def put(self, account_id: int, query: SearchQuery, account_size: int, estimate: int) -> None:
        key = (account_id, query.matching, account_size)
        self._entries[key] = (time.monotonic() + self.ttl_seconds, estimate)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
