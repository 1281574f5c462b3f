"""``leadpecker leads import FILE``: the lead database the built-in enrichment source matches;
``leadpecker enrichment explain``: why that source matched a prospect or not."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from leadpecker.accounts.service import find_account
from leadpecker.imports.runner import ENCODING, STRICT, import_file
from leadpecker.kit.cli_support import run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.leads.explain import Explanation, explain
from leadpecker.leads.schemas import LeadFileRow
from leadpecker.leads.service import import_leads, lead_rows
from leadpecker.settings import get_settings

leads_app = typer.Typer(help="Load the lead database used for enrichment.", no_args_is_help=True)
# The group's only command explains the lead database's matching: so it lives here, and
# enrichment/ (the pipeline) stays unaware of any source.
enrichment_app = typer.Typer(help="Inspect enrichment.", no_args_is_help=True)
out = Console(soft_wrap=True)


@leads_app.command("import")
def import_leads_file(
    file: Path = typer.Argument(
        ...,
        help="CSV (header row) or JSONL: email, first_name, last_name, linkedin_url, title, phone, "
        "company_name, company_website, industry, address, city, state, country.",
    ),
    strict: bool = STRICT,
    encoding: str = ENCODING,
) -> None:
    """Import leads in one transaction; re-importing a person (same email, or same LinkedIn
    URL without email) updates them, never duplicates."""
    import_file(
        file,
        what="leads",
        model=LeadFileRow,
        # Runs in the parsing process: finished database rows with their normalised keys.
        prepare=partial(lead_rows, now=utcnow()),
        write=import_leads,
        needs_one_of=[{"email", "linkedin_url"}],
        strict=strict,
        encoding=encoding,
        analyze=("leads",),
    )


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
