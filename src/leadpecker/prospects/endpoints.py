"""v1 prospect endpoints: loading and deleting (search lives in prospects/search_endpoints)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadpecker.http.auth import CurrentAccount
from leadpecker.http.openapi import V1_ERRORS
from leadpecker.http.v1params import check_known, id_list, required, single
from leadpecker.kit.errors import BadRequest
from leadpecker.kit.json import JsonResponse
from leadpecker.prospects import service
from leadpecker.prospects.schemas import AddProspectsListIn, DeleteProspectsOut, ProspectsOutcome
from leadpecker.settings import get_settings

router = APIRouter(prefix="/rest/v1", tags=["v1 prospects"], responses=V1_ERRORS)


def outcome_json(outcome: service.Outcome) -> dict[str, object]:
    body: dict[str, object] = {"email": outcome.email, "id": outcome.id, "status": outcome.status}
    if outcome.code:
        body.update(code=outcome.code, msg=outcome.msg)
    return body


@router.post(
    "/add_prospects_list",
    response_model=ProspectsOutcome,
    summary="Add prospects to the account's database (optionally updating existing ones)",
)
async def add_prospects_list(
    body: AddProspectsListIn, request: Request, account: CurrentAccount
) -> JsonResponse:
    limit = get_settings().max_prospects_per_add
    if len(body.prospects) > limit:
        raise BadRequest(f"Wrong param [prospects]: at most {limit} prospects per request")
    outcomes = await service.add_prospects_list(
        request.app.state.db, account.account_id, body.prospects, update=body.update
    )
    return JsonResponse({"prospects": [outcome_json(outcome) for outcome in outcomes]})


@router.delete(
    "/prospects",
    response_model=DeleteProspectsOut,
    summary="Delete prospects (id=1,2,3), or only remove them from campaigns (campaigns_id=7)",
)
async def delete_prospects(request: Request, account: CurrentAccount) -> JsonResponse:
    params = request.query_params
    check_known(params, ("id", "campaigns_id"))
    ids_text = single(params, "id")
    if not ids_text:
        raise required("id")
    ids = id_list("id", ids_text)
    campaigns_text = single(params, "campaigns_id")
    campaign_ids = id_list("campaigns_id", campaigns_text) if campaigns_text is not None else None
    deleted = await service.delete_prospects(request.app.state.db, account.account_id, ids, campaign_ids)
    return JsonResponse(
        {
            "prospects": [
                {"id": item.id, "status": "OK"}
                if item.found
                else {
                    "id": item.id,
                    "status": "ERROR",
                    "code": "E_RECORD_NOT_FOUND",
                    "msg": "Prospect not found",
                }
                for item in deleted
            ]
        }
    )
