"""``leadpecker leads import FILE``: the lead database the built-in enrichment source matches."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from leadpecker.cli import report_load, run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.files import ParsedBatches, validate_rows
from leadpecker.kit.types import utcnow
from leadpecker.leads.schemas import LeadFileRow
from leadpecker.leads.service import lead_row, upsert_leads

leads_app = typer.Typer(help="Load the lead database used for enrichment.", no_args_is_help=True)
BATCH = 5_000


@leads_app.command("import")
def import_leads(
    file: Path = typer.Argument(
        ...,
        help="CSV (header row) or JSONL: email, first_name, last_name, linkedin_url, title, phone, "
        "company_name, company_website, industry, address, city, state, country.",
    ),
) -> None:
    """Import leads; re-importing a person (same email, or same LinkedIn URL without email)
    updates them, never duplicates."""
    started = time.perf_counter()
    loaded, problems = 0, []

    def parse(batch: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[Any, ...]], list[str]]:
        # Runs in the parsing process: finished database rows with their normalised keys.
        valid, bad = validate_rows(LeadFileRow, file, batch)
        now = utcnow()
        return [lead_row(lead, now) for _, lead in valid], bad

    async def work(db: Database, parsed: ParsedBatches[tuple[list[tuple[Any, ...]], list[str]]]) -> None:
        nonlocal loaded
        async for rows, bad in parsed:
            async with db.write() as conn:
                await upsert_leads(conn, rows)
            loaded += len(rows)
            problems.extend(bad)
        await db.analyze("leads")

    with ParsedBatches(file, BATCH, parse) as parsed:
        run_with_db(lambda db: work(db, parsed))
    report_load(loaded, "leads", problems, time.perf_counter() - started)
