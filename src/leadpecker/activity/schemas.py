"""The activity loader's file rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

ActivityKind = Literal["SENT", "OPENED", "CLICKED", "REPLIED", "BOUNCED"]


def _as_utc(value: datetime) -> datetime:
    """A time without an offset is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class ActivityFileRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=320)]
    campaign: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    kind: Annotated[ActivityKind, BeforeValidator(_upper)]
    occurred_at: Annotated[datetime, AfterValidator(_as_utc)]
    url: Annotated[str, StringConstraints(max_length=5_000)] | None = None
