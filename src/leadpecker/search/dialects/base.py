"""The search SQL that differs between SQLite and PostgreSQL, behind one interface.

Everything else of the search (plans, strategies, counting) is written once, in Core
statements both databases run; a ``SearchDialect`` supplies what cannot be: how a field is
matched, how a page's documents are read in order, the FTS narrowing only SQLite needs, and the
triggers that keep documents and counts. One implementation per database (sqlite.py,
postgresql.py), chosen once (``search.dialects.search_dialect``).

**A match means the same on both.** A substring matches case-insensitively, letters folded by
Unicode's lower case (``ÉMILE`` finds ``émile``); a tag matches whole and case-sensitively; an
exact email or organization id equals. tests/search/test_dialect_parity.py runs the same
queries on both databases and compares the rows.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import or_
from sqlalchemy.sql import ColumnElement

from leadpecker.search.counts import ProspectCounts
from leadpecker.search.plan import PagePlan
from leadpecker.search.query import FieldSearch, MatchKind, SearchQuery


def contains_pattern(value: str) -> str:
    """A LIKE pattern finding ``value`` anywhere, its ``%``, ``_`` and ``\\`` literal (escape
    ``\\``)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SearchDialect(Protocol):
    """An implementation subclasses it explicitly and inherits what is shared
    (``row_condition``) and the defaults (nothing to do)."""

    name: str

    # --- what a match is -------------------------------------------------------------------

    def contains(self, column: Any, value: str) -> ColumnElement[bool]:
        """``value`` is a substring of ``column``, compared case-insensitively."""

    def has_tag(self, column: Any, tag: str) -> ColumnElement[bool]:
        """``column`` (tags separated by spaces, commas tolerated) holds ``tag`` whole, with or
        without its '#', case-sensitively."""

    def row_condition(self, search: FieldSearch, p: Any) -> ColumnElement[bool]:
        """The field's condition on the row itself — the definition of a match; any index
        only finds the candidate rows faster."""
        column = p.c[search.field]
        conditions = []
        for match in search.matches:
            if match.kind is MatchKind.TAG:
                conditions.append(self.has_tag(column, match.value))
            elif match.kind is MatchKind.EXACT:
                value: Any = int(match.value) if search.field == "organization_id" else match.value
                conditions.append(column == value)
            else:
                conditions.append(self.contains(column, match.value))
        return or_(*conditions)

    async def narrow(self, query: SearchQuery, plan: PagePlan, counts: ProspectCounts) -> PagePlan:
        """The plan with its walk narrowed by indexes the database's planner does not pick by
        itself (reading through ``counts``' connection). As given by default: PostgreSQL's
        planner uses the trigram index by itself."""
        return plan

    # --- what a page shows -----------------------------------------------------------------

    async def documents_array(self, conn: Any, account_id: int, ids: list[int]) -> bytes:
        """The documents of the prospects ``ids`` (the account's), as one JSON array in the
        order of ``ids``."""

    async def listing_documents(
        self, conn: Any, shape: tuple[bool, bool], bind: dict[str, Any]
    ) -> bytes | None:
        """The listing page's documents as one JSON array (None when the page is empty):
        ``shape`` is (descending, filtered by status), ``bind`` the parameters of
        ``statements.listing_ids_sql``."""

    # --- counts ----------------------------------------------------------------------------

    async def compact_counts(self, conn: Any, account_id: int) -> None:
        """Fold the account's per-transaction count rows (PostgreSQL); nothing to do where
        writers share one count row (SQLite)."""

    # --- the schema (migration 0002's, rebuilt after a first load by search/upkeep.py) -------

    # Lists the search indexes set aside during a first load: (name, CREATE statement) rows.
    search_indexes_sql: str

    def install_statements(self) -> list[str]:
        """Create the search triggers (and their tables), and fill documents and counts from
        the rows already there."""

    def uninstall_statements(self) -> list[str]:
        """Drop what ``install_statements`` created (the documents and counts stay)."""

    async def before_set_aside(self, conn: Any) -> None:
        """Called in the load's transaction before the emptiness check."""

    async def before_build(self, conn: Any) -> None:
        """Called in the load's transaction before the indexes are built again."""


# The indexes a first load sets aside: every sort index and the trigram index (migration 0002;
# on SQLite the latter is an empty placeholder, WHERE 0).
SET_ASIDE_INDEXES = "LIKE 'ix\\_prospects\\_sort\\_%' ESCAPE '\\' OR {name} = 'ix_prospects_trigram'"
