"""SQLite assembles a page's documents in the page's order without sorting them, and checks
that order; a page whose documents do not line up (one missing) takes the sorted query."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest


@pytest.fixture(scope="module")
def store(harness: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("page-documents")
    url, drop = harness.new_database("sqlite", directory)
    cli = harness.Cli(url)
    key = cli.create_account("pages").api_key
    prospects = directory / "prospects.jsonl"
    prospects.write_text("".join(json.dumps({"email": f"p{n}@pages.test"}) + "\n" for n in range(30)))
    cli("prospects", "import", str(prospects), "--account", "pages")
    server = harness.start_server(url, directory)
    yield server, key, url.removeprefix("sqlite:///")
    server.stop()
    drop()


def emails(server: Any, key: str, **params: str) -> list[str]:
    with server.client(key) as client:
        return [p["email"] for p in client.get("/rest/v1/prospects", params=params).json()]


def test_pages_list_their_documents_in_the_page_order(store) -> None:
    server, key, _ = store
    ascending = emails(server, key, per_page="1000")
    assert ascending == [f"p{n}@pages.test" for n in range(30)]
    assert emails(server, key, sort="-id", per_page="10", page="2") == ascending[::-1][10:20]


def test_a_page_with_a_missing_document_still_lists_the_others_in_order(store) -> None:
    server, key, path = store
    ascending = emails(server, key, per_page="1000")
    with sqlite3.connect(path) as db:  # a state no writer leaves: the check must notice
        db.execute("DELETE FROM prospect_documents WHERE body LIKE '%\"p7@pages.test\"%'")
    expected = [email for email in ascending if email != "p7@pages.test"]
    assert emails(server, key, sort="-id", per_page="1000") == expected[::-1]
    assert emails(server, key, per_page="1000") == expected
