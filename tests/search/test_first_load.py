"""The first load of a database (``prospects import`` while no prospect exists anywhere) sets
the search structures aside and builds them once at the end (search.upkeep). Loaded once that
way and once row by row (a database that already held a prospect), the two must be the same
database to every search and to the schema."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.harness.cli import Cli
from tests.harness.database import fetch, new_database
from tests.harness.search import COUNT, NO_MATCH, write_large_file
from tests.harness.server import start_server

BUILDING = "building the search indexes"
SCHEMA = {
    "sqlite": "SELECT type, name, sql FROM sqlite_master WHERE tbl_name LIKE 'prospect%' ORDER BY name",
    "postgresql": "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'prospect%' "
    "UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE tgrelid = 'prospects'::regclass AND NOT tgisinternal ORDER BY 2",
}


@dataclass
class Loaded:
    database_url: str
    output: str  # what the import command printed
    client: httpx.Client

    def answer(self, **params: Any) -> tuple[str, list[str]]:
        """X-Total-Count and the emails shown (ids differ between the two databases)."""
        response = self.client.get("/rest/v1/prospects", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        return response.headers["x-total-count"], [] if body == NO_MATCH else [p["email"] for p in body]


@pytest.fixture(scope="module")
def loads(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Loaded]]:
    directory = tmp_path_factory.mktemp("first-load")
    prospects = write_large_file(directory / "prospects.jsonl")
    earlier = directory / "earlier.jsonl"
    earlier.write_text(json.dumps({"email": "earlier@elsewhere.test", "company": "Quokka Elsewhere"}) + "\n")
    loaded, cleanups = {}, []
    for kind in ("first", "row_by_row"):
        url, drop = new_database(backend, directory)
        cli = Cli(url)
        if kind == "row_by_row":  # another account's prospect: the database is not empty
            cli("accounts", "create", "other")
            cli("prospects", "import", str(earlier), "--account", "other")
        key = cli.create_account("bulk").api_key
        output = cli("prospects", "import", str(prospects), "--account", "bulk")
        server = start_server(url, directory)
        loaded[kind] = Loaded(url, output, server.client(key))
        cleanups.append((server, drop))
    yield loaded
    for server, drop in cleanups:
        server.stop()
        drop()


def test_only_the_load_into_an_empty_database_builds_the_search_structures_at_the_end(loads) -> None:
    assert BUILDING in loads["first"].output
    assert BUILDING not in loads["row_by_row"].output
    for load in loads.values():
        assert f"prospects, {COUNT:,} rows: {COUNT:,} inserted" in load.output


def test_both_loads_leave_the_same_indexes_and_triggers(loads, backend) -> None:
    first, row_by_row = (fetch(load.database_url, SCHEMA[backend]) for load in loads.values())
    assert first == row_by_row
    assert any("ix_prospects_sort_company" in str(row) for row in first)


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 1000, "page": 3},
        {"search": "company=quokka"},
        {"search": "company=widgets 3", "sort": "-last_name", "per_page": 1000},
        {"search": "first_name=an,title=engineer", "sort": "+company", "page": 2},
        {"search": "email=p777@example.test"},
        {"status": "BOUNCED", "sort": "-id", "page": 20},
        {"sort": "title,-first_name", "page": 100},
    ],
)
def test_both_loads_answer_every_search_alike(loads, params) -> None:
    assert loads["first"].answer(**params) == loads["row_by_row"].answer(**params)
    assert loads["first"].answer(**params)[1]  # each query finds prospects


@pytest.mark.parametrize("reader_open", [False, True], ids=["alone", "beside-a-reader"])
def test_a_sqlite_first_load_leaves_the_database_in_wal_mode(tmp_path, reader_open) -> None:
    """The first load runs with a rollback journal when nothing else has the database open
    (kit.db.Database.load), in WAL mode otherwise; the database is in WAL mode afterwards
    either way, with every row and its search structures."""
    url, _ = new_database("sqlite", tmp_path)
    cli = Cli(url)
    cli("accounts", "create", "acme")
    rows = tmp_path / "prospects.jsonl"
    rows.write_text(
        "".join(
            json.dumps({"email": f"p{n}@quokka.test", "company": f"Quokka {n}"}) + "\n" for n in range(500)
        )
    )
    path = url.removeprefix("sqlite:///")
    reader = sqlite3.connect(path) if reader_open else None
    if reader is not None:
        reader.execute("SELECT count(*) FROM accounts").fetchone()  # holds the WAL's shared memory
    try:
        output = cli("prospects", "import", str(rows), "--account", "acme")
    finally:
        if reader is not None:
            reader.close()
    assert BUILDING in output
    # Read with plain sqlite3: the service's own connections switch to WAL when they open.
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT count(*) FROM prospect_documents").fetchone() == (500,)
        found = conn.execute(
            "SELECT count(*) FROM prospect_search_company WHERE prospect_search_company MATCH ?",
            ('"okka 12"',),
        )
        assert found.fetchone() == (11,)  # Quokka 12, 120–129
