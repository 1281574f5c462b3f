"""``leadpecker campaigns import`` and ``leadpecker enrolments import``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.campaigns.repository import CampaignRow
from leadpecker.campaigns.schemas import CampaignFileRow, EnrolmentFileRow
from leadpecker.campaigns.service import import_campaigns, import_enrolments
from leadpecker.imports.runner import ENCODING, STRICT, import_file
from leadpecker.imports.tally import Tally

campaigns_app = typer.Typer(help="Load campaigns from files.", no_args_is_help=True)
enrolments_app = typer.Typer(help="Load campaign enrolments from files.", no_args_is_help=True)

ACCOUNT = typer.Option(..., "--account", "-a", help="Account id or name.")


@campaigns_app.command("import")
def import_campaigns_file(
    file: Path = typer.Argument(
        ...,
        help="CSV/JSONL with name, status (a new campaign is DRAFT unless given) and optionally "
        "created, from_name, from_email, per_day (default 50), gdpr_unsubscribe (default false).",
    ),
    account: str = ACCOUNT,
    as_json: bool = typer.Option(False, "--json", help="Print the campaigns as one JSON array on stdout."),
    strict: bool = STRICT,
    encoding: str = ENCODING,
) -> None:
    """Create campaigns (names are unique per account; a known name gets the new status and the
    other columns its row gives)."""
    campaigns: dict[str, CampaignRow] = {}

    async def write(conn: AsyncConnection, account_id: int, rows: list[tuple[int, CampaignFileRow]]) -> Tally:
        tally, written = await import_campaigns(conn, account_id, rows)
        campaigns.update((campaign.name, campaign) for campaign in written)
        return tally

    def show() -> None:
        if as_json:
            typer.echo(
                json.dumps([{"id": c.id, "name": c.name, "status": c.status} for c in campaigns.values()])
            )
        else:
            for campaign in campaigns.values():
                typer.echo(f"campaign {campaign.id}: {campaign.name} ({campaign.status})")

    import_file(
        file,
        what="campaigns",
        model=CampaignFileRow,
        write=write,
        account=account,
        strict=strict,
        encoding=encoding,
        show=show,
    )


@enrolments_app.command("import")
def import_enrolments_file(
    file: Path = typer.Argument(..., help="CSV/JSONL with campaign (name), email, status, interested."),
    account: str = ACCOUNT,
    strict: bool = STRICT,
    encoding: str = ENCODING,
) -> None:
    """Enrol existing prospects in campaigns, with their status and interest level there."""
    import_file(
        file,
        what="enrolments",
        model=EnrolmentFileRow,
        write=import_enrolments,
        account=account,
        strict=strict,
        encoding=encoding,
    )
