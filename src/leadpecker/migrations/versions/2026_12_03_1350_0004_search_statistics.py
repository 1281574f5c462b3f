"""search statistics: finer planner statistics for the searched columns (PostgreSQL)

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03 13:50:00

PostgreSQL estimates how many rows a substring condition (``company ILIKE '%x%'``) keeps by
trying the pattern on the column's histogram. With the default statistics target (100) the
histogram has ~100 entries, so a pattern that matches none of them is still estimated at about
1 % of the rows. For a rare company at 1M prospects that is 10,000 rows instead of 37, and the
planner walks the id index checking every row (1 s) rather than asking the trigram index
(2 ms). A target of 1,000 puts the floor at about 0.1 % and keeps the estimates of common
substrings right (``group``: 23,003 estimated, 23,926 true); ANALYZE then samples 300,000 rows.
SQLite's search asks its FTS tables for candidate counts itself and needs nothing here.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

STATISTICS_TARGET = 1000
_SEARCHED = (
    "email",
    "tags",
    "first_name",
    "last_name",
    "company",
    "industry",
    "website",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    *(f"snippet{n}" for n in range(1, 16)),
)


def _set_statistics(target: int) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    columns = ", ".join(f"ALTER COLUMN {name} SET STATISTICS {target}" for name in _SEARCHED)
    op.execute(f"ALTER TABLE prospects {columns}")


def upgrade() -> None:
    _set_statistics(STATISTICS_TARGET)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE prospects")  # the new histograms now, not at the next autovacuum


def downgrade() -> None:
    _set_statistics(-1)  # back to default_statistics_target
