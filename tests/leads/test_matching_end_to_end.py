"""The matcher through the real pipeline: queue over HTTP, a real worker, the prospect after."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import fetch, new_database
from tests.harness.server import Server, start_server

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


# Issue 12: one CFO under .co.th, one person under github.io, and two prospects of those names at
# other companies under the same suffixes. The old rule reduced every website under co.th to
# "co.th" (and under github.io to "github.io"), so name + that "domain" matched the other
# company's person at 0.85 and charged 1.5 credits for their title and phone.
SUFFIX_LEADS = (
    "email,first_name,last_name,linkedin_url,title,phone,company_name,company_website,"
    "industry,address,city,state,country\n"
    "niran.c@othercorp.co.th,Niran,Chaiyasit,,CFO,+66 2 555 0100,OtherCorp Co. Ltd.,"
    "https://www.othercorp.co.th,Finance,,Bangkok,,Thailand\n"
    "malee.s@othercorp.co.th,Malee,Srisuk,,Treasurer,+66 2 555 0101,OtherCorp Co. Ltd.,"
    "othercorp.co.th,Finance,,Bangkok,,Thailand\n"
    "ana.souza@gmail.com,Ana,Souza,,Founder,+55 11 5555 0102,Otherproject,"
    "https://otherproject.github.io/,Software,,São Paulo,,Brazil\n"
)


def test_same_name_at_another_company_under_one_public_suffix_is_no_match(
    own_server: tuple[Server, Cli], tmp_path: Path
) -> None:
    server, cli = own_server
    leads = tmp_path / "leads.csv"
    leads.write_text(SUFFIX_LEADS)
    cli("leads", "import", str(leads))

    def account(name: str) -> AccountInfo:
        created = json.loads(cli("accounts", "create", name, "--credits", "10", "--json").splitlines()[-1])
        return AccountInfo(created["id"], created["name"], created["api_key"])

    acme, control = account("acme-trading"), account("othercorp")
    decoys = [
        {"email": "niran.chaiyasit@acme.co.th", "first_name": "Niran", "last_name": "Chaiyasit",
         "company_name": "Acme Trading", "company_website": "https://www.acme.co.th"},
        {"email": "ana@gmail.com", "first_name": "Ana", "last_name": "Souza",
         "company_name": "Acme Trading", "company_website": "https://acme.github.io"},
    ]  # fmt: skip
    with server.client(acme.api_key) as api:
        api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": d["email"]} for d in decoys]})
        assert (
            api.post("/rest/v2/lead_finder/prospects/enrichments", json={"prospects": decoys}).json()[
                "status"
            ]
            == "ENQUEUED"
        )
        statuses = wait_processed(api, [d["email"] for d in decoys])
    assert statuses == dict.fromkeys([d["email"] for d in decoys], "PROCESSED_NOT_ENRICHED")
    rows = fetch(
        server.database_url,
        "SELECT email, title, phone, company FROM prospects WHERE account_id = :a ORDER BY email",
        a=acme.id,
    )
    assert rows == [("ana@gmail.com", "", "", ""), ("niran.chaiyasit@acme.co.th", "", "", "")]
    assert fetch(server.database_url, "SELECT count(*) FROM field_provenance") == [(0,)]
    [(balance,)] = fetch(server.database_url, "SELECT credit_millis FROM accounts WHERE id = :a", a=acme.id)
    assert balance == 10_000  # nothing found, nothing charged
    explained = cli("enrichment", "explain", "niran.chaiyasit@acme.co.th", "--account", acme.name)
    assert "domains=acme.co.th" in explained and "no candidate shares a signal" in explained

    # The same suffix still links a person to their own company: name + website of OtherCorp.
    genuine = {"email": "malee@gmail.com", "first_name": "Malee", "last_name": "Srisuk",
               "company_website": "http://OtherCorp.co.th/contact"}  # fmt: skip
    with server.client(control.api_key) as api:
        api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": genuine["email"]}]})
        api.post("/rest/v2/lead_finder/prospects/enrichments", json={"prospects": [genuine]})
        assert wait_processed(api, [genuine["email"]]) == {genuine["email"]: "PROCESSED_ENRICHED"}
    [(title, phone)] = fetch(
        server.database_url, "SELECT title, phone FROM prospects WHERE account_id = :a", a=control.id
    )
    assert (title, phone) == ("Treasurer", "+66 2 555 0101")
    [(balance,)] = fetch(
        server.database_url, "SELECT credit_millis FROM accounts WHERE id = :a", a=control.id
    )
    assert balance == 10_000 - 1_500
