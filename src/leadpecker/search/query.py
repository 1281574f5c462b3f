"""What a search asks, in the domain's names: the one input of the search service and its SQL.

Built from the v1 query string by search/params.py, the only place that knows the wire's
names and its error texts; the SQL layer (repository, dialects, estimates) reads these types
and so depends on no HTTP text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

DEFAULT_PER_PAGE = 100


class Activity(Enum):
    OPENED = "OPENED"
    NOT_OPENED = "NOT_OPENED"
    CLICKED = "CLICKED"
    NOT_CLICKED = "NOT_CLICKED"

    @property
    def about_opens(self) -> bool:
        return self in (Activity.OPENED, Activity.NOT_OPENED)

    @property
    def about_clicks(self) -> bool:
        return self in (Activity.CLICKED, Activity.NOT_CLICKED)


class MatchKind(Enum):
    EXACT = "exact"  # the whole value equals (email given in full; organization_id)
    SUBSTRING = "substring"  # case-insensitive substring
    TAG = "tag"  # one whole tag, case-sensitive


@dataclass(frozen=True, slots=True)
class Match:
    kind: MatchKind
    value: str


@dataclass(frozen=True, slots=True)
class FieldSearch:
    """One searched field: a prospect matches when any of ``matches`` does (OR)."""

    field: str
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class TimeCondition:
    """``field > moment`` (``after``) or ``field < moment``; both strict."""

    field: str  # updated | last_opened | last_clicked
    after: bool
    moment: datetime


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Everything a search asks, in domain terms. Different fields AND; see FieldSearch."""

    fields: tuple[FieldSearch, ...] = ()
    ids: tuple[int, ...] | None = None
    campaign_ids: tuple[int, ...] | None = None  # the "prospects in campaign" view
    statuses: tuple[str, ...] | None = None  # global, or in-campaign in the campaign view
    contacted: bool | None = None
    interested: tuple[str, ...] | None = None  # INTERESTED, MAYBE_LATER, …
    activity: Activity | None = None
    times: tuple[TimeCondition, ...] = ()
    campaigns_details: bool = False
    sort: tuple[SortKey, ...] = (SortKey("id"),)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def in_campaigns(self) -> bool:
        return self.campaign_ids is not None

    @property
    def matching(self) -> SearchQuery:
        """The query with what only shapes the answer (sort, page, campaigns_details) set to
        the defaults: queries with equal ``matching`` match the same prospects."""
        return replace(
            self, campaigns_details=False, sort=(SortKey("id"),), page=1, per_page=DEFAULT_PER_PAGE
        )
