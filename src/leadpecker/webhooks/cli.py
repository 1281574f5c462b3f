"""``leadpecker webhooks …``"""

from __future__ import annotations

import typer

from leadpecker.accounts.service import find_account
from leadpecker.kit.cli_support import console, run_with_db
from leadpecker.kit.db import Database
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.fire import Fired, fire

webhooks_app = typer.Typer(help="Webhooks: fire events on demand.", no_args_is_help=True)

EVENT_NAMES = ", ".join(event.value for event in WebhookEvent)


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
