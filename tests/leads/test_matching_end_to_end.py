"""The matcher through the real pipeline: queue over HTTP, a real worker, the prospect after."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import AccountInfo, Cli, Server, new_database, start_server
from tests.dbcheck import fetch

LEADS = (
    "email,first_name,last_name,linkedin_url,title,phone,company_name,company_website,"
    "industry,address,city,state,country\n"
    "jane.doe@acme.co.uk,Jane,Doe,https://www.linkedin.com/in/jane-doe,CTO,+44 20 1234,Acme Ltd,"
    "https://www.acme.co.uk,IT,1 High St,London,,United Kingdom\n"
    """jose.muller@globex.com,José,Müller,,Engineer,+49 30 5555,Globex,globex.com,Energy,,Berlin,,Germany
pat.lee@initech.com,Pat,Lee,,Analyst,+1 555 0001,Initech,initech.com,IT,,Austin,TX,US
pat.lee2@initech.com,Pat,Lee,,Manager,+1 555 0002,Initech,initech.com,IT,,Austin,TX,US
sam.roe@hooli.com,Sam,Roe,,VP,+1 555 0003,Hooli,hooli.com,IT,,Palo Alto,CA,US
"""
)


def wait_processed(api, emails: list[str], deadline: float = 20.0) -> dict[str, str]:
    stop = time.monotonic() + deadline
    while True:
        records = api.post(
            "/rest/v2/lead_finder/prospects/enrichments/statuses/query", json={"emails": emails}
        ).json()["prospect_enrichments"]
        statuses = {record["prospect_email"]: record["status"] for record in records}
        if len(statuses) == len(emails) and "PENDING" not in statuses.values():
            return statuses
        assert time.monotonic() < stop, f"still pending: {statuses}"
        time.sleep(0.05)


@pytest.fixture
def own_server(backend: str, tmp_path: Path) -> Iterator[tuple[Server, Cli]]:
    """A server on a database of its own: these leads would match other tests' prospects."""
    url, drop = new_database(backend, tmp_path)
    server = start_server(url, tmp_path)
    yield server, Cli(url)
    server.stop()
    drop()


def test_signals_through_the_pipeline(own_server: tuple[Server, Cli], tmp_path: Path) -> None:
    server, cli = own_server
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS)
    cli("leads", "import", str(leads))
    created = json.loads(cli("accounts", "create", "matching", "--credits", "100", "--json").splitlines()[-1])
    account = AccountInfo(created["id"], created["name"], created["api_key"])
    with server.client(account.api_key) as api:
        api.post(
            "/rest/v1/add_prospects_list",
            json={
                "prospects": [
                    {"email": "jdoe@gmail.com"},  # name + website hint → Jane (name_domain)
                    {
                        "email": "j.muller@globex.com",
                        "first_name": "jose",
                        "last_name": "MULLER",
                    },  # email domain
                    {"email": "pat@gmail.com"},  # two Pat Lees at Initech → ambiguous
                    {"email": "sam@gmail.com"},  # Sam Roe, but at another company → decoy
                    {"email": "nobody@gmail.com", "first_name": "Jane", "last_name": "Doe"},  # name only
                ]
            },
        )
        queued = api.post(
            "/rest/v2/lead_finder/prospects/enrichments",
            json={
                "prospects": [
                    {"email": "jdoe@gmail.com", "first_name": "Jane", "last_name": "Doe",
                     "company_website": "http://ACME.co.uk/about"},
                    {"email": "j.muller@globex.com"},
                    {"email": "pat@gmail.com", "first_name": "Pat", "last_name": "Lee",
                     "company_name": "Initech"},
                    {"email": "sam@gmail.com", "first_name": "Sam", "last_name": "Roe",
                     "company_name": "Pied Piper"},
                    {"email": "nobody@gmail.com"},
                ]
            },
        ).json()  # fmt: skip
        assert queued["status"] == "ENQUEUED" and queued["prospects_count"] == 5
        statuses = wait_processed(
            api,
            ["jdoe@gmail.com", "j.muller@globex.com", "pat@gmail.com", "sam@gmail.com", "nobody@gmail.com"],
        )
    assert statuses == {
        "jdoe@gmail.com": "PROCESSED_ENRICHED",
        "j.muller@globex.com": "PROCESSED_ENRICHED",
        "pat@gmail.com": "PROCESSED_NOT_ENRICHED",
        "sam@gmail.com": "PROCESSED_NOT_ENRICHED",
        "nobody@gmail.com": "PROCESSED_NOT_ENRICHED",
    }
    rows = fetch(
        server.database_url,
        "SELECT email, first_name, title, phone, company, linkedin_url FROM prospects WHERE account_id = :a",
        a=account.id,
    )
    by_email = {row[0]: row[1:] for row in rows}
    assert by_email["jdoe@gmail.com"] == (
        "Jane",
        "CTO",
        "+44 20 1234",
        "Acme Ltd",
        "https://www.linkedin.com/in/jane-doe",
    )
    # Stored values are kept; only empty fields are filled.
    assert by_email["j.muller@globex.com"][:3] == ("jose", "Engineer", "+49 30 5555")
    assert by_email["pat@gmail.com"] == ("", "", "", "", "")
    signals = fetch(
        server.database_url,
        "SELECT p.email, f.signal, f.source FROM field_provenance f"
        " JOIN prospects p ON p.id = f.prospect_id WHERE p.account_id = :a AND f.field = 'phone'",
        a=account.id,
    )
    assert sorted(signals) == [
        ("j.muller@globex.com", "name_domain", "lead_database"),
        ("jdoe@gmail.com", "name_domain", "lead_database"),
    ]
    # 2 enriched of 5: 3 reservations released, 2 × 1.5 charged.
    [(balance,)] = fetch(
        server.database_url, "SELECT credit_millis FROM accounts WHERE id = :a", a=account.id
    )
    assert balance == 100_000 - 2 * 1_500

    explained = cli("enrichment", "explain", "pat@gmail.com", "--account", account.name)
    assert "ambiguous" in explained and "name_company" in explained
    explained = cli("enrichment", "explain", "jdoe@gmail.com", "--account", account.name)
    assert "match: lead" in explained and "phone: from lead_database by name_domain" in explained
