"""An account's webhook subscriptions (developers.woodpecker.co: "Webhooks", "Subscribe to a
webhook", "Unsubscribe from a webhook", "Get webhook subscriptions"; docs/webhooks.md).

One subscription is one (event, target URL) pair of an account. The docs' rules: the same
pair again is refused (409 "Event defined for this url."), and "you can subscribe to the same
event up to three times per account, provided that each subscription uses a unique
target_url" (a fourth URL: 409 with the text of the API 2.0 help article). One URL may take
any number of events. What the docs do not say, and leadpecker chose (docs/compatibility.md,
"Webhooks"): an unknown event or a target that is not an absolute http(s) URL answers 400
E_WRONG_PARAM naming the field; unsubscribing a pair the account does not have answers 404
E_RECORD_NOT_FOUND; event names are read in any letter case, since the list answers them in
capitals and a client may send back what it read.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from leadpecker.kit.db import Database
from leadpecker.kit.errors import BadRequest, Conflict, NotFound
from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.repository import SubscriptionRepository
from leadpecker.webhooks.targets import private_address_problem, url_problem

MAX_URLS_PER_EVENT = 3
SUBSCRIBED = "Subscribed."
# "Subscribe to a webhook" (legacy article, 409 Conflict).
ALREADY_SUBSCRIBED = "Event defined for this url."
# The API 2.0 help article ("Webhooks"): the text when the limit is reached.
OVER_LIMIT = f"You can only subscribe to the same webhook {MAX_URLS_PER_EVENT} times per one account."
NOT_SUBSCRIBED = "Event not defined for this url."
UNSUBSCRIBED_REASON = "unsubscribed"

_EVENTS = {event.value: event for event in WebhookEvent}


@dataclass(frozen=True, slots=True)
class Subscription:
    target_url: str
    event: WebhookEvent


def _shown(value: str) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 80 else text[:77] + "..."


def event_named(name: str) -> WebhookEvent:
    """The event ``name`` names, in any letter case; a 400 naming ``event`` otherwise."""
    event = _EVENTS.get(name.strip().lower())
    if event is None:
        raise BadRequest(f"Wrong param [event]={_shown(name)} (unknown event; one of: {', '.join(_EVENTS)})")
    return event


def target_url(url: str) -> str:
    """``url`` trimmed, when it can be a target; a 400 naming ``target_url`` otherwise."""
    url = url.strip()
    problem = url_problem(url)
    if problem is not None:
        raise BadRequest(f"Wrong param [target_url]={_shown(url)} ({problem})")
    return url


async def subscribe(
    db: Database, account_id: int, event_name: str, url: str, *, refuse_private: bool
) -> Subscription:
    """Subscribe ``url`` to the event. With ``refuse_private`` (the setting
    webhook_refuse_private_targets) a URL whose host is on a private or local address is
    refused, before anything is written."""
    event = event_named(event_name)
    url = target_url(url)
    if refuse_private:
        problem = await private_address_problem(url)
        if problem is not None:
            raise BadRequest(
                f"Wrong param [target_url]={_shown(url)} ({problem}; private targets are refused)"
            )
    async with db.write() as conn:
        subscriptions = SubscriptionRepository(conn, account_id)
        await subscriptions.lock_account()
        urls = await subscriptions.active_urls(event)
        if url in urls:
            raise Conflict(ALREADY_SUBSCRIBED)
        if len(urls) >= MAX_URLS_PER_EVENT:
            raise Conflict(OVER_LIMIT)
        await subscriptions.add(event, url, utcnow())
    return Subscription(url, event)


async def unsubscribe(db: Database, account_id: int, event_name: str, url: str) -> None:
    """End the account's subscription of this pair; the events still waiting for it are
    dropped (a subscription ended is kept, with why, for its delivery history)."""
    event = event_named(event_name)
    url = url.strip()
    async with db.write() as conn:
        ended = await SubscriptionRepository(conn, account_id).end(event, url, UNSUBSCRIBED_REASON, utcnow())
    if not ended:
        raise NotFound(NOT_SUBSCRIBED)


async def subscriptions(db: Database, account_id: int) -> list[Subscription]:
    """The account's active subscriptions, oldest first."""
    async with db.read() as conn:
        rows = await SubscriptionRepository(conn, account_id).active()
    return [Subscription(row.target_url, WebhookEvent(row.event)) for row in rows]
