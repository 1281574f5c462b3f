"""SQLite assembles a page's documents in the page's order without sorting them (the SQLite
search dialect's ``documents_array``: the page's ids, as ``json_each``, are the outer loop
of the join), and checks that order with the ids that come along; a page whose documents do
not line up — one missing, or delivered in another order — takes the sorted query instead.

Every page that is not a listing takes this way (a search, a sort by another field than id);
the listing has statements and a check of its own (test_listing.py), so the pages asked for
here are searches. What the client sees is checked over HTTP; which statement produced it is
seen in-process, on the same database, by recording the statements the read connection runs
(an observation, nothing replaced) — both statements give the same answer for a page with a
missing document, so only that shows the sorted query was reached."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.search import joined_backwards
from tests.harness.server import start_server

from leadpecker.kit.db import Database
from leadpecker.search import params
from leadpecker.search.dialects import sqlite as sqlite_search
from leadpecker.search.service import ProspectSearch
from leadpecker.settings import Settings

EMAILS = [f"p{n}@pages.test" for n in range(30)]
# Pages that are not listings: a substring search, and a sort by another field than id.
SEARCHED = {"search": "email=pages.test", "per_page": "1000"}
SORTED_BY_EMAIL = {"sort": "-email", "per_page": "10", "page": "2"}


def compiled(statement: Any) -> str:
    return str(statement.compile(dialect=sqlite.dialect()))


IN_LOOP_ORDER = compiled(sqlite_search.ARRAY_IN_LOOP_ORDER)
SORTED = compiled(sqlite_search.ARRAY_SORTED)


@pytest.fixture
def store(tmp_path: Any) -> Iterator[tuple[Any, Any, str]]:
    """A SQLite database of its own with 30 prospects, and a server on it."""
    url, drop = new_database("sqlite", tmp_path)
    cli = Cli(url)
    account = cli.create_account("pages")
    prospects = tmp_path / "prospects.jsonl"
    prospects.write_text("".join(json.dumps({"email": email}) + "\n" for email in EMAILS))
    cli("prospects", "import", str(prospects), "--account", "pages")
    server = start_server(url, tmp_path)
    yield server, account, url
    server.stop()
    drop()


def emails(server: Any, key: str, **given: str) -> list[str]:
    with server.client(key) as client:
        response = client.get("/rest/v1/prospects", params=given)
    assert response.status_code == 200, response.text
    return [p["email"] for p in response.json()]


@contextmanager
def recording(db: Database) -> Iterator[list[str]]:
    """The SQL the database's read connections run meanwhile."""
    assert db.inline_engine is not None
    executed: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        executed.append(statement)

    event.listen(db.inline_engine, "before_cursor_execute", record)
    try:
        yield executed
    finally:
        event.remove(db.inline_engine, "before_cursor_execute", record)


def searched(url: str, account_id: int, **given: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The search's page, as the endpoint answers it, and the SQL that read it."""

    async def run() -> tuple[list[dict[str, Any]], list[str]]:
        db = Database(Settings(database_url=url))
        try:
            with recording(db) as executed:
                result = await ProspectSearch(db).search(account_id, params.parse(given))
        finally:
            await db.dispose()
        return json.loads(result.body), executed

    return asyncio.run(run())


def searched_joined_backwards(
    url: str, account_id: int, **given: str
) -> tuple[list[dict[str, Any]], list[str], list[int]]:
    """As ``searched``, while SQLite's join delivers every page backwards (``joined_backwards``);
    also the ids the join delivers, meanwhile, for the page the search answered."""

    async def run() -> tuple[list[dict[str, Any]], list[str], list[int]]:
        db = Database(Settings(database_url=url))
        try:
            assert db.inline_engine is not None
            with joined_backwards(db.inline_engine, sqlite_search.ARRAY_IN_LOOP_ORDER):
                with recording(db) as executed:
                    result = await ProspectSearch(db).search(account_id, params.parse(given))
                page = json.loads(result.body)
                bind = {"ids": json.dumps([p["id"] for p in page]), "account": account_id}
                async with db.read() as conn:
                    delivered = (await conn.execute(sqlite_search.ARRAY_IN_LOOP_ORDER, bind)).one()[0]
        finally:
            await db.dispose()
        return page, executed, [int(i) for i in delivered.split(",")]

    return asyncio.run(run())


def test_pages_list_their_documents_in_the_page_order_without_sorting_them(store) -> None:
    server, account, url = store
    assert emails(server, account.api_key, **SEARCHED) == EMAILS
    by_email_descending = sorted(EMAILS, reverse=True)
    assert emails(server, account.api_key, **SORTED_BY_EMAIL) == by_email_descending[10:20]
    for given, expected in ((SEARCHED, EMAILS), (SORTED_BY_EMAIL, by_email_descending[10:20])):
        page, executed = searched(url, account.id, **given)
        assert [p["email"] for p in page] == expected
        assert executed.count(IN_LOOP_ORDER) == 1 and SORTED not in executed, executed


def test_a_page_with_a_missing_document_takes_the_sorted_query(store) -> None:
    server, account, url = store
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:  # a state no writer leaves
        db.execute("DELETE FROM prospect_documents WHERE body LIKE '%\"p7@pages.test\"%'")
    expected = [email for email in EMAILS if email != "p7@pages.test"]
    assert emails(server, account.api_key, **SEARCHED) == expected
    assert emails(server, account.api_key, sort="-email", per_page="1000") == sorted(expected, reverse=True)
    page, executed = searched(url, account.id, **SEARCHED)
    assert [p["email"] for p in page] == expected
    assert executed.count(IN_LOOP_ORDER) == 1 and executed.count(SORTED) == 1, executed
    # The listing's own statements skip the missing document too.
    assert emails(server, account.api_key, per_page="1000") == expected
    assert emails(server, account.api_key, sort="-id", per_page="1000") == expected[::-1]


def test_a_page_joined_out_of_order_takes_the_sorted_query(store) -> None:
    """SQLite does not promise the order an aggregate sees its rows in. The join is made to
    deliver the page backwards here (``joined_backwards``), and seen to do so."""
    _, account, url = store
    page, executed, delivered = searched_joined_backwards(url, account.id, **SORTED_BY_EMAIL)
    assert [p["email"] for p in page] == sorted(EMAILS, reverse=True)[10:20]
    assert executed.count(IN_LOOP_ORDER) == 1 and executed.count(SORTED) == 1, executed
    # The injection works: for this very page the join delivers the documents backwards.
    ids = [p["id"] for p in page]
    assert delivered == ids[::-1]
