"""The seam between the pipeline and where enrichment data comes from.

A source gets the identities of a claimed batch and answers, for each, a match or nothing.
The pipeline (claiming, merging, provenance, credits) never changes when a source is added:
the lead database is the built-in one; another file, an HTTP provider or the next matcher
implements the same protocol and is listed in ``build_sources``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# Prospect fields a source may fill, in the prospect's own names.
ENRICHABLE_FIELDS = (
    "first_name",
    "last_name",
    "linkedin_url",
    "title",
    "phone",
    "company",
    "website",
    "industry",
    "address",
    "city",
    "state",
    "country",
)


@dataclass(frozen=True, slots=True)
class Identity:
    """What is known of a prospect to enrich: its stored fields, overlaid with the request's
    hints (a hint the client sent wins over the stored value)."""

    email: str
    first_name: str = ""
    last_name: str = ""
    linkedin_url: str = ""
    company_name: str = ""
    company_website: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A source's answer for one identity."""

    fields: dict[str, str]  # prospect field → value offered (only ENRICHABLE_FIELDS)
    signal: str  # what identified the person: "email", "linkedin_url", …
    confidence: float  # 0 … 1


class EnrichmentSource(Protocol):
    name: str

    async def match(self, identities: Sequence[Identity]) -> list[Match | None]:
        """One answer per identity, in order. Called outside any transaction."""
        ...
