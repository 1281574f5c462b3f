"""The listing — no filter but status, in id order — has statements of its own
(search/listing.py): PostgreSQL reads a page's documents as one range of ids where
the page's ids lie close together, SQLite checks the order its join delivered, and SQLite
read connections remember an account's bucket counts until something is committed.

The first accounts here have their prospects interleaved with another account's, so that
range holds foreign rows (which must never show) or is too spread out to read whole (the page
then takes the id-by-id way): either way the pages are the account's own prospects, in order,
and nothing else."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.prospects import ADD
from tests.harness.search import NO_MATCH, joined_backwards

from leadpecker.kit.db import Database
from leadpecker.search import params
from leadpecker.search.caches import BucketSums
from leadpecker.search.counts import ProspectCounts
from leadpecker.search.dialects import sqlite as sqlite_search
from leadpecker.search.listing import Listing
from leadpecker.search.statements import LISTING_IDS, SHAPES
from leadpecker.settings import Settings

SEARCH = "/rest/v1/prospects"
STATUSES = ["ACTIVE", "REPLIED", "BOUNCED"]


def interleave(server: Any, mine: Any, others: Any, *, rounds: int, others_per_round: int) -> list[dict]:
    """Alternate single-prospect additions: one of ``mine``, then ``others_per_round`` of
    ``others`` (each request its own insert, so the ids interleave). Returns mine as listed."""
    with server.client(mine.api_key) as client, server.client(others.api_key) as foreign:
        for n in range(rounds):
            prospect = {"email": f"mine{n}@{mine.name}.test", "status": STATUSES[n % 3]}
            client.post(ADD, json={"prospects": [prospect]}).raise_for_status()
            for k in range(others_per_round):
                other = {"email": f"other{n}-{k}@{others.name}.test", "status": STATUSES[(n + k) % 3]}
                foreign.post(ADD, json={"prospects": [other]}).raise_for_status()
        listed = client.get(SEARCH, params={"per_page": 1000}).json()
    assert [p["email"] for p in listed] == [f"mine{n}@{mine.name}.test" for n in range(rounds)]
    return listed


def pages(client: Any, **params: Any) -> list[int]:
    """Every page of a listing, concatenated, as ids."""
    found: list[int] = []
    for page in range(1, 100):
        body = client.get(SEARCH, params={**params, "page": page}).json()
        if body == NO_MATCH:
            return found
        found.extend(p["id"] for p in body)
    raise AssertionError("the listing did not end")


@pytest.mark.parametrize("others_per_round", [1, 3], ids=["close-together", "spread-out"])
def test_listing_pages_hold_only_the_accounts_own_prospects_in_order(
    server, new_account, others_per_round
) -> None:
    mine, others = new_account(), new_account()
    listed = interleave(server, mine, others, rounds=40, others_per_round=others_per_round)
    ids = [p["id"] for p in listed]
    # Each request took the next ids: the page's ids are 2 resp. 4 apart, as meant.
    assert {b - a for a, b in itertools.pairwise(ids)} == {1 + others_per_round}
    status_of = {p["id"]: p["status"] for p in listed}
    with server.client(mine.api_key) as client:
        assert pages(client, per_page=7) == ids
        assert pages(client, per_page=7, sort="-id") == ids[::-1]
        replied = [i for i in ids if status_of[i] in ("REPLIED", "BOUNCED")]
        assert pages(client, per_page=5, status="REPLIED,BOUNCED") == replied
        assert pages(client, per_page=5, status="REPLIED,BOUNCED", sort="-id") == replied[::-1]
        response = client.get(SEARCH, params={"per_page": 1000, "sort": "-id"})
        assert [p["id"] for p in response.json()] == ids[::-1]
        assert response.headers["x-total-count"] == str(len(ids))
    with server.client(others.api_key) as client:
        theirs = pages(client, per_page=1000)
    assert len(theirs) == 40 * others_per_round and not set(theirs) & set(ids)


def test_a_listing_shows_what_was_written_since_it_was_last_read(server, account) -> None:
    """The bucket counts a read connection remembers give way to every commit."""
    with server.client(account.api_key) as client:

        def listing(**params: Any) -> tuple[list[str], str]:
            response = client.get(SEARCH, params={"per_page": 1000, **params})
            body = response.json()
            return ([] if body == NO_MATCH else [p["email"] for p in body]), response.headers["x-total-count"]

        client.post(ADD, json={"prospects": [{"email": f"w{n}@writes.test"} for n in range(3)]})
        assert listing() == (["w0@writes.test", "w1@writes.test", "w2@writes.test"], "3")
        assert listing(status="BOUNCED") == ([], "0")
        client.post(ADD, json={"prospects": [{"email": "w3@writes.test", "status": "BOUNCED"}]})
        assert listing() == (["w0@writes.test", "w1@writes.test", "w2@writes.test", "w3@writes.test"], "4")
        assert listing(status="BOUNCED") == (["w3@writes.test"], "1")
        first = client.get(SEARCH, params={"per_page": 1}).json()[0]["id"]
        client.request("DELETE", SEARCH, params={"id": str(first)}).raise_for_status()
        assert listing() == (["w1@writes.test", "w2@writes.test", "w3@writes.test"], "3")
        assert listing(sort="-id", per_page=2, page=2) == (["w1@writes.test"], "3")


@contextmanager
def pages_read_again(engine: Engine) -> Iterator[list[tuple[bool, bool]]]:
    """The listing pages read again in order meanwhile (the statements of ``statements.LISTING_IDS``,
    recognised as the very objects executed), as (descending, by status): an observation,
    nothing replaced."""
    statements = LISTING_IDS
    read: list[tuple[bool, bool]] = []

    def record(conn: Any, clauseelement: Any, *_: Any) -> None:
        read.extend(key for key, statement in statements.items() if clauseelement is statement)

    event.listen(engine, "before_execute", record)
    try:
        yield read
    finally:
        event.remove(engine, "before_execute", record)


def test_sqlite_reads_a_page_again_when_its_join_delivered_it_out_of_order(tmp_path: Path) -> None:
    """SQLite does not promise the order an aggregate sees its rows in; the listing checks
    the ids that came with the documents and otherwise asks for the page again, in order.
    The join is made to deliver the page backwards here (``joined_backwards``)."""
    url, _ = new_database("sqlite", tmp_path)
    cli = Cli(url)
    account = cli.create_account("order")
    prospects = tmp_path / "prospects.jsonl"
    prospects.write_text("".join(json.dumps({"email": f"o{n}@order.test"}) + "\n" for n in range(12)))
    cli("prospects", "import", str(prospects), "--account", "order")
    joins = [sqlite_search.LISTING_JOINED[shape] for shape in SHAPES]

    # The page read again in order: counted, so a test whose backwards join stopped being
    # backwards (or whose check stopped looking) cannot pass unnoticed.
    read_again: list[tuple[bool, bool]] = []

    async def listed(**given: str) -> list[str]:
        """The listing's page (emails), once the join the listing ran is seen to deliver it backwards."""
        query = params.parse(given)
        descending, by_status = query.sort[0].descending, query.statuses is not None
        db = Database(Settings(database_url=url))
        try:
            assert db.inline_engine is not None
            with joined_backwards(db.inline_engine, *joins), pages_read_again(db.inline_engine) as read:
                async with db.read() as conn:
                    listing = Listing(
                        ProspectCounts(conn, account.id, BucketSums()), sqlite_search.SqliteSearch()
                    )
                    documents, total = await listing.documents(query)
                    bind = (await listing.start(query)).bind
                    statement = sqlite_search.LISTING_JOINED[(descending, by_status)]
                    joined = (await conn.execute(statement, bind)).one()[0]
            read_again.extend(read)
        finally:
            await db.dispose()
        assert documents is not None and total == 12
        page = json.loads(documents)
        # The injection works: the join the listing ran delivered this very page backwards.
        assert [int(i) for i in joined.split(",")] == [p["id"] for p in page][::-1]
        return [p["email"] for p in page]

    emails = [f"o{n}@order.test" for n in range(12)]
    assert asyncio.run(listed(per_page="5", page="2")) == emails[5:10]
    assert read_again == [(False, False)]
    assert asyncio.run(listed(per_page="5", sort="-id")) == emails[::-1][:5]
    assert read_again == [(False, False), (True, False)]
