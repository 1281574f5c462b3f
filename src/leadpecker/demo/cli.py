"""``leadpecker demo`` (and ``serve --demo``): the demo account, its key and a curl to try."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from leadpecker.demo.service import DEMO_ACCOUNT, DEMO_API_KEY, LOAD_STEPS, demo_exists, load_demo
from leadpecker.kit.cli_support import run_with_db
from leadpecker.kit.db import Database

out = Console()


def ensure_demo(host: str = "127.0.0.1", port: int = 8000, prospects: int = 3_000) -> None:
    """Load the demo data unless the demo account exists; then show how to use it."""

    async def work(db: Database) -> bool:
        if await demo_exists(db):
            return False
        with Progress(
            TextColumn("[bold]demo data[/bold] {task.description}"), BarColumn(), console=out, transient=True
        ) as progress:
            task = progress.add_task("", total=LOAD_STEPS)

            def step(name: str) -> None:
                progress.update(task, description=name, completed=progress.tasks[0].completed + 1)

            await load_demo(db, prospects, step)
        return True

    loaded = run_with_db(work)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown_host}:{port}"
    out.print(
        f"demo account [bold]{DEMO_ACCOUNT}[/bold] "
        + ("loaded" if loaded else "already present")
        + f"; API key: [bold green]{DEMO_API_KEY}[/bold green]",
        soft_wrap=True,
    )
    out.print("try:")
    out.print(
        f'  curl -s "{base}/rest/v1/prospects?campaigns_details=true&search=email=erlich@bachmanity.com" '
        f'-H "x-api-key: {DEMO_API_KEY}"',
        soft_wrap=True,
    )


def register_demo(app: typer.Typer) -> None:
    @app.command()
    def demo(
        prospects: int = typer.Option(3_000, min=3, help="How many prospects to generate."),
        port: int = typer.Option(8000, help="The port shown in the example command."),
    ) -> None:
        """Create the demo account (fixed key) with seeded synthetic prospects, campaigns and
        activity, and print a curl command to try."""
        ensure_demo(port=port, prospects=prospects)
