"""Loading email activity (sent, opened, clicked, replied, bounced) and its roll-ups, and
reading a prospect's replies back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.activity.repository import REPLY_COLUMNS, ActivityRepository, Reply
from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.campaigns.repository import CampaignRepository
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit.db import Database
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.emails import is_valid_email
from leadpecker.vocabulary.enums import ActivityKind, WebhookEvent
from leadpecker.webhooks.outbox import ProspectEvent, WebhookOutbox
from leadpecker.webhooks.payloads import click_keys, email_object, open_keys, sent_email_object
from leadpecker.webhooks.repository import PayloadRepository

_NOT_A_REPLY = (None,) * len(REPLY_COLUMNS)


async def import_activity(
    conn: AsyncConnection, account_id: int, rows: list[tuple[int, ActivityFileRow]]
) -> Tally:
    """Record events for prospects (by email) and campaigns (by name), then recompute the
    touched prospects' roll-ups. A row naming an unknown prospect or campaign is rejected. A
    reply's subject, message, step, campaign_email_sent and secondary_prospect_email are kept
    on REPLIED events only, as the URL on CLICKED ones."""
    names = list({row.campaign for _, row in rows if row.campaign})
    campaigns = await CampaignRepository(conn, account_id).by_names(names)
    prospect_ids = await ProspectRepository(conn, account_id).ids_by_email(
        list({row.email for _, row in rows})
    )
    events, rejected = [], []
    for line, row in rows:
        if row.email not in prospect_ids:
            rejected.append(Rejection(line, "email", f"no prospect {row.email!r} in this account"))
        elif row.campaign and row.campaign not in campaigns:
            rejected.append(Rejection(line, "campaign", f"no campaign named {row.campaign!r}"))
        elif row.kind == ActivityKind.CLICKED and not row.url:
            rejected.append(Rejection(line, "url", "a CLICKED event needs the clicked URL"))
        elif row.secondary_prospect_email is not None and not is_valid_email(row.secondary_prospect_email):
            rejected.append(Rejection(line, "secondary_prospect_email", "not a valid email address"))
        else:
            url = row.url if row.kind == ActivityKind.CLICKED else None
            reply = _NOT_A_REPLY
            if row.kind == ActivityKind.REPLIED:
                reply = tuple(getattr(row, name) for name in REPLY_COLUMNS)
            campaign_id = campaigns[row.campaign].id if row.campaign else None
            events.append((prospect_ids[row.email], campaign_id, row.kind, row.occurred_at, url, *reply))
    repo = ActivityRepository(conn, account_id)
    outbox = WebhookOutbox(conn, account_id)
    subscribed = {event for event in {_event_of(row) for row in events} if await outbox.subscribed(event)}
    if subscribed:
        ids = await repo.insert_events_with_ids(events)  # in EVENT_COLUMNS order
    else:
        await repo.insert_events(events)  # the bulk path: nobody needs the events' ids
    await repo.recompute_rollups(list({prospect_id for prospect_id, *_ in events}))
    if subscribed:
        # After the roll-ups: the payloads show the prospects as the import leaves them.
        await _announce(conn, account_id, outbox, subscribed, list(zip(ids, events, strict=True)))
    return Tally(inserted=len(events), rejected=rejected)


# The webhook event each kind of imported activity raises; a REPLIED event from another
# address than the prospect's (secondary_prospect_email) raises secondary_replied instead.
_EVENTS = {
    ActivityKind.SENT: WebhookEvent.CAMPAIGN_SENT,
    ActivityKind.OPENED: WebhookEvent.EMAIL_OPENED,
    ActivityKind.CLICKED: WebhookEvent.LINK_CLICKED,
    ActivityKind.REPLIED: WebhookEvent.PROSPECT_REPLIED,
    ActivityKind.BOUNCED: WebhookEvent.PROSPECT_BOUNCED,
}


def _event_of(row: tuple[Any, ...]) -> WebhookEvent:
    """The webhook event of an activity row (EVENT_COLUMNS order)."""
    kind, secondary = row[2], row[-1]
    if kind == ActivityKind.REPLIED and secondary is not None:
        return WebhookEvent.SECONDARY_REPLIED
    return _EVENTS[kind]


async def _announce(
    conn: AsyncConnection,
    account_id: int,
    outbox: WebhookOutbox,
    subscribed: set[WebhookEvent],
    imported: list[tuple[int, tuple[Any, ...]]],
) -> None:
    """The events of the imported rows someone is subscribed to, in file order, each in the
    campaign of its row, shaped as docs/webhooks.md shows (a reply's and a sent email's
    ``email`` object, a click's ``click_url``). Which email of the campaign an event concerns is
    the number of SENT events of the campaign the prospect had got by then (the rule of
    GET /rest/v2/prospects/{id}/responses); a reply's own step numbers win where loaded."""
    activity = ActivityRepository(conn, account_id)
    numbers = await activity.sent_before([activity_id for activity_id, row in imported if row[1] is not None])
    people = await ProspectRepository(conn, account_id).current_fields(
        sorted({row[0] for _, row in imported}), ("email", "first_name", "last_name")
    )
    campaigns = await PayloadRepository(conn, account_id).campaigns(
        sorted({row[1] for _, row in imported if row[1] is not None})
    )
    by_event: dict[WebhookEvent, list[ProspectEvent]] = defaultdict(list)
    for activity_id, row in imported:
        event = _event_of(row)
        if event not in subscribed:
            continue
        prospect_id, campaign_id, kind, occurred_at, url, subject, message, step, sent, secondary = row
        if kind == ActivityKind.SENT and campaign_id is None:
            continue  # an email sent outside any campaign is no campaign email: nothing to tell
        person = people[prospect_id]
        name = f"{person['first_name']} {person['last_name']}".strip()
        number = numbers.get(activity_id) or None  # None outside a campaign, or before any email
        keys: dict[str, Any] = {}
        if kind == ActivityKind.REPLIED:
            # A secondary reply comes from another person, whose name leadpecker does not know.
            sender_email, sender_name = (secondary, "") if secondary else (person["email"], name)
            email = email_object(activity_id, subject, sender_email, sender_name, occurred_at, message)
            keys = {"email": email}
            step, sent = step or number, sent or number
        elif kind == ActivityKind.CLICKED:
            keys = click_keys(url, number, number)
        elif kind == ActivityKind.OPENED:
            keys = open_keys(number, number)
        elif kind == ActivityKind.SENT:
            campaign = campaigns[campaign_id]
            keys = {
                "email": sent_email_object(
                    activity_id,
                    campaign_id,
                    name_from=campaign.from_name,
                    email_from=campaign.from_email,
                    name_to=name,
                    email_to=person["email"],
                    # What leadpecker does not keep of a sent email: empty, as the pages say.
                    subject="",
                    sent=occurred_at,
                    number=number,  # type: ignore[arg-type]
                    step=number,  # type: ignore[arg-type]
                    message="",
                )
            }
        if kind != ActivityKind.REPLIED:
            step = sent = number
        by_event[event].append(
            ProspectEvent(prospect_id, campaign_id, step=step, emails_sent=sent, extra=keys)
        )
    for event, entries in by_event.items():
        await outbox.prospect_events(event, entries)


@dataclass(frozen=True, slots=True)
class ProspectReplies:
    prospect_id: int
    email: str
    replies: list[Reply]


async def prospect_replies(
    db: Database, account_id: int, prospect_id: int, campaign_ids: list[int] | None
) -> ProspectReplies | None:
    """A prospect's replies, oldest first (only those in ``campaign_ids`` when given); None
    when the account has no such prospect (another account's id answers the same)."""
    async with db.read() as conn:
        found = await ProspectRepository(conn, account_id).emails_and_statuses([prospect_id])
        if prospect_id not in found:
            return None
        replies = await ActivityRepository(conn, account_id).replies(prospect_id, campaign_ids)
    return ProspectReplies(prospect_id, found[prospect_id][0], replies)
