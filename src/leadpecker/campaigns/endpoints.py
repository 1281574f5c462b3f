"""v1 campaign endpoints: listing campaigns (with one campaign's statistics), and adding
prospects to a campaign."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.campaigns import service
from leadpecker.campaigns.schemas import NO_CAMPAIGNS, AddProspectsCampaignIn, CampaignOut, NoCampaigns
from leadpecker.http.dependencies import DatabaseDep, SettingsDep
from leadpecker.http.openapi import V1_ERRORS, query_parameter
from leadpecker.http.v1params import ID_LIST_SCHEMA, check_known, id_list, wrong_param
from leadpecker.kit.json import JsonResponse
from leadpecker.prospects.endpoints import outcomes_json, within_add_limit
from leadpecker.prospects.schemas import ProspectsOutcome
from leadpecker.search.serializer import timestamp
from leadpecker.vocabulary.enums import CampaignStatus

router = APIRouter(prefix="/rest/v1", tags=["v1 campaigns"], responses=V1_ERRORS)


@router.post(
    "/add_prospects_campaign",
    response_model=ProspectsOutcome,
    summary="Add prospects (by id, or by email — created if new) to a campaign",
)
async def add_prospects_campaign(
    body: AddProspectsCampaignIn, account: CurrentAccount, db: DatabaseDep, settings: SettingsDep
) -> JsonResponse:
    within_add_limit(settings, len(body.prospects))
    outcomes = await service.add_prospects_campaign(db, account.account_id, body)
    return outcomes_json(outcomes)


# DELETED is a status the docs of the Woodpecker app list for filtering; leadpecker deletes no
# campaign, so it is accepted and matches none.
FILTER_STATUSES = (*CampaignStatus, "DELETED")


def _any_case(word: str) -> str:
    """A pattern matching ``word`` in any case ([Rr][Uu]…: the flag-free form both Python's and
    ECMAScript's regular expressions read alike)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


_ONE_STATUS = "(" + "|".join(_any_case(status) for status in FILTER_STATUSES) + ")"
# Each value of the parameter (it may also be repeated: status=A&status=B).
_STATUS_LIST_SCHEMA = {"pattern": f"^ *{_ONE_STATUS} *(, *{_ONE_STATUS} *)*$"}


def _values(params: QueryParams, name: str) -> list[str] | None:
    """Every comma-separated value of ``name``, whether the client sent one list or repeated
    the parameter (both are seen: status=RUNNING,PAUSED and status=RUNNING&status=COMPLETED)."""
    given = params.getlist(name)
    return None if not given else [part.strip() for value in given for part in value.split(",")]


def _statuses(params: QueryParams) -> list[str] | None:
    values = _values(params, "status")
    if values is None:
        return None
    # ASCII only: "ſtopped".upper() is "STOPPED", and the document's pattern says ASCII.
    statuses = [value.upper() if value.isascii() else value for value in values]
    if not all(status in FILTER_STATUSES for status in statuses):
        raise wrong_param("status", ",".join(params.getlist("status")))
    return statuses


def _ids(params: QueryParams) -> list[int] | None:
    given = params.getlist("id")
    return None if not given else [one for value in given for one in id_list("id", value)]


def _campaign_json(listing: service.CampaignListing) -> dict[str, Any]:
    """One campaign as the docs page "GET campaign list v1" shows it; what leadpecker does not
    keep (folders, cc/bcc, several senders) has the constant docs/compatibility.md names."""
    campaign = listing.campaign
    body: dict[str, Any] = {
        "id": campaign.id,
        "name": campaign.name,
        "status": campaign.status,
        "created": timestamp(campaign.created),
        "from_name": campaign.from_name,
        "from_names": [campaign.from_name] if campaign.from_name else [],
        "gdpr_unsubscribe": campaign.gdpr_unsubscribe,
        "folder_name": "UNASSIGNED",
        "folder_id": 0,
        "from_email": campaign.from_email,
        "from_emails": [campaign.from_email] if campaign.from_email else [],
        "per_day": campaign.per_day,
        "bcc": "",
        "cc": "",
    }
    if listing.stats is not None:
        body["stats"] = {**asdict(listing.stats), "emails": []}
    body["error"] = ""
    return body


@router.get(
    "/campaign_list",
    summary="List campaigns (by status, by id); one id adds that campaign's statistics",
    description=(
        "A JSON array of the account's campaigns in id order, or "
        f'`{{"message": "{NO_CAMPAIGNS}"}}` when none matches. `status` and `id` take '
        "comma-separated lists (a repeated parameter adds to the list); both given, a campaign "
        "must match both. Exactly one id adds the campaign's `stats`; several ids list without."
    ),
    response_model=None,
    responses={
        200: {"model": list[CampaignOut] | NoCampaigns, "description": "The campaigns, or the message"}
    },
    openapi_extra={
        "parameters": [
            query_parameter(
                "status",
                "Campaign statuses, comma-separated: RUNNING, DRAFT, EDITED, PAUSED, STOPPED, COMPLETED "
                "(DELETED matches none)",
                example="RUNNING,PAUSED",
                schema=_STATUS_LIST_SCHEMA,
            ),
            query_parameter(
                "id",
                "Campaign ids, comma-separated; exactly one adds its statistics",
                example="1",
                schema=ID_LIST_SCHEMA,
            ),
        ]
    },
)
async def campaign_list(request: Request, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    params = request.query_params
    check_known(params, ("status", "id"))
    listings = await service.list_campaigns(db, account.account_id, _ids(params), _statuses(params))
    if not listings:
        return JsonResponse({"message": NO_CAMPAIGNS})
    return JsonResponse([_campaign_json(listing) for listing in listings])
