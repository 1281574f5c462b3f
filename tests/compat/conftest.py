"""Fixtures of the client replays, on top of the root harness (tests/conftest.py): an account
with two campaigns (``workspace``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.compat.workspace import Workspace


@pytest.fixture
def workspace(server: Any, cli: Any, account: Any, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh account with a RUNNING and a DRAFT campaign."""
    campaigns_file = tmp_path / "campaigns.csv"
    campaigns_file.write_text("name,status\nSaaS in America,RUNNING\nSaaS in Europe,DRAFT\n")
    output = cli("campaigns", "import", str(campaigns_file), "--account", account.name, "--json")
    campaigns = {row["name"]: row["id"] for row in json.loads(output.strip().splitlines()[-1])}
    with server.client(account.api_key) as api:
        yield Workspace(server.url, account.api_key, account, campaigns, api, cli, tmp_path)
