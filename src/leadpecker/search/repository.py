"""All SQL of the prospect search, scoped to one account.

A page is found in two steps (a deferred join): the ids of the page, from the indexes alone
where possible, then their ready documents. How the ids are found depends on the query:

- **the listing** — no filter but status, sorted by id (``is_listing``): ``prospect_counts``
  says in which 4,096-id bucket the page starts, so page 5,000 skips a few thousand index
  entries instead of 499,900; hand-written statements read the page's ids and documents
  together (``listing``), the hot path of per_page=1000;
- **index walk** — everything else: ORDER BY the sort's own index (``prospect_sort_key``) with
  LIMIT/OFFSET, the database checking the filters on the rows it walks;
- on SQLite a substring search first asks its FTS5 tables how many candidate rows each
  searched field has: when one has at most ``FTS_DRIVER_LIMIT`` the query reads those only (and
  counts the matches exactly on the way); otherwise, sorted by id, that FTS table drives the
  walk in rowid order. The row condition (LIKE) always decides; FTS only narrows. PostgreSQL's
  planner uses the GIN trigram index by itself.

Counting never scans the account: totals come from ``prospect_counts`` (exact) when nothing
but status filters; otherwise the matches are counted up to ``EXACT_COUNT_LIMIT`` (exact), and
beyond that estimated from a fixed sample of the account's rows (``_estimate``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.db import snapshot_version
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import (
    Campaign,
    CampaignProspect,
    EmailActivity,
    Prospect,
    ProspectCount,
    ProspectDocument,
    prospect_sort_key,
)
from leadpecker.search import dialect_postgresql, dialect_sqlite
from leadpecker.search.estimates import Estimates
from leadpecker.search.query import Activity, SearchQuery
from leadpecker.search.serializer import CampaignEntry
from leadpecker.vocabulary.enums import ActivityKind

P = Prospect.__table__
CP = CampaignProspect.__table__
COUNTS = ProspectCount.__table__
DOCUMENTS = ProspectDocument.__table__

# Matches are counted exactly up to this many; a page of the largest size is always exact.
EXACT_COUNT_LIMIT = 1_000
BUCKET_SHIFT = 12  # prospect_counts.bucket = id >> 12, as the triggers write it
SAMPLE_WINDOWS = 16
SAMPLE_WINDOW_ROWS = 256
# SQLite: a searched field with at most this many FTS candidates drives the query, each
# candidate read by rowid (~2.5 µs at a million prospects, ~10 µs when its page is not in
# memory). Sorted by id, past this the FTS table leads in rowid order and stops at the page:
# at 10,000 candidates reading them all took 25–105 ms against 10–20 ms for the walk (and the
# estimate of its total). Sorted otherwise, walking the sort's index stops early only when
# matches are dense, so candidates drive up to the larger limit.
FTS_DRIVER_LIMIT = 2_000
FTS_DRIVER_LIMIT_SORTED = 50_000
# Below this many prospects an account is searched by reading its rows: quicker than asking
# FTS tables that hold every account's text (SQLite).
SMALL_ACCOUNT = 20_000
# On PostgreSQL, fold the per-transaction count rows once an account has this many.
COMPACT_AFTER = 64


@dataclass(frozen=True, slots=True)
class Totals:
    """An account's prospects by status, from prospect_counts."""

    by_status: dict[str, int]
    slots: int  # count rows not yet compacted (PostgreSQL)

    @property
    def all(self) -> int:
        return sum(self.by_status.values())

    def of(self, statuses: Sequence[str] | None) -> int:
        if statuses is None:
            return self.all
        return sum(self.by_status.get(status, 0) for status in statuses)


@dataclass(frozen=True, slots=True)
class Total:
    value: int
    exact: bool


@dataclass(frozen=True, slots=True)
class Page:
    """The page's rows in order: prospect ids, and in the campaign view each row's campaign
    (one row per enrolment). Plain lists: a page of 1,000 builds no object per row."""

    prospect_ids: list[int]
    campaign_ids: list[int] | None = None

    def __len__(self) -> int:
        return len(self.prospect_ids)


@dataclass(frozen=True, slots=True)
class Activities:
    sent_mails: int
    last_opened: Any
    last_clicked: Any


@dataclass
class _Plan:
    """What the ids query reads from and how it is ordered."""

    source: Any
    conditions: list[ColumnElement[bool]]
    order: list[Any]
    offset: int
    fts_driven: bool = False  # SQLite: an FTS table leads, in rowid order
    counted: bool = False  # every match is read anyway: count them in the page query
    total: int | None = None  # the exact total, when the plan learnt it on the way


_REMEMBERED_BUCKETS = "leadpecker.search.buckets"  # key in a read connection's info dict
_REMEMBERED_BUCKETS_MAX = 256  # (account, statuses) pairs per connection

_SQLITE_ARRAY_IN_LOOP_ORDER = text(
    "SELECT group_concat(d.prospect_id), CAST('[' || coalesce(group_concat(d.body, ','), '') || ']' AS BLOB) "
    "FROM json_each(:ids) AS j CROSS JOIN prospect_documents AS d "
    "WHERE d.prospect_id = j.value AND d.account_id = :account"
)
_SQLITE_ARRAY_SORTED = text(
    "SELECT CAST('[' || coalesce(group_concat(body, ','), '') || ']' AS BLOB) FROM ("
    "SELECT d.body AS body FROM json_each(:ids) AS j "
    "JOIN prospect_documents AS d ON d.prospect_id = j.value "
    "WHERE d.account_id = :account ORDER BY j.key)"
)


_PG_DOCUMENTS_OF = text(
    "SELECT prospect_id, convert_to(body, 'UTF8') FROM prospect_documents "
    "WHERE prospect_id = ANY(CAST(:ids AS bigint[])) AND account_id = :account"
)


class SearchRepository(AccountScopedRepository):
    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        super().__init__(conn, account_id)
        self.sqlite = self.dialect == "sqlite"
        self.text = dialect_sqlite if self.sqlite else dialect_postgresql
        self._totals: Totals | None = None
        # Count rows not yet compacted (PostgreSQL), as far as this request's reads saw.
        self.pending_slots = 0

    # --- counts --------------------------------------------------------------------------

    async def totals(self) -> Totals:
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
        self._totals = Totals(by_status, slots)
        self.pending_slots = max(self.pending_slots, slots)
        return self._totals

    async def buckets(self, statuses: Sequence[str] | None = None) -> tuple[tuple[int, int], ...]:
        """(bucket, prospects) of the account in id order, for the given statuses.

        Summing them reads the account's ~1,200 count rows at a million prospects (0.3–1.2 ms,
        the dearest part of a listing page after its documents), so a SQLite read connection
        keeps the answer for as long as its snapshot version says nothing was committed."""
        version = await snapshot_version(self.conn)
        key = (self.account_id, None if statuses is None else tuple(statuses))
        if version is not None:
            remembered: dict[Any, Any] = self.conn.info.setdefault(_REMEMBERED_BUCKETS, {})
            if (hit := remembered.get(key)) is not None and hit[0] == version:
                return hit[1]
        bind: dict[str, Any] = {"account": self.account_id}
        if statuses is not None:
            bind["statuses"] = list(statuses)
        result = await self.conn.execute(_buckets(statuses is not None), bind)
        found, pending = [], 0
        for bucket, n, slots in result.all():
            pending += slots
            if n:
                found.append((int(bucket), int(n)))
        self.pending_slots = max(self.pending_slots, pending)
        if version is not None:
            if len(remembered) >= _REMEMBERED_BUCKETS_MAX:
                remembered.clear()
            remembered[key] = (version, tuple(found))
        return tuple(found)

    async def compact_counts(self) -> None:
        if not self.sqlite:
            await self.conn.execute(text(dialect_postgresql.COMPACT_COUNTS), {"account": self.account_id})

    # --- conditions ----------------------------------------------------------------------

    def _source(self, query: SearchQuery, p: Any = P) -> Any:
        if not query.in_campaigns:
            return p
        return p.join(
            CP,
            and_(
                CP.c.prospect_id == p.c.id,
                CP.c.account_id == self.account_id,
                CP.c.campaign_id.in_(query.campaign_ids or ()),
            ),
        )

    def _conditions(self, query: SearchQuery, p: Any = P) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [p.c.account_id == self.account_id]
        if query.ids is not None:
            conditions.append(p.c.id.in_(query.ids))
        if query.statuses is not None:
            conditions.append((CP.c.status if query.in_campaigns else p.c.status).in_(query.statuses))
        if query.contacted is not None:
            contacted = p.c.last_contacted.isnot(None)
            conditions.append(contacted if query.contacted else p.c.last_contacted.is_(None))
        if query.interested is not None:
            if query.in_campaigns:
                conditions.append(CP.c.interested.in_(query.interested))
            else:
                # Any campaign the prospect is enrolled in (an index lookup per row).
                enrolled = CampaignProspect
                conditions.append(
                    exists().where(
                        enrolled.account_id == self.account_id,
                        enrolled.prospect_id == p.c.id,
                        enrolled.interested.in_(query.interested),
                    )
                )
        if query.activity is not None:
            conditions.extend(_activity_conditions(query.activity, p))
        for condition in query.times:
            column = p.c[condition.field]
            conditions.append(column > condition.moment if condition.after else column < condition.moment)
        conditions.extend(self.text.row_condition(search, p) for search in query.fields)
        return conditions

    def _order(self, query: SearchQuery, id_column: Any = None) -> list[Any]:
        id_column = P.c.id if id_column is None else id_column
        order: list[Any] = []
        has_id = False
        for key in query.sort:
            if key.field == "id":
                expressions: tuple[Any, ...] = (id_column,)
                has_id = True
            elif key.field == "email":
                expressions = (P.c.email,)
            elif key.field == "status" and query.in_campaigns:
                expressions = (CP.c.status,)
            else:
                expressions = prospect_sort_key(key.field)
            order.extend(e.desc() if key.descending else e.asc() for e in expressions)
        # Ties go by id, in the direction of the first key: with a single key one index
        # serves the whole order, forwards or backwards.
        descending = query.sort[0].descending
        if not has_id:
            order.append(id_column.desc() if descending else id_column.asc())
        if query.in_campaigns:
            order.append(CP.c.campaign_id.desc() if descending else CP.c.campaign_id.asc())
        return order

    # --- the page ------------------------------------------------------------------------

    async def page(self, query: SearchQuery) -> tuple[Page, _Plan]:
        plan = await self._plan(query)
        columns = [P.c.id, CP.c.campaign_id] if query.in_campaigns else [P.c.id]
        if plan.counted:
            columns.append(func.count().over())
        statement = (
            select(*columns)
            .select_from(plan.source)
            .where(*plan.conditions)
            .order_by(*plan.order)
            .limit(query.per_page)
            .offset(plan.offset)
        )
        rows = (await self.conn.execute(statement)).all()
        if plan.counted and rows:
            plan.total = rows[0][-1]
        prospect_ids = [row[0] for row in rows]
        return Page(prospect_ids, [row[1] for row in rows] if query.in_campaigns else None), plan

    async def _plan(self, query: SearchQuery) -> _Plan:
        conditions = self._conditions(query)
        plan = _Plan(self._source(query), conditions, self._order(query), query.offset)
        if self.sqlite and query.fields and (await self.totals()).all > SMALL_ACCOUNT:
            return await self._fts_plan(query, plan)
        return plan

    async def _fts_plan(self, query: SearchQuery, plan: _Plan) -> _Plan:
        """SQLite: narrow the walk with the FTS5 tables (see the module's docstring)."""
        indexed = [found for found in map(dialect_sqlite.indexed, query.fields) if found is not None]
        if not indexed:
            return plan
        by_id = query.sort[0].field == "id"
        limit = FTS_DRIVER_LIMIT if by_id else FTS_DRIVER_LIMIT_SORTED
        smallest: tuple[int, str, str] | None = None
        for table_name, expression in indexed:
            fts = dialect_sqlite.fts_table(table_name)
            probe = (
                select(fts.c.rowid)
                .where(dialect_sqlite.matches(fts, table_name, expression))
                .limit(limit + 1)
                .subquery()
            )
            count = (await self.conn.execute(select(func.count()).select_from(probe))).scalar_one()
            if smallest is None or count < smallest[0]:
                smallest = (count, table_name, expression)
        assert smallest is not None
        count, table_name, expression = smallest
        fts = dialect_sqlite.fts_table(table_name)
        if count <= limit:
            # Few enough candidates to read them all: SQLite looks each up by rowid and sorts
            # the matches, and counting them on the way costs nothing more.
            candidates = select(fts.c.rowid).where(dialect_sqlite.matches(fts, table_name, expression))
            plan.conditions.append(P.c.id.in_(candidates))
            plan.counted = True
        elif by_id:
            plan.source = fts.join(plan.source, P.c.id == fts.c.rowid)
            plan.conditions.append(dialect_sqlite.matches(fts, table_name, expression))
            # Ordered by the FTS rowid, SQLite reads the FTS matches first and in order.
            plan.order = self._order(query, id_column=fts.c.rowid)
            plan.fts_driven = True
        return plan

    # --- the listing -----------------------------------------------------------------------

    async def listing(self, query: SearchQuery) -> tuple[bytes | None, int]:
        """A page of the account's prospects in id order, filtered by nothing but status (see
        ``is_listing``), as plain documents: how clients page through a whole account, and the
        hot path of per_page=1000: the page's JSON array (None past the end) and the exact
        total. Hand-written statements (no query built per request), the page's ids and
        documents read together."""
        total, bind = await self._listing_start(query)
        if bind is None:
            return None, total
        descending, by_status = query.sort[0].descending, query.statuses is not None
        if self.sqlite:
            found_ids, array = (await self.conn.execute(_sqlite_listing(descending, by_status), bind)).one()
            listed = list(map(int, found_ids.split(","))) if found_ids else []
            # As in documents_array: the page's order is the loop's, so check it.
            if listed == sorted(listed, reverse=descending):
                return b"[" + array + b"]" if listed else None, total
            ids = list((await self.conn.execute(_listing_ids(descending, by_status), bind)).scalars())
            return await self.documents_array(ids) if ids else None, total
        statements = [_postgresql_listing_probed(descending, by_status)]
        if not by_status:
            statements.insert(0, _postgresql_listing_range(descending))
        for statement in statements:
            if documents := (await self.conn.execute(statement, bind)).scalars().all():
                return b"[" + b",".join(documents) + b"]", total
        return None, total

    async def listing_page(self, query: SearchQuery) -> tuple[Page, int]:
        """The listing's page as ids, with its exact total: for pages that show more than the
        documents (campaigns_details)."""
        total, bind = await self._listing_start(query)
        if bind is None:
            return Page([]), total
        statement = _listing_ids(query.sort[0].descending, query.statuses is not None)
        return Page(list((await self.conn.execute(statement, bind)).scalars())), total

    async def _listing_start(self, query: SearchQuery) -> tuple[int, dict[str, Any] | None]:
        """The listing's exact total, and the parameters of its page's statements: the page
        starts in the bucket ``prospect_counts`` points to (page 5,000 skips a few thousand
        index entries instead of 499,900). No parameters when the page lies past the end."""
        buckets = await self.buckets(query.statuses)
        total = sum(n for _, n in buckets)
        start = _page_start(buckets, query.offset, query.sort[0].descending)
        if start is None:
            return total, None
        bound, skip = start
        bind: dict[str, Any] = {
            "account": self.account_id,
            "bound": bound,
            "skip": skip,
            "limit": query.per_page,
        }
        if query.statuses is not None:
            bind["statuses"] = list(query.statuses)
        return total, bind

    # --- counting ------------------------------------------------------------------------

    async def total(self, query: SearchQuery, plan: _Plan, page_rows: int, estimates: Estimates) -> Total:
        if 0 < page_rows < query.per_page or (page_rows == 0 and query.offset == 0):
            return Total(query.offset + page_rows, True)  # the page shows where the matches end
        if plan.total is not None:
            return Total(plan.total, True)
        totals = await self.totals()
        if _only_statuses(query):
            return Total(totals.of(query.statuses), True)
        estimate = None
        if totals.all > SMALL_ACCOUNT:
            estimate = await self._remembered_estimate(query, totals, estimates)
            # 4,096 sampled rows: an estimate this far above the limit cannot come from a true
            # count under it (it would take a deviation of many standard errors).
            if estimate > 4 * EXACT_COUNT_LIMIT:
                return Total(estimate, False)
        limited = select(literal_column("1")).select_from(plan.source).where(*plan.conditions)
        if plan.fts_driven:
            limited = limited.order_by(*plan.order[:1])  # keeps SQLite reading the FTS table first
        limited = limited.limit(EXACT_COUNT_LIMIT + 1).subquery()
        counted = (await self.conn.execute(select(func.count()).select_from(limited))).scalar_one()
        if counted <= EXACT_COUNT_LIMIT:
            return Total(counted, True)
        if estimate is None:
            estimate = await self._remembered_estimate(query, totals, estimates)
        return Total(max(EXACT_COUNT_LIMIT + 1, estimate), False)

    async def _remembered_estimate(self, query: SearchQuery, totals: Totals, estimates: Estimates) -> int:
        # Not remembered: id lists (a key of up to 10,000 ids), and the campaign view, whose
        # enrolments change without the account's size changing.
        if query.ids is not None or query.in_campaigns:
            return await self._estimate(query, totals)
        estimate = estimates.get(self.account_id, query, totals.all)
        if estimate is None:
            estimate = await self._estimate(query, totals)
            estimates.put(self.account_id, query, totals.all, estimate)
        return estimate

    async def _estimate(self, query: SearchQuery, totals: Totals) -> int:
        """Matches among a fixed sample of the account's rows, scaled to the account: 16 id
        ranges of about 256 prospects each, spread evenly over the account's ids and read in
        place (one pass, no row copied). The same query gives the same estimate on every page
        (as long as the account's rows do not change)."""
        ranges = await self._sample_ranges(totals.all)
        sampled = or_(*(P.c.id.between(low, high) for low, high in ranges))
        conditions = and_(*self._conditions(query), sampled)
        if query.in_campaigns:
            hits = select(func.count()).select_from(self._source(query)).where(conditions)
            read = select(func.count()).where(P.c.account_id == self.account_id, sampled)
            statement = select(hits.scalar_subquery(), read.scalar_subquery())
        else:
            # One pass over the sample: how many match, how many were read.
            statement = select(func.count().filter(conditions), func.count()).where(
                P.c.account_id == self.account_id, sampled
            )
        matched, read_rows = (await self.conn.execute(statement)).one()
        return round(matched * totals.all / read_rows) if read_rows else 0

    async def _sample_ranges(self, everyone: int) -> list[tuple[int, int]]:
        """Id ranges evenly spaced over the account's ids, each wide enough for about
        ``SAMPLE_WINDOW_ROWS`` of its prospects were they spread evenly (two index probes;
        the estimate divides by the rows actually read, so unevenness only widens it)."""
        # Two scalar subqueries: SQLite answers a lone min() or max() from the index's ends,
        # but min() and max() in one SELECT make it scan the whole index.
        mine = P.c.account_id == self.account_id
        first = select(func.min(P.c.id)).where(mine).scalar_subquery()
        last = select(func.max(P.c.id)).where(mine).scalar_subquery()
        low, high = (await self.conn.execute(select(first, last))).one()
        if low is None or not everyone:
            return [(0, -1)]
        spread = high - low + 1
        span = max(1, SAMPLE_WINDOW_ROWS * spread // everyone)
        if span * SAMPLE_WINDOWS >= spread:
            return [(low, high)]
        step = spread // SAMPLE_WINDOWS
        return [
            (low + k * step + (step - span) // 2, low + k * step + (step - span) // 2 + span - 1)
            for k in range(SAMPLE_WINDOWS)
        ]

    # --- what the page shows -------------------------------------------------------------

    async def documents_array(self, ids: list[int]) -> bytes:
        """The page's documents as one JSON array, in the page's order. SQLite joins them and
        hands the array over as bytes (no decoding of a megabyte into a str only to encode it
        again)."""
        if self.sqlite:
            listed = ",".join(map(str, ids))
            bind = {"ids": f"[{listed}]", "account": self.account_id}
            # CROSS JOIN keeps json_each (the page's order) as the outer loop, so the documents
            # arrive in page order without an ORDER BY, which would push a megabyte through a
            # sorter (7 ms against 2 ms for 1,000 documents). SQLite does not promise the
            # order an aggregate sees its rows in, so the ids come along to prove it.
            found_ids, array = (await self.conn.execute(_SQLITE_ARRAY_IN_LOOP_ORDER, bind)).one()
            if (found_ids or "") == listed:
                return bytes(array)
            return bytes((await self.conn.execute(_SQLITE_ARRAY_SORTED, bind)).scalar_one())
        # PostgreSQL: the rows, put in the page's order here. Each body comes as UTF-8 bytes
        # (convert_to): decoded into str, joined and encoded again, a megabyte of documents
        # with a few non-ASCII names cost ~2 ms more in Python. Aggregating inside the server
        # (string_agg) costs it 2–3 ms more CPU than sending the rows.
        if not ids:
            return b"[]"
        found = dict(
            (await self.conn.execute(_PG_DOCUMENTS_OF, {"ids": ids, "account": self.account_id})).all()
        )
        return b"[" + b",".join([found[i] for i in ids if i in found]) + b"]"

    async def documents(self, ids: list[int]) -> dict[int, str]:
        query = self.select(ProspectDocument, DOCUMENTS.c.prospect_id, DOCUMENTS.c.body).where(
            DOCUMENTS.c.prospect_id.in_(ids)
        )
        return dict((await self.conn.execute(query)).all())

    async def enrolments(
        self, prospect_ids: list[int], campaign_ids: Sequence[int] | None = None
    ) -> dict[int, list[CampaignEntry]]:
        """Each prospect's campaigns (all, or only ``campaign_ids``), by campaign id."""
        query = (
            self.select(
                CampaignProspect,
                CP.c.prospect_id,
                Campaign.id,
                Campaign.name,
                Campaign.status,
                CP.c.status,
                CP.c.interested,
            )
            .join(Campaign, Campaign.id == CP.c.campaign_id)
            .where(Campaign.account_id == self.account_id, CP.c.prospect_id.in_(prospect_ids))
            .order_by(CP.c.prospect_id, Campaign.id)
        )
        if campaign_ids is not None:
            query = query.where(CP.c.campaign_id.in_(campaign_ids))
        found: dict[int, list[CampaignEntry]] = {}
        for prospect_id, *entry in await self.conn.execute(query):
            found.setdefault(prospect_id, []).append(CampaignEntry(*entry))
        return found

    async def activities(self, prospect_ids: list[int]) -> dict[int, Activities]:
        query = self.select(Prospect, P.c.id, P.c.sent_mails, P.c.last_opened, P.c.last_clicked).where(
            P.c.id.in_(prospect_ids)
        )
        return {row[0]: Activities(*row[1:]) for row in await self.conn.execute(query)}

    async def clicks(self, prospect_ids: list[int]) -> dict[int, list[tuple[str | None, Any]]]:
        """Each prospect's clicked links with the last click on each, latest first."""
        last = func.max(EmailActivity.occurred_at)
        query = (
            self.select(EmailActivity, EmailActivity.prospect_id, EmailActivity.url, last)
            .where(EmailActivity.kind == ActivityKind.CLICKED, EmailActivity.prospect_id.in_(prospect_ids))
            .group_by(EmailActivity.prospect_id, EmailActivity.url)
            .order_by(EmailActivity.prospect_id, last.desc(), EmailActivity.url)
        )
        found: dict[int, list[tuple[str | None, Any]]] = {}
        for prospect_id, url, moment in await self.conn.execute(query):
            found.setdefault(prospect_id, []).append((url, _as_utc(moment)))
        return found


def _page_start(buckets: Sequence[tuple[int, int]], offset: int, descending: bool) -> tuple[int, int] | None:
    """Where a page at ``offset`` starts, from the account's (bucket, prospects) in id order:
    the id bound of its bucket (``id >= bound``, descending ``id < bound``) and the rows to
    skip past that bound; None when the page lies past the end."""
    skipped = 0
    for bucket, n in reversed(buckets) if descending else buckets:
        if skipped + n > offset:
            return ((bucket + 1) << BUCKET_SHIFT if descending else bucket << BUCKET_SHIFT), offset - skipped
        skipped += n
    return None


@functools.cache
def _listing_ids_sql(descending: bool, by_status: bool) -> str:
    """The listing page's ids in order, from ``(account_id, id)`` (with a status filter the
    walk checks each row's status): ``:skip`` rows past ``:bound`` (at most a bucket)."""
    status = "AND status IN :statuses " if by_status else ""
    direction = "id < :bound ORDER BY id DESC" if descending else "id >= :bound ORDER BY id"
    return (
        f"SELECT id FROM prospects WHERE account_id = :account {status}AND {direction} "
        "LIMIT :limit OFFSET :skip"
    )


def _statement(sql: str, by_status: bool) -> Any:
    statement = text(sql)
    return statement.bindparams(bindparam("statuses", expanding=True)) if by_status else statement


@functools.cache
def _buckets(by_status: bool) -> Any:
    """The account's prospects per bucket, asked on every listing page: built once. Both
    dialects. Summed as integers: PostgreSQL sums a bigint column into numeric, which comes
    back as 245 Decimals to convert (0.1-0.2 ms of Python per page)."""
    status = "AND status IN :statuses " if by_status else ""
    return _statement(
        "SELECT bucket, sum(CAST(n AS INTEGER)), count(*) FILTER (WHERE slot <> 0) FROM prospect_counts "
        f"WHERE account_id = :account {status}GROUP BY bucket ORDER BY bucket",
        by_status,
    )


@functools.cache
def _listing_ids(descending: bool, by_status: bool) -> Any:
    return _statement(_listing_ids_sql(descending, by_status), by_status)


@functools.cache
def _sqlite_listing(descending: bool, by_status: bool) -> Any:
    """SQLite: the page's ids (to check the order) and its documents joined, in one
    statement. CROSS JOIN keeps the ordered ids as the outer loop (see documents_array)."""
    return _statement(
        "SELECT group_concat(p.id), CAST(group_concat(d.body, ',') AS BLOB) "
        f"FROM ({_listing_ids_sql(descending, by_status)}) AS p CROSS JOIN prospect_documents AS d "
        "WHERE d.prospect_id = p.id AND d.account_id = :account",
        by_status,
    )


@functools.cache
def _postgresql_listing_range(descending: bool) -> Any:
    """PostgreSQL, no status filter: the page is every prospect of the account from its first
    id to its last, so its documents are one range of their primary key, read in a LATERAL
    subquery with a LIMIT. Planned with bounds it cannot know, a plain join was estimated at
    111,000 rows and read as a bitmap scan plus a sort of the megabyte (4.0–4.6 ms of the
    server's CPU for 1,000 documents); this ordered index scan takes 3.3–3.4 ms. When the
    page's ids are spread over more than twice their number (other accounts' prospects in
    between) the range is not read and no rows come back."""
    return text(
        "WITH span AS (SELECT min(id) AS low, max(id) AS high, count(*) AS n "
        f"FROM ({_listing_ids_sql(descending, False)}) AS page) "
        "SELECT convert_to(d.body, 'UTF8') FROM span CROSS JOIN LATERAL ("
        "SELECT body FROM prospect_documents WHERE prospect_id BETWEEN span.low AND span.high "
        f"AND account_id = :account ORDER BY prospect_id{' DESC' if descending else ''} LIMIT span.n) AS d "
        "WHERE span.high - span.low < 2 * span.n"
    )


@functools.cache
def _postgresql_listing_probed(descending: bool, by_status: bool) -> Any:
    """PostgreSQL: the page's documents looked up id by id, as UTF-8 bytes in page order."""
    return _statement(
        f"WITH page AS MATERIALIZED ({_listing_ids_sql(descending, by_status)}) "
        "SELECT convert_to(body, 'UTF8') FROM page JOIN prospect_documents ON prospect_id = page.id "
        f"WHERE account_id = :account ORDER BY prospect_id{' DESC' if descending else ''}",
        by_status,
    )


def is_listing(query: SearchQuery) -> bool:
    """Filtered by nothing but (global) status and sorted by id: the account's prospects
    listed page by page (``SearchRepository.listing``)."""
    return _only_statuses(query) and query.sort[0].field == "id"


def _only_statuses(query: SearchQuery) -> bool:
    """Nothing but (global) status filters: prospect_counts knows the total."""
    return not (
        query.fields
        or query.ids is not None
        or query.in_campaigns
        or query.contacted is not None
        or query.interested is not None
        or query.activity is not None
        or query.times
    )


def _activity_conditions(activity: Activity, p: Any) -> list[ColumnElement[bool]]:
    """OPENED/CLICKED: at least one open/click. NOT-…: mailed (sent at least once) and never
    opened/clicked — a mail never sent cannot be "not opened"."""
    column = p.c.last_opened if activity.about_opens else p.c.last_clicked
    if activity in (Activity.OPENED, Activity.CLICKED):
        return [column.isnot(None)]
    return [p.c.last_contacted.isnot(None), column.is_(None)]


def _as_utc(moment: Any) -> Any:
    """A value of func.max() on a UtcDateTime column comes back untyped on SQLite (text)."""
    from datetime import UTC, datetime

    if isinstance(moment, str):
        return datetime.fromisoformat(moment).replace(tzinfo=UTC)
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
