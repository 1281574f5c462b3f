"""v2 Lead Finder prospect enrichment endpoints."""

from __future__ import annotations

from fastapi import APIRouter

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.enrichment import service
from leadpecker.enrichment.repository import ItemRecord
from leadpecker.enrichment.schemas import (
    EnrichmentRecordsOut,
    QueueEnrichmentsIn,
    QueueEnrichmentsOut,
    StatusesQueryIn,
)
from leadpecker.http.dependencies import DatabaseDep, WorkAvailable
from leadpecker.http.openapi import V2_ERRORS
from leadpecker.kit.errors import NotFound
from leadpecker.kit.json import JsonResponse

router = APIRouter(
    prefix="/rest/v2/lead_finder/prospects/enrichments",
    tags=["v2 Lead Finder enrichment"],
    responses=V2_ERRORS,
)


def records_json(records: list[ItemRecord]) -> JsonResponse:
    return JsonResponse(
        {
            "prospect_enrichments": [
                {
                    "uuid": record.uuid,
                    "prospect_email": record.prospect_email,
                    # ISO 8601 with a colon in the offset, as the reference shows.
                    "created": record.created_at.isoformat(timespec="seconds"),
                    "status": record.status,
                }
                for record in records
            ]
        }
    )


@router.post(
    "",
    response_model=QueueEnrichmentsOut,
    summary="Queue prospect enrichments",
    description="Queue existing prospects (matched by email) for asynchronous enrichment. "
    "Each queued prospect reserves 1.5 credits; an enrichment that finds nothing is free.",
)
async def queue_enrichments(
    body: QueueEnrichmentsIn, account: CurrentAccount, db: DatabaseDep, work_available: WorkAvailable
) -> JsonResponse:
    outcome = await service.queue_enrichments(db, account.account_id, body.prospects)
    if outcome.prospects_count:
        work_available.set()
    return JsonResponse(
        {
            "uuid": outcome.uuid,
            "prospects_count": outcome.prospects_count,
            "total_prospects_count": outcome.total_prospects_count,
            "status": outcome.status,
        }
    )


@router.post(
    "/statuses/query",
    response_model=EnrichmentRecordsOut,
    summary="List prospect enrichments",
    description='No body, `{}` or `{"emails": []}`: the records of the last 24 hours. '
    "With emails: every record of those prospects. Newest first.",
)
async def list_enrichments(
    account: CurrentAccount, db: DatabaseDep, body: StatusesQueryIn | None = None
) -> JsonResponse:
    emails = body.emails if body else None
    return records_json(await service.list_statuses(db, account.account_id, emails))


@router.get("/{uuid}", response_model=EnrichmentRecordsOut, summary="Get prospect enrichment")
async def get_enrichment(uuid: str, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    records = await service.batch_statuses(db, account.account_id, uuid)
    if records is None:
        raise NotFound("Requested resource does not exist")
    return records_json(records)
