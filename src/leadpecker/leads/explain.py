"""Why a prospect was (or would not be) enriched by the lead database: its matcher replayed
for one prospect (``leadpecker enrichment explain``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadpecker.enrichment.repository import EnrichmentRepository
from leadpecker.enrichment.sources import ENRICHABLE_FIELDS
from leadpecker.enrichment.worker import identity_of, merge
from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError
from leadpecker.leads.matcher import Decision, ProspectKeys, decide, score
from leadpecker.leads.repository import LeadRepository
from leadpecker.leads.source import lead_keys, offered_fields
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.emails import normalise_email


@dataclass(frozen=True, slots=True)
class Candidate:
    lead: dict[str, Any]
    signal: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Explanation:
    keys: ProspectKeys
    hints: dict[str, Any] | None
    candidates: list[Candidate]
    decision: Decision
    would_fill: dict[str, str]
    provenance: list[dict[str, Any]]


async def explain(
    db: Database, account_id: int, email: str, threshold: float, overwrite: bool
) -> Explanation:
    email = normalise_email(email)
    async with db.read() as conn:
        prospects = ProspectRepository(conn, account_id)
        ids = await prospects.ids_by_email([email])
        if email not in ids:
            raise UsageError(f"no prospect {email!r} in this account")
        prospect_id = ids[email]
        stored = (await prospects.current_fields([prospect_id], ENRICHABLE_FIELDS))[prospect_id]
        enrichments = EnrichmentRepository(conn, account_id)
        hints = await enrichments.latest_hints(prospect_id)
        provenance = await enrichments.provenance_of(prospect_id)
        identity = identity_of(email, hints, stored)
        keys = ProspectKeys.of(identity)
        leads = await LeadRepository(conn).candidates(
            emails=[keys.email], linkedin_keys=[keys.linkedin] if keys.linkedin else [],
            name_keys=[keys.name] if keys.name else [],
        )  # fmt: skip
    scored = [Candidate(lead, *score(keys, lead_keys(lead))) for lead in leads]
    decision = decide(keys, [lead_keys(lead) for lead in leads], threshold)
    chosen = next((c.lead for c in scored if c.lead["id"] == decision.lead_id), None)
    would_fill = merge(stored, offered_fields(chosen), overwrite=overwrite) if chosen else {}
    candidates = sorted((c for c in scored if c.signal), key=lambda c: c.confidence, reverse=True)
    return Explanation(keys, hints, candidates, decision, would_fill, provenance)
