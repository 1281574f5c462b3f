"""``GET /rest/v1/prospects``: search, list and page an account's prospects ("Search for prospects")."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.http.openapi import V1_ERRORS, query_parameter
from leadpecker.http.v1params import FLAG_SCHEMA, ID_LIST_SCHEMA, NOT_EMPTY_SCHEMA
from leadpecker.search import params
from leadpecker.search.dependencies import ProspectSearchDep
from leadpecker.search.schemas import NoMatch, ProspectOut

router = APIRouter(prefix="/rest/v1", tags=["v1 prospects"], responses=V1_ERRORS)

_PARAMETERS = [
    query_parameter(
        "search",
        "field=value,field2=value2: different fields AND, a field repeated ORs. email: a full "
        "address matches exactly, a fragment as a substring; organization_id exactly; tags: one "
        "whole tag, case-sensitive, without '#'; other fields: case-insensitive substring. "
        "Fields: email, first_name, last_name, company, organization_id, industry, website, "
        "tags, title, phone, address, city, state, country, snipet1-snipet4, snippet1-snippet15.",
        example="company=Bachmanity,city=Palo Alto",
    ),
    query_parameter("id", "Prospect ids, comma-separated", example="1,2,3", schema=ID_LIST_SCHEMA),
    query_parameter(
        "status",
        "Global status (ACTIVE, BOUNCED, REPLIED, BLACKLIST, INVALID), comma-separated; with "
        "campaigns_id the status in the campaign",
        schema=NOT_EMPTY_SCHEMA,
    ),
    query_parameter(
        "campaigns_id",
        "Campaign ids: the 'prospects in campaign' view — one object per enrolment, status is "
        "the status in that campaign, followed by campaign_id, campaign_name, campaign_status "
        "and interested",
        schema=ID_LIST_SCHEMA,
    ),
    query_parameter("contacted", "true/false/1/0: ever contacted (last_contacted set)", schema=FLAG_SCHEMA),
    query_parameter(
        "interested",
        "INTERESTED, MAYBE-LATER, NOT-INTERESTED, NOT-MARKED (underscores accepted): the level "
        "in any campaign (the given campaigns with campaigns_id)",
        schema=NOT_EMPTY_SCHEMA,
    ),
    query_parameter(
        "activity",
        "OPENED, NOT-OPENED, CLICKED, NOT-CLICKED. NOT-… means mailed but never opened/clicked. "
        "Adds sent_mails and last_open / last_clicked, click_url to campaigns_details",
        schema=NOT_EMPTY_SCHEMA,
    ),
    query_parameter(
        "diff",
        "<updated|last_opened|last_clicked><'>' or '<'><timestamp>, comma-separated (AND); "
        "last_opened needs activity=OPENED|NOT-OPENED, last_clicked CLICKED|NOT-CLICKED",
        example="updated>2025-01-15T00:00:00+0200",
        schema=NOT_EMPTY_SCHEMA,
    ),
    query_parameter("campaigns_details", "true/false/1/0: add each prospect's campaigns", schema=FLAG_SCHEMA),
    query_parameter(
        "sort",
        "+field ascending, -field descending, comma-separated; default id ascending; ties by id",
        example="+company,-last_contacted",
    ),
    query_parameter("page", "1-based page (0 means 1)", example="1", schema=params.PAGE_SCHEMA),
    query_parameter("per_page", "1..1000, default 100", example="100", schema=params.PER_PAGE_SCHEMA),
]


@router.get(
    "/prospects",
    summary="Search prospects (also: list them, or list a campaign's prospects)",
    description=(
        "A flat JSON array of prospects in the reference's key order, or "
        '`{"message": "There are no prospects matching the given criteria."}` when none (also '
        "for a page past the end). `X-Total-Count` holds the number of matches: exact up to "
        "1,000 and for listings filtered by nothing but status; beyond that, for other "
        "filters, an estimate from a sample of the account."
    ),
    response_model=None,
    responses={
        200: {
            "model": list[ProspectOut] | NoMatch,  # type: ignore[valid-type]
            "description": "The matching prospects, or the no-match message",
            "headers": {"X-Total-Count": {"schema": {"type": "integer"}}},
        }
    },
    openapi_extra={"parameters": _PARAMETERS},
)
async def search_prospects(request: Request, account: CurrentAccount, search: ProspectSearchDep) -> Response:
    query = params.parse(request.query_params.multi_items())
    result = await search.search(account.account_id, query)
    return Response(result.body, media_type="application/json", headers={"X-Total-Count": str(result.total)})
