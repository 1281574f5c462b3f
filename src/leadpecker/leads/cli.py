"""``leadpecker leads import FILE``: the lead database the built-in enrichment source matches."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer

from leadpecker.imports.runner import ENCODING, STRICT, import_file
from leadpecker.kit.types import utcnow
from leadpecker.leads.schemas import LeadFileRow
from leadpecker.leads.service import import_leads, lead_rows

leads_app = typer.Typer(help="Load the lead database used for enrichment.", no_args_is_help=True)


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
