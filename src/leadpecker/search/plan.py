"""What a page's ids query reads, filters on and orders by — built from a ``SearchQuery`` for
one account, read by every strategy that walks the prospects (filtered pages, their totals,
the samples of an estimate). The dialect adds the row condition of each searched field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists
from sqlalchemy.sql import ColumnElement

from leadpecker.models import CampaignProspect, Prospect, prospect_sort_key
from leadpecker.search.query import Activity, FieldSearch, SearchQuery

P = Prospect.__table__
CP = CampaignProspect.__table__

RowCondition = Callable[[FieldSearch, Any], ColumnElement[bool]]


@dataclass(frozen=True, slots=True)
class Page:
    """The page's rows in order: prospect ids, and in the campaign view each row's campaign
    (one row per enrolment). Plain lists: a page of 1,000 builds no object per row."""

    prospect_ids: list[int]
    campaign_ids: list[int] | None = None

    def __len__(self) -> int:
        return len(self.prospect_ids)


@dataclass(frozen=True, slots=True)
class PagePlan:
    """How the ids of a filtered page are read: ``SELECT … FROM source WHERE conditions ORDER
    BY order LIMIT per_page OFFSET offset``. A dialect may narrow it (SQLite's FTS tables)."""

    source: Any
    conditions: tuple[ColumnElement[bool], ...]
    order: tuple[Any, ...]
    fts_driven: bool = False  # SQLite: an FTS table leads the walk, in rowid order
    counted: bool = False  # every match is read anyway: the page query counts them too


def only_statuses(query: SearchQuery) -> bool:
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


def is_listing(query: SearchQuery) -> bool:
    """Filtered by nothing but (global) status and sorted by id: the account's prospects
    listed page by page (search/listing.py)."""
    return only_statuses(query) and query.sort[0].field == "id"


def source(query: SearchQuery, account_id: int, p: Any = P) -> Any:
    """The prospects, joined in the campaign view to their enrolments in its campaigns."""
    if not query.in_campaigns:
        return p
    return p.join(
        CP,
        and_(
            CP.c.prospect_id == p.c.id,
            CP.c.account_id == account_id,
            CP.c.campaign_id.in_(query.campaign_ids or ()),
        ),
    )


def conditions(
    query: SearchQuery, account_id: int, row_condition: RowCondition, p: Any = P
) -> tuple[ColumnElement[bool], ...]:
    """Every filter of ``query`` on the account's rows; ``row_condition`` is the dialect's
    condition of one searched field."""
    found: list[ColumnElement[bool]] = [p.c.account_id == account_id]
    if query.ids is not None:
        found.append(p.c.id.in_(query.ids))
    if query.statuses is not None:
        found.append((CP.c.status if query.in_campaigns else p.c.status).in_(query.statuses))
    if query.contacted is not None:
        contacted = p.c.last_contacted.isnot(None)
        found.append(contacted if query.contacted else p.c.last_contacted.is_(None))
    if query.interested is not None:
        if query.in_campaigns:
            found.append(CP.c.interested.in_(query.interested))
        else:
            # Any campaign the prospect is enrolled in (an index lookup per row).
            enrolled = CampaignProspect
            found.append(
                exists().where(
                    enrolled.account_id == account_id,
                    enrolled.prospect_id == p.c.id,
                    enrolled.interested.in_(query.interested),
                )
            )
    if query.activity is not None:
        found.extend(_activity_conditions(query.activity, p))
    for condition in query.times:
        column = p.c[condition.field]
        found.append(column > condition.moment if condition.after else column < condition.moment)
    found.extend(row_condition(search, p) for search in query.fields)
    return tuple(found)


def order(query: SearchQuery, id_column: Any = None) -> tuple[Any, ...]:
    """ORDER BY of the query's sort, with the expressions of the sort indexes verbatim."""
    id_column = P.c.id if id_column is None else id_column
    found: list[Any] = []
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
        found.extend(e.desc() if key.descending else e.asc() for e in expressions)
    # Ties go by id, in the direction of the first key: with a single key one index serves
    # the whole order, forwards or backwards.
    descending = query.sort[0].descending
    if not has_id:
        found.append(id_column.desc() if descending else id_column.asc())
    if query.in_campaigns:
        found.append(CP.c.campaign_id.desc() if descending else CP.c.campaign_id.asc())
    return tuple(found)


def plan(query: SearchQuery, account_id: int, row_condition: RowCondition) -> PagePlan:
    return PagePlan(source(query, account_id), conditions(query, account_id, row_condition), order(query))


def _activity_conditions(activity: Activity, p: Any) -> list[ColumnElement[bool]]:
    """OPENED/CLICKED: at least one open/click. NOT-…: mailed (sent at least once) and never
    opened/clicked — a mail never sent cannot be "not opened"."""
    column = p.c.last_opened if activity.about_opens else p.c.last_clicked
    if activity in (Activity.OPENED, Activity.CLICKED):
        return [column.isnot(None)]
    return [p.c.last_contacted.isnot(None), column.is_(None)]
