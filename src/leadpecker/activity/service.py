"""Loading email activity (sent, opened, clicked, replied, bounced) and its roll-ups."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.activity.repository import ActivityRepository
from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.campaigns.repository import CampaignRepository
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.prospects.repository import ProspectRepository


async def import_activity(
    conn: AsyncConnection, account_id: int, rows: list[tuple[int, ActivityFileRow]]
) -> Tally:
    """Record events for prospects (by email) and campaigns (by name), then recompute the
    touched prospects' roll-ups. A row naming an unknown prospect or campaign is rejected."""
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
        elif row.kind == "CLICKED" and not row.url:
            rejected.append(Rejection(line, "url", "a CLICKED event needs the clicked URL"))
        else:
            events.append(
                (
                    prospect_ids[row.email],
                    campaigns[row.campaign].id if row.campaign else None,
                    row.kind,
                    row.occurred_at,
                    row.url if row.kind == "CLICKED" else None,
                )
            )
    repo = ActivityRepository(conn, account_id)
    await repo.insert_events(events)  # in EVENT_COLUMNS order
    await repo.recompute_rollups(list({prospect_id for prospect_id, *_ in events}))
    return Tally(inserted=len(events), rejected=rejected)
