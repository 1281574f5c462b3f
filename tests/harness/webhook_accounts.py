"""Webhooks from outside: an account stocked with the documented example's prospect (in a
campaign, with a sent email, a click and a reply loaded), subscriptions through the API, and the
outbox rows an event wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.harness.cli import AccountInfo, Cli
from tests.harness.database import db_rows
from tests.harness.files import write_csv
from tests.harness.names import tag
from tests.harness.server import Server

SUBSCRIBE = "/rest/v1/webhooks/subscribe"

# The prospect of the pages' examples ("Prospect saved" and the others), every field given.
ERLICH = {
    "first_name": "Erlich",
    "last_name": "Bachman",
    "company": "Bachmanity",
    "website": "https://bachmanity.com",
    "linkedin_url": "https://linkedin.com/erlich-bachman",
    "tags": "#VISIONARY",
    "title": "CEO",
    "phone": "+1 987-654-321",
    "address": "700 Welch Road",
    "city": "Palo Alto",
    "country": "United States",
    "snippet1": "You are running a successful startup incubator Bachmanity",
    "snippet_labels": {"my snippet label": "You are running a successful startup incubator Bachmanity"},
    "industry": "IT",
    "state": "California",
}


@dataclass
class Stocked:
    """An account with one prospect enrolled in one campaign, its activity loaded."""

    account: AccountInfo
    email: str
    prospect_id: int
    campaign_id: int
    api: httpx.Client
    database_url: str

    def subscribe(self, event: str, url: str | None = None) -> str:
        url = url or f"http://127.0.0.1:9/hooks/{tag()}"
        response = self.api.post(SUBSCRIBE, json={"target_url": url, "event": event})
        assert response.status_code == 201, response.text
        return url

    def outbox(self, event: str) -> list[dict[str, Any]]:
        """The outbox rows of ``event``, oldest first, with their bodies decoded."""
        rows = db_rows(
            self.database_url,
            "SELECT * FROM webhook_outbox WHERE account_id = :a AND event = :e ORDER BY id",
            a=self.account.id,
            e=event,
        )
        return [{**row, "body": json.loads(row["body"])} for row in rows]


def stocked_account(cli: Cli, server: Server, directory: Path) -> Stocked:
    account = cli.new_account()
    email = f"erlich-{tag()}@bachmanity.com"
    api = server.client(account.api_key)
    response = api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": email, **ERLICH}]})
    assert response.status_code == 200, response.text
    prospect_id = response.json()["prospects"][0]["id"]
    campaigns = write_csv(
        directory / f"campaigns-{tag()}.csv",
        ["name", "status", "from_name", "from_email"],
        [("SaaS in America", "RUNNING", "Jared Dunn", "jared.dunn@piedpiper.com")],
    )
    output = cli("campaigns", "import", str(campaigns), "--account", account.name, "--json")
    campaign_id = json.loads(output.strip().splitlines()[-1])[0]["id"]
    enrolments = write_csv(
        directory / f"enrol-{tag()}.csv",
        ["campaign", "email", "status", "interested"],
        [("SaaS in America", email, "ACTIVE", "INTERESTED")],
    )
    cli("enrolments", "import", str(enrolments), "--account", account.name)
    activity = directory / f"activity-{tag()}.jsonl"
    events = [
        {"kind": "SENT", "occurred_at": "2025-03-20T13:32:34Z"},
        {"kind": "SENT", "occurred_at": "2025-03-21T10:25:40Z"},
        {"kind": "CLICKED", "occurred_at": "2025-03-21T19:40:00Z", "url": "https://google.com"},
        {
            "kind": "REPLIED",
            "occurred_at": "2025-03-21T19:47:40Z",
            "subject": "Reply message subject",
            "message": "reply content",
            "step": 2,
            "campaign_email_sent": 2,
        },
    ]
    activity.write_text(
        "".join(
            json.dumps({"email": email, "campaign": "SaaS in America", **event}) + "\n" for event in events
        )
    )
    cli("activity", "import", str(activity), "--account", account.name)
    return Stocked(account, email, prospect_id, campaign_id, api, server.database_url)
