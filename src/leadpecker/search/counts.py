"""An account's prospects by status and id bucket, from ``prospect_counts`` (kept by triggers,
see models.ProspectCount): exact totals without counting rows, and where a deep listing page
starts.

A ``ProspectCounts`` serves one request: it reads the account's totals at most once, and
remembers how many count rows not yet compacted its reads saw (``pending_slots``,
PostgreSQL), for the service to decide whether to compact them after the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func

from leadpecker.kit.db import snapshot_version
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import ProspectCount
from leadpecker.search.caches import Buckets, BucketSums
from leadpecker.search.statements import BUCKET_SUMS

COUNTS = ProspectCount.__table__

# On PostgreSQL, fold the per-transaction count rows once an account has this many.
COMPACT_AFTER = 64


@dataclass(frozen=True, slots=True)
class Totals:
    """An account's prospects by status."""

    by_status: dict[str, int]

    @property
    def all(self) -> int:
        return sum(self.by_status.values())

    def of(self, statuses: Sequence[str] | None) -> int:
        if statuses is None:
            return self.all
        return sum(self.by_status.get(status, 0) for status in statuses)


class ProspectCounts(AccountScopedRepository):
    def __init__(self, conn: Any, account_id: int, bucket_sums: BucketSums) -> None:
        super().__init__(conn, account_id)
        self.bucket_sums = bucket_sums
        self._totals: Totals | None = None
        self.pending_slots = 0  # count rows not yet compacted, as far as this request's reads saw

    @property
    def needs_compaction(self) -> bool:
        return self.pending_slots > COMPACT_AFTER

    async def totals(self) -> Totals:
        """The account's prospects by status (read once per request)."""
        if self._totals is not None:
            return self._totals
        query = self.select(
            ProspectCount,
            COUNTS.c.status,
            func.sum(COUNTS.c.n),
            func.count().filter(COUNTS.c.slot != 0),
        ).group_by(COUNTS.c.status)
        by_status, slots = {}, 0
        for status, n, pending in (await self.conn.execute(query)).all():
            by_status[status] = int(n or 0)
            slots += int(pending or 0)
        self.pending_slots = max(self.pending_slots, slots)
        self._totals = Totals(by_status)
        return self._totals

    async def buckets(self, statuses: Sequence[str] | None = None) -> Buckets:
        """(bucket, prospects) of the account in id order, for the given statuses; remembered
        by ``bucket_sums`` while nothing is committed (SQLite)."""
        version = await snapshot_version(self.conn)
        if version is not None:
            found = self.bucket_sums.get(self.conn, version, self.account_id, statuses)
            if found is not None:
                return found
        bind: dict[str, Any] = {"account": self.account_id}
        if statuses is not None:
            bind["statuses"] = list(statuses)
        result = await self.conn.execute(BUCKET_SUMS[statuses is not None], bind)
        buckets, pending = [], 0
        for bucket, n, slots in result.all():
            pending += slots
            if n:
                buckets.append((int(bucket), int(n)))
        self.pending_slots = max(self.pending_slots, pending)
        if version is not None:
            self.bucket_sums.put(self.conn, version, self.account_id, statuses, tuple(buckets))
        return tuple(buckets)
