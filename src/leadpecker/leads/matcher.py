"""Deciding which lead, if any, a prospect is: pure logic, no I/O (docs/matching.md).

Signals, strongest first, each with the confidence it gives on its own:

    email          the prospect's email is the lead's                          1.00
    linkedin_url   the normalised LinkedIn profile URLs are equal              0.95
    name_domain    folded first+last name equal, and the company domain equal  0.90
                   (prospect: its company_website, or its email unless free-mail;
                    lead: its company_website, or its email unless free-mail)
    name_company   folded first+last name equal, and the company name equal   0.85
                   (legal forms such as "Inc." ignored)

A candidate's confidence is its strongest signal's, plus AGREEMENT_BONUS for each further
agreeing signal, minus a PENALTY for each disagreement where both sides know the value (see
the table: what a disagreement costs depends on the signal). A candidate below the threshold
is no match; two different leads both above it and within AMBIGUITY_MARGIN of each
other are ambiguous — no match either, because writing another person's phone into a prospect
is worse than writing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadpecker.enrichment.sources import Identity
from leadpecker.leads.keys import (
    company_key,
    email_domain,
    fold,
    linkedin_key,
    name_key,
    website_domain,
)
from leadpecker.vocabulary.emails import normalise_email

SIGNAL_CONFIDENCE = {"email": 1.0, "linkedin_url": 0.95, "name_domain": 0.90, "name_company": 0.85}
AGREEMENT_BONUS = 0.02
# What a disagreement (both sides know the value, and it differs) costs depends on what linked
# the candidate. A LinkedIn profile is one person: another surname says "not them", another
# first name may be a nickname, another employer only a job change. For a name-based link the
# company is the evidence itself: a name + company match whose domains differ is likely a
# namesake at another branch or firm, and one whose LinkedIn profile differs is a namesake.
PENALTY = {
    "linkedin_url": {"name": 0.40, "first_name": 0.10, "domain": 0.05, "company": 0.05},
    "name_domain": {"company": 0.05, "linkedin": 0.30},
    "name_company": {"domain": 0.30, "linkedin": 0.30},
}
DEFAULT_THRESHOLD = 0.80
# Two candidates above the threshold are one person only if the best leads by this much.
AMBIGUITY_MARGIN = 0.10


@dataclass(frozen=True, slots=True)
class ProspectKeys:
    """The normalised keys of one identity, computed once per claim."""

    email: str
    linkedin: str
    name: str
    last_name: str
    domains: frozenset[str]
    company: str

    @classmethod
    def of(cls, identity: Identity) -> ProspectKeys:
        domains = {website_domain(identity.company_website), email_domain(identity.email)} - {""}
        return cls(
            email=normalise_email(identity.email),
            linkedin=linkedin_key(identity.linkedin_url),
            name=name_key(identity.first_name, identity.last_name),
            last_name=fold(identity.last_name),
            domains=frozenset(domains),
            company=company_key(identity.company_name),
        )


@dataclass(frozen=True, slots=True)
class LeadKeys:
    """The keys of a lead as stored (computed once, at import)."""

    id: int
    email: str
    linkedin: str
    name: str
    last_name: str
    domains: frozenset[str]
    company: str


@dataclass(slots=True)
class Decision:
    lead_id: int | None
    signal: str = ""
    confidence: float = 0.0
    reason: str = ""
    candidates: dict[int, float] = field(default_factory=dict)


def score(prospect: ProspectKeys, lead: LeadKeys) -> tuple[str, float]:
    """The strongest signal linking ``prospect`` to ``lead`` and the resulting confidence;
    ("", 0.0) when nothing links them."""
    same_name = bool(prospect.name) and prospect.name == lead.name
    same_domain = bool(prospect.domains & lead.domains)
    same_company = bool(prospect.company) and prospect.company == lead.company
    agreeing = [
        signal
        for signal, agrees in (
            ("email", bool(prospect.email) and prospect.email == lead.email),
            ("linkedin_url", bool(prospect.linkedin) and prospect.linkedin == lead.linkedin),
            ("name_domain", same_name and same_domain),
            ("name_company", same_name and same_company),
        )
        if agrees
    ]
    if not agreeing:
        return "", 0.0
    strongest = agreeing[0]
    confidence = SIGNAL_CONFIDENCE[strongest] + AGREEMENT_BONUS * (len(agreeing) - 1)
    if strongest == "email":
        return strongest, 1.0  # the address is the person: nothing outweighs it
    penalty = PENALTY[strongest]
    disagreements = []
    if prospect.name and lead.name and not same_name:
        disagreements.append("first_name" if prospect.last_name == lead.last_name else "name")
    if prospect.domains and lead.domains and not same_domain:
        disagreements.append("domain")
    if prospect.company and lead.company and not same_company:
        disagreements.append("company")
    if prospect.linkedin and lead.linkedin and prospect.linkedin != lead.linkedin:
        disagreements.append("linkedin")  # another profile: a colleague of the same name
    confidence -= sum(penalty.get(disagreement, 0.0) for disagreement in disagreements)
    return strongest, round(min(confidence, 1.0), 4)


def decide(prospect: ProspectKeys, candidates: list[LeadKeys], threshold: float) -> Decision:
    """The lead ``prospect`` is, or a Decision with lead_id None and the reason why not."""
    scored: dict[int, tuple[str, float]] = {}
    for lead in candidates:
        signal, confidence = score(prospect, lead)
        if signal and confidence > scored.get(lead.id, ("", -1.0))[1]:
            scored[lead.id] = (signal, confidence)
    confidences = {lead_id: confidence for lead_id, (_, confidence) in scored.items()}
    if not scored:
        return Decision(None, reason="no candidate shares a signal")
    ranked = sorted(scored.items(), key=lambda item: item[1][1], reverse=True)
    best_id, (signal, confidence) = ranked[0]
    if confidence < threshold:
        return Decision(None, signal, confidence, "below threshold", confidences)
    runner_up = ranked[1][1][1] if len(ranked) > 1 else 0.0
    if signal != "email" and runner_up >= threshold and confidence - runner_up < AMBIGUITY_MARGIN:
        return Decision(None, signal, confidence, "ambiguous: several people fit", confidences)
    return Decision(best_id, signal, confidence, "match", confidences)
