"""Fixtures of the blacklist suite, on top of the root harness (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest


@pytest.fixture
def other_api(server: Any, new_account: Any) -> Iterator[httpx.Client]:
    """An HTTP client of a second account, beside ``api``'s."""
    with server.client(new_account().api_key) as client:
        yield client
