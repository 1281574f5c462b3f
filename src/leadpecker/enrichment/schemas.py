"""Request and response shapes of the v2 Lead Finder enrichment endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadpecker.kit.fields import Email, text_constraints
from leadpecker.vocabulary.enums import EnrichmentStatus, QueueStatus, wire_literal

MAX_PROSPECTS_PER_QUEUE = 10_000
MAX_EMAILS_PER_QUERY = 10_000

Hint = Annotated[str, text_constraints(2_000)]


class EnrichmentProspectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[Email, StringConstraints(min_length=1)] = Field(
        description="Email of an existing prospect in the account's main prospect database"
    )
    first_name: Hint | None = None
    last_name: Hint | None = None
    linkedin_url: Hint | None = None
    company_name: Hint | None = None
    company_website: Hint | None = None


class QueueEnrichmentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prospects: list[EnrichmentProspectIn] = Field(
        min_length=1, max_length=MAX_PROSPECTS_PER_QUEUE, description="Non-empty list of prospects to enrich"
    )


QueueStatusOut = wire_literal(*QueueStatus)


class QueueEnrichmentsOut(BaseModel):
    uuid: str | None = Field(description="Enrichment batch identifier. null when nothing was queued")
    prospects_count: int = Field(description="Number of prospects queued in this response")
    total_prospects_count: int = Field(description="Number of prospects submitted in the request")
    status: QueueStatusOut


class StatusesQueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: list[Email] | None = Field(
        default=None,
        max_length=MAX_EMAILS_PER_QUERY,
        description="Prospect emails to filter by; empty or absent: records of the last 24 hours",
    )


EnrichmentStatusOut = wire_literal(*EnrichmentStatus)


class EnrichmentRecordOut(BaseModel):
    uuid: str
    prospect_email: str
    created: str = Field(examples=["2026-05-15T11:14:56+02:00"])
    status: EnrichmentStatusOut


class EnrichmentRecordsOut(BaseModel):
    prospect_enrichments: list[EnrichmentRecordOut]
