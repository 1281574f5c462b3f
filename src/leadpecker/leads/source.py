"""The built-in enrichment source: the operator's lead database.

Candidates for a whole claimed batch are fetched with one statement of three indexed lookups
(by email, by LinkedIn key, by folded name), never one query per prospect; leads/matcher.py
decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from leadpecker.enrichment.sources import Identity, Match
from leadpecker.kit.db import Database
from leadpecker.leads.keys import email_domain, fold
from leadpecker.leads.matcher import DEFAULT_THRESHOLD, LeadKeys, ProspectKeys, decide
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


def offered_fields(lead: dict[str, Any]) -> dict[str, str]:
    return {field: lead[column] for column, field in LEAD_TO_PROSPECT.items() if lead[column]}


def lead_keys(lead: dict[str, Any]) -> LeadKeys:
    email = lead["email"] or ""
    domains = {lead["company_domain"], email_domain(email)} - {""}
    return LeadKeys(
        id=lead["id"],
        email=email,
        linkedin=lead["linkedin_key"] or "",
        name=lead["name_key"],
        last_name=_fold(lead["last_name"]),
        domains=frozenset(domains),
        company=lead["company_key"],
    )


# A claim reads thousands of candidate leads, and they share a few thousand surnames: the folded
# surnames are memoised (a pure function of the text; bounded). Their email domains need no memo
# of their own: keys.registrable_domain memoises the host.
_fold = lru_cache(maxsize=65_536)(fold)


class LeadDatabaseSource:
    name = "lead_database"

    def __init__(self, db: Database, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.db = db
        self.threshold = threshold

    async def match(self, identities: Sequence[Identity]) -> list[Match | None]:
        keys = [ProspectKeys.of(identity) for identity in identities]
        # Threaded: the worker's previous claim is written back while this one is matched.
        async with self.db.read(threaded=True) as conn:
            leads = await LeadRepository(conn).candidates(
                emails=[k.email for k in keys if k.email],
                linkedin_keys=[k.linkedin for k in keys if k.linkedin],
                # A name alone identifies no one: only names with a domain or company to check.
                name_keys=[k.name for k in keys if k.name and (k.domains or k.company)],
            )
        by_id = {lead["id"]: lead for lead in leads}
        indexed = _CandidateIndex([lead_keys(lead) for lead in leads])
        answers: list[Match | None] = []
        for prospect in keys:
            decision = decide(prospect, indexed.candidates_of(prospect), self.threshold)
            if decision.lead_id is None:
                answers.append(None)
            else:
                lead = by_id[decision.lead_id]
                answers.append(Match(offered_fields(lead), decision.signal, decision.confidence))
        return answers


class _CandidateIndex:
    """Candidates per prospect from one batch's leads, by each key they can share."""

    def __init__(self, leads: list[LeadKeys]) -> None:
        self.by: dict[tuple[str, str], list[LeadKeys]] = {}
        for lead in leads:
            for kind, value in (("email", lead.email), ("linkedin", lead.linkedin), ("name", lead.name)):
                if value:
                    self.by.setdefault((kind, value), []).append(lead)

    def candidates_of(self, prospect: ProspectKeys) -> list[LeadKeys]:
        found: dict[int, LeadKeys] = {}
        for kind, value in (
            ("email", prospect.email),
            ("linkedin", prospect.linkedin),
            ("name", prospect.name),
        ):
            for lead in self.by.get((kind, value), ()) if value else ():
                found[lead.id] = lead
        return list(found.values())
