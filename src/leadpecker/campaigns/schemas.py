"""Shapes of campaigns on the wire and in files: the v1 add_prospects_campaign body, the
campaign_list answer (for the OpenAPI document) and the loader files."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from leadpecker.kit.fields import Email, Int64, NormalisedEmail, text_constraints
from leadpecker.kit.moments import parse_moment
from leadpecker.kit.types import recorded_moment
from leadpecker.kit.wire import FileRow, WireBody
from leadpecker.models import DEFAULT_PER_DAY
from leadpecker.prospects.schemas import FileName, LegacyFlag, ProspectIn, numbers_accepted_as_text
from leadpecker.vocabulary.emails import is_valid_email
from leadpecker.vocabulary.enums import (
    CampaignStatus,
    EnrolmentStatus,
    InterestLevel,
    interest_level,
    wire_literal,
)

CampaignStatusIn = wire_literal(*CampaignStatus)
EnrolmentStatusFile = wire_literal(*EnrolmentStatus)


def _underscored(value: Any) -> Any:
    """Interest levels are written MAYBE-LATER in filters and MAYBE_LATER in responses: take both."""
    return interest_level(value) if isinstance(value, str) else value


InterestLevelFile = Annotated[wire_literal(*InterestLevel), BeforeValidator(_underscored)]
Name = Annotated[str, text_constraints(500, strip_whitespace=True, min_length=1)]

# What a client may set as a prospect's status in a campaign (the statuses a person sets in the
# app; the others — REPLIED, BOUNCED… — come from what happens to the emails). The values the
# Activepieces piece offers for "Prospect status in the campaign"; PAUSED is how Pipedream's
# "Stop Follow-Ups" stops a prospect in one campaign.
EnrolmentStatusIn = wire_literal(
    EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED, EnrolmentStatus.TO_REVIEW, EnrolmentStatus.TO_CHECK
)

# The interest level as the body may write it: the response's spelling (MAYBE_LATER) or the
# filters' (MAYBE-LATER, which the npm client woodpecker-api uses); stored with underscores.
_INTEREST_SPELLINGS = dict.fromkeys(
    spelling for level in InterestLevel for spelling in (level.value, level.replace("_", "-"))
)
InterestLevelIn = Annotated[wire_literal(*_INTEREST_SPELLINGS), AfterValidator(interest_level)]

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


def _valid_sender(email: str) -> str:
    if not is_valid_email(email):
        raise ValueError("not a valid email address")
    return email


class CampaignFileRow(FileRow):
    """A campaign to create or update. Besides name and status, what GET campaign_list shows
    of a real campaign: an update sets only the columns the row gives (an empty cell is not
    given), a new campaign takes the defaults for the others."""

    name: Name
    status: CampaignStatusIn | None = None  # not given: DRAFT for a new campaign, kept for a known one
    created: Annotated[datetime, AfterValidator(recorded_moment)] | None = None  # default: now
    from_name: Annotated[str, text_constraints(500, strip_whitespace=True)] = ""
    from_email: Annotated[NormalisedEmail, AfterValidator(_valid_sender)] | None = None
    per_day: Annotated[Int64, Field(ge=1, le=2**31 - 1)] = DEFAULT_PER_DAY
    gdpr_unsubscribe: bool = False


class EnrolmentFileRow(FileRow):
    campaign: Name
    email: NormalisedEmail
    # Not given: ACTIVE / NOT_MARKED for a new enrolment, kept for a known one.
    status: EnrolmentStatusFile | None = None
    interested: InterestLevelFile | None = None


# --- GET /rest/v1/campaign_list (the OpenAPI document's view of it; endpoints.py writes it) ---

NO_CAMPAIGNS = "There are no campaigns."


class CampaignStatsOut(BaseModel):
    """What a single-id request adds (docs page "GET campaign stats v1"). Counts of the
    campaign's prospects: by their status and interest level in the campaign, and by the mail
    activity recorded for the campaign (each prospect once)."""

    prospects: int = Field(description="Prospects enrolled in the campaign")
    sent: int = Field(description="Emails sent (SENT events)")
    delivery: int = Field(description="Prospects sent at least one email that did not bounce")
    opened: int = Field(description="Prospects who opened an email")
    clicked: int = Field(description="Prospects who clicked a link")
    replied: int = Field(description="Prospects who replied (a REPLIED event or the status REPLIED)")
    autoreplied: int = Field(description="Prospects with the status AUTOREPLIED")
    bounced: int = Field(description="Prospects who bounced (a BOUNCED event or the status BOUNCED)")
    invalid: int = Field(description="Prospects with the status INVALID")
    optout: int = Field(description="Prospects with the status BLACKLIST (opted out)")
    check: int = Field(description="Prospects with the status TO-CHECK")
    queue: int = Field(description="ACTIVE prospects not sent any email yet")
    interested: int
    maybe_later: int
    not_interested: int
    emails: list[dict[str, Any]] = Field(
        description="Statistics per step; leadpecker does not keep campaign steps: always empty"
    )


class CampaignOut(BaseModel):
    """One campaign, in the order of the docs page "GET campaign list v1"."""

    id: int
    name: str
    status: str = Field(examples=["RUNNING"])
    created: str = Field(examples=["2025-02-10T12:14:57+0000"], description="In UTC")
    from_name: str = Field(description="'' when not known")
    from_names: list[str] = Field(description="The sender's name (a campaign has one sender here)")
    gdpr_unsubscribe: bool
    folder_name: str = Field(description="Always UNASSIGNED: leadpecker has no folders")
    folder_id: int = Field(description="Always 0, the unassigned folder")
    from_email: str = Field(description="'' when not known")
    from_emails: list[str]
    per_day: int = Field(description="Opening emails sent per day")
    bcc: str = Field(description="Always ''")
    cc: str = Field(description="Always ''")
    stats: CampaignStatsOut | None = Field(None, description="Only when exactly one id is asked for")
    error: str = Field(description="Always ''")


class NoCampaigns(BaseModel):
    message: Literal["There are no campaigns."]
