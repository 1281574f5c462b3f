"""``leadpecker prospects import FILE --account ACCOUNT``"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console

from leadpecker.accounts.service import find_account
from leadpecker.cli import run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.files import batches, progress_bar, read_records
from leadpecker.prospects.schemas import ProspectIn
from leadpecker.prospects.service import add_prospects

prospects_app = typer.Typer(help="Load prospects from files.", no_args_is_help=True)
out = Console()
BATCH = 5_000


@prospects_app.command("import")
def import_prospects(
    file: Path = typer.Argument(
        ..., help="CSV with a header row, or JSONL; add_prospects_list fields."
    ),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
    update: bool = typer.Option(False, help="Update prospects that already exist (sent fields)."),
) -> None:
    """Import prospects. Rows whose email already exists are skipped unless --update."""

    async def work(db: Database) -> tuple[int, list[str]]:
        owner = await find_account(db, account)
        rows, problems = 0, []
        with progress_bar() as progress:
            for batch in batches(read_records(file, progress), BATCH):
                valid: list[ProspectIn] = []
                for line_no, record in batch:
                    try:
                        valid.append(ProspectIn.model_validate(record))
                    except ValidationError as error:
                        first = error.errors()[0]
                        where = ".".join(str(part) for part in first["loc"]) or "row"
                        problems.append(f"{file}:{line_no}: {where}: {first['msg']}")
                async with db.write() as conn:
                    await add_prospects(conn, owner.id, valid, update=update, report=False)
                rows += len(valid)
        return rows, problems

    started = time.perf_counter()
    rows, problems = run_with_db(work)
    elapsed = time.perf_counter() - started
    for problem in problems[:20]:
        out.print(f"[yellow]skipped[/yellow] {problem}")
    if len(problems) > 20:
        out.print(f"[yellow]… and {len(problems) - 20} more skipped rows[/yellow]")
    rate = rows / elapsed if elapsed else 0
    out.print(f"read {rows} prospects in {elapsed:.1f} s ({rate:,.0f} rows/s)")
