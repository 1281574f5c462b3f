"""v1 prospect endpoints: loading and deleting (search lives in prospects/search_endpoints)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.http.dependencies import DatabaseDep, SettingsDep
from leadpecker.http.openapi import V1_ERRORS, query_parameter
from leadpecker.http.v1params import ID_LIST_SCHEMA, check_known, id_list, required, single
from leadpecker.kit.errors import BadRequest
from leadpecker.kit.json import JsonResponse
from leadpecker.prospects import service
from leadpecker.prospects.schemas import AddProspectsListIn, DeleteProspectsOut, ProspectsOutcome
from leadpecker.settings import Settings
from leadpecker.vocabulary.enums import OutcomeStatus

router = APIRouter(prefix="/rest/v1", tags=["v1 prospects"], responses=V1_ERRORS)


def outcomes_json(outcomes: list[service.Outcome]) -> JsonResponse:
    """The per-prospect answer of the loading endpoints, in request order."""
    answers = []
    for outcome in outcomes:
        answer: dict[str, object] = {"email": outcome.email, "id": outcome.id, "status": outcome.status}
        if outcome.code:
            answer.update(code=outcome.code, msg=outcome.msg)
        answers.append(answer)
    return JsonResponse({"prospects": answers})


def within_add_limit(settings: Settings, count: int) -> None:
    limit = settings.max_prospects_per_add
    if count > limit:
        raise BadRequest(f"Wrong param [prospects]: at most {limit} prospects per request, got {count}")


@router.post(
    "/add_prospects_list",
    response_model=ProspectsOutcome,
    summary="Add prospects to the account's database (optionally updating existing ones)",
)
async def add_prospects_list(
    body: AddProspectsListIn, account: CurrentAccount, db: DatabaseDep, settings: SettingsDep
) -> JsonResponse:
    within_add_limit(settings, len(body.prospects))
    outcomes = await service.add_prospects_list(db, account.account_id, body.prospects, update=body.update)
    return outcomes_json(outcomes)


@router.delete(
    "/prospects",
    response_model=DeleteProspectsOut,
    summary="Delete prospects (id=1,2,3), or only remove them from campaigns (campaigns_id=7)",
    openapi_extra={
        "parameters": [
            query_parameter(
                "id", "Comma-separated prospect ids", required=True, example="1,2,3", schema=ID_LIST_SCHEMA
            ),
            query_parameter(
                "campaigns_id",
                "Comma-separated campaign ids: only take the prospects out of these",
                schema=ID_LIST_SCHEMA,
            ),
        ]
    },
)
async def delete_prospects(request: Request, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    params = request.query_params
    check_known(params, ("id", "campaigns_id"))
    ids_text = single(params, "id")
    if not ids_text:
        raise required("id")
    ids = id_list("id", ids_text)
    campaigns_text = single(params, "campaigns_id")
    campaign_ids = id_list("campaigns_id", campaigns_text) if campaigns_text is not None else None
    deleted = await service.delete_prospects(db, account.account_id, ids, campaign_ids)
    return JsonResponse(
        {
            "prospects": [
                {"id": item.id, "status": OutcomeStatus.OK}
                if item.found
                else {
                    "id": item.id,
                    "status": OutcomeStatus.ERROR,
                    "code": "E_RECORD_NOT_FOUND",
                    "msg": "Prospect not found",
                }
                for item in deleted
            ]
        }
    )
