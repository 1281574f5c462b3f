"""v1 campaign endpoints: adding prospects to a campaign."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadpecker.campaigns import service
from leadpecker.campaigns.schemas import AddProspectsCampaignIn
from leadpecker.http.auth import CurrentAccount
from leadpecker.http.openapi import V1_ERRORS
from leadpecker.kit.json import JsonResponse
from leadpecker.prospects.endpoints import outcomes_json, within_add_limit
from leadpecker.prospects.schemas import ProspectsOutcome

router = APIRouter(prefix="/rest/v1", tags=["v1 campaigns"], responses=V1_ERRORS)


@router.post(
    "/add_prospects_campaign",
    response_model=ProspectsOutcome,
    summary="Add prospects (by id, or by email — created if new) to a campaign",
)
async def add_prospects_campaign(
    body: AddProspectsCampaignIn, request: Request, account: CurrentAccount
) -> JsonResponse:
    within_add_limit(request, len(body.prospects))
    outcomes = await service.add_prospects_campaign(request.app.state.db, account.account_id, body)
    return outcomes_json(outcomes)
