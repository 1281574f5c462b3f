"""The activity loader's file rows, and the shapes of a prospect's responses (v2 wire names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from leadpecker.kit.fields import Int64, NormalisedEmail, text_constraints
from leadpecker.kit.types import recorded_moment
from leadpecker.kit.wire import FileRow
from leadpecker.vocabulary.enums import ActivityKind, wire_literal

ActivityKindIn = wire_literal(*ActivityKind)

# A campaign has at most a few dozen steps; a number beyond 32-bit is a mistake in the file.
StepNumber = Annotated[Int64, Field(ge=1, le=2**31 - 1)]
# A reply's text may be a whole HTML mail: larger than any prospect field.
MESSAGE_MAX_CHARACTERS = 1_000_000


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class ActivityFileRow(FileRow):
    """One event. ``url`` belongs to CLICKED events; ``subject`` … ``secondary_prospect_email``
    to REPLIED ones (GET /rest/v2/prospects/{id}/responses shows them): on other kinds they are
    not kept."""

    email: NormalisedEmail
    campaign: Annotated[str, text_constraints(500, strip_whitespace=True)] | None = None
    kind: Annotated[ActivityKindIn, BeforeValidator(_upper)]
    occurred_at: Annotated[datetime, AfterValidator(recorded_moment)]
    url: Annotated[str, text_constraints(5_000)] | None = None
    subject: Annotated[str, text_constraints(10_000)] | None = None
    message: Annotated[str, text_constraints(MESSAGE_MAX_CHARACTERS)] | None = None
    step: StepNumber | None = None
    campaign_email_sent: StepNumber | None = None
    secondary_prospect_email: NormalisedEmail | None = None


class ProspectResponse(BaseModel):
    """One reply, as developers.woodpecker.co "Get prospect responses" shows it."""

    response_id: int
    campaign_id: int | None = Field(description="null for a reply recorded outside any campaign")
    step: int | None = Field(description="The campaign step the reply answered")
    campaign_email_sent: int | None = Field(description="How many campaign emails the reply came after")
    subject: str | None
    message: str | None = Field(description="The reply's content, HTML as received")
    delivered: str = Field(examples=["2024-11-09T14:29:06"], description="UTC, without an offset")
    secondary_prospect_email: str | None = Field(
        description="The address the reply came from when it is not the prospect's own"
    )


class ProspectResponsesOut(BaseModel):
    prospect_id: int
    email: str
    responses: list[ProspectResponse] = Field(
        description="Oldest first; empty when the prospect never replied"
    )
