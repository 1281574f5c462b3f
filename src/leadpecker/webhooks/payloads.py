"""The documented webhook payloads, built from stored rows — the one place their shape is.

Each event is one JSON object of the array a receiver gets (developers.woodpecker.co,
"Webhooks", one page per event): ``method`` (the event), ``prospect``, the event's own keys,
``timestamp`` and ``firm_id`` (the account). leadpecker adds ``event_id``: one id per event, the
same on every retry and for every subscribed URL, for a receiver to deduplicate by
(docs/webhooks.md). Campaign fields are empty outside a campaign; "fields that do not have a
value are returned as an empty string or null", as the pages say.

The event's own keys, by family (``SHAPES``; docs/webhooks.md shows each):

- a prospect only ("Prospect saved", and the status and interest events);
- ``click_url``, ``step``, ``email_no`` ("Prospect clicked on a link"; an open has ``step`` and
  ``email_no`` — its page was not read, inferred from the click's);
- ``email``, the message the prospect sent ("Prospect replied", "Prospect autoreplied", and
  secondary_replied), or the campaign email sent ("Campaign email sent");
- ``campaign`` ({id, name}, and no prospect) for campaign_completed, and ``task`` beside the
  prospect for the task events — neither page was read: docs/webhooks.md says what these
  shapes rest on;
- ``batch`` for leadpecker's extension, leadpecker.enrichment_batch_finished.

Every timestamp is written ``2025-03-21T20:47:47+0000`` (the pages' format, in UTC).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import orjson

from leadpecker.search.serializer import timestamp
from leadpecker.vocabulary.enums import WebhookEvent
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
    """The campaign an event happened in, as its payload shows it.

    ``emails``: the campaign's sending addresses (``campaign_emails``; by default its one
    ``email``). ``emails_sent`` and ``step``: the prospect's ``campaign_email_sent`` and
    ``step`` where known (null otherwise). ``status``: the prospect's status in the campaign,
    shown instead of its global one where given (the autoreplied page shows "AUTOREPLIED", a
    status only a campaign has). ``followup_after``: when the next email is due ("" when none
    is: leadpecker sends no mail)."""

    id: int
    name: str
    email: str
    emails_sent: int | None = None
    step: int | None = None
    interested: str = ""
    emails: tuple[str, ...] | None = None
    status: str | None = None
    step_type: str = "EMAIL"
    followup_after: datetime | None = None


def prospect_object(
    row: Mapping[str, Any], in_campaign: int, campaign: CampaignContext | None
) -> dict[str, Any]:
    """The payload's ``prospect``: ``row`` holds the prospects columns, ``in_campaign`` how
    many campaigns the prospect is in. Outside a campaign it ends at ``step`` (null), as on
    the "Prospect saved" page; in one it also has ``step_type`` and ``followup_after``, as on
    every in-campaign page."""
    prospect: dict[str, Any] = {"id": row["id"]}
    for name in _LEADING_TEXT:
        prospect[name] = row[name]
    for name in SNIPPET_FIELDS:
        prospect[name] = row[name]
    prospect["snippet_labels"] = row["snippet_labels"] or {}
    prospect["industry"] = row["industry"]
    prospect["state"] = row["state"]
    prospect["last_contacted"] = timestamp(row["last_contacted"])
    prospect["status"] = row["status"] if campaign is None or campaign.status is None else campaign.status
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
        emails = campaign.emails if campaign.emails is not None else (campaign.email,)
        prospect.update(
            interested=campaign.interested,
            campaign_id=campaign.id,
            campaign_name=campaign.name,
            campaign_email=campaign.email,
            campaign_emails=[email for email in emails if email],
            campaign_email_sent=campaign.emails_sent,
            step=campaign.step,
            step_type=campaign.step_type,
            followup_after=timestamp(campaign.followup_after) or "",
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


def sent_email_object(
    activity_id: int,
    campaign_id: int,
    *,
    name_from: str,
    email_from: str,
    name_to: str,
    email_to: str,
    subject: str,
    sent: datetime,
    number: int,
    step: int,
    message: str,
) -> dict[str, Any]:
    """campaign_sent's ``email``: the campaign email sent, in the page's key order. The page's
    ``message_id`` (the mail's Message-ID header) and ``host`` (the sending host) are made up
    from the activity id and "leadpecker": leadpecker sends no mail."""
    return {
        "id": activity_id,
        "campaign_id": campaign_id,
        "message_id": f"<{activity_id}.{campaign_id}@leadpecker.invalid>",
        "name_from": name_from,
        "email_from": email_from,
        "name_to": name_to,
        "email_to": email_to,
        "email_cc": "",
        "email_bcc": "",
        "subject": subject,
        "sent": timestamp(sent),
        "host": "leadpecker",
        "number": number,
        "step": step,
        "message": message,
    }


def click_keys(url: str, step: int | None, email_no: int | None) -> dict[str, Any]:
    """link_clicked's keys after ``prospect``: the link, the campaign step, and which email of
    the prospect's it was ("#2")."""
    return {"click_url": url, "step": step, "email_no": f"#{email_no}" if email_no else ""}


def open_keys(step: int | None, email_no: int | None) -> dict[str, Any]:
    """email_opened's keys after ``prospect`` (inferred: the click's without the link)."""
    return {"step": step, "email_no": f"#{email_no}" if email_no else ""}


def campaign_keys(campaign_id: int, name: str) -> dict[str, Any]:
    """campaign_completed's keys: the campaign, and no prospect."""
    return {"campaign": {"id": campaign_id, "name": name}}


def task_keys(
    task_id: int,
    *,
    kind: str,
    name: str,
    message: str,
    due_date: datetime | None,
    campaign: CampaignContext | None,
) -> dict[str, Any]:
    """The task events' ``task``: a manual task of a campaign step (kind GENERIC, CALL, SMS
    or LINKEDIN), with the keys a manual task has in the v2 API."""
    return {
        "task": {
            "id": task_id,
            "type": kind,
            "name": name,
            "message": message,
            "due_date": timestamp(due_date) or "",
            "campaign_id": campaign.id if campaign else "",
            "campaign_name": campaign.name if campaign else "",
        }
    }


@dataclass(frozen=True, slots=True)
class EnrichmentOutcome:
    """What one prospect of an enrichment batch came to."""

    prospect_id: int
    email: str
    status: str
    fields: Sequence[str]
    credits_charged: str


def enrichment_batch_keys(uuid: str, outcomes: Sequence[EnrichmentOutcome]) -> dict[str, Any]:
    """leadpecker.enrichment_batch_finished's ``batch``: the uuid the client polled, and each
    prospect's outcome (the fields it filled; the credits charged, exact, as text)."""
    return {
        "batch": {
            "uuid": uuid,
            "prospects": [
                {
                    "id": outcome.prospect_id,
                    "email": outcome.email,
                    "status": outcome.status,
                    "fields": list(outcome.fields),
                    "credits_charged": outcome.credits_charged,
                }
                for outcome in outcomes
            ],
        }
    }


class Shape(Enum):
    """The families of events, by the keys they have besides method, timestamp and firm_id."""

    PROSPECT = "prospect"
    CLICK = "prospect, click_url, step, email_no"
    OPEN = "prospect, step, email_no"
    REPLY = "prospect, email (the reply)"
    SENT = "prospect, email (the campaign email)"
    CAMPAIGN = "campaign"
    TASK = "prospect, task"
    ENRICHMENT = "batch"


SHAPES: dict[WebhookEvent, Shape] = {
    WebhookEvent.CAMPAIGN_COMPLETED: Shape.CAMPAIGN,
    WebhookEvent.CAMPAIGN_SENT: Shape.SENT,
    WebhookEvent.FOLLOWUP_AFTER_AUTOREPLY: Shape.PROSPECT,
    WebhookEvent.LINKEDIN_CONNECTION_REQUEST_ACCEPTED: Shape.PROSPECT,
    WebhookEvent.PROSPECT_AUTOREPLIED: Shape.REPLY,
    WebhookEvent.PROSPECT_BLACKLISTED: Shape.PROSPECT,
    WebhookEvent.PROSPECT_BOUNCED: Shape.PROSPECT,
    WebhookEvent.LINK_CLICKED: Shape.CLICK,
    WebhookEvent.PROSPECT_INTERESTED: Shape.PROSPECT,
    WebhookEvent.PROSPECT_INVALID: Shape.PROSPECT,
    WebhookEvent.PROSPECT_MAYBE_LATER: Shape.PROSPECT,
    WebhookEvent.PROSPECT_NON_RESPONSIVE: Shape.PROSPECT,
    WebhookEvent.PROSPECT_NOT_INTERESTED: Shape.PROSPECT,
    WebhookEvent.EMAIL_OPENED: Shape.OPEN,
    WebhookEvent.PROSPECT_OPT_OUT: Shape.PROSPECT,
    WebhookEvent.PROSPECT_REPLIED: Shape.REPLY,
    WebhookEvent.PROSPECT_SAVED: Shape.PROSPECT,
    WebhookEvent.SECONDARY_REPLIED: Shape.REPLY,
    WebhookEvent.TASK_CREATED: Shape.TASK,
    WebhookEvent.TASK_DONE: Shape.TASK,
    WebhookEvent.TASK_IGNORED: Shape.TASK,
    WebhookEvent.ENRICHMENT_BATCH_FINISHED: Shape.ENRICHMENT,
}


def event_ids(count: int) -> Iterator[str]:
    """``count`` new event ids: random (version 4) UUIDs in their usual text form. One read
    of the system's randomness for all of them: ``uuid.uuid4()`` costs about 10 µs an id,
    a fair part of an event's cost in a 10,000-prospect add."""
    raw = bytearray(os.urandom(16 * count))
    for start in range(0, 16 * count, 16):
        raw[start + 6] = (raw[start + 6] & 0x0F) | 0x40  # version 4
        raw[start + 8] = (raw[start + 8] & 0x3F) | 0x80  # the RFC 4122 variant
        text = raw[start : start + 16].hex()
        yield f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def event_bodies(
    event: str, firm_id: int, moment: datetime, objects: Sequence[Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """(event id, JSON object) of each event of one kind raised at ``moment``: ``objects``
    hold each event's keys besides ``method``, ``timestamp``, ``firm_id`` and ``event_id``, as
    ``event_body`` writes them one by one (the timestamp is formatted once for all)."""
    stamp = timestamp(moment)
    bodies = []
    for event_id, keys in zip(event_ids(len(objects)), objects, strict=True):
        body: dict[str, Any] = {"method": event}
        if "prospect" in keys:
            body["prospect"] = keys["prospect"]  # first, wherever the caller put it
        body.update(keys)
        body["timestamp"] = stamp
        body["firm_id"] = firm_id
        body["event_id"] = event_id
        bodies.append((event_id, orjson.dumps(body).decode()))
    return bodies
