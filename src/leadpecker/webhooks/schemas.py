"""Request and response shapes of the webhook subscription endpoints (developers.woodpecker.co:
"Subscribe to a webhook", "Unsubscribe from a webhook", "Get webhook subscriptions")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from leadpecker.kit.fields import text_constraints
from leadpecker.kit.wire import WireBody
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.targets import MAX_URL_LENGTH, TARGET_URL_PATTERN

# Checked by the service (webhooks/targets.py: an absolute http(s) URL of at most 2,048
# characters), which names the field in its 400; the bound here only keeps a huge value out.
TargetUrl = Annotated[str, text_constraints(10_000)]
EventName = Annotated[str, text_constraints(200)]

EVENTS_TEXT = ", ".join(event.value for event in WebhookEvent)
# What the OpenAPI document promises, so that a generated request it calls valid is one the
# service takes: the event names (the service reads them in any letter case too) and an
# absolute http(s) URL (webhooks/targets.py).
EVENT_SCHEMA = {"enum": [event.value for event in WebhookEvent]}
TARGET_URL_SCHEMA = {"pattern": TARGET_URL_PATTERN, "maxLength": MAX_URL_LENGTH}


class SubscriptionIn(WireBody):
    """The body of both subscribe and unsubscribe."""

    target_url: TargetUrl = Field(
        description="The URL where webhook events will be delivered (an absolute http:// or https:// URL)",
        examples=["https://receiving-url.com/unique_target_url"],
        json_schema_extra=TARGET_URL_SCHEMA,
    )
    event: EventName = Field(
        description="The event (read in any letter case)",
        examples=["prospect_replied"],
        json_schema_extra=EVENT_SCHEMA,
    )


class SubscribedOut(BaseModel):
    target_url: str = Field(examples=["https://receiving-url.com/unique_target_url"])
    event: str = Field(
        description="The name of the event for which the subscription was created, as sent",
        examples=["prospect_replied"],
    )
    message: str = Field(
        description="A confirmation message indicating the subscription status", examples=["Subscribed."]
    )


class WebhookOut(BaseModel):
    target_url: str = Field(
        description="The URL to which the webhook is sent", examples=["https://myurl.com/woodpeckerwebhooks"]
    )
    event: str = Field(
        description="The event, in capitals as the reference lists them (PROSPECT_REPLIED)",
        examples=["PROSPECT_INTERESTED"],
    )


class WebhooksOut(BaseModel):
    webhooks: list[WebhookOut] = Field(description="The account's active subscriptions, oldest first")
