"""Any event fired on demand (``leadpecker webhooks fire``), so that an integrator can test every
trigger a receiver handles (docs/webhooks.md, "Testing a receiver").

The payload is built from the stored data: the prospect (by email) and, with a campaign, the
campaign and the prospect's enrolment there; a reply event shows the prospect's latest stored
reply, a click its latest click, campaign_sent its latest campaign email, the extension its
latest enrichment. What leadpecker does not store (a reply never loaded, a task, the text of a
sent email) is made up, plausibly and in the documented shape. The prospect shows the status
and interest level the event announces (prospect_bounced: BOUNCED; prospect_interested:
INTERESTED), as the reference's would once the change happened. The event is written to the
outbox, one row per subscribed URL, in one transaction, and the dispatcher delivers it as any
other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError
from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.emails import normalise_email
from leadpecker.vocabulary.enums import ActivityKind, InterestLevel, ProspectStatus, WebhookEvent
from leadpecker.webhooks.fire_repository import FireRepository
from leadpecker.webhooks.outbox import WebhookOutbox
from leadpecker.webhooks.payloads import (
    SHAPES,
    CampaignContext,
    EnrichmentOutcome,
    Shape,
    campaign_keys,
    click_keys,
    email_object,
    enrichment_batch_keys,
    open_keys,
    prospect_object,
    sent_email_object,
    task_keys,
)

# The status each status event announces (the autoreplied page shows AUTOREPLIED, a status a
# campaign has; the others are global statuses).
ANNOUNCED_STATUS = {
    WebhookEvent.PROSPECT_BOUNCED: ProspectStatus.BOUNCED.value,
    WebhookEvent.PROSPECT_INVALID: ProspectStatus.INVALID.value,
    WebhookEvent.PROSPECT_BLACKLISTED: ProspectStatus.BLACKLIST.value,
    WebhookEvent.PROSPECT_REPLIED: ProspectStatus.REPLIED.value,
    WebhookEvent.SECONDARY_REPLIED: ProspectStatus.REPLIED.value,
    WebhookEvent.PROSPECT_AUTOREPLIED: "AUTOREPLIED",
}
ANNOUNCED_INTEREST = {
    WebhookEvent.PROSPECT_INTERESTED: InterestLevel.INTERESTED.value,
    WebhookEvent.PROSPECT_MAYBE_LATER: InterestLevel.MAYBE_LATER.value,
    WebhookEvent.PROSPECT_NOT_INTERESTED: InterestLevel.NOT_INTERESTED.value,
}
# Events that need a campaign: what they report has no meaning outside one.
NEEDS_CAMPAIGN = {WebhookEvent.CAMPAIGN_COMPLETED, WebhookEvent.CAMPAIGN_SENT}


@dataclass(frozen=True, slots=True)
class Fired:
    event: WebhookEvent
    rows: int  # outbox rows written: one per subscribed URL


async def fire(
    db: Database, account_id: int, event: WebhookEvent, prospect_email: str | None, campaign_id: int | None
) -> Fired:
    """Build ``event`` from the account's data and write it to the outbox. Refused, saying why
    (UsageError), when nothing would be delivered or the data named is not there."""
    if event in NEEDS_CAMPAIGN and campaign_id is None:
        raise UsageError(f"{event.value} happens in a campaign: give --campaign ID")
    if SHAPES[event] is not Shape.CAMPAIGN and not prospect_email:
        raise UsageError(f"{event.value} is about a prospect: give --prospect EMAIL")
    async with db.write() as conn:
        outbox = WebhookOutbox(conn, account_id)
        if not await outbox.subscribed(event):
            raise UsageError(
                f"the account has no subscription to {event.value}: nothing would be delivered "
                "(subscribe with POST /rest/v1/webhooks/subscribe)"
            )
        keys, prospect_id = await _keys(FireRepository(conn, account_id), event, prospect_email, campaign_id)
        rows = await outbox.objects(event, [(prospect_id, keys)])
    return Fired(event, rows)


async def _keys(
    reader: FireRepository, event: WebhookEvent, prospect_email: str | None, campaign_id: int | None
) -> tuple[dict[str, Any], int | None]:
    shape = SHAPES[event]
    campaign = None
    if campaign_id is not None:
        campaign = await reader.campaign(campaign_id)
        if campaign is None:
            raise UsageError(f"the account has no campaign {campaign_id}")
    if shape is Shape.CAMPAIGN:
        assert campaign is not None  # NEEDS_CAMPAIGN
        return campaign_keys(campaign.id, campaign.name), None

    email = normalise_email(prospect_email or "")
    row = await reader.prospect(email)
    if row is None:
        raise UsageError(f"the account has no prospect {email}")
    prospect_id = row["id"]
    context = None
    sent = 0
    if campaign is not None:
        enrolment = await reader.enrolment(campaign.id, prospect_id)
        if enrolment is None:
            raise UsageError(f"prospect {email} is not in campaign {campaign.id}")
        sent = await reader.count_activity(prospect_id, ActivityKind.SENT, campaign.id)
        level = ANNOUNCED_INTEREST.get(event, enrolment.interested)
        context = CampaignContext(
            id=campaign.id,
            name=campaign.name,
            email=campaign.from_email,
            emails_sent=sent or None,
            step=sent or None,
            interested="" if level == InterestLevel.NOT_MARKED else level,
            status=ANNOUNCED_STATUS.get(event),
        )
    elif event in ANNOUNCED_STATUS:
        row = {**row, "status": ANNOUNCED_STATUS[event]}
    keys: dict[str, Any] = {"prospect": prospect_object(row, row["in_campaign"], context)}
    keys.update(await _event_keys(reader, event, shape, row, campaign, sent))
    return keys, prospect_id


async def _event_keys(
    reader: FireRepository, event: WebhookEvent, shape: Shape, row: dict[str, Any], campaign: Any, sent: int
) -> dict[str, Any]:
    """The keys after ``prospect``, for the event's family."""
    now = utcnow()
    campaign_id = campaign.id if campaign is not None else None
    name = f"{row['first_name']} {row['last_name']}".strip() or row["email"]
    if shape is Shape.CLICK:
        click = await reader.latest_activity(row["id"], ActivityKind.CLICKED, campaign_id)
        url = click.url if click is not None and click.url else "https://example.com/"
        return click_keys(url, sent or 1, sent or 1)
    if shape is Shape.OPEN:
        return open_keys(sent or 1, sent or 1)
    if shape is Shape.REPLY:
        reply = await reader.latest_activity(row["id"], ActivityKind.REPLIED, campaign_id)
        sender = row["email"]
        if event is WebhookEvent.SECONDARY_REPLIED:
            secondary = reply.secondary_prospect_email if reply is not None else None
            sender = secondary or f"colleague@{row['email'].rsplit('@', 1)[-1]}"
        if reply is None:
            subject = f"Re: {campaign.name}" if campaign is not None else "Re: our conversation"
            return {"email": email_object(0, subject, sender, name, now, "Thanks, let's talk next week.")}
        return {
            "email": email_object(reply.id, reply.subject, sender, name, reply.occurred_at, reply.message)
        }
    if shape is Shape.SENT:
        email = await reader.latest_activity(row["id"], ActivityKind.SENT, campaign_id)
        return {
            "email": sent_email_object(
                email.id if email is not None else 0,
                campaign.id,
                name_from=campaign.from_name,
                email_from=campaign.from_email,
                name_to=name,
                email_to=row["email"],
                subject=campaign.name,
                sent=email.occurred_at if email is not None else now,
                number=max(sent, 1),
                step=max(sent, 1),
                message=f"<div>Hello {row['first_name'] or name},</div>",
            )
        }
    if shape is Shape.TASK:
        context = CampaignContext(id=campaign.id, name=campaign.name, email="") if campaign else None
        return task_keys(
            0, kind="GENERIC", name=f"Follow up with {name}", message="", due_date=now, campaign=context
        )
    if shape is Shape.ENRICHMENT:
        item = await reader.latest_enrichment(row["id"])
        if item is None:
            outcome = EnrichmentOutcome(row["id"], row["email"], "PROCESSED_NOT_ENRICHED", [], "0")
            return enrichment_batch_keys("00000000-0000-0000-0000-000000000000", [outcome])
        fields = await reader.enriched_fields(item.id)
        charged = _credits(item.reserved_millis) if fields else "0"
        return enrichment_batch_keys(
            item.uuid, [EnrichmentOutcome(row["id"], row["email"], item.status, fields, charged)]
        )
    return {}


def _credits(millis: int) -> str:
    """Thousandths of a credit as the exact decimal text ("1", "1.5")."""
    whole, rest = divmod(millis, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") if rest else str(whole)
