"""The search suite's data: the small data set every search test reads, loaded once per
backend through the foundation's own commands and endpoints (add_prospects_list, ``leadpecker
prospects/campaigns/enrolments/activity import``), never by SQL; and the large account's file
(21,000 prospects) for the plans the small set never takes; and ``joined_backwards``, which
makes SQLite's join deliver a page in an order it never promised.

Account A holds the reference's sample prospect and a cast built to tell the search rules
apart; account B shares emails and companies with A, to prove that nothing of A leaks into B.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event
from sqlalchemy.sql.expression import Executable

from tests.harness.cli import Cli
from tests.harness.files import write_csv
from tests.harness.names import tag
from tests.harness.server import Server

SEARCH = "/rest/v1/prospects"
NO_MATCH = {"message": "There are no prospects matching the given criteria."}

# The reference sample's keys, in its order (developers.woodpecker.co, "Search for prospects").
SAMPLE_KEYS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "company",
    "organization_id",
    "industry",
    "website",
    "linkedin_url",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    "last_contacted",
    "last replied",
    "updated",
    "encrypted",
    "snipet1",
    "snipet2",
    "snipet3",
    "snipet4",
    *(f"snippet{n}" for n in range(1, 16)),
    "snippet_labels",
    "status",
]

ERLICH = {
    "email": "erlich@bachmanity.com",
    "first_name": "Erlich",
    "last_name": "Bachman",
    "company": "Bachmanity",
    "organization_id": 654321789,
    "industry": "IT",
    "website": "https://bachmanity.com",
    "linkedin_url": "https://linkedin.com/erlich-bachman",
    "tags": "#VISIONARY",
    "title": "CEO",
    "phone": "+1 987-654-321",
    "address": "700 Welch Road",
    "city": "Palo Alto",
    "state": "California",
    "country": "United States",
    "status": "REPLIED",
    "snipet1": "You are running a successful startup incubator Bachmanity",
    "snippet_labels": {"custom_snippet": "You are running a successful startup incubator Bachmanity"},
}
CAST: list[dict[str, Any]] = [
    ERLICH,
    {
        "email": "jared@piedpiper.com",
        "first_name": "Jared",
        "last_name": "Dunn",
        "company": "Pied Piper",
        "organization_id": 72894,
        "title": "COO",
        "tags": "#PR #SECONDARYEMAIL",
        "city": "Palo Alto",
        "country": "United States",
    },
    {
        "email": "richard@piedpiper.com",
        "first_name": "Richard",
        "last_name": "Hendricks",
        "company": "Pied Piper",
        "organization_id": 72894,
        "title": "CEO",
        "tags": "#FOUNDER #vip",
        "city": "Palo Alto",
        "country": "United States",
    },
    {
        "email": "gilfoyle@piedpiper.com",
        "first_name": "Bertram",
        "last_name": "Gilfoyle",
        "company": "PIED PIPER inc",
        "title": "Systems Architect",
        "tags": "#VIP",
        "country": "Canada",
    },
    {
        "email": "dinesh@piedpiper.com",
        "first_name": "Dinesh",
        "last_name": "Chugtai",
        "company": "Pied Piper",
        "title": "Engineer",
        "status": "BOUNCED",
        "country": "Pakistan",
    },
    {
        "email": "gavin@hooli.com",
        "first_name": "Gavin",
        "last_name": "Belson",
        "company": "Hooli",
        "title": "CEO",
        "tags": "#VIPER",
        "city": "Mountain View",
        "status": "BLACKLIST",
    },
    {
        "email": "big.head@hooli.com",
        "first_name": "Nelson",
        "last_name": "Bighetti",
        "company": "Hooli XYZ",
        "status": "INVALID",
    },
    {
        "email": "monica@raviga.com",
        "first_name": "Monica",
        "last_name": "Hall",
        "company": "Raviga Capital",
        "title": "Partner",
        "tags": "#VC #VIP",
        "industry": "Venture",
    },
    {
        "email": "laurie@raviga.com",
        "first_name": "Laurie",
        "last_name": "Bream",
        "company": "Raviga Capital",
        "country": "United Kingdom",
        "industry": "Venture",
    },
    {"email": "russ@acme.com", "first_name": "Russ", "last_name": "Hanneman", "company": "Acme, Inc"},
    {"email": "ron@acme.com", "first_name": "Ron", "last_name": "LaFlamme", "company": "Acme Incorporated"},
    {"email": "john+tag@example.com", "first_name": "John", "last_name": "Tagged", "company": "Example"},
    {
        "email": "jian.yang@newpiedpiper.com",
        "first_name": "Jian",
        "last_name": "Yang",
        "company": "New Pied Piper",
        "snippet5": "hot dog",
        "snippet15": "not hot dog",
        "snipet2": "Legacy two",
    },
    {"email": "a_b%c@weird.io", "first_name": "Percent", "last_name": "Under", "company": "100% Pure_Fun"},
    {"email": "zoe@müller.de", "first_name": "Zoë", "last_name": "Müller", "company": "Müller GmbH"},
    *(
        {
            "email": f"filler{n:02d}@fill.org",
            "first_name": f"Filler{n:02d}",
            "last_name": "Person",
            "company": f"Filler Co {n:02d}",
            "status": ("ACTIVE", "ACTIVE", "ACTIVE", "REPLIED", "BOUNCED")[n % 5],
        }
        for n in range(20)
    ),
]
CAMPAIGNS = [("SaaS in America", "RUNNING"), ("SaaS in Europe", "RUNNING"), ("Draft ideas", "DRAFT")]
ENROLMENTS = [
    ("SaaS in America", "erlich@bachmanity.com", "ACTIVE", "NOT_MARKED"),
    ("SaaS in Europe", "erlich@bachmanity.com", "REPLIED", "INTERESTED"),
    ("SaaS in America", "jared@piedpiper.com", "ACTIVE", "MAYBE-LATER"),
    ("SaaS in Europe", "richard@piedpiper.com", "ACTIVE", "NOT_INTERESTED"),
    ("SaaS in America", "monica@raviga.com", "TO-CHECK", "INTERESTED"),
]
# (email, campaign, kind, occurred_at, url)
ACTIVITY = [
    ("erlich@bachmanity.com", "SaaS in America", "SENT", "2025-03-18T10:00:00", ""),
    ("erlich@bachmanity.com", "SaaS in Europe", "SENT", "2025-03-20T13:32:34Z", ""),
    ("erlich@bachmanity.com", "SaaS in Europe", "OPENED", "2025-03-20T15:00:00Z", ""),
    (
        "erlich@bachmanity.com",
        "SaaS in Europe",
        "CLICKED",
        "2025-03-20T15:05:00Z",
        "https://bachmanity.com/a",
    ),
    (
        "erlich@bachmanity.com",
        "SaaS in Europe",
        "CLICKED",
        "2025-03-20T15:09:00Z",
        "https://bachmanity.com/b",
    ),
    ("erlich@bachmanity.com", "SaaS in Europe", "REPLIED", "2025-03-21T08:11:35+01:00", ""),
    ("jared@piedpiper.com", "SaaS in America", "SENT", "2025-03-25T09:00:00Z", ""),
    ("jared@piedpiper.com", "SaaS in America", "SENT", "2025-03-28T09:00:00Z", ""),
    ("jared@piedpiper.com", "SaaS in America", "OPENED", "2025-04-01T12:00:00Z", ""),
    ("richard@piedpiper.com", "SaaS in Europe", "SENT", "2025-02-01T09:00:00Z", ""),
    ("monica@raviga.com", "SaaS in America", "SENT", "2025-01-10T09:00:00Z", ""),
    ("monica@raviga.com", "SaaS in America", "OPENED", "2025-01-10T10:00:00Z", ""),
    ("monica@raviga.com", "SaaS in America", "CLICKED", "2025-01-10T10:01:00Z", "https://raviga.com"),
    ("monica@raviga.com", "SaaS in America", "CLICKED", "2025-01-11T10:01:00Z", "https://raviga.com"),
]
OTHER_ACCOUNT = [
    {"email": "erlich@bachmanity.com", "first_name": "Erlich B", "company": "Bachmanity", "tags": "#VIP"},
    {"email": "other@piedpiper.com", "first_name": "Other", "company": "Pied Piper", "title": "CEO"},
]


@dataclass
class Account:
    id: int
    name: str
    key: str
    client: httpx.Client
    ids: dict[str, int] = field(default_factory=dict)  # email → prospect id
    campaigns: dict[str, int] = field(default_factory=dict)  # name → campaign id

    def search(self, query: str | dict[str, Any] = "", **params: Any) -> httpx.Response:
        """GET /rest/v1/prospects with a raw query string (sent as written) or params."""
        if isinstance(query, str) and query:
            return self.client.get(f"{SEARCH}?{query}")
        return self.client.get(SEARCH, params={**(query or {}), **params})

    def emails(self, query: str | dict[str, Any] = "", **params: Any) -> list[str]:
        response = self.search(query, **params)
        assert response.status_code == 200, response.text
        body = response.json()
        return [] if body == NO_MATCH else [prospect["email"] for prospect in body]


@dataclass
class Dataset:
    a: Account
    b: Account


def _create_account(cli: Cli, server: Server) -> Account:
    name = f"search-{tag()[:8]}"
    created = cli.create_account(name)
    return Account(created.id, name, created.api_key, server.client(created.api_key))


def load_dataset(server: Server, cli: Cli, directory: Path) -> Dataset:
    """Accounts A and B with their prospects, campaigns, enrolments and activity."""
    a, b = _create_account(cli, server), _create_account(cli, server)

    # A: prospects through the API, campaigns, enrolments and activity through the loaders.
    response = a.client.post("/rest/v1/add_prospects_list", json={"prospects": CAST})
    assert response.status_code == 200, response.text
    a.ids = {p["email"]: p["id"] for p in response.json()["prospects"]}
    assert all(p["status"] == "OK" for p in response.json()["prospects"]), response.text
    a.campaigns = cli.import_campaigns(a.name, directory, CAMPAIGNS)
    enrolments = write_csv(directory / "enrol.csv", ["campaign", "email", "status", "interested"], ENROLMENTS)
    cli("enrolments", "import", str(enrolments), "--account", a.name)
    activity = write_csv(
        directory / "activity.csv", ["email", "campaign", "kind", "occurred_at", "url"], ACTIVITY
    )
    cli("activity", "import", str(activity), "--account", a.name)

    # B: prospects through the bulk import (the COPY / executemany path), one campaign.
    path = directory / "other.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in OTHER_ACCOUNT))
    cli("prospects", "import", str(path), "--account", b.name)
    b.campaigns = cli.import_campaigns(b.name, directory, [("B campaign", "RUNNING")])
    b_enrolments = write_csv(
        directory / "b-enrol.csv",
        ["campaign", "email", "status", "interested"],
        [("B campaign", "erlich@bachmanity.com", "ACTIVE", "INTERESTED")],
    )
    cli("enrolments", "import", str(b_enrolments), "--account", b.name)
    listed = b.search(per_page=10).json()
    b.ids = {p["email"]: p["id"] for p in listed}
    return Dataset(a, b)


# --- the large account ---------------------------------------------------------------------------


COUNT = 21_000
FIRST = ["Anna", "Ben", "Clara", "Dan", "Eve", "Frank", "Gina", "Hugo", "Ines", "Jan"]
LAST = ["Smith", "Jones", "Miller", "Brown", "Wilson", "Taylor", "Clark", "Lewis"]
TITLES = ["Engineer", "Sales Manager", "CEO", "Data Engineer", "Recruiter", "Designer"]


def _company(rng: random.Random, n: int) -> str:
    if n % 3000 == 7:
        return "Rare Quokka Ltd"  # 7 prospects
    if n % 14 == 0:
        return f"Mid Widgets {n % 5}"  # 1,500: more than the exact-count limit
    return f"{rng.choice(['Alpha', 'Beta', 'Gamma', 'Delta'])} {rng.choice(['Group', 'Inc', 'Labs', 'Ltd'])}"


def write_large_file(path: Path) -> Path:
    """The large account's prospects as a JSONL file for ``leadpecker prospects import``."""
    rng = random.Random(5)
    records = []
    for n in range(COUNT):
        records.append(
            {
                "email": f"p{n}@{'example' if n % 2 else 'mail'}.test",
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "company": _company(rng, n),
                "title": rng.choice(TITLES),
                "status": ("ACTIVE", "ACTIVE", "ACTIVE", "BOUNCED", "REPLIED")[n % 5],
            }
        )
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


# --- SQLite's join order ---------------------------------------------------------------------


@contextmanager
def joined_backwards(engine: Engine, *statements: Executable) -> Iterator[None]:
    """While open, each of ``statements`` answers on ``engine`` as if SQLite's join had
    delivered its rows last to first — an order SQLite never promised not to use, and one a
    check of the page's order must catch.

    ``statements`` are the ones that join a page's ids to their documents and aggregate both
    into one row: the ids joined by commas, then the documents joined by commas (in brackets
    or not). Each still runs as written; SQLAlchemy's ``do_execute`` hook then turns its one row
    around (ids and documents alike) before the caller reads it. No SQL is edited, and a
    statement is recognised as the very object the code executes, not by its text."""

    def deliver_backwards(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        if not any(context.invoked_statement is chosen for chosen in statements):
            return False  # SQLAlchemy runs the statement itself
        cursor.execute(statement, parameters)
        ids, documents = cursor.fetchone()
        if ids is not None:
            ids = ",".join(reversed(ids.split(",")))
            bracketed = documents.startswith(b"[")
            listed = json.loads(documents if bracketed else b"[" + documents + b"]")
            documents = b",".join(
                json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
                for document in reversed(listed)
            )
            documents = b"[" + documents + b"]" if bracketed else documents
        cursor.execute("SELECT ?, ?", (ids, documents))
        return True

    event.listen(engine, "do_execute", deliver_backwards)
    try:
        yield
    finally:
        event.remove(engine, "do_execute", deliver_backwards)
