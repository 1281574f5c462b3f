"""Fixtures of the client replays, on top of the root ones (tests/conftest.py): an account
with two campaigns (``workspace``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.cli import AccountInfo, Cli
from tests.harness.server import Server
from tests.harness.workspace import Workspace


@pytest.fixture
def workspace(server: Server, cli: Cli, account: AccountInfo, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh account with a RUNNING and a DRAFT campaign."""
    campaigns = cli.import_campaigns(
        account.name, tmp_path, [("SaaS in America", "RUNNING"), ("SaaS in Europe", "DRAFT")]
    )
    with server.client(account.api_key) as api:
        yield Workspace(server.url, account.api_key, account, campaigns, api, cli, tmp_path)
