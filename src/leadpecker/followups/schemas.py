"""Request and response shapes of ``POST /rest/v1/stop_followups`` (v1 wire names)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from leadpecker.kit.fields import Email
from leadpecker.vocabulary.enums import OutcomeStatus, wire_literal


class ProspectByEmail(BaseModel):
    # Fields the body does not define are ignored, as the reference does (not refused).
    model_config = ConfigDict(extra="ignore")

    email: Email


class StopFollowupsIn(BaseModel):
    """The body npm ``woodpecker-api`` sends (woodpecker.js, ``prospects().blacklist``)."""

    model_config = ConfigDict(extra="ignore")

    prospect: ProspectByEmail


StoppedStatusOut = wire_literal(OutcomeStatus.OK)


class StoppedProspect(BaseModel):
    email: str
    id: int
    status: StoppedStatusOut


class StopFollowupsOut(BaseModel):
    prospect: StoppedProspect
