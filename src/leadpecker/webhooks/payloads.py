"""The documented webhook payloads, built from stored rows — the one place their shape is.

Each event is one JSON object of the array a receiver gets (developers.woodpecker.co,
"Webhooks", one page per event): ``method`` (the event), ``prospect``, on reply events an
``email``, ``timestamp`` and ``firm_id`` (the account). leadpecker adds ``event_id``: one id per
event, the same on every retry and for every subscribed URL, for a receiver to deduplicate by
(docs/webhooks.md). Campaign fields are empty outside a campaign; "fields that do not have a
value are returned as an empty string or null", as the pages say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from leadpecker.search.serializer import timestamp
from leadpecker.vocabulary.prospect_fields import SNIPPET_FIELDS

# The prospect object's plain text fields, in the documented order, before the snippets.
_LEADING_TEXT = (
    "email",
    "first_name",
    "last_name",
    "company",
    "website",
    "linkedin_url",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "country",
)


@dataclass(frozen=True, slots=True)
class CampaignContext:
    """The campaign an event happened in, as its payload shows it."""

    id: int
    name: str
    email: str
    emails_sent: int | None = None
    step: int | None = None
    interested: str = ""


def prospect_object(
    row: Mapping[str, Any], in_campaign: int, campaign: CampaignContext | None
) -> dict[str, Any]:
    """The payload's ``prospect``: ``row`` holds the prospects columns, ``in_campaign`` how
    many campaigns the prospect is in."""
    prospect: dict[str, Any] = {"id": row["id"]}
    for name in _LEADING_TEXT:
        prospect[name] = row[name]
    for name in SNIPPET_FIELDS:
        prospect[name] = row[name]
    prospect["snippet_labels"] = row["snippet_labels"] or {}
    prospect["industry"] = row["industry"]
    prospect["state"] = row["state"]
    prospect["last_contacted"] = timestamp(row["last_contacted"])
    prospect["status"] = row["status"]
    prospect["in_campaign"] = in_campaign
    prospect["emails_sent"] = row["sent_mails"]
    # The file a prospect came from: leadpecker does not keep it.
    prospect["imported"] = ""
    if campaign is None:
        prospect.update(
            interested="",
            campaign_id="",
            campaign_name="",
            campaign_email="",
            campaign_emails=[],
            campaign_email_sent=None,
            step=None,
        )
    else:
        prospect.update(
            interested=campaign.interested,
            campaign_id=campaign.id,
            campaign_name=campaign.name,
            campaign_email=campaign.email,
            campaign_emails=[campaign.email] if campaign.email else [],
            campaign_email_sent=campaign.emails_sent,
            step=campaign.step,
        )
    return prospect


def event_body(
    event: str,
    firm_id: int,
    event_id: str,
    moment: datetime,
    *,
    prospect: dict[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """One event's JSON object, as stored in the outbox and sent in the array."""
    body: dict[str, Any] = {"method": event}
    if prospect is not None:
        body["prospect"] = prospect
    if extra:
        body.update(extra)
    body["timestamp"] = timestamp(moment)
    body["firm_id"] = firm_id
    body["event_id"] = event_id
    return orjson.dumps(body).decode()


def email_object(
    activity_id: int,
    subject: str | None,
    sender_email: str,
    sender_name: str,
    occurred_at: datetime,
    message: str | None,
) -> dict[str, Any]:
    """A reply event's ``email``: the message the prospect (or, on secondary_replied,
    another address) sent. ``mail_id`` (the mailbox's id of the message) is the activity id
    too: leadpecker has no mailboxes."""
    return {
        "id": activity_id,
        "mail_id": activity_id,
        "subject": subject or "",
        "sender": sender_name,
        "email": sender_email,
        "date": timestamp(occurred_at),
        "message": message or "",
    }
