"""SQLite plans searches from statistics that only ANALYZE gathers (without them a common
substring search at a million prospects took ~700 ms instead of ~20 ms). The importers analyze
after a load; for everything else ``serve`` analyzes the tables that have no statistics or
whose size has halved or doubled since — so a database filled through the API gets them too.
PostgreSQL's autovacuum does this by itself."""

from __future__ import annotations

import time
from pathlib import Path

from tests.harness.cli import Cli
from tests.harness.database import fetch, new_database
from tests.harness.prospects import ADD
from tests.harness.server import start_server


def analyzed_rows(database_url: str, table: str) -> int | None:
    """The row count ``table`` had when it was last analyzed, or None if never."""
    if not fetch(database_url, "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"):
        return None
    query = "SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = :table"
    [(rows,)] = fetch(database_url, query, table=table)
    return rows


def wait_for_analyzed(database_url: str, table: str, rows: int) -> None:
    deadline = time.monotonic() + 20
    while (found := analyzed_rows(database_url, table)) != rows:
        assert time.monotonic() < deadline, f"{table} analyzed with {found} rows, expected {rows}"
        time.sleep(0.1)


def test_serve_analyzes_tables_filled_through_the_api(tmp_path: Path) -> None:
    url, _ = new_database("sqlite", tmp_path)
    key = Cli(url).create_account("acme").api_key
    server = start_server(url, tmp_path, sqlite_statistics_seconds="0.2")
    try:
        client = server.client(key)

        def add(first: int, count: int) -> None:
            prospects = [{"email": f"p{n}@acme.test"} for n in range(first, first + count)]
            assert client.post(ADD, json={"prospects": prospects}).status_code == 200

        assert analyzed_rows(url, "prospects") is None  # nothing to analyze in an empty table
        add(0, 40)
        wait_for_analyzed(url, "prospects", 40)
        add(40, 100)  # 140 rows: more than twice what was analyzed
        wait_for_analyzed(url, "prospects", 140)
        add(140, 10)  # 150 rows: within the factor, the statistics stand
        time.sleep(1.5)
        assert analyzed_rows(url, "prospects") == 140
    finally:
        server.stop()


def test_statistics_can_be_switched_off(tmp_path: Path) -> None:
    url, _ = new_database("sqlite", tmp_path)
    key = Cli(url).create_account("acme").api_key
    server = start_server(url, tmp_path, sqlite_statistics_seconds="0")
    try:
        prospects = [{"email": f"p{n}@acme.test"} for n in range(30)]
        assert server.client(key).post(ADD, json={"prospects": prospects}).status_code == 200
        time.sleep(1.5)
        assert analyzed_rows(url, "prospects") is None
    finally:
        server.stop()
