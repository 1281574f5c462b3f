"""v2 prospect responses: a prospect's replies, from the stored activity."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Request

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.activity import service
from leadpecker.activity.repository import Reply
from leadpecker.activity.schemas import ProspectResponsesOut
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.openapi import V2_ERRORS, query_parameter
from leadpecker.http.v1params import ID_LIST_SCHEMA
from leadpecker.kit.errors import BadRequest, NotFound
from leadpecker.kit.json import JsonResponse

router = APIRouter(prefix="/rest/v2/prospects", tags=["v2 prospects"], responses=V2_ERRORS)

NOT_FOUND = "Requested resource does not exist"
# "delivered" as the page shows it: "2024-11-09T14:29:06", no offset (leadpecker's times are UTC).
DELIVERED_FORMAT = "%Y-%m-%dT%H:%M:%S"
_LARGEST_ID = 2**63 - 1


def _prospect_id(text: str) -> int:
    """The path's id; one that cannot name a prospect (not digits, beyond 64 bits) names no
    resource, so it answers 404 like an unknown id."""
    if not (text.isascii() and text.isdigit()) or int(text) > _LARGEST_ID:
        raise NotFound(NOT_FOUND)
    return int(text)


def _campaign_ids(request: Request) -> list[int] | None:
    """``campaign_id=1,2`` (given twice, both lists): the campaigns to keep; None without it."""
    values = request.query_params.getlist("campaign_id")
    if not values:
        return None
    ids = []
    for part in ",".join(values).split(","):
        part = part.strip()
        # At most 18 digits, as the OpenAPI document's pattern says (ID_LIST_SCHEMA).
        if not (part.isascii() and part.isdigit() and len(part) <= 18):
            raise BadRequest("campaign_id: must be campaign ids separated by commas, e.g. 1,2")
        ids.append(int(part))
    return ids


def _response(reply: Reply) -> dict[str, object]:
    # A reply loaded without its step numbers: in a campaign's sequence the n-th email sent is
    # its step n, so both are the campaign emails sent to the prospect up to the reply.
    counted = reply.sent_before if reply.campaign_id is not None and reply.sent_before else None
    step, emails_sent = reply.step, reply.campaign_email_sent
    return {
        "response_id": reply.id,
        "campaign_id": reply.campaign_id,
        "step": step if step is not None else counted,
        "campaign_email_sent": emails_sent if emails_sent is not None else counted,
        "subject": reply.subject,
        "message": reply.message,
        "delivered": reply.occurred_at.astimezone(UTC).strftime(DELIVERED_FORMAT),
        "secondary_prospect_email": reply.secondary_prospect_email,
    }


@router.get(
    "/{prospect_id}/responses",
    response_model=ProspectResponsesOut,
    summary="Get prospect responses",
    description="The prospect's replies, oldest first, from the stored activity; an empty list "
    "when the prospect never replied. An unknown prospect id answers 404.",
    openapi_extra={
        "parameters": [
            query_parameter(
                "campaign_id",
                "One or more campaign ids separated by commas: only replies in those campaigns",
                example="17654321,1957395",
                schema=ID_LIST_SCHEMA,
            )
        ]
    },
)
async def get_prospect_responses(
    prospect_id: str, request: Request, account: CurrentAccount, db: DatabaseDep
) -> JsonResponse:
    found = await service.prospect_replies(
        db, account.account_id, _prospect_id(prospect_id), _campaign_ids(request)
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return JsonResponse(
        {
            "prospect_id": found.prospect_id,
            "email": found.email,
            "responses": [_response(reply) for reply in found.replies],
        }
    )
