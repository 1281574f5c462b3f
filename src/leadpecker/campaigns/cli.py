"""``leadpecker campaigns import`` and ``leadpecker enrolments import``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from leadpecker.accounts.service import find_account
from leadpecker.campaigns.repository import CampaignRow
from leadpecker.campaigns.schemas import CampaignFileRow, EnrolmentFileRow
from leadpecker.campaigns.service import import_campaigns, import_enrolments
from leadpecker.cli import import_for_account, run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError
from leadpecker.kit.files import read_records, validate_rows

campaigns_app = typer.Typer(help="Load campaigns from files.", no_args_is_help=True)
enrolments_app = typer.Typer(help="Load campaign enrolments from files.", no_args_is_help=True)

ACCOUNT = typer.Option(..., "--account", "-a", help="Account id or name.")


@campaigns_app.command("import")
def import_campaigns_file(
    file: Path = typer.Argument(..., help="CSV/JSONL with name and status (default DRAFT)."),
    account: str = ACCOUNT,
    as_json: bool = typer.Option(False, "--json", help="End with a JSON array of the campaigns."),
) -> None:
    """Create campaigns (names are unique per account; a known name gets the new status)."""

    async def work(db: Database) -> list[CampaignRow]:
        owner = await find_account(db, account)
        rows, problems = validate_rows(CampaignFileRow, file, list(read_records(file)))
        if problems:
            raise UsageError("; ".join(problems[:5]))
        async with db.write() as conn:
            return await import_campaigns(conn, owner.id, [row for _, row in rows])

    campaigns = run_with_db(work)
    if as_json:
        typer.echo(json.dumps([{"id": c.id, "name": c.name, "status": c.status} for c in campaigns]))
    else:
        for campaign in campaigns:
            typer.echo(f"campaign {campaign.id}: {campaign.name} ({campaign.status})")


@enrolments_app.command("import")
def import_enrolments_file(
    file: Path = typer.Argument(..., help="CSV/JSONL with campaign (name), email, status, interested."),
    account: str = ACCOUNT,
) -> None:
    """Enrol existing prospects in campaigns, with their status and interest level there."""
    import_for_account(file, account, EnrolmentFileRow, import_enrolments, "enrolments")
