"""Paths and small helpers of the blacklist tests."""

from __future__ import annotations

from typing import Any

import httpx

EMAILS = "/rest/v2/blacklist/emails"
DOMAINS = "/rest/v2/blacklist/domains"
SEARCH = "/rest/v1/prospects"


def call(client: httpx.Client, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """A request that must succeed with 200; its JSON."""
    response = client.request(method, path, json=body, params=params or None)
    assert response.status_code == 200, response.text
    return response.json()


def global_status(client: httpx.Client, email: str) -> str:
    """The prospect's global status as v1 search shows it."""
    (prospect,) = call(client, "GET", SEARCH, search=f"email={email}")
    return prospect["status"]
