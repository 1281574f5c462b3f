"""The same query gives the same rows on SQLite and on PostgreSQL: a match is defined once
(search/dialects/base.py), and each database's SQL must keep to it — substrings
case-insensitive for every letter (``ÉMILE`` finds ``émile``; SQLite's own LIKE folds ASCII
only, PostgreSQL's ILIKE every letter), tags whole and case-sensitive, exact emails equal.

The same prospects are loaded into one database of each kind; every query below is asked of
both, in-process through the search service, and the pages and totals compared. SQLite is
asked twice: reading the account's rows (how an account this small is searched) and with its
FTS tables narrowing the walk (how a large one is), which must not change the answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.harness.cli import Cli
from tests.harness.database import new_database

from leadpecker.kit.db import Database
from leadpecker.search import params
from leadpecker.search.dialects import sqlite as sqlite_search
from leadpecker.search.service import ProspectSearch
from leadpecker.settings import Settings

PEOPLE = [
    # (first name, last name, company, tags)
    ("Émile", "Zola", "Éditions Charpentier", "#writer #Paris"),
    ("ÉMILE", "Durkheim", "ÉCOLE NORMALE", "#sociology"),
    ("émile", "Cohl", "gaumont", "#animation #paris"),
    ("Emile", "Berliner", "Gramophone", "#inventor"),
    ("Łukasz", "Kowalski", "ŁÓDŹ Works", "#łódź"),
    ("ŁUKASZ", "Nowak", "łódź works", "#Łódź"),
    ("Zoë", "Ünal", "Ünal & Söhne", "#Berlin"),
    ("ZOË", "ünal", "ÜNAL & SÖHNE", "#berlin"),
    ("Søren", "Kierkegaard", "STRAßE GmbH", "#philosophy"),
    ("Ана", "Иванова", "ООО Ромашка", "#москва"),
    ("АНА", "ИВАНОВ", "ооо ромашка", "#Москва"),
    ("Ângela", "Gonçalves", "Ação Ltda", "#são_paulo"),
    ("Ada", "Lovelace", "Analytical Engine", "#maths #first"),
    ("Alan", "Turing", "Bletchley 50% Park", "#maths"),
    ("Grace", "Hopper", "US_Navy", "#cobol"),
]

QUERIES = [
    {"search": "first_name=émile"},
    {"search": "first_name=ÉMILE"},
    {"search": "first_name=mile"},
    {"search": "first_name=MIL"},
    {"search": "first_name=łukasz"},
    {"search": "company=łódź"},
    {"search": "company=ŁÓDŹ WORKS"},
    {"search": "last_name=ÜNAL"},
    {"search": "company=söhne"},
    {"search": "company=strasse"},
    {"search": "company=straße"},
    {"search": "last_name=иванов"},
    {"search": "company=РОМАШКА"},
    {"search": "company=ÇÃO"},
    {"search": "company=ção"},
    {"search": "company=50%"},
    {"search": "company=us_navy"},
    {"search": "company=s_n"},
    {"search": "tags=paris"},
    {"search": "tags=Paris"},
    {"search": "tags=łódź"},
    {"search": "tags=Łódź"},
    {"search": "tags=москва"},
    {"search": "tags=maths"},
    {"search": "first_name=ÉMI,last_name=z"},
    {"search": "first_name=zoë,first_name=ана"},
    {"search": "email=emile0@parity.test"},
    {"search": "email=PARITY.TEST", "per_page": "5", "page": "2"},
    {"search": "first_name=a", "sort": "-last_name"},
    {"search": "company=works", "sort": "+company"},
    {"sort": "+first_name"},
    {"sort": "-company", "per_page": "4", "page": "3"},
]


def _prospects() -> str:
    lines = []
    for n, (first, last, company, tags) in enumerate(PEOPLE):
        email = f"{first.lower().replace('é', 'e')}{n}@parity.test"
        record = {"email": email, "first_name": first, "last_name": last, "company": company, "tags": tags}
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, int]]]:
    """(URL, account id) of the same prospects in a database of each kind."""
    directory = tmp_path_factory.mktemp("parity")
    prospects = directory / "prospects.jsonl"
    prospects.write_text(_prospects(), encoding="utf-8")
    loaded, drops = {}, []
    for kind in ("sqlite", "postgresql"):
        url, drop = new_database(kind, directory)
        drops.append(drop)
        cli = Cli(url)
        account = cli.create_account("parity")
        cli("prospects", "import", str(prospects), "--account", "parity")
        loaded[kind] = (url, account.id)
    yield loaded
    for drop in drops:
        drop()


def _answers(url: str, account_id: int) -> list[tuple[list[str], int]]:
    async def run() -> list[tuple[list[str], int]]:
        db = Database(Settings(database_url=url))
        search = ProspectSearch(db)
        try:
            answers = []
            for given in QUERIES:
                result = await search.search(account_id, params.parse(given))
                body: Any = json.loads(result.body)
                emails = [p["email"] for p in body] if isinstance(body, list) else []
                answers.append((emails, result.total))
            return answers
        finally:
            await db.dispose()

    return asyncio.run(run())


def test_every_query_gives_the_same_rows_on_both_databases(databases, monkeypatch) -> None:
    on_postgresql = _answers(*databases["postgresql"])
    on_sqlite = _answers(*databases["sqlite"])
    monkeypatch.setattr(sqlite_search, "SMALL_ACCOUNT", 0)  # the FTS tables narrow every search
    on_sqlite_narrowed = _answers(*databases["sqlite"])
    for given, postgresql, sqlite, narrowed in zip(
        QUERIES, on_postgresql, on_sqlite, on_sqlite_narrowed, strict=True
    ):
        assert sqlite == postgresql, given
        assert narrowed == postgresql, given


def test_non_ascii_letters_match_in_either_case(databases) -> None:
    """The answers themselves, not only their agreement: a parity test would also pass were
    both databases wrong the same way."""
    answers = dict(zip((q["search"] for q in QUERIES[:14]), _answers(*databases["sqlite"])[:14], strict=True))
    emile = ["emile0@parity.test", "emile1@parity.test", "emile2@parity.test"]
    assert answers["first_name=émile"][0] == emile
    assert answers["first_name=ÉMILE"][0] == emile
    assert answers["first_name=mile"][0] == [*emile, "emile3@parity.test"]
    assert answers["company=łódź"][0] == ["łukasz4@parity.test", "łukasz5@parity.test"]
    assert answers["last_name=иванов"][0] == ["ана9@parity.test", "ана10@parity.test"]
    assert answers["company=strasse"][0] == []  # no folding of ß into ss: lower case only
