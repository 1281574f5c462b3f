"""``leadpecker prospects import FILE --account ACCOUNT``"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.imports.runner import ENCODING, STRICT, import_file
from leadpecker.kit.cli_support import console
from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.prospects.schemas import ProspectFileRow
from leadpecker.prospects.service import (
    import_new,
    import_updates,
    initial_load,
    new_prospect_rows,
    with_valid_emails,
)

prospects_app = typer.Typer(help="Load prospects from files.", no_args_is_help=True)


@prospects_app.command("import")
def import_prospects(
    file: Path = typer.Argument(..., help="CSV with a header row, or JSONL; add_prospects_list fields."),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
    update: bool = typer.Option(False, help="Update prospects that already exist (the fields given)."),
    strict: bool = STRICT,
    encoding: str = ENCODING,
) -> None:
    """Import prospects in one transaction. Rows whose email the account has already are
    skipped, or with --update get the fields the row gives."""
    if update:
        prepare, write, transaction = with_valid_emails, import_updates, Database.write
    else:
        # new_prospect_rows runs in the parsing process: it hands over finished database rows.
        prepare, write, transaction = partial(new_prospect_rows, now=utcnow()), import_new, _load
    import_file(
        file,
        what="prospects",
        model=ProspectFileRow,
        prepare=prepare,
        write=write,
        transaction=transaction,
        account=account,
        strict=strict,
        encoding=encoding,
        analyze=("prospects",),
    )


@asynccontextmanager
async def _load(db: Database) -> AsyncIterator[AsyncConnection]:
    """Into a database without prospects, the search structures are set aside and built once
    from the loaded rows at the end (search.upkeep): much faster for a first load of millions."""
    async with db.load() as conn, initial_load(conn) as first_load:
        yield conn
        if first_load:
            console.print("building the search indexes of the new prospects…")
