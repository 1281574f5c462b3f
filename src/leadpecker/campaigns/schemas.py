"""Shapes of campaign loading: the v1 add_prospects_campaign body and the loader files."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from leadpecker.kit.fields import Email, Int64, NormalisedEmail, text_constraints
from leadpecker.kit.moments import parse_moment
from leadpecker.kit.wire import FileRow, WireBody
from leadpecker.prospects.schemas import FileName, LegacyFlag, ProspectIn, numbers_accepted_as_text

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

# What a client may set as a prospect's status in a campaign (the statuses a person sets in the
# app; the others — REPLIED, BOUNCED… — come from what happens to the emails). The values the
# Activepieces piece offers for "Prospect status in the campaign"; PAUSED is how Pipedream's
# "Stop Follow-Ups" stops a prospect in one campaign.
EnrolmentStatusIn = Literal["ACTIVE", "PAUSED", "TO-REVIEW", "TO-CHECK"]

# The interest level as the body may write it: the response's spelling (MAYBE_LATER) or the
# filters' (MAYBE-LATER, which the npm client woodpecker-api uses); stored with underscores.
InterestLevelIn = Annotated[
    Literal[
        "INTERESTED",
        "MAYBE_LATER",
        "MAYBE-LATER",
        "NOT_INTERESTED",
        "NOT-INTERESTED",
        "NOT_MARKED",
        "NOT-MARKED",
    ],
    AfterValidator(lambda level: level.replace("-", "_")),
]

SEND_AFTER_EXAMPLE = "2025-04-01T00:01:01-0000"


def _moment(value: Any) -> datetime:
    moment = parse_moment(value) if isinstance(value, str) else None
    if moment is None:
        raise ValueError(f"must be a date and time such as {SEND_AFTER_EXAMPLE}")
    return moment


SendAfter = Annotated[
    datetime,
    BeforeValidator(_moment),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "Earliest time the campaign may contact these prospects; accepted and "
            "checked, not stored (leadpecker sends no email)",
            "examples": [SEND_AFTER_EXAMPLE],
        }
    ),
]


class CampaignRefIn(WireBody):
    campaign_id: Int64
    send_after: SendAfter | None = None


def _id_or_email_required(schema: dict[str, Any]) -> None:
    numbers_accepted_as_text(schema)
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in ("id", "email")
    ]


class CampaignProspectIn(ProspectIn):
    """A prospect to enrol: an existing one by ``id``, or by ``email`` (created if new). Its
    ``status`` and ``interested`` are its state in this campaign (the docs page "Update
    prospects in a campaign"), not its global status."""

    model_config = ConfigDict(json_schema_extra=_id_or_email_required)

    id: Int64 | None = None
    email: Email | None = None  # type: ignore[assignment]
    status: EnrolmentStatusIn | None = Field(  # type: ignore[assignment]
        default=None, description="Status in this campaign; ACTIVE for a new enrolment when not sent"
    )
    interested: InterestLevelIn | None = Field(
        default=None,
        description="Interest level in this campaign; NOT_MARKED for a new enrolment if not sent",
    )

    @model_validator(mode="after")
    def _id_or_email(self) -> CampaignProspectIn:
        if self.id is None and self.email is None:
            raise ValueError("each prospect needs an id or an email")
        return self

    def sent_fields(self) -> dict[str, Any]:
        """The prospect's own fields sent (those of add_prospects_list): not the campaign state,
        nor the id and email that find it."""
        return {key: value for key, value in super().sent_fields().items() if key not in _ENROLMENT_KEYS}

    def enrolment_fields(self) -> dict[str, str]:
        """The state in the campaign that was sent: status and interest level."""
        return {key: getattr(self, key) for key in ("status", "interested") if getattr(self, key) is not None}


_ENROLMENT_KEYS = {"id", "email", "status", "interested"}


class AddProspectsCampaignIn(WireBody):
    campaign: CampaignRefIn
    force: LegacyFlag = Field(default=False, description="Also enrol prospects whose status is not ACTIVE")
    update: LegacyFlag = Field(
        default=False,
        description="Update existing prospects with the fields sent, and the status and interest level "
        "of those already in the campaign",
    )
    file_name: FileName = None
    prospects: list[CampaignProspectIn] = Field(min_length=1)


class CampaignFileRow(FileRow):
    name: Name
    status: CampaignStatus | None = None  # not given: DRAFT for a new campaign, kept for a known one


class EnrolmentFileRow(FileRow):
    campaign: Name
    email: NormalisedEmail
    # Not given: ACTIVE / NOT_MARKED for a new enrolment, kept for a known one.
    status: CampaignProspectStatus | None = None
    interested: InterestLevel | None = None
