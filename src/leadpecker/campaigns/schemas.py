"""Shapes of campaign loading: the v1 add_prospects_campaign body and the loader files."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from leadpecker.kit.fields import Email, Int64, NormalisedEmail, text_constraints
from leadpecker.prospects.schemas import LegacyFlag, ProspectIn, numbers_accepted_as_text

CampaignStatus = Literal["RUNNING", "DRAFT", "STOPPED", "PAUSED", "EDITED", "COMPLETED"]
CampaignProspectStatus = Literal[
    "ACTIVE", "BOUNCED", "TO-CHECK", "TO-REVIEW", "REPLIED", "AUTOREPLIED", "BLACKLIST", "PAUSED", "INVALID"
]


def _underscored(value: Any) -> Any:
    """Interest levels are written MAYBE-LATER in filters and MAYBE_LATER in responses: take both."""
    return value.strip().upper().replace("-", "_") if isinstance(value, str) else value


InterestLevel = Annotated[
    Literal["INTERESTED", "MAYBE_LATER", "NOT_INTERESTED", "NOT_MARKED"], BeforeValidator(_underscored)
]
Name = Annotated[str, text_constraints(500, strip_whitespace=True, min_length=1)]


class CampaignRefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: Int64


def _id_or_email_required(schema: dict[str, Any]) -> None:
    numbers_accepted_as_text(schema)
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in ("id", "email")
    ]


class CampaignProspectIn(ProspectIn):
    """A prospect to enrol: an existing one by ``id``, or by ``email`` (created if new)."""

    model_config = ConfigDict(json_schema_extra=_id_or_email_required)

    id: Int64 | None = None
    email: Email | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _id_or_email(self) -> CampaignProspectIn:
        if self.id is None and self.email is None:
            raise ValueError("each prospect needs an id or an email")
        return self


class AddProspectsCampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign: CampaignRefIn
    force: LegacyFlag = Field(default=False, description="Also enrol prospects whose status is not ACTIVE")
    update: LegacyFlag = Field(default=False, description="Update existing prospects with the fields sent")
    prospects: list[CampaignProspectIn] = Field(min_length=1)


class CampaignFileRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    status: CampaignStatus | None = None  # not given: DRAFT for a new campaign, kept for a known one


class EnrolmentFileRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign: Name
    email: NormalisedEmail
    # Not given: ACTIVE / NOT_MARKED for a new enrolment, kept for a known one.
    status: CampaignProspectStatus | None = None
    interested: InterestLevel | None = None
