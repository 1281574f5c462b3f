"""Who a key is: ``GET /rest/v1/me`` (the key's user and its account) and ``GET /rest/v2/users``
(the account's users). Clients call one of them to check a key when a connection is saved
(Activepieces and w6w: ``/rest/v2/users``; the docs page "Authentication": ``/rest/v1/me``), so
both answer 200 for any working key and the 401/403 of their version's envelope otherwise —
the authentication dependency does that, before anything here runs."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query

from leadpecker.accounts import service
from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.accounts.repository import UserRow
from leadpecker.accounts.schemas import MeOut, UsersOut
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.openapi import V1_ERRORS, V2_ERRORS
from leadpecker.kit.fields import query_int
from leadpecker.kit.json import JsonResponse

router = APIRouter(prefix="/rest", tags=["identity"])

# "+id" or "-id" (docs); a bare "id" is ascending, and so is " id": a "+" sent unencoded in a
# query string arrives as a space.
SORT_PATTERN = r"^[+ -]?id$"
# A page number: its decimal digits only, as every integer query parameter (kit/fields).
PageNumber = query_int(0)


@router.get(
    "/v1/me",
    response_model=MeOut,
    responses=V1_ERRORS,
    summary="The key's user and its account",
    description="The user an API key stands for (the account's owner: an account's keys are "
    "its owner's) and the account it acts in. Query parameters are ignored.",
)
async def me(account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    owner = await service.account_owner(db, account.account_id)
    return JsonResponse(
        {
            **_user_json(owner),
            "company_id": account.account_id,
            "company_name": account.account_name,
        }
    )


@router.get(
    "/v2/users",
    response_model=UsersOut,
    responses=V2_ERRORS,
    summary="Get a list of users",
    description="The account's users, 50 a page, in id order. Other query parameters are ignored.",
)
async def list_users(
    account: CurrentAccount,
    db: DatabaseDep,
    page: Annotated[PageNumber, Query(description="0-based page; current_page_number is 1-based")] = 0,
    sort: Annotated[
        str, Query(pattern=SORT_PATTERN, description="+id ascending (the default) or -id descending")
    ] = "+id",
) -> JsonResponse:
    listed = await service.users_page(db, account.account_id, page, descending=sort.startswith("-"))
    return JsonResponse(
        {
            "content": [_user_json(user) for user in listed.users],
            "pagination_data": {
                "total_elements": listed.total,
                "total_pages": math.ceil(listed.total / service.USERS_PAGE_SIZE),
                "current_page_number": page + 1,
                "page_size": service.USERS_PAGE_SIZE,
            },
        }
    )


def _user_json(user: UserRow) -> dict[str, object]:
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role}
