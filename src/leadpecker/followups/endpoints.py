"""v1 ``stop_followups``: stop (blacklist) one prospect, by email."""

from __future__ import annotations

from fastapi import APIRouter

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.followups import service
from leadpecker.followups.schemas import StopFollowupsIn, StopFollowupsOut
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.openapi import V1_ERRORS
from leadpecker.kit.json import JsonResponse
from leadpecker.vocabulary.enums import OutcomeStatus

router = APIRouter(prefix="/rest/v1", tags=["v1 prospects"], responses=V1_ERRORS)


@router.post(
    "/stop_followups",
    response_model=StopFollowupsOut,
    summary="Stop a prospect's follow-ups: its status becomes BLACKLIST",
    description="The prospect (by email) gets the global status BLACKLIST, and so does each of "
    "its enrolments with follow-ups still planned (ACTIVE, PAUSED, TO-CHECK, TO-REVIEW, "
    "AUTOREPLIED). An email the account does not have answers 404 E_RECORD_NOT_FOUND.",
)
async def stop_followups(body: StopFollowupsIn, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    stopped = await service.stop_followups(db, account.account_id, body.prospect.email)
    return JsonResponse({"prospect": {"email": stopped.email, "id": stopped.id, "status": OutcomeStatus.OK}})
