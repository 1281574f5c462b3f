"""Leads imported under the old domain rule are re-keyed by the upgrade (migration 0006).

``leads.company_domain`` is stored at import; a lead stored as ``co.th`` would keep matching
everybody under .co.th after the code changed, unless the upgrade recomputes it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert
from tests.harness.database import fetch, new_database

from leadpecker.kit.db import Database
from leadpecker.kit.migrate import alembic_config, upgrade_to_head
from leadpecker.models import Lead
from leadpecker.settings import Settings

# website, the domain the old 37-suffix rule stored, the domain under the Public Suffix List
KEYS = [
    ("https://www.othercorp.co.th", "co.th", "othercorp.co.th"),
    ("acme.org.br", "org.br", "acme.org.br"),
    ("http://shop.acme.co.at/", "co.at", "acme.co.at"),
    ("https://someone.github.io/", "github.io", "someone.github.io"),
    ("https://www.acme.co.uk", "acme.co.uk", "acme.co.uk"),
    ("", "", ""),
]
# More than two of the migration's batches (10,000 leads), so the batch boundaries are crossed.
LEADS = 20_003


def _insert_leads_as_the_old_code_stored_them(database_url: str) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "lead_key": f"lead{n}@example.com",
            "email": f"lead{n}@example.com",
            "company_website": KEYS[n % len(KEYS)][0],
            "company_domain": KEYS[n % len(KEYS)][1],
            "updated_at": now,
        }
        for n in range(LEADS)
    ]

    async def run() -> None:
        db = Database(Settings(database_url=database_url))
        try:
            async with db.engine.begin() as conn:
                await conn.execute(insert(Lead.__table__), rows)  # type: ignore[arg-type]
        finally:
            await db.dispose()

    asyncio.run(run())


def test_upgrade_rekeys_company_domains_stored_by_the_old_rule(backend: str, tmp_path) -> None:
    url, drop = new_database(backend, tmp_path)
    try:
        command.upgrade(alembic_config(url), "0004")  # the schema the old rule's leads live in
        _insert_leads_as_the_old_code_stored_them(url)
        upgrade_to_head(url)
        stored = fetch(url, "SELECT company_website, company_domain, count(*) FROM leads GROUP BY 1, 2")
        expected = Counter((KEYS[n % len(KEYS)][0], KEYS[n % len(KEYS)][2]) for n in range(LEADS))
        assert {(website, domain): count for website, domain, count in stored} == expected
    finally:
        drop()
