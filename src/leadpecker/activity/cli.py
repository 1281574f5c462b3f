"""``leadpecker activity import``"""

from __future__ import annotations

from pathlib import Path

import typer

from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.activity.service import import_activity
from leadpecker.imports.runner import ENCODING, STRICT, import_file

activity_app = typer.Typer(help="Load email activity from files.", no_args_is_help=True)


@activity_app.command("import")
def import_activity_file(
    file: Path = typer.Argument(
        ..., help="CSV/JSONL with email, campaign (name, optional), kind, occurred_at, url."
    ),
    account: str = typer.Option(..., "--account", "-a", help="Account id or name."),
    strict: bool = STRICT,
    encoding: str = ENCODING,
) -> None:
    """Record sent/opened/clicked/replied/bounced events and update the prospects' roll-ups
    (sent_mails, last_contacted, last_replied, last_opened, last_clicked)."""
    import_file(
        file,
        what="events",
        model=ActivityFileRow,
        write=import_activity,
        account=account,
        strict=strict,
        encoding=encoding,
    )
