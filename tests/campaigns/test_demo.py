"""`leadpecker demo`: a newcomer's first minutes. On a database of its own: the demo's account
name is fixed and its leads go into the lead database every account shares."""

from __future__ import annotations

from tests.harness.cli import Cli
from tests.harness.database import fetch, new_database
from tests.harness.server import start_server

from leadpecker.demo.service import DEMO_API_KEY


def test_demo_loads_once_and_its_key_works(backend, tmp_path) -> None:
    url, drop = new_database(backend, tmp_path)
    cli = Cli(url)
    first = cli("demo", "--prospects", "300")
    assert DEMO_API_KEY in first and "loaded" in first and "curl" in first
    second = cli("demo", "--prospects", "300")
    assert "already present" in second

    server = start_server(url, tmp_path)
    try:
        with server.client(DEMO_API_KEY) as demo:
            response = demo.post(
                "/rest/v1/add_prospects_list",
                json={"prospects": [{"email": "erlich@bachmanity.com"}, {"email": "jared@piedpiper.com"}]},
            )
        assert [p["status"] for p in response.json()["prospects"]] == ["DUPLICATE", "DUPLICATE"]
    finally:
        server.stop()
    [(prospects, enrolled, events)] = fetch(
        url,
        "SELECT (SELECT count(*) FROM prospects WHERE account_id = a.id),"
        " (SELECT count(*) FROM campaign_prospects WHERE account_id = a.id),"
        " (SELECT count(*) FROM email_activity WHERE account_id = a.id)"
        " FROM accounts a WHERE a.name = 'demo'",
    )
    assert prospects == 300 and enrolled > 100 and events > enrolled
    [(leads,)] = fetch(url, "SELECT count(*) FROM leads WHERE email = 'jared@piedpiper.com'")
    assert leads == 1
    drop()
