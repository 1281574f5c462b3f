"""``leadpecker worker`` (a standalone enrichment worker) and ``leadpecker enrichment explain``."""

from __future__ import annotations

import asyncio
import signal

import typer
from rich.console import Console
from rich.table import Table

from leadpecker.accounts.service import find_account
from leadpecker.enrichment.explain import Explanation, explain
from leadpecker.enrichment.runner import build_worker
from leadpecker.kit.cli_support import run_with_db
from leadpecker.kit.db import Database
from leadpecker.settings import get_settings

enrichment_app = typer.Typer(help="Inspect enrichment.", no_args_is_help=True)
out = Console(soft_wrap=True)


def register_worker(app: typer.Typer) -> None:
    @app.command()
    def worker() -> None:
        """Run an enrichment worker against the configured database until SIGINT/SIGTERM.
        Run as many as you like, beside `serve` or instead of its embedded worker
        (LEADPECKER_WORKER_EMBEDDED=false)."""

        async def work(db: Database) -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await build_worker(db, get_settings()).run(stop)

        run_with_db(work)


@enrichment_app.command("explain")
def explain_prospect(
    email: str = typer.Argument(..., help="The prospect's email."),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
) -> None:
    """Replay the matcher for one prospect: candidates, signals, confidence, the decision and
    its reason, what a merge would fill, and the provenance of fields enriched so far."""
    settings = get_settings()

    async def work(db: Database) -> Explanation:
        owner = await find_account(db, account)
        return await explain(db, owner.id, email, settings.match_threshold, settings.enrichment_overwrite)

    shown = run_with_db(work)
    keys = shown.keys
    out.print(f"[bold]{keys.email}[/bold]  hints of the latest request: {shown.hints or 'none'}")
    out.print(
        f"keys: name={keys.name or '-'}  domains={', '.join(sorted(keys.domains)) or '-'}  "
        f"company={keys.company or '-'}  linkedin={keys.linkedin or '-'}"
    )
    table = Table("lead", "email", "name", "company", "signal", "confidence")
    for candidate in shown.candidates:
        lead = candidate.lead
        table.add_row(
            str(lead["id"]),
            lead["email"] or "",
            f"{lead['first_name']} {lead['last_name']}",
            lead["company_name"],
            candidate.signal,
            f"{candidate.confidence:.2f}",
        )
    out.print(table if shown.candidates else "no lead shares a signal with this prospect")
    decision = shown.decision
    verdict = f"match: lead {decision.lead_id}" if decision.lead_id is not None else "no match"
    out.print(f"decision: [bold]{verdict}[/bold] ({decision.reason}; threshold {settings.match_threshold})")
    if decision.lead_id is not None:
        out.print(f"a merge now would fill: {shown.would_fill or 'nothing (every offered field is set)'}")
    for row in shown.provenance:
        out.print(
            f"  {row['field']}: from {row['source']} by {row['signal']} "
            f"({row['confidence']:.2f}) at {row['enriched_at']:%Y-%m-%d %H:%M:%S}"
        )
