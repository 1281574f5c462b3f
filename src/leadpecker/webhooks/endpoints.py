"""Webhook subscriptions: ``POST /rest/v1/webhooks/subscribe``, ``POST
/rest/v1/webhooks/unsubscribe`` (v1 legacy endpoints, v1 envelope) and ``GET /rest/v2/webhooks``,
as developers.woodpecker.co documents them ("Subscribe to a webhook", "Unsubscribe from a
webhook", "Get webhook subscriptions")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from leadpecker.accounts.dependencies import CurrentAccount
from leadpecker.http.dependencies import DatabaseDep, SettingsDep
from leadpecker.http.openapi import V1_ERRORS, V2_ERRORS, V1Error
from leadpecker.kit.json import JsonResponse
from leadpecker.webhooks import service
from leadpecker.webhooks.schemas import SubscribedOut, SubscriptionIn, WebhooksOut

_V1_WEBHOOK_ERRORS: dict[int | str, dict[str, Any]] = {
    **V1_ERRORS,
    400: {
        "model": V1Error,
        "description": "Unknown event, or target_url not an absolute http(s) URL (E_WRONG_PARAM), "
        "or a field missing (E_REQUIRED_ELEMENT)",
    },
    409: {
        "model": V1Error,
        "description": 'The pair is subscribed already ("Event defined for this url."), the event '
        "has its three URLs already, or the rate limit (E_TOO_MANY_REQUESTS)",
    },
}

v1_router = APIRouter(prefix="/rest/v1/webhooks", tags=["v1 webhooks"], responses=_V1_WEBHOOK_ERRORS)
v2_router = APIRouter(prefix="/rest/v2", tags=["v2 webhooks"], responses=V2_ERRORS)

SUBSCRIBE_TEXT = (
    "Start receiving notifications for the event: whenever it occurs, its data is POSTed to "
    "target_url as a JSON array of objects (docs/webhooks.md). An event takes up to three "
    "URLs per account, each unique; one URL may take many events. With "
    "LEADPECKER_WEBHOOK_REFUSE_PRIVATE_TARGETS a URL on a private or loopback address is refused."
)


@v1_router.post(
    "/subscribe",
    status_code=201,
    response_model=SubscribedOut,
    summary="Subscribe to a webhook",
    description=SUBSCRIBE_TEXT,
)
async def subscribe(
    body: SubscriptionIn, account: CurrentAccount, db: DatabaseDep, settings: SettingsDep
) -> JsonResponse:
    made = await service.subscribe(
        db,
        account.account_id,
        body.event,
        body.target_url,
        refuse_private=settings.webhook_refuse_private_targets,
    )
    return JsonResponse(
        {"target_url": made.target_url, "event": body.event, "message": service.SUBSCRIBED}, status_code=201
    )


@v1_router.post(
    "/unsubscribe",
    status_code=200,
    response_class=Response,
    summary="Unsubscribe from a webhook",
    description="Stop the event's notifications to target_url: 200 with no body. Events still "
    "waiting for it are not sent. A pair the account has not subscribed answers 404.",
    responses={200: {"description": "Unsubscribed (no body)", "content": {}}},
)
async def unsubscribe(body: SubscriptionIn, account: CurrentAccount, db: DatabaseDep) -> Response:
    await service.unsubscribe(db, account.account_id, body.event, body.target_url)
    return Response(status_code=200)


@v2_router.get(
    "/webhooks",
    response_model=WebhooksOut,
    summary="Get webhook subscriptions",
    description="Every subscription of the account, whoever made it; events in capitals.",
)
async def list_webhooks(account: CurrentAccount, db: DatabaseDep) -> JsonResponse:
    found = await service.subscriptions(db, account.account_id)
    return JsonResponse(
        {"webhooks": [{"target_url": item.target_url, "event": item.event.value.upper()} for item in found]}
    )
