"""Stopping a prospect's follow-ups (``POST /rest/v1/stop_followups``).

The legacy verb behind npm ``woodpecker-api``'s ``prospects().blacklist(id | email)``, whose
README says it changes the prospect's status to BLACKLIST: the prospect is blacklisted in the
account's database and every campaign that still had follow-ups planned for it stops them
(docs/compatibility.md, "stop_followups and responses")."""

from __future__ import annotations

from dataclasses import dataclass

from leadpecker.followups.repository import FollowupsRepository
from leadpecker.kit.db import Database
from leadpecker.kit.errors import NotFound
from leadpecker.kit.types import utcnow
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.vocabulary.emails import normalise_email
from leadpecker.vocabulary.enums import ProspectStatus, WebhookEvent
from leadpecker.webhooks.outbox import WebhookOutbox

# The text DELETE /rest/v1/prospects gives an unknown id.
NOT_FOUND = "Prospect not found"


@dataclass(frozen=True, slots=True)
class Stopped:
    id: int
    email: str


async def stop_followups(db: Database, account_id: int, email: str) -> Stopped:
    """Blacklist the account's prospect with this email, globally and in every campaign that
    still had follow-ups planned for it. Asking again changes nothing and answers the same.
    An email the account does not have (another account's included) is NotFound, and so is
    text that is no email address: no prospect has it."""
    email = normalise_email(email)
    async with db.write() as conn:
        prospects = ProspectRepository(conn, account_id)
        found = await prospects.ids_by_email([email])
        if email not in found:
            raise NotFound(NOT_FOUND)
        prospect_id = found[email]
        [(_, status)] = (await prospects.emails_and_statuses([prospect_id])).values()
        await FollowupsRepository(conn, account_id).stop(prospect_id, utcnow())
        if status != ProspectStatus.BLACKLIST:
            # The global status became BLACKLIST: prospect_blacklisted, and prospect_saved too
            # (its page: "manually changing the global status" triggers it). Asking again, or
            # a prospect already BLACKLIST whose enrolments were still running, raises neither.
            outbox = WebhookOutbox(conn, account_id)
            await outbox.prospects(WebhookEvent.PROSPECT_BLACKLISTED, [prospect_id])
            await outbox.prospects(WebhookEvent.PROSPECT_SAVED, [prospect_id])
    return Stopped(prospect_id, email)
