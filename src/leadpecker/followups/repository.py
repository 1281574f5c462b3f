"""SQL for stopping a prospect's follow-ups: its global status and its enrolments."""

from __future__ import annotations

from datetime import datetime

from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import CampaignProspect, Prospect
from leadpecker.vocabulary.enums import EnrolmentStatus, ProspectStatus

# Enrolment statuses with follow-ups still to come. REPLIED, BOUNCED, INVALID and BLACKLIST
# end a sequence already, and stay as the record of how it ended.
FOLLOWUPS_PLANNED = (
    EnrolmentStatus.ACTIVE,
    EnrolmentStatus.PAUSED,
    EnrolmentStatus.TO_CHECK,
    EnrolmentStatus.TO_REVIEW,
    EnrolmentStatus.AUTOREPLIED,
)


class FollowupsRepository(AccountScopedRepository):
    async def stop(self, prospect_id: int, now: datetime) -> bool:
        """Set the prospect's global status and each of its planned enrolments to BLACKLIST;
        whether anything changed (the prospect's ``updated`` moves only then)."""
        enrolments = await self.conn.execute(
            self.update(CampaignProspect)
            .where(
                CampaignProspect.prospect_id == prospect_id,
                CampaignProspect.status.in_(FOLLOWUPS_PLANNED),
            )
            .values(status=EnrolmentStatus.BLACKLIST)
        )
        prospect = self.update(Prospect).where(Prospect.id == prospect_id)
        if not enrolments.rowcount:
            prospect = prospect.where(Prospect.status != ProspectStatus.BLACKLIST)
        changed = await self.conn.execute(prospect.values(status=ProspectStatus.BLACKLIST, updated=now))
        return bool(enrolments.rowcount or changed.rowcount)
