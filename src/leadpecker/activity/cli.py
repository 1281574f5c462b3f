"""``leadpecker activity import``"""

from __future__ import annotations

from pathlib import Path

import typer

from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.activity.service import import_activity
from leadpecker.cli import import_for_account

activity_app = typer.Typer(help="Load email activity from files.", no_args_is_help=True)


@activity_app.command("import")
def import_activity_file(
    file: Path = typer.Argument(
        ..., help="CSV/JSONL with email, campaign (name, optional), kind, occurred_at, url."
    ),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
) -> None:
    """Record sent/opened/clicked/replied/bounced events and update the prospects' roll-ups
    (sent_mails, last_contacted, last_replied, last_opened, last_clicked)."""
    import_for_account(file, account, ActivityFileRow, import_activity, "events")
