"""The search's caches: explicit objects the application owns (``SearchCaches``, built once
by app.py and handed to ``ProspectSearch``), each with its invalidation rule in its docstring.
Nothing of the search is remembered anywhere else.

``Estimates`` — estimated totals remembered between requests.

An estimated ``X-Total-Count`` (more than 1,000 matches of a search or filter, see
``search.totals``) costs a pass over a sample of 4,096 of the account's rows: 5–8 ms
of substring checks at a million prospects. A client paging through a result asks for the same
query page after page, and every page would pay it again for the same number. So an estimate
is kept for a while, for the same account, the same matching conditions (``SearchQuery.matching``:
sort and page do not change the count) and the same number of prospects in the account: an
import or a delete changes the size and so asks again. Edits that change which prospects match
without changing the account's size show after at most ``TTL_SECONDS``. Each process keeps its
own; the estimate is the same in every process for the same rows (a fixed sample). search.totals
decides what is remembered (not id lists, not the campaign view).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from leadpecker.search.query import SearchQuery

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096

_Key = tuple[int, SearchQuery, int]  # account, matching conditions, prospects in the account


class Estimates:
    """Estimated totals by (account, matching conditions, account size), for ``TTL_SECONDS``
    at most; the least recently used go past ``MAX_ENTRIES``."""

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


Buckets = tuple[tuple[int, int], ...]  # (bucket, prospects) in id order


class BucketSums:
    """An account's prospects per id bucket (prospect_counts summed), remembered per SQLite read
    connection for as long as that connection's snapshot version (``PRAGMA data_version``) is
    unchanged — that is, until anything is committed to the database by anyone.

    Summing reads the account's ~1,200 count rows at a million prospects (0.3–1.2 ms, the
    dearest part of a listing page after its documents). The version is a connection's own
    (another connection's number means nothing), so the sums are kept with the pooled
    connection, in its ``info`` dict under this object, and go when it is closed. PostgreSQL
    reads have no snapshot version: nothing is kept, every page sums again.
    """

    MAX_PER_CONNECTION = 256  # (account, statuses) pairs

    def get(self, conn: Any, version: int, account_id: int, statuses: Sequence[str] | None) -> Buckets | None:
        remembered = conn.info.get(self)
        if remembered is None:
            return None
        found = remembered.get((account_id, None if statuses is None else tuple(statuses)))
        return found[1] if found is not None and found[0] == version else None

    def put(
        self, conn: Any, version: int, account_id: int, statuses: Sequence[str] | None, buckets: Buckets
    ) -> None:
        remembered: dict[Any, tuple[int, Buckets]] = conn.info.setdefault(self, {})
        if len(remembered) >= self.MAX_PER_CONNECTION:
            remembered.clear()
        remembered[(account_id, None if statuses is None else tuple(statuses))] = (version, buckets)


@dataclass(frozen=True, slots=True)
class SearchCaches:
    """Every cache of the search, built once per application (or per test)."""

    estimates: Estimates = field(default_factory=Estimates)
    bucket_sums: BucketSums = field(default_factory=BucketSums)
