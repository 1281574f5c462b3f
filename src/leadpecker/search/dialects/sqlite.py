"""SQLite's half of the search: FTS5 trigram tables that narrow a substring search, the page's
documents joined in the page's order, and the triggers that keep the FTS tables, the prospect
documents and the prospect counts right whatever writes to ``prospects``.

One FTS5 table per searchable field (the snippets share one): a trigram's posting list then
holds only that field's rows, which makes a company search 5–10× faster than one table over
every field (measured at 1M prospects: "quillfeather" 0.9 ms against 6.9 ms). The tables hold
no copy of the text (``content='prospects'``); the triggers feed them.

**Narrowing with FTS** (``narrow``): a substring search first asks the FTS5 tables how many
candidate rows each searched field has: when one has at most ``FTS_DRIVER_LIMIT`` the query
reads those only (and counts the matches exactly on the way); otherwise, sorted by id, that FTS
table drives the walk in rowid order. The row condition (LIKE) always decides; FTS only narrows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import column, func, literal, or_, select, table, text
from sqlalchemy.sql import ColumnElement

from leadpecker.models import BUCKET_SHIFT
from leadpecker.search import plan as plans
from leadpecker.search.counts import ProspectCounts
from leadpecker.search.dialects.base import SET_ASIDE_INDEXES, SearchDialect, contains_pattern
from leadpecker.search.plan import P, PagePlan
from leadpecker.search.query import FieldSearch, MatchKind, SearchQuery
from leadpecker.search.serializer import DOCUMENT_COLUMNS, LAYOUT
from leadpecker.search.statements import LISTING_IDS, SHAPES, listing_ids_sql, statement
from leadpecker.vocabulary.prospect_fields import SNIPPET_FIELDS, SUBSTRING_SEARCHED, FieldKind

# field → FTS table; the snippets share one table with a column each.
SNIPPET_COLUMNS = tuple(name for name in SUBSTRING_SEARCHED if name in SNIPPET_FIELDS)
_OWN_TABLE = tuple(name for name in SUBSTRING_SEARCHED if name not in SNIPPET_FIELDS)
SNIPPET_TABLE = "prospect_search_snippets"
FTS_TABLES: dict[str, tuple[str, ...]] = {
    **{f"prospect_search_{field}": (field,) for field in _OWN_TABLE},
    SNIPPET_TABLE: SNIPPET_COLUMNS,
}
FTS_TABLE_OF: dict[str, str] = {column: table for table, columns in FTS_TABLES.items() for column in columns}
# A trigram index finds substrings of at least three characters; shorter ones are scanned.
MIN_INDEXED_LENGTH = 3
# A searched field with at most this many FTS candidates drives the query, each candidate read
# by rowid (~2.5 µs at a million prospects, ~10 µs when its page is not in memory). Sorted by
# id, past this the FTS table leads in rowid order and stops at the page: at 10,000 candidates
# reading them all took 25–105 ms against 10–20 ms for the walk (and the estimate of its
# total). Sorted otherwise, walking the sort's index stops early only when matches are dense,
# so candidates drive up to the larger limit.
FTS_DRIVER_LIMIT = 2_000
FTS_DRIVER_LIMIT_SORTED = 50_000
# Below this many prospects an account is searched by reading its rows: quicker than asking
# FTS tables that hold every account's text.
SMALL_ACCOUNT = 20_000


# --- documents ---------------------------------------------------------------------------


def _value(column: str, kind: FieldKind, row: str) -> str:
    ref = f"{row}{column}"
    if kind is FieldKind.TIMESTAMP:
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format).
        formatted = f"substr({ref}, 1, 10) || 'T' || substr({ref}, 12, 8) || '+0000'"
        return f"CASE WHEN {ref} IS NULL THEN NULL ELSE {formatted} END"
    if kind is FieldKind.BOOLEAN:
        return f"json(CASE WHEN {ref} THEN 'true' ELSE 'false' END)"
    if kind is FieldKind.OBJECT:
        # SQL NULL and JSON null both mean "no labels".
        return f"json(CASE WHEN {ref} IS NULL OR {ref} = 'null' THEN '{{}}' ELSE {ref} END)"
    return ref


def document_sql(row: str = "") -> str:
    """The SQL expression of a prospect's v1 document, in ``serializer.LAYOUT``'s order;
    ``row`` prefixes the column names (``new.`` in a trigger)."""
    pairs = ", ".join(f"'{key}', {_value(column, kind, row)}" for key, column, kind in LAYOUT)
    return f"json_object({pairs})"


# --- schema (migration 0002) ----------------------------------------------------------------


def _count_upsert(row: str, delta: int) -> str:
    return (
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        f"VALUES ({row}account_id, {row}status, {row}id >> {BUCKET_SHIFT}, 0, {delta}) "
        f"ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + ({delta});"
    )


# A row whose columns of an FTS table are all empty is not entered in that table at all: it has
# no trigram to find, and the tables keep no per-row record (columnsize=0), so "not entered" and
# "entered empty" are the same index. Most prospects leave most fields (and snippets) empty,
# and enrichment mostly fills empty fields: no insert, resp. no delete, for those.
def _any_set(row: str, columns: tuple[str, ...]) -> str:
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


def install_statements() -> list[str]:
    """Create the FTS tables and every trigger, and fill them from the rows already there."""
    statements = [
        f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, content='prospects', "
        "content_rowid='id', tokenize='trigram', detail='full', columnsize=0)"
        for table, columns in FTS_TABLES.items()
    ]
    document = (
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"VALUES (new.id, new.account_id, {document_sql('new.')});"
    )
    document_columns = ", ".join(DOCUMENT_COLUMNS)
    fts_insert = "\n".join(_fts_insert(table, columns) for table, columns in FTS_TABLES.items())
    fts_delete = "\n".join(_fts_delete(table, columns) for table, columns in FTS_TABLES.items())
    statements += [
        f"""CREATE TRIGGER prospects_search_insert AFTER INSERT ON prospects BEGIN
{fts_insert}
{document}
{_count_upsert("new.", 1)}
END""",
        f"""CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects BEGIN
{fts_delete}
{_count_upsert("old.", -1)}
END""",
        f"""CREATE TRIGGER prospects_search_document AFTER UPDATE OF {document_columns} ON prospects BEGIN
UPDATE prospect_documents SET body = {document_sql("new.")} WHERE prospect_id = new.id;
END""",
        f"""CREATE TRIGGER prospects_search_status AFTER UPDATE OF status ON prospects
WHEN old.status IS NOT new.status BEGIN
{_count_upsert("old.", -1)}
{_count_upsert("new.", 1)}
END""",
    ]
    for name, columns in FTS_TABLES.items():
        # "UPDATE OF" fires when a column is in the SET list; WHEN skips the re-indexing
        # (a delete and an insert of every trigram) when its value did not actually change.
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        statements.append(
            f"""CREATE TRIGGER {name}_update AFTER UPDATE OF {", ".join(columns)} ON prospects
WHEN {changed} BEGIN
{_fts_delete(name, columns)}
{_fts_insert(name, columns)}
END"""
        )
    # Filled in rowid order, not with FTS5's 'rebuild': that reads the content table in
    # whatever order its planner picks (for email, the unique index's: ids at random), and
    # FTS5 flushes its pending data to a new segment at every rowid that goes backwards —
    # 4× the time for the email table. Rows with nothing to index are left out, as by the
    # insert trigger.
    statements += [
        f"INSERT INTO {name} (rowid, {', '.join(columns)}) "
        f"SELECT id, {', '.join(columns)} FROM prospects WHERE {_any_set('', columns)} ORDER BY id"
        for name, columns in FTS_TABLES.items()
    ]
    statements += [
        "INSERT INTO prospect_documents (prospect_id, account_id, body) "
        f"SELECT id, account_id, {document_sql()} FROM prospects",
        "INSERT INTO prospect_counts (account_id, status, bucket, slot, n) "
        f"SELECT account_id, status, id >> {BUCKET_SHIFT}, 0, count(*) FROM prospects GROUP BY 1, 2, 3",
    ]
    return statements


def uninstall_statements() -> list[str]:
    triggers = [
        "prospects_search_insert",
        "prospects_search_delete",
        "prospects_search_document",
        "prospects_search_status",
        *(f"{table}_update" for table in FTS_TABLES),
    ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in triggers] + [
        f"DROP TABLE IF EXISTS {name}" for name in FTS_TABLES
    ]


# --- queries -------------------------------------------------------------------------------


def fts_phrase(value: str) -> str:
    """A value as an FTS5 string: every character literal, so any substring can be asked."""
    return '"' + value.replace('"', '""') + '"'


def indexed(search: FieldSearch) -> tuple[str, str] | None:
    """(FTS table, MATCH expression) finding a *superset* of the field's matches, when the
    trigram index can: every value long enough, and a text field (not an exact email or an
    organization_id). The row condition stays the truth: FTS ignores a tag's boundaries."""
    table = FTS_TABLE_OF.get(search.field)
    if table is None:
        return None
    phrases = []
    for match in search.matches:
        if match.kind is MatchKind.EXACT or len(match.value) < MIN_INDEXED_LENGTH:
            return None
        phrases.append(f"{search.field} : {fts_phrase(match.value)}")
    return table, " OR ".join(phrases)


def fts_table(name: str) -> Any:
    """An FTS5 table for Core statements: its rowid, and the hidden column named like the
    table that ``MATCH`` applies to."""
    return table(name, column("rowid"), column(name))


def matches(fts: Any, name: str, expression: str) -> ColumnElement[bool]:
    return fts.c[name].op("MATCH")(expression)


# A page's documents as one JSON array. CROSS JOIN keeps json_each (the page's order) as the
# outer loop, so the documents arrive in page order without an ORDER BY, which would push a
# megabyte through a sorter (7 ms against 2 ms for 1,000 documents). SQLite does not promise
# the order an aggregate sees its rows in, so the ids come along to prove it; when they do not
# line up, the page is read again sorted.
ARRAY_IN_LOOP_ORDER = text(
    "SELECT group_concat(d.prospect_id), CAST('[' || coalesce(group_concat(d.body, ','), '') || ']' AS BLOB) "
    "FROM json_each(:ids) AS j CROSS JOIN prospect_documents AS d "
    "WHERE d.prospect_id = j.value AND d.account_id = :account"
)
ARRAY_SORTED = text(
    "SELECT CAST('[' || coalesce(group_concat(body, ','), '') || ']' AS BLOB) FROM ("
    "SELECT d.body AS body FROM json_each(:ids) AS j "
    "JOIN prospect_documents AS d ON d.prospect_id = j.value "
    "WHERE d.account_id = :account ORDER BY j.key)"
)
# The listing page's ids (to check the order) and its documents joined, in one statement, by
# (descending, by status). CROSS JOIN keeps the ordered ids as the outer loop (as above).
LISTING_JOINED = {
    (descending, by_status): statement(
        "SELECT group_concat(p.id), CAST(group_concat(d.body, ',') AS BLOB) "
        f"FROM ({listing_ids_sql(descending, by_status)}) AS p CROSS JOIN prospect_documents AS d "
        "WHERE d.prospect_id = p.id AND d.account_id = :account",
        by_status,
    )
    for descending, by_status in SHAPES
}


class SqliteSearch(SearchDialect):
    name = "sqlite"
    search_indexes_sql = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospects' "
        f"AND (name {SET_ASIDE_INDEXES.format(name='name')})"
    )

    def contains(self, column: Any, value: str) -> ColumnElement[bool]:
        """SQLite's LIKE folds the case of ASCII letters only. A value with other letters
        compares both sides lower-cased by ``unicode_lower`` (Python's ``str.lower``, a
        function every connection registers: kit/db.py), a call per row read; the common,
        ASCII value keeps the plain LIKE. The one difference left with PostgreSQL's ILIKE:
        an ASCII value does not find the Kelvin sign (U+212A) or a dotted capital I (U+0130)
        as k or i."""
        if value.isascii():
            return column.like(contains_pattern(value), escape="\\")
        return func.unicode_lower(column).like(contains_pattern(value.lower()), escape="\\")

    def has_tag(self, column: Any, tag: str) -> ColumnElement[bool]:
        padded = literal(" ") + func.replace(column, ",", " ") + literal(" ")
        return or_(func.instr(padded, f" #{tag} ") > 0, func.instr(padded, f" {tag} ") > 0)

    async def narrow(self, query: SearchQuery, plan: PagePlan, counts: ProspectCounts) -> PagePlan:
        if not query.fields or (await counts.totals()).all <= SMALL_ACCOUNT:
            return plan
        indexed_fields = [found for found in map(indexed, query.fields) if found is not None]
        if not indexed_fields:
            return plan
        by_id = query.sort[0].field == "id"
        limit = FTS_DRIVER_LIMIT if by_id else FTS_DRIVER_LIMIT_SORTED
        smallest: tuple[int, str, str] | None = None
        for table_name, expression in indexed_fields:
            fts = fts_table(table_name)
            found = select(fts.c.rowid).where(matches(fts, table_name, expression))
            probe = found.limit(limit + 1).subquery()
            count = (await counts.conn.execute(select(func.count()).select_from(probe))).scalar_one()
            if smallest is None or count < smallest[0]:
                smallest = (count, table_name, expression)
        assert smallest is not None
        count, table_name, expression = smallest
        fts = fts_table(table_name)
        if count <= limit:
            # Few enough candidates to read them all: SQLite looks each up by rowid and sorts
            # the matches, and counting them on the way costs nothing more.
            candidates = select(fts.c.rowid).where(matches(fts, table_name, expression))
            return replace(plan, conditions=(*plan.conditions, P.c.id.in_(candidates)), counted=True)
        if by_id:
            # Ordered by the FTS rowid, SQLite reads the FTS matches first and in order.
            return replace(
                plan,
                source=fts.join(plan.source, P.c.id == fts.c.rowid),
                conditions=(*plan.conditions, matches(fts, table_name, expression)),
                order=plans.order(query, id_column=fts.c.rowid),
                fts_driven=True,
            )
        return plan

    async def documents_array(self, conn: Any, account_id: int, ids: list[int]) -> bytes:
        """Joined by SQLite and handed over as bytes (no decoding of a megabyte into a str
        only to encode it again)."""
        listed = ",".join(map(str, ids))
        bind = {"ids": f"[{listed}]", "account": account_id}
        found_ids, array = (await conn.execute(ARRAY_IN_LOOP_ORDER, bind)).one()
        if (found_ids or "") == listed:
            return bytes(array)
        return bytes((await conn.execute(ARRAY_SORTED, bind)).scalar_one())

    async def listing_documents(
        self, conn: Any, shape: tuple[bool, bool], bind: dict[str, Any]
    ) -> bytes | None:
        found_ids, array = (await conn.execute(LISTING_JOINED[shape], bind)).one()
        listed = list(map(int, found_ids.split(","))) if found_ids else []
        # As in documents_array: the page's order is the loop's, so check it.
        if listed == sorted(listed, reverse=shape[0]):
            return b"[" + array + b"]" if listed else None
        ids = list((await conn.execute(LISTING_IDS[shape], bind)).scalars())
        return await self.documents_array(conn, bind["account"], ids) if ids else None

    def install_statements(self) -> list[str]:
        return install_statements()

    def uninstall_statements(self) -> list[str]:
        return uninstall_statements()
