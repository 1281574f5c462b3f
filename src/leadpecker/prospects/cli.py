"""``leadpecker prospects import FILE --account ACCOUNT``"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import typer

from leadpecker.accounts.service import find_account
from leadpecker.cli import console, report_load, run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.files import ParsedBatches, validate_rows
from leadpecker.kit.types import utcnow
from leadpecker.prospects.schemas import ProspectIn
from leadpecker.prospects.service import add_prospects, import_new, import_rows, initial_load

prospects_app = typer.Typer(help="Load prospects from files.", no_args_is_help=True)
BATCH = 5_000


@prospects_app.command("import")
def import_prospects(
    file: Path = typer.Argument(..., help="CSV with a header row, or JSONL; add_prospects_list fields."),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
    update: bool = typer.Option(False, help="Update prospects that already exist (sent fields)."),
) -> None:
    """Import prospects. Rows whose email already exists are skipped unless --update."""
    started = time.perf_counter()
    loaded, problems = 0, []

    def parse(batch: list[tuple[int, dict[str, Any]]]) -> tuple[list[Any], list[str]]:
        # Runs in the parsing process: without --update it builds finished database rows.
        rows, bad = validate_rows(ProspectIn, file, batch)
        valid = [prospect for _, prospect in rows]
        return (valid if update else import_rows(valid, utcnow())), bad

    async def work(db: Database, parsed: ParsedBatches[tuple[list[Any], list[str]]]) -> None:
        owner = await find_account(db, account)

        async def batches() -> AsyncIterator[list[Any]]:
            nonlocal loaded
            async for items, bad in parsed:
                yield items
                loaded += len(items)
                problems.extend(bad)

        first_load = False
        if not update:
            # Into a database without prospects: the whole file in one transaction, the
            # search structures built once at the end (search.upkeep).
            async with db.load() as conn, initial_load(conn) as first_load:
                if first_load:
                    async for items in batches():
                        await import_new(conn, owner.id, items)
                    console.print(f"building the search indexes of {loaded:,} prospects…")
        if not first_load:
            async for items in batches():
                async with db.write() as conn:
                    if update:
                        await add_prospects(conn, owner.id, items, update=True)
                    else:
                        await import_new(conn, owner.id, items)
        await db.analyze("prospects")

    with ParsedBatches(file, BATCH, parse) as parsed:
        run_with_db(lambda db: work(db, parsed))
    report_load(loaded, "prospects", problems, time.perf_counter() - started)
