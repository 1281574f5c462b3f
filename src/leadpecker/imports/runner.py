"""The one way a data file reaches the database: ``leadpecker prospects|campaigns|enrolments|
activity|leads import``.

A file is read and checked in a child process (imports/files.py) and written in ONE
transaction: an import is all in or nothing in, never half-committed. Every row is accounted
for at the end: inserted, updated, skipped (already there, or repeated in the file) or
rejected, each rejected row named by line and field on stderr. Exit codes: 0 every row in,
3 imported except the rejected rows, 1 nothing imported (a file, header, database or
``--strict`` error, in one line), 2 a mistake in the command line.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.cli import run_with_db
from leadpecker.imports.files import (
    UTF8,
    ParsedBatches,
    Record,
    check_encoding,
    check_header,
    validate_rows,
)
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit import metrics
from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P")

EXIT_REJECTED = 3
BATCH = 5_000

STRICT = typer.Option(False, "--strict", help="Stop at the first rejected row: then nothing is imported.")
ENCODING = typer.Option(UTF8, "--encoding", help="The file's text encoding, e.g. latin-1 or cp1252.")


def _as_is(rows: list[tuple[int, Any]]) -> tuple[Any, list[Rejection]]:
    return rows, []


def import_file(
    file: Path,
    *,
    what: str,
    model: type[M],
    write: Callable[[AsyncConnection, Any, P], Awaitable[Tally]],
    strict: bool,
    encoding: str,
    account: str | None = None,
    prepare: Callable[[list[tuple[int, M]]], tuple[P, list[Rejection]]] = _as_is,
    transaction: Callable[[Database], AbstractAsyncContextManager[AsyncConnection]] = Database.write,
    needs_one_of: list[set[str]] | None = None,
    analyze: tuple[str, ...] = (),
) -> Tally:
    """Import ``file``'s ``model`` rows and report every row; exits 3 when some were rejected.

    ``write(conn, account_id, prepared)`` writes one batch in the file's transaction and
    tallies it; ``account_id`` is the id of ``account`` (an id or a name), None without one.

    ``prepare`` turns a batch of valid rows into what ``write`` takes; it runs in the parsing
    process, so the work it does overlaps the writes. ``needs_one_of``: the CSV header must
    name one column of each set (default: each field the model requires)."""
    encoding = check_encoding(encoding)
    if needs_one_of is None:
        needs_one_of = [{name} for name, spec in model.model_fields.items() if spec.is_required()]
    check_header(file, model, encoding, needs_one_of)
    started = time.perf_counter()
    tally = Tally()

    def parse(batch: list[tuple[int, Record]]) -> tuple[P, list[Rejection]]:
        valid, rejected = validate_rows(model, batch)
        prepared, refused = prepare(valid)
        return prepared, sorted(rejected + refused, key=lambda rejection: rejection.line)

    def refuse_if_strict(rejected: list[Rejection]) -> None:
        if strict and rejected:
            raise UsageError(f"{rejected[0].describe(file)} (--strict: nothing was imported)")

    async def work(db: Database, parsed: ParsedBatches[tuple[P, list[Rejection]]]) -> None:
        account_id = None
        if account is not None:
            from leadpecker.accounts.service import find_account

            account_id = (await find_account(db, account)).id
        try:
            async with transaction(db) as conn:
                async for prepared, rejected in parsed:
                    refuse_if_strict(rejected)
                    written = await write(conn, account_id, prepared)
                    refuse_if_strict(written.rejected)
                    tally.add(written)
                    tally.rejected.extend(rejected)
        except DBAPIError as error:  # e.g. the database went away mid-file
            reason = str(error.orig).strip().splitlines()[0]
            raise UsageError(f"{file}: nothing was imported, the database failed: {reason}") from error
        if analyze:
            await db.analyze(*analyze)

    with ParsedBatches(file, BATCH, parse, encoding) as parsed:
        run_with_db(lambda db: work(db, parsed))
    report(file, what, tally, time.perf_counter() - started)
    if tally.rejected:
        raise typer.Exit(EXIT_REJECTED)
    return tally


def report(file: Path, what: str, tally: Tally, elapsed: float) -> None:
    """Every rejected row by line and field, then the counts, on stderr (stdout is kept for
    what a command prints for scripts, such as ``--json``)."""
    rejected = sorted(tally.rejected, key=lambda rejection: rejection.line)
    metrics.count_import(
        what, inserted=tally.inserted, updated=tally.updated, skipped=tally.skipped, rejected=len(rejected)
    )
    for rejection in rejected:
        typer.echo(f"rejected {rejection.describe(file)}", err=True)
    rate = tally.rows / elapsed if elapsed > 0 else 0.0
    typer.echo(
        f"{file}: {tally.rows:,} rows: {tally.inserted:,} {what} inserted, {tally.updated:,} updated, "
        f"{tally.skipped:,} skipped (already there, or repeated in the file), {len(rejected):,} rejected; "
        f"{elapsed:.1f} s, {rate:,.0f} rows/s",
        err=True,
    )
    if rejected:
        typer.echo(
            f"{len(rejected):,} rows were not imported (listed above, by line); every other row is in. "
            "Fix those rows and import them again.",
            err=True,
        )
