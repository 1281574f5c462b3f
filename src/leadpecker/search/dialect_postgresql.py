"""PostgreSQL's half of the search: substring conditions the pg_trgm GIN index serves, and the
statement-level triggers that keep the prospect documents and counts right whatever writes to
``prospects`` (the API, the COPY-based bulk import, cascades).

Counts: a trigger adds its statement's deltas to rows of its own transaction
(``slot = txid_current()``), so concurrent writers never wait on one shared counter row nor
deadlock over it; readers sum, and :data:`COMPACT_COUNTS` folds finished slots into slot 0.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, or_
from sqlalchemy.sql import ColumnElement

from leadpecker.search.query import FieldSearch, MatchKind
from leadpecker.search.serializer import LAYOUT
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
        deltas="SELECT account_id, status, id >> 12 AS bucket, 1 AS delta FROM new_rows"
    )
    deleted = _COUNT_UPSERT.format(
        deltas="SELECT account_id, status, id >> 12 AS bucket, -1 AS delta FROM old_rows"
    )
    moved = _COUNT_UPSERT.format(
        deltas="SELECT o.account_id, o.status, o.id >> 12 AS bucket, -1 AS delta "
        "FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE n.status <> o.status "
        "UNION ALL SELECT n.account_id, n.status, n.id >> 12, 1 "
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
        "SELECT account_id, status, id >> 12, 0, count(*) FROM prospects GROUP BY 1, 2, 3",
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


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def tag_condition(column: Any, tag: str) -> ColumnElement[bool]:
    """One whole tag, case-sensitive, with or without its '#'. The LIKE lets the trigram
    index find candidates; the strpos checks the tag's boundaries."""
    padded = literal(" ") + func.replace(column, ",", " ") + literal(" ")
    exact = or_(func.strpos(padded, f" #{tag} ") > 0, func.strpos(padded, f" {tag} ") > 0)
    return column.like(_like(tag), escape="\\") & exact


def row_condition(search: FieldSearch, p: Any) -> ColumnElement[bool]:
    """The field's condition: substrings case-insensitive (ILIKE, served by the GIN trigram
    index), exact emails and organization ids equal, tags whole and case-sensitive."""
    column = p.c[search.field]
    conditions = []
    for match in search.matches:
        if match.kind is MatchKind.TAG:
            conditions.append(tag_condition(column, match.value))
        elif match.kind is MatchKind.EXACT:
            value: Any = int(match.value) if search.field == "organization_id" else match.value
            conditions.append(column == value)
        else:
            conditions.append(column.ilike(_like(match.value), escape="\\"))
    return or_(*conditions)
