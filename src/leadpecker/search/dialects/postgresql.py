"""PostgreSQL's half of the search: substring conditions the pg_trgm GIN index serves, a
listing page's documents read as one range of their key, and the statement-level triggers
that keep the prospect documents and counts right whatever writes to ``prospects`` (the API,
the COPY-based bulk import, cascades).

Counts: a trigger adds its statement's deltas to rows of its own transaction
(``slot = txid_current()``), so concurrent writers never wait on one shared counter row nor
deadlock over it; readers sum, and :data:`COMPACT_COUNTS` folds finished slots into slot 0.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, or_, text
from sqlalchemy.sql import ColumnElement

from leadpecker.models import BUCKET_SHIFT
from leadpecker.search.dialects.base import SET_ASIDE_INDEXES, SearchDialect, contains_pattern
from leadpecker.search.serializer import LAYOUT
from leadpecker.search.statements import SHAPES, listing_ids_sql, statement
from leadpecker.vocabulary.prospect_fields import FieldKind


def _value(column: str, kind: FieldKind, row: str) -> str:
    ref = f"{row}.{column}"
    if kind is FieldKind.INTEGER:
        return f"coalesce({ref}::text, 'null')"
    if kind is FieldKind.TIMESTAMP:
        formatted = f"to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+0000\"')"
        return f"coalesce(to_json({formatted})::text, 'null')"
    if kind is FieldKind.BOOLEAN:
        return f"CASE WHEN {ref} THEN 'true' ELSE 'false' END"
    if kind is FieldKind.OBJECT:
        # SQL NULL and JSON null both mean "no labels".
        return f"coalesce(nullif({ref}, 'null'::jsonb), '{{}}'::jsonb)::text"
    return f"to_json({ref})::text"


def document_sql(row: str) -> str:
    """The SQL expression of a prospect's v1 document, in ``serializer.LAYOUT``'s order.

    Built by concatenation rather than ``json_build_object``, whose text has spaces around
    every colon: the same compact bytes as SQLite's ``json_object``, keys in layout order.
    """
    parts = []
    for index, (key, column, kind) in enumerate(LAYOUT):
        prefix = "{" if index == 0 else ","
        parts.append(f"'{prefix}\"{key}\":' || {_value(column, kind, row)}")
    return " || ".join(parts) + " || '}'"


_COUNT_UPSERT = """
    INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
    SELECT account_id, status, bucket, txid_current(), sum(delta) FROM ({deltas}) AS deltas
    GROUP BY account_id, status, bucket
    HAVING sum(delta) <> 0
    ORDER BY account_id, status, bucket
    ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n;"""


def install_statements() -> list[str]:
    upsert_documents = (
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"SELECT r.id, r.account_id, {document_sql('r')} FROM new_rows AS r "
        "ON CONFLICT (prospect_id) DO UPDATE SET body = excluded.body "
        "WHERE prospect_documents.body IS DISTINCT FROM excluded.body;"
    )
    inserted = _COUNT_UPSERT.format(
        deltas=f"SELECT account_id, status, id >> {BUCKET_SHIFT} AS bucket, 1 AS delta FROM new_rows"
    )
    deleted = _COUNT_UPSERT.format(
        deltas=f"SELECT account_id, status, id >> {BUCKET_SHIFT} AS bucket, -1 AS delta FROM old_rows"
    )
    moved = _COUNT_UPSERT.format(
        deltas=f"SELECT o.account_id, o.status, o.id >> {BUCKET_SHIFT} AS bucket, -1 AS delta "
        "FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE n.status <> o.status "
        f"UNION ALL SELECT n.account_id, n.status, n.id >> {BUCKET_SHIFT}, 1 "
        "FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE n.status <> o.status"
    )
    functions = {
        "prospects_search_insert": upsert_documents + inserted,
        "prospects_search_update": upsert_documents + moved,
        "prospects_search_delete": deleted,
    }
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for name, body in functions.items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\nRETURN NULL;\nEND\n$$"
        )
    statements += [
        "CREATE TRIGGER prospects_search_insert AFTER INSERT ON prospects "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_insert()",
        "CREATE TRIGGER prospects_search_update AFTER UPDATE ON prospects "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_update()",
        "CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_delete()",
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"SELECT r.id, r.account_id, {document_sql('r')} FROM prospects AS r",
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        f"SELECT account_id, status, id >> {BUCKET_SHIFT}, 0, count(*) FROM prospects GROUP BY 1, 2, 3",
    ]
    return statements


def uninstall_statements() -> list[str]:
    names = ("prospects_search_insert", "prospects_search_update", "prospects_search_delete")
    return [f"DROP TRIGGER IF EXISTS {name} ON prospects" for name in names] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name in names
    ]


# Fold one account's finished transaction slots into slot 0. Rows of transactions still in
# flight are invisible here and stay for a later compaction; a concurrent compaction waits on
# the rows this one deletes and then skips them, so no delta is counted twice.
COMPACT_COUNTS = """
WITH gone AS (
    DELETE FROM prospect_counts WHERE account_id = :account AND slot <> 0
    RETURNING status, bucket, n
)
INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
SELECT :account, status, bucket, 0, sum(n) FROM gone GROUP BY status, bucket ORDER BY status, bucket
ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n
"""


_DOCUMENTS_OF = text(
    "SELECT prospect_id, convert_to(body, 'UTF8') FROM prospect_documents "
    "WHERE prospect_id = ANY(CAST(:ids AS bigint[])) AND account_id = :account"
)


def _listing_range(descending: bool) -> Any:
    """No status filter: the page is every prospect of the account from its first id to its
    last, so its documents are one range of their primary key, read in a LATERAL subquery with
    a LIMIT. Planned with bounds it cannot know, a plain join was estimated at 111,000 rows and
    read as a bitmap scan plus a sort of the megabyte (4.0–4.6 ms of the server's CPU for 1,000
    documents); this ordered index scan takes 3.3–3.4 ms. When the page's ids are spread over
    more than twice their number (other accounts' prospects in between) the range is not read
    and no rows come back."""
    return text(
        "WITH span AS (SELECT min(id) AS low, max(id) AS high, count(*) AS n "
        f"FROM ({listing_ids_sql(descending, False)}) AS page) "
        "SELECT convert_to(d.body, 'UTF8') FROM span CROSS JOIN LATERAL ("
        "SELECT body FROM prospect_documents WHERE prospect_id BETWEEN span.low AND span.high "
        f"AND account_id = :account ORDER BY prospect_id{' DESC' if descending else ''} LIMIT span.n) AS d "
        "WHERE span.high - span.low < 2 * span.n"
    )


def _listing_probed(descending: bool, by_status: bool) -> Any:
    """The page's documents looked up id by id, as UTF-8 bytes in page order."""
    return statement(
        f"WITH page AS MATERIALIZED ({listing_ids_sql(descending, by_status)}) "
        "SELECT convert_to(body, 'UTF8') FROM page JOIN prospect_documents ON prospect_id = page.id "
        f"WHERE account_id = :account ORDER BY prospect_id{' DESC' if descending else ''}",
        by_status,
    )


# The statements a listing page tries in turn, by (descending, by status): the range first
# where there is no status filter.
LISTING_STATEMENTS = {
    (descending, by_status): (
        (_listing_probed(descending, by_status),)
        if by_status
        else (_listing_range(descending), _listing_probed(descending, by_status))
    )
    for descending, by_status in SHAPES
}


class PostgresqlSearch(SearchDialect):
    name = "postgresql"
    search_indexes_sql = (
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        f"AND tablename = 'prospects' AND (indexname {SET_ASIDE_INDEXES.format(name='indexname')})"
    )

    def contains(self, column: Any, value: str) -> ColumnElement[bool]:
        """ILIKE, served by the GIN trigram index; letters folded by the database's character
        type (a UTF-8 locale folds every letter: ``ÉMILE`` finds ``émile``)."""
        return column.ilike(contains_pattern(value), escape="\\")

    def has_tag(self, column: Any, tag: str) -> ColumnElement[bool]:
        """The LIKE lets the trigram index find candidates; the strpos checks the tag's
        boundaries."""
        padded = literal(" ") + func.replace(column, ",", " ") + literal(" ")
        exact = or_(func.strpos(padded, f" #{tag} ") > 0, func.strpos(padded, f" {tag} ") > 0)
        return column.like(contains_pattern(tag), escape="\\") & exact

    async def documents_array(self, conn: Any, account_id: int, ids: list[int]) -> bytes:
        """The rows, put in the page's order here. Each body comes as UTF-8 bytes
        (convert_to): decoded into str, joined and encoded again, a megabyte of documents with
        a few non-ASCII names cost ~2 ms more in Python. Aggregating inside the server
        (string_agg) costs it 2–3 ms more CPU than sending the rows."""
        if not ids:
            return b"[]"
        found = dict((await conn.execute(_DOCUMENTS_OF, {"ids": ids, "account": account_id})).all())
        return b"[" + b",".join([found[i] for i in ids if i in found]) + b"]"

    async def listing_documents(
        self, conn: Any, shape: tuple[bool, bool], bind: dict[str, Any]
    ) -> bytes | None:
        for tried in LISTING_STATEMENTS[shape]:
            if documents := (await conn.execute(tried, bind)).scalars().all():
                return b"[" + b",".join(documents) + b"]"
        return None

    async def compact_counts(self, conn: Any, account_id: int) -> None:
        await conn.execute(text(COMPACT_COUNTS), {"account": account_id})

    async def before_set_aside(self, conn: Any) -> None:
        # Nobody may insert between the emptiness check and the drops.
        await conn.execute(text("LOCK TABLE prospects IN SHARE ROW EXCLUSIVE MODE"))

    async def before_build(self, conn: Any) -> None:
        await conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")

    def install_statements(self) -> list[str]:
        return install_statements()

    def uninstall_statements(self) -> list[str]:
        return uninstall_statements()
