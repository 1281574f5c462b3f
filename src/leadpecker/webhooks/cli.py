"""``leadpecker webhooks …``: the dispatcher (``dispatch``), what it delivered
(``deliveries``), and any event sent on demand (``fire``). A command is one function registered
on ``webhooks_app``; add more the same way."""

from __future__ import annotations

import asyncio
import json
import signal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leadpecker.accounts.service import find_account
from leadpecker.kit.cli_support import console, run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.process import tune_process
from leadpecker.settings import get_settings
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.deliveries import recent_deliveries
from leadpecker.webhooks.delivery_repository import AttemptRow
from leadpecker.webhooks.dispatcher import build_dispatcher
from leadpecker.webhooks.fire import Fired, fire

webhooks_app = typer.Typer(
    help="Webhooks: run the dispatcher, see what it delivered, fire any event.", no_args_is_help=True
)
out = Console()
PIPED_WIDTH = 240
EVENT_NAMES = ", ".join(event.value for event in WebhookEvent)


@webhooks_app.command("dispatch")
def dispatch() -> None:
    """Deliver webhooks from the configured database until SIGINT/SIGTERM. Run as many as
    you like, beside `serve` or instead of its embedded dispatcher
    (LEADPECKER_WEBHOOK_DISPATCHER_EMBEDDED=false): each batch goes to one of them."""

    async def work(db: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        dispatcher = build_dispatcher(db, get_settings())
        tune_process()
        await dispatcher.run(stop)

    run_with_db(work)


@webhooks_app.command("deliveries")
def deliveries(
    account: str = typer.Option(None, "--account", "-a", help="Account id or name (default: every account)."),
    limit: int = typer.Option(
        50, "--limit", "-n", min=1, max=10_000, help="How many attempts, newest first."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="One JSON array: id, time, account_id, account, subscription_id, event, target_url, "
        "status, latency_ms, events, first_outbox_id, last_outbox_id, outcome, error.",
    ),
) -> None:
    """Delivery attempts, newest first: one row per POST of a batch — when, to whom, the
    receiver's status (none when it did not answer), how long it took, how many events, and
    what came of it (DELIVERED, RETRY, ENDED: the subscription ended)."""
    attempts = run_with_db(lambda db: recent_deliveries(db, account, limit))
    if as_json:
        typer.echo(json.dumps([_as_json(attempt) for attempt in attempts]))
        return
    if not attempts:
        out.print("no delivery attempts")
        return
    # The short columns never wrap; the long ones (the URL, the error…) fold onto more lines
    # in a narrow terminal, whole rather than cut off. One account's listing leaves its name
    # out.
    table = Table()
    long = ("time (UTC)", *([] if account is not None else ["account"]), "event", "url")
    for name in (*long, "status", "ms", "events", "outcome", "error"):
        short = name not in long[1:] and name != "error"
        table.add_column(
            name,
            no_wrap=short,
            overflow="fold",
            justify="right" if name in ("ms", "events") else "left",
        )
    for attempt in attempts:
        table.add_row(
            attempt.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            *([] if account is not None else [escape(f"{attempt.account} ({attempt.account_id})")]),
            attempt.event,
            escape(attempt.target_url),
            str(attempt.status_code) if attempt.status_code is not None else "-",
            f"{attempt.duration_ms:.0f}",
            str(attempt.events),
            attempt.outcome,
            escape(attempt.error or ""),
        )
    # Into a pipe or a file (grep, less), rows stay on one line each: wider than a terminal's
    # default of 80 columns, where nine columns would fold.
    (out if out.is_terminal else Console(width=PIPED_WIDTH)).print(table)


def _as_json(attempt: AttemptRow) -> dict[str, object]:
    return {
        "id": attempt.id,
        "time": attempt.started_at.isoformat(timespec="milliseconds"),
        "account_id": attempt.account_id,
        "account": attempt.account,
        "subscription_id": attempt.subscription_id,
        "event": attempt.event,
        "target_url": attempt.target_url,
        "status": attempt.status_code,
        "latency_ms": round(attempt.duration_ms, 1),
        "events": attempt.events,
        "first_outbox_id": attempt.first_outbox_id,
        "last_outbox_id": attempt.last_outbox_id,
        "outcome": attempt.outcome,
        "error": attempt.error,
    }


def _event(name: str) -> WebhookEvent:
    try:
        return WebhookEvent(name.strip().lower())
    except ValueError:
        raise typer.BadParameter(f"unknown event {name!r}; one of: {EVENT_NAMES}") from None


@webhooks_app.command("fire")
def fire_event(
    event: str = typer.Argument(..., help=f"The event: {EVENT_NAMES}."),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
    prospect: str = typer.Option(
        None, "--prospect", "-p", help="The prospect's email (every event but campaign_completed)."
    ),
    campaign: int = typer.Option(None, "--campaign", "-c", help="A campaign id: the event happened in it."),
) -> None:
    """Send EVENT, built from the stored data (the prospect, with --campaign its enrolment and
    the campaign), to every URL of the account subscribed to it, through the dispatcher as any
    event: to test a receiver."""
    chosen = _event(event)

    async def work(db: Database) -> Fired:
        found = await find_account(db, account)
        return await fire(db, found.id, chosen, prospect, campaign)

    fired = run_with_db(work)
    console.print(f"{fired.event.value}: queued for {fired.rows} subscribed URL(s)")
