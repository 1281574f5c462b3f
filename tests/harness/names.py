"""Names no other test uses: every test of a session shares its server and database (and leads
are shared by every account of a database), so a test's accounts, emails and domains carry a
fresh token."""

from __future__ import annotations

import uuid


def tag() -> str:
    """A fresh token for names no other test uses."""
    return uuid.uuid4().hex[:10]


def new_emails(count: int, tag: str = "p") -> list[str]:
    """Addresses no test has used before (in any account)."""
    run = uuid.uuid4().hex[:10]
    return [f"{tag}{i}-{run}@example.com" for i in range(count)]
