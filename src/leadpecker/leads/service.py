"""Loading the lead database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.imports.tally import Rejection, Tally
from leadpecker.leads.keys import company_key, linkedin_key, name_key, website_domain
from leadpecker.leads.repository import LeadRepository
from leadpecker.leads.schemas import LeadFileRow


def lead_row(lead: LeadFileRow, now: datetime) -> tuple[Any, ...]:
    """A database row (LEAD_COLUMNS order) with the normalised keys the matcher looks up."""
    linkedin = linkedin_key(lead.linkedin_url)
    identity = lead.email or f"li:{linkedin or lead.linkedin_url.strip().lower()}"
    return (
        identity,
        lead.email or None,
        lead.first_name,
        lead.last_name,
        lead.linkedin_url,
        lead.title,
        lead.phone,
        lead.company_name,
        lead.company_website,
        lead.industry,
        lead.address,
        lead.city,
        lead.state,
        lead.country,
        linkedin or None,
        name_key(lead.first_name, lead.last_name),
        website_domain(lead.company_website),
        company_key(lead.company_name),
        now,
    )


def lead_rows(
    rows: list[tuple[int, LeadFileRow]], now: datetime
) -> tuple[list[tuple[Any, ...]], list[Rejection]]:
    """Database rows of file rows (``lead_row``); pure, so an importer builds them while
    parsing. Every valid lead file row makes a row."""
    return [lead_row(lead, now) for _, lead in rows], []


async def import_leads(conn: AsyncConnection, _account_id: None, rows: list[tuple[Any, ...]]) -> Tally:
    """Insert new leads, update known ones (by lead_key: the email, else the LinkedIn URL). A
    person already in the lead database, or earlier in the file, counts as updated. (The lead
    database is shared by all accounts: ``_account_id``, None, is there for the importer.)"""
    repo = LeadRepository(conn)
    known = await repo.known_keys(list({row[0] for row in rows}))
    inserted = len({row[0] for row in rows} - known)
    await repo.upsert(rows)
    return Tally(inserted=inserted, updated=len(rows) - inserted)
