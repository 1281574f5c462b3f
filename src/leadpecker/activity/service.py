"""Loading email activity (sent, opened, clicked, replied, bounced) and its roll-ups, and
reading a prospect's replies back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.activity.repository import REPLY_COLUMNS, ActivityRepository, Reply
from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.campaigns.repository import CampaignRepository
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit.db import Database
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.emails import is_valid_email
from leadpecker.vocabulary.enums import ActivityKind

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
    await repo.insert_events(events)  # in EVENT_COLUMNS order
    await repo.recompute_rollups(list({prospect_id for prospect_id, *_ in events}))
    return Tally(inserted=len(events), rejected=rejected)


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
