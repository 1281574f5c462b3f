"""The documented webhook payloads, built from stored rows — the one place their shape is.

Each event is one JSON object of the array a receiver gets (developers.woodpecker.co,
"Webhooks", one page per event): ``method`` (the event), ``prospect``, on reply events an
``email``, ``timestamp`` and ``firm_id`` (the account). leadpecker adds ``event_id``: one id per
event, the same on every retry and for every subscribed URL, for a receiver to deduplicate by
(docs/webhooks.md). Campaign fields are empty outside a campaign; "fields that do not have a
value are returned as an empty string or null", as the pages say.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
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


_COPIED = ("id", *_LEADING_TEXT, *SNIPPET_FIELDS)
_copied = itemgetter(*_COPIED)


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
    # One itemgetter for the columns copied as they are: a 10,000-prospect add builds 10,000.
    prospect: dict[str, Any] = dict(zip(_COPIED, _copied(row), strict=True))
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


def event_ids(count: int) -> Iterator[str]:
    """``count`` new event ids: random (version 4) UUIDs in their usual text form. One read
    of the system's randomness for all of them: ``uuid.uuid4()`` costs about 10 µs an id,
    most of an event's cost in a 10,000-prospect add."""
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
    hold each event's keys besides ``method``, ``timestamp``, ``firm_id`` and ``event_id``
    (``prospect`` first, then the event's own), as ``event_body`` would write them one by
    one."""
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
    campaign_id: int | None,
    sender_name: str,
    sender_email: str,
    recipient_name: str,
    recipient_email: str,
    sent_at: datetime,
) -> dict[str, Any]:
    """campaign_sent's ``email``: the message a campaign sent (developers.woodpecker.co,
    "Campaign email sent"). leadpecker keeps a sent email's time and campaign, not the message:
    what it does not know (message id, copies, subject, host, the email's number and step,
    the content) is empty or null, as the pages say of any field without a value."""
    return {
        "id": activity_id,
        "campaign_id": campaign_id,
        "message_id": "",
        "name_from": sender_name,
        "email_from": sender_email,
        "name_to": recipient_name,
        "email_to": recipient_email,
        "email_cc": "",
        "email_bcc": "",
        "subject": "",
        "sent": timestamp(sent_at),
        "host": "",
        "number": None,
        "step": None,
        "message": "",
    }


@dataclass(frozen=True, slots=True)
class EnrichmentOutcome:
    """One prospect of a finished enrichment batch, as the extension event shows it."""

    prospect_id: int
    email: str
    status: str
    fields_filled: Sequence[str]
    credits_charged: float


def enrichment_batch_keys(
    uuid: str,
    prospects_count: int,
    total_prospects_count: int,
    created_at: datetime,
    outcomes: Sequence[EnrichmentOutcome],
) -> dict[str, Any]:
    """The keys of leadpecker's extension event ``leadpecker.enrichment_batch_finished``
    (docs/webhooks.md): no Woodpecker page describes it, so its names say what they hold. The
    batch as the v2 enrichment endpoints name it (``uuid``, ``prospects_count`` queued,
    ``total_prospects_count`` sent, ``created``) and one outcome per queued prospect: its
    ``prospect_id`` and ``email``, its final ``status`` (PROCESSED_ENRICHED or
    PROCESSED_NOT_ENRICHED, as the status endpoints answer), the prospect fields the
    enrichment filled, and the credits it was charged (1.5 for an enriched prospect, 0
    otherwise)."""
    return {
        "batch": {
            "uuid": uuid,
            "prospects_count": prospects_count,
            "total_prospects_count": total_prospects_count,
            "created": timestamp(created_at),
        },
        "prospect_enrichments": [
            {
                "prospect_id": outcome.prospect_id,
                "email": outcome.email,
                "status": outcome.status,
                "fields_filled": list(outcome.fields_filled),
                "credits_charged": outcome.credits_charged,
            }
            for outcome in outcomes
        ],
    }
