"""The ``leadpecker`` command: one entry point, a sub-command per feature."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from rich.console import Console

from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError
from leadpecker.kit.migrate import upgrade_to_head
from leadpecker.settings import get_settings

T = TypeVar("T")

app = typer.Typer(
    help="leadpecker: a self-hosted, wire-compatible Woodpecker.co prospect API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def run_with_db(work: Callable[[Database], Awaitable[T]]) -> T:
    """Bring the schema up to date, run ``work`` on a fresh engine, and always dispose of it.
    A UsageError becomes a one-line message and exit code 1."""
    settings = get_settings()
    upgrade_to_head(settings.database_url)

    async def main() -> T:
        db = Database(settings)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except UsageError as error:
        fail(error)


def fail(error: UsageError) -> NoReturn:
    console.print(f"[red]error:[/red] {error}")
    raise typer.Exit(1)


def _register() -> None:
    # Imported here: each feature's CLI imports run_with_db from this module.
    from leadpecker.accounts.cli import accounts_app, credits_app, keys_app
    from leadpecker.prospects.cli import prospects_app
    from leadpecker.serve import register_serve

    app.add_typer(accounts_app, name="accounts")
    app.add_typer(keys_app, name="keys")
    app.add_typer(credits_app, name="credits")
    app.add_typer(prospects_app, name="prospects")
    register_serve(app)


_register()


def main() -> None:
    try:
        app()
    except UsageError as error:  # raised outside run_with_db, e.g. while opening a file
        console.print(f"[red]error:[/red] {error}")
        raise SystemExit(1) from None
