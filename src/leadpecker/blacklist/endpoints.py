"""v2 blacklist endpoints: ``/rest/v2/blacklist/emails`` and ``/rest/v2/blacklist/domains``,
each listed (GET), added to (POST) and removed from (DELETE), as developers.woodpecker.co
documents them ("Get blacklisted emails", "Blacklist emails", "Delete emails from the
blacklist", and the same for domains)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.accounts.repository import KeyOwner
from leadpecker.blacklist import service
from leadpecker.blacklist.schemas import (
    DEFAULT_PER_PAGE,
    DomainsIn,
    DomainsOut,
    DomainsPage,
    EmailsIn,
    EmailsOut,
    EmailsPage,
    PageNumber,
    PageSize,
)
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.openapi import V2_ERRORS
from leadpecker.kit.db import Database
from leadpecker.kit.fields import NO_NUL
from leadpecker.kit.json import JsonResponse

router = APIRouter(prefix="/rest/v2/blacklist", tags=["v2 blacklist"], responses=V2_ERRORS)

PAGE = Query(description="Requested page, 0-based")
PER_PAGE = Query(description="Entries per page; at most 500 (a larger value is read as 500)")
EFFECT = (
    "The lists change no prospect: the reference marks a prospect BLACKLISTED only when a "
    "campaign would mail it, and leadpecker sends no mail."
)


async def _page(
    request: Request,
    db: Database,
    account: KeyOwner,
    blacklist: service.Blacklist,
    key: str,
    *,
    page: int,
    per_page: int,
    filter_name: str,
) -> JsonResponse:
    # The filter repeated (``?email_filter=a&email_filter=b``) is one list, as the comma form:
    # the declared parameter (there for the document and its checks) keeps only the last value.
    filter_text = ",".join(request.query_params.getlist(filter_name)) or None
    found = await service.list_entries(
        db,
        account.account_id,
        blacklist,
        page=page,
        per_page=per_page,
        terms=service.filter_terms(filter_text),
    )
    return JsonResponse({key: found.entries, "total": found.total})


@router.get("/emails", response_model=EmailsPage, summary="Get blacklisted emails")
async def get_emails(
    request: Request,
    account: CurrentAccount,
    db: DatabaseDep,
    page: Annotated[PageNumber, PAGE] = 0,
    per_page: Annotated[PageSize, PER_PAGE] = DEFAULT_PER_PAGE,
    email_filter: Annotated[
        str | None,
        Query(
            description="Comma-separated emails to look for; `*` matches any characters "
            "(`jimothy@woodpecker*`). `total` then counts the emails found.",
            pattern=NO_NUL,
        ),
    ] = None,
) -> JsonResponse:
    return await _page(
        request,
        db,
        account,
        service.EMAILS,
        "emails",
        page=page,
        per_page=per_page,
        filter_name="email_filter",
    )


@router.post("/emails", response_model=EmailsOut, summary="Blacklist emails", description=EFFECT)
async def blacklist_emails(body: EmailsIn, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    added = await service.add_entries(db, account.account_id, service.EMAILS, body.emails)
    return JsonResponse({"emails": added})


@router.delete(
    "/emails", response_model=EmailsOut, summary="Delete emails from the blacklist", description=EFFECT
)
async def delete_emails(body: EmailsIn, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    removed = await service.remove_entries(db, account.account_id, service.EMAILS, body.emails)
    return JsonResponse({"emails": removed})


@router.get("/domains", response_model=DomainsPage, summary="Get blacklisted domains")
async def get_domains(
    request: Request,
    account: CurrentAccount,
    db: DatabaseDep,
    page: Annotated[PageNumber, PAGE] = 0,
    per_page: Annotated[PageSize, PER_PAGE] = DEFAULT_PER_PAGE,
    domain_filter: Annotated[
        str | None,
        Query(
            description="Comma-separated domains to look for; `*` matches any characters "
            "(`woodpecker*`). `total` then counts the domains found.",
            pattern=NO_NUL,
        ),
    ] = None,
) -> JsonResponse:
    return await _page(
        request,
        db,
        account,
        service.DOMAINS,
        "domains",
        page=page,
        per_page=per_page,
        filter_name="domain_filter",
    )


@router.post("/domains", response_model=DomainsOut, summary="Blacklist domains", description=EFFECT)
async def blacklist_domains(body: DomainsIn, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    added = await service.add_entries(db, account.account_id, service.DOMAINS, body.domains)
    return JsonResponse({"domains": added})


@router.delete(
    "/domains", response_model=DomainsOut, summary="Delete domains from the blacklist", description=EFFECT
)
async def delete_domains(body: DomainsIn, account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    removed = await service.remove_entries(db, account.account_id, service.DOMAINS, body.domains)
    return JsonResponse({"domains": removed})
