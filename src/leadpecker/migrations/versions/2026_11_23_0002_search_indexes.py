"""search indexes: a sort index per sortable field, substring search (pg_trgm GIN on
PostgreSQL, FTS5 trigram tables on SQLite), prospect counts and ready prospect documents, the
last three kept by triggers so that every write path (API, bulk import, cascades) keeps them
right.

Revision ID: 0002
Revises: 0003 (0003 was written first, against 0001; one line of history keeps one head)
Create Date: 2026-11-23 13:40:00

The trigger SQL is rendered from the v1 prospect document of this migration's day. Its layout
and the SQL around it are a frozen copy of what ``search/serializer.py`` and the dialect
components (``search/dialect_*.py``) held then: the live code may change, the schema this
migration builds may not. A layout change comes with a migration of its own, holding its own
copy of the statements (this one's uninstall, its new install, which rebuilds every document).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0003"
branch_labels = None
depends_on = None

_TEXT_SORTS = (
    "first_name",
    "last_name",
    "company",
    "industry",
    "website",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    *(f"snippet{n}" for n in range(1, 16)),
)
_NULLABLE_SORTS = ("last_contacted", "last_replied", "last_opened", "last_clicked", "organization_id")
_PLAIN_SORTS = ("status", "updated", "sent_mails")
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


# The v1 prospect document: (key, prospects column, kind), in the reference sample's order.
_LAYOUT = (
    ("id", "id", "integer"),
    ("email", "email", "text"),
    ("first_name", "first_name", "text"),
    ("last_name", "last_name", "text"),
    ("company", "company", "text"),
    ("organization_id", "organization_id", "integer"),
    ("industry", "industry", "text"),
    ("website", "website", "text"),
    ("linkedin_url", "linkedin_url", "text"),
    ("tags", "tags", "text"),
    ("title", "title", "text"),
    ("phone", "phone", "text"),
    ("address", "address", "text"),
    ("city", "city", "text"),
    ("state", "state", "text"),
    ("country", "country", "text"),
    ("last_contacted", "last_contacted", "timestamp"),
    ("last replied", "last_replied", "timestamp"),
    ("updated", "updated", "timestamp"),
    ("encrypted", "encrypted", "boolean"),
    *((f"snipet{n}", f"snippet{n}", "text") for n in range(1, 5)),
    *((f"snippet{n}", f"snippet{n}", "text") for n in range(1, 16)),
    ("snippet_labels", "snippet_labels", "object"),
    ("status", "status", "text"),
)
_DOCUMENT_COLUMNS = tuple(dict.fromkeys(column for _, column, _ in _LAYOUT))
# SQLite's FTS5 tables: one per searched field, the snippets sharing one.
_SNIPPETS = tuple(f"snippet{n}" for n in range(1, 16))
_FTS_TABLES: dict[str, tuple[str, ...]] = {
    **{f"prospect_search_{name}": (name,) for name in _SEARCHED if name not in _SNIPPETS},
    "prospect_search_snippets": _SNIPPETS,
}


def _sort_indexes() -> dict[str, list[object]]:
    indexes: dict[str, list[object]] = {}
    for name in _PLAIN_SORTS:
        indexes[name] = ["account_id", name, "id"]
    for name in _NULLABLE_SORTS:
        indexes[name] = ["account_id", sa.text(f"({name} IS NOT NULL)"), name, "id"]
    for name in _TEXT_SORTS:
        indexes[name] = ["account_id", sa.text(f"substr({name}, 1, 100)"), "id"]
    return indexes


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "prospect_counts",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "status", "bucket", "slot", name=op.f("pk_prospect_counts")),
    )
    op.create_table(
        "prospect_documents",
        sa.Column("prospect_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_prospect_documents_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prospect_id", name=op.f("pk_prospect_documents")),
    )
    for name, columns in _sort_indexes().items():
        op.create_index(f"ix_prospects_sort_{name}", "prospects", columns)
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_prospects_trigram",
        "prospects",
        list(_SEARCHED),
        postgresql_using="gin",
        postgresql_ops=dict.fromkeys(_SEARCHED, "gin_trgm_ops"),
        sqlite_where=sa.text("0"),
    )
    # Straight to the driver: the SQL holds colons (to_char's 'HH24:MI:SS') that a text()
    # construct would take for bind parameters.
    for statement in _postgresql_install() if dialect == "postgresql" else _sqlite_install():
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _postgresql_uninstall() if dialect == "postgresql" else _sqlite_uninstall():
        op.get_bind().exec_driver_sql(statement)
    op.drop_index("ix_prospects_trigram", table_name="prospects")
    for name in _sort_indexes():
        op.drop_index(f"ix_prospects_sort_{name}", table_name="prospects")
    op.drop_table("prospect_documents")
    op.drop_table("prospect_counts")


# --- SQLite: FTS5 tables, documents and counts kept by row triggers ------------------------


def _sqlite_value(column: str, kind: str, row: str) -> str:
    ref = f"{row}{column}"
    if kind == "timestamp":
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format).
        formatted = f"substr({ref}, 1, 10) || 'T' || substr({ref}, 12, 8) || '+0000'"
        return f"CASE WHEN {ref} IS NULL THEN NULL ELSE {formatted} END"
    if kind == "boolean":
        return f"json(CASE WHEN {ref} THEN 'true' ELSE 'false' END)"
    if kind == "object":
        # SQL NULL and JSON null both mean "no labels".
        return f"json(CASE WHEN {ref} IS NULL OR {ref} = 'null' THEN '{{}}' ELSE {ref} END)"
    return ref


def _sqlite_document(row: str = "") -> str:
    pairs = ", ".join(f"'{key}', {_sqlite_value(column, kind, row)}" for key, column, kind in _LAYOUT)
    return f"json_object({pairs})"


def _sqlite_count_upsert(row: str, delta: int) -> str:
    return (
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        f"VALUES ({row}account_id, {row}status, {row}id >> 12, 0, {delta}) "
        f"ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + ({delta});"
    )


def _any_set(row: str, columns: tuple[str, ...]) -> str:
    # A row with nothing to index is not entered in an FTS table at all.
    return " OR ".join(f"{row}{column} <> ''" for column in columns)


def _fts_insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    values = ", ".join(f"new.{column}" for column in columns)
    return f"INSERT INTO {table} (rowid, {names}) SELECT new.id, {values} WHERE {_any_set('new.', columns)};"


def _fts_delete(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    values = ", ".join(f"old.{column}" for column in columns)
    return (
        f"INSERT INTO {table} ({table}, rowid, {names}) "
        f"SELECT 'delete', old.id, {values} WHERE {_any_set('old.', columns)};"
    )


def _sqlite_install() -> list[str]:
    statements = [
        f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, content='prospects', "
        "content_rowid='id', tokenize='trigram', detail='full', columnsize=0)"
        for table, columns in _FTS_TABLES.items()
    ]
    document = (
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"VALUES (new.id, new.account_id, {_sqlite_document('new.')});"
    )
    document_columns = ", ".join(_DOCUMENT_COLUMNS)
    fts_insert = "\n".join(_fts_insert(table, columns) for table, columns in _FTS_TABLES.items())
    fts_delete = "\n".join(_fts_delete(table, columns) for table, columns in _FTS_TABLES.items())
    statements += [
        f"""CREATE TRIGGER prospects_search_insert AFTER INSERT ON prospects BEGIN
{fts_insert}
{document}
{_sqlite_count_upsert("new.", 1)}
END""",
        f"""CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects BEGIN
{fts_delete}
{_sqlite_count_upsert("old.", -1)}
END""",
        f"""CREATE TRIGGER prospects_search_document AFTER UPDATE OF {document_columns} ON prospects BEGIN
UPDATE prospect_documents SET body = {_sqlite_document("new.")} WHERE prospect_id = new.id;
END""",
        f"""CREATE TRIGGER prospects_search_status AFTER UPDATE OF status ON prospects
WHEN old.status IS NOT new.status BEGIN
{_sqlite_count_upsert("old.", -1)}
{_sqlite_count_upsert("new.", 1)}
END""",
    ]
    for name, columns in _FTS_TABLES.items():
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        statements.append(
            f"""CREATE TRIGGER {name}_update AFTER UPDATE OF {", ".join(columns)} ON prospects
WHEN {changed} BEGIN
{_fts_delete(name, columns)}
{_fts_insert(name, columns)}
END"""
        )
    # Filled in rowid order (FTS5's 'rebuild' reads in the planner's order, 4× slower).
    statements += [
        f"INSERT INTO {name} (rowid, {', '.join(columns)}) "
        f"SELECT id, {', '.join(columns)} FROM prospects WHERE {_any_set('', columns)} ORDER BY id"
        for name, columns in _FTS_TABLES.items()
    ]
    statements += [
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"SELECT id, account_id, {_sqlite_document()} FROM prospects",
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        "SELECT account_id, status, id >> 12, 0, count(*) FROM prospects GROUP BY 1, 2, 3",
    ]
    return statements


def _sqlite_uninstall() -> list[str]:
    triggers = [
        "prospects_search_insert",
        "prospects_search_delete",
        "prospects_search_document",
        "prospects_search_status",
        *(f"{table}_update" for table in _FTS_TABLES),
    ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in triggers] + [
        f"DROP TABLE IF EXISTS {name}" for name in _FTS_TABLES
    ]


# --- PostgreSQL: documents and counts kept by statement triggers -----------------------------


def _postgresql_value(column: str, kind: str, row: str) -> str:
    ref = f"{row}.{column}"
    if kind == "integer":
        return f"coalesce({ref}::text, 'null')"
    if kind == "timestamp":
        formatted = f"to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+0000\"')"
        return f"coalesce(to_json({formatted})::text, 'null')"
    if kind == "boolean":
        return f"CASE WHEN {ref} THEN 'true' ELSE 'false' END"
    if kind == "object":
        return f"coalesce(nullif({ref}, 'null'::jsonb), '{{}}'::jsonb)::text"
    return f"to_json({ref})::text"


def _postgresql_document(row: str) -> str:
    # Concatenated, not json_build_object (spaces around its colons): SQLite's compact bytes.
    parts = []
    for index, (key, column, kind) in enumerate(_LAYOUT):
        prefix = "{" if index == 0 else ","
        parts.append(f"'{prefix}\"{key}\":' || {_postgresql_value(column, kind, row)}")
    return " || ".join(parts) + " || '}'"


# Each writing transaction adds to rows of its own slot (txid_current()): no shared counter row.
_COUNT_UPSERT = """
    INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
    SELECT account_id, status, bucket, txid_current(), sum(delta) FROM ({deltas}) AS deltas
    GROUP BY account_id, status, bucket
    HAVING sum(delta) <> 0
    ORDER BY account_id, status, bucket
    ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n;"""
_POSTGRESQL_TRIGGERS = ("prospects_search_insert", "prospects_search_update", "prospects_search_delete")


def _postgresql_install() -> list[str]:
    upsert_documents = (
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"SELECT r.id, r.account_id, {_postgresql_document('r')} FROM new_rows AS r "
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
        f"SELECT r.id, r.account_id, {_postgresql_document('r')} FROM prospects AS r",
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        "SELECT account_id, status, id >> 12, 0, count(*) FROM prospects GROUP BY 1, 2, 3",
    ]
    return statements


def _postgresql_uninstall() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name} ON prospects" for name in _POSTGRESQL_TRIGGERS] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name in _POSTGRESQL_TRIGGERS
    ]
