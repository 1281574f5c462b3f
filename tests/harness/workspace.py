"""The account a client replay works in (:class:`Workspace`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.harness.cli import AccountInfo, Cli


@dataclass
class Workspace:
    """One account seen from outside: its key, its campaigns, a neutral HTTP client (x-api-key,
    httpx's defaults) for what is not the replay itself, and the ``leadpecker`` command."""

    url: str
    key: str
    account: AccountInfo
    campaigns: dict[str, int]
    api: httpx.Client
    cli: Cli
    directory: Path

    @property
    def running(self) -> int:
        return self.campaigns["SaaS in America"]

    @property
    def draft(self) -> int:
        return self.campaigns["SaaS in Europe"]

    def add(self, *prospects: dict[str, Any]) -> list[int]:
        """Add prospects (``add_prospects_list``); their ids, in order."""
        response = self.api.post("/rest/v1/add_prospects_list", json={"prospects": list(prospects)})
        assert response.status_code == 200, response.text
        outcomes = response.json()["prospects"]
        assert all(outcome["status"] == "OK" for outcome in outcomes), outcomes
        return [outcome["id"] for outcome in outcomes]

    def enrol(self, campaign_id: int, *prospect_ids: int) -> None:
        body = {"campaign": {"campaign_id": campaign_id}, "prospects": [{"id": i} for i in prospect_ids]}
        response = self.api.post("/rest/v1/add_prospects_campaign", json=body)
        assert response.status_code == 200, response.text
        assert {o["status"] for o in response.json()["prospects"]} == {"OK"}, response.text

    def prospect(self, email: str) -> dict[str, Any] | None:
        """The prospect with this email as v1 search shows it (None when there is none)."""
        response = self.api.get("/rest/v1/prospects", params={"search": f"email={email}"})
        assert response.status_code == 200, response.text
        found = response.json()
        return found[0] if isinstance(found, list) else None

    def in_campaign(self, campaign_id: int) -> dict[int, dict[str, Any]]:
        """The campaign's prospects as the "prospects in campaign" view shows them, by id."""
        response = self.api.get("/rest/v1/prospects", params={"campaigns_id": str(campaign_id)})
        assert response.status_code == 200, response.text
        found = response.json()
        return {row["id"]: row for row in found} if isinstance(found, list) else {}

    def import_activity(self, *events: dict[str, str]) -> None:
        path = self.directory / f"activity-{uuid.uuid4().hex[:8]}.jsonl"
        path.write_text("".join(json.dumps(event) + "\n" for event in events))
        self.cli("activity", "import", str(path), "--account", self.account.name)
