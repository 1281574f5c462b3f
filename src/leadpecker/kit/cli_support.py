"""What every ``leadpecker`` sub-command shares: the operator's stderr console, its one-line
errors, and a database for the length of a command.

Here, not in the root command (``cli.py``), so that the feature CLIs depend on this module
and the root on them, never both ways: ``cli.py`` only assembles the commands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from rich.console import Console
from rich.markup import escape

from leadpecker.kit.db import Database
from leadpecker.kit.migrate import prepare_database
from leadpecker.settings import get_settings

T = TypeVar("T")

# stderr: stdout is kept for what a command prints for scripts (``--json``, keys).
console = Console(stderr=True, soft_wrap=True)


def report_error(line: str) -> None:
    """``error: <line>`` on stderr, as every failure the operator can fix is told."""
    console.print(f"[red]error:[/red] {escape(line)}", highlight=False)


def run_with_db(work: Callable[[Database], Awaitable[T]]) -> T:
    """Prepare the database (``prepare_database``), run ``work`` on a fresh engine, and always
    dispose of it. A failure it raises is told by the root command, in one line."""
    settings = get_settings()
    prepare_database(settings)

    async def main() -> T:
        db = Database(settings)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())
