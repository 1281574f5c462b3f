"""The one way a data file reaches the database: ``leadpecker prospects|campaigns|enrolments|
activity|leads import``.

A file is read and checked in a child process (imports/files.py) and written in ONE
transaction: an import is all in or nothing in, never half-committed. Every row is accounted
for at the end: inserted, updated, skipped (already there, or repeated in the file) or
rejected, each rejected row named by line and field on stderr. Exit codes: 0 every row in,
3 imported except the rejected rows, 1 nothing imported (a file, header, database or
``--strict`` error, in one line), 2 a mistake in the command line, 130 interrupted (nothing
imported). docs/imports.md says the same for operators.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.imports.files import UTF8, ParsedBatches, Record, check_file, validate_rows
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit import metrics
from leadpecker.kit.cli_support import report_error, run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P")

EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C
BATCH = 5_000

log = logging.getLogger(__name__)


def _text_encoding(name: str) -> str:
    """``--encoding``: a name Python decodes text in; a mistake in the command line otherwise."""
    try:
        "".encode(name)  # also refuses codecs that are not text encodings (base64, rot13…)
    except LookupError:
        raise typer.BadParameter(
            f"unknown text encoding {name!r} (for example utf-8, latin-1, cp1252)"
        ) from None
    return name


STRICT = typer.Option(False, "--strict", help="Stop at the first rejected row: then nothing is imported.")
ENCODING = typer.Option(
    UTF8, "--encoding", callback=_text_encoding, help="The file's text encoding, e.g. latin-1 or cp1252."
)


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
    show: Callable[[], None] | None = None,
) -> None:
    """Import ``file``'s ``model`` rows and report every row; exits 3 when some were rejected.

    ``write(conn, account_id, prepared)`` writes one batch in the file's transaction and
    tallies it; ``account_id`` is the id of ``account`` (an id or a name), None without one.
    ``prepare`` turns a batch of valid rows into what ``write`` takes; it runs in the parsing
    process, so the work it does overlaps the writes. ``needs_one_of``: the CSV header must
    name one column of each set (default: each field the model requires). ``show`` prints
    what the command gives scripts on stdout, once the file is in."""
    if needs_one_of is None:
        needs_one_of = [{name} for name, spec in model.model_fields.items() if spec.is_required()]
    check_file(file, model, encoding, needs_one_of)
    started = time.perf_counter()
    tally = Tally()

    def parse(batch: list[tuple[int, Record]]) -> tuple[P, list[Rejection]]:
        valid, rejected = validate_rows(model, batch)
        prepared, refused = prepare(valid)
        return prepared, rejected + refused

    async def work(db: Database, parsed: ParsedBatches[tuple[P, list[Rejection]]]) -> None:
        account_id = None
        if account is not None:
            from leadpecker.accounts.service import find_account

            account_id = (await find_account(db, account)).id
        try:
            async with transaction(db) as conn:
                async for prepared, rejected in parsed:
                    written = await write(conn, account_id, prepared)
                    if strict and (rejected or written.rejected):
                        first = min(rejected + written.rejected, key=lambda rejection: rejection.line)
                        raise UsageError(f"{first.describe(file)} (--strict: nothing was imported)")
                    tally.add(written)
                    tally.rejected.extend(rejected)
        except DBAPIError as error:  # e.g. the database went away mid-file
            reason = str(error.orig).strip().splitlines()[0]
            raise UsageError(f"{file}: nothing was imported, the database failed: {reason}") from error
        await _refresh_statistics(db, analyze)

    try:
        with ParsedBatches(file, BATCH, parse, encoding) as parsed:
            run_with_db(lambda db: work(db, parsed))
    except KeyboardInterrupt:
        report_error(f"interrupted: nothing of {file} was imported")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    report(file, what, tally, time.perf_counter() - started)
    if show is not None:
        show()
    if tally.rejected:
        raise typer.Exit(EXIT_REJECTED)


async def _refresh_statistics(db: Database, tables: tuple[str, ...]) -> None:
    # After the commit: a failure here leaves every row in, so it is a warning, not an error.
    try:
        if tables:
            await db.analyze(*tables)
    except DBAPIError as error:
        log.warning(
            "the rows are in; refreshing the planner's statistics failed (%s): run ANALYZE later", error.orig
        )


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


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
        f"{file}: {what}, {_rows(tally.rows)}: {tally.inserted:,} inserted, {tally.updated:,} updated, "
        f"{tally.skipped:,} skipped (already there, or repeated in the file), {len(rejected):,} rejected; "
        f"{elapsed:.1f} s, {rate:,.0f} rows/s",
        err=True,
    )
    if rejected:
        typer.echo(
            f"{_rows(len(rejected))} not imported (listed above, by line); every other row is in. "
            "Fix them and import them again.",
            err=True,
        )
