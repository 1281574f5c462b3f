"""The hand-written statements both databases run as they are, asked on every listing page:
built once, when the module is imported (constants, not caches). The dialects embed
``listing_ids_sql`` in statements of their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text

# (descending, filtered by status): the four shapes of a listing page.
SHAPES = tuple((descending, by_status) for descending in (False, True) for by_status in (False, True))


def listing_ids_sql(descending: bool, by_status: bool) -> str:
    """The listing page's ids in order, from ``(account_id, id)`` (with a status filter the
    walk checks each row's status): ``:skip`` rows past ``:bound`` (at most a bucket)."""
    status = "AND status IN :statuses " if by_status else ""
    direction = "id < :bound ORDER BY id DESC" if descending else "id >= :bound ORDER BY id"
    return (
        f"SELECT id FROM prospects WHERE account_id = :account {status}AND {direction} "
        "LIMIT :limit OFFSET :skip"
    )


def statement(sql: str, by_status: bool) -> Any:
    """``sql`` as a statement; ``:statuses`` expands to the list of statuses."""
    prepared = text(sql)
    return prepared.bindparams(bindparam("statuses", expanding=True)) if by_status else prepared


LISTING_IDS = {shape: statement(listing_ids_sql(*shape), shape[1]) for shape in SHAPES}


def _bucket_sums(by_status: bool) -> Any:
    """The account's prospects per bucket, and the count rows not yet compacted (PostgreSQL).
    Summed as integers: PostgreSQL sums a bigint column into numeric, which comes back as 245
    Decimals to convert (0.1–0.2 ms of Python per page)."""
    status = "AND status IN :statuses " if by_status else ""
    return statement(
        "SELECT bucket, sum(CAST(n AS INTEGER)), count(*) FILTER (WHERE slot <> 0) FROM prospect_counts "
        f"WHERE account_id = :account {status}GROUP BY bucket ORDER BY bucket",
        by_status,
    )


BUCKET_SUMS = {by_status: _bucket_sums(by_status) for by_status in (False, True)}
