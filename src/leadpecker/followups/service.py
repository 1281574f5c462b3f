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
        found = await ProspectRepository(conn, account_id).ids_by_email([email])
        if email not in found:
            raise NotFound(NOT_FOUND)
        await FollowupsRepository(conn, account_id).stop(found[email], utcnow())
    return Stopped(found[email], email)
