"""The activity loader's file rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator

from leadpecker.kit.fields import NormalisedEmail, text_constraints
from leadpecker.kit.wire import FileRow

ActivityKind = Literal["SENT", "OPENED", "CLICKED", "REPLIED", "BOUNCED"]


def _as_utc(value: datetime) -> datetime:
    """A time without an offset is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class ActivityFileRow(FileRow):
    email: NormalisedEmail
    campaign: Annotated[str, text_constraints(500, strip_whitespace=True)] | None = None
    kind: Annotated[ActivityKind, BeforeValidator(_upper)]
    occurred_at: Annotated[datetime, AfterValidator(_as_utc)]
    url: Annotated[str, text_constraints(5_000)] | None = None
