"""The built-in enrichment source: the operator's lead database.

This first matcher accepts only the two signals that identify a person on their own: the
exact email, then the normalised LinkedIn profile URL. Each lookup is one indexed query per
claimed batch, never one per prospect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leadpecker.enrichment.sources import Identity, Match
from leadpecker.kit.db import Database
from leadpecker.leads.keys import linkedin_key, normalise_email
from leadpecker.leads.repository import LeadRepository

# Lead column → prospect field.
LEAD_TO_PROSPECT = {
    "first_name": "first_name",
    "last_name": "last_name",
    "linkedin_url": "linkedin_url",
    "title": "title",
    "phone": "phone",
    "company_name": "company",
    "company_website": "website",
    "industry": "industry",
    "address": "address",
    "city": "city",
    "state": "state",
    "country": "country",
}
EMAIL_CONFIDENCE = 1.0
LINKEDIN_CONFIDENCE = 0.95


def offered_fields(lead: dict[str, Any]) -> dict[str, str]:
    return {field: lead[column] for column, field in LEAD_TO_PROSPECT.items() if lead[column]}


class LeadDatabaseSource:
    name = "lead_database"

    def __init__(self, db: Database) -> None:
        self.db = db

    async def match(self, identities: Sequence[Identity]) -> list[Match | None]:
        emails = [normalise_email(identity.email) for identity in identities]
        linkedins = [linkedin_key(identity.linkedin_url) for identity in identities]
        async with self.db.read() as conn:
            leads = LeadRepository(conn)
            by_email = {lead["email"]: lead for lead in await leads.by_column("email", emails)}
            wanted = [
                key for email, key in zip(emails, linkedins, strict=True) if key and email not in by_email
            ]
            by_linkedin: dict[str, list[dict[str, Any]]] = {}
            for lead in await leads.by_column("linkedin_key", wanted) if wanted else []:
                by_linkedin.setdefault(lead["linkedin_key"], []).append(lead)
        answers: list[Match | None] = []
        for email, key in zip(emails, linkedins, strict=True):
            if email in by_email:
                answers.append(Match(offered_fields(by_email[email]), "email", EMAIL_CONFIDENCE))
            elif key and len(by_linkedin.get(key, ())) == 1:  # two leads on one profile: ambiguous
                answers.append(
                    Match(offered_fields(by_linkedin[key][0]), "linkedin_url", LINKEDIN_CONFIDENCE)
                )
            else:
                answers.append(None)
        return answers
