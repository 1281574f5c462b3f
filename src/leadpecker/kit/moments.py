"""Timestamps as v1 clients write them: the search's ``diff`` and the ``send_after`` of
add_prospects_campaign read them the same way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

# ISO 8601-like: a date, optionally a time (T or space), optional fraction, optional offset.
# A "+" in the offset often arrives decoded as a space ("…00:00:00 0200"): accepted too.
_MOMENT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|[+\- ]\d{2}(?::?\d{2})?)?$"
)


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601-like timestamp as an aware UTC datetime; no offset means UTC."""
    found = _MOMENT.match(text.strip())
    if not found:
        return None
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    try:
        zone = UTC if offset in (None, "Z", "z") else _zone(offset)
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(offset: str) -> timezone:
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(offset)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
