"""The v1 prospect JSON — the one place its shape is defined.

``LAYOUT`` is the reference sample's key order with every wire quirk: the legacy
``snipet1..4`` mirrors, ``"last replied"`` with a space, ``encrypted``, ``snippet_labels``,
timestamps as ``2025-03-20T14:32:34+0000`` (UTC) and ``null`` for an absent date. It is built
from the prospect field catalogue (``vocabulary.prospect_fields``): its document keys, order
and kinds.

Each prospect's document is kept ready in ``prospect_documents``, written by database
triggers whose SQL the dialect components render *from this layout* (see migration 0002):
changing what it holds therefore needs a migration that installs the triggers again (migration
0002 keeps a frozen copy of the layout it installed). A page of 1,000 prospects is one read of
ready JSON instead of 40,000 values decoded and re-encoded in Python (measured: ~1 ms against
~8–16 ms per page; the difference between ≥500 and ~100 pages/s on two cores). What depends
on the request — ``campaigns_details``, the activity fields, the campaign view's keys — is added
here, encoded with orjson.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from leadpecker.vocabulary.prospect_fields import PROSPECT_FIELDS, SNIPPET_FIELDS, FieldKind


def _layout() -> Iterator[tuple[str, str, FieldKind]]:
    """The fields the document shows, in the catalogue's order, with the legacy mirrors
    (snipet1..4) just before the snippets, as in the reference sample."""
    for field in PROSPECT_FIELDS:
        if field.document_key is None:
            continue
        if field.name == SNIPPET_FIELDS[0]:
            for mirrored in PROSPECT_FIELDS:
                for legacy in mirrored.legacy_names:
                    yield legacy, mirrored.name, mirrored.kind
        yield field.document_key, field.name, field.kind


# (wire key, prospects column, kind), in the reference sample's order.
LAYOUT: tuple[tuple[str, str, FieldKind], ...] = tuple(_layout())
# The prospects columns a document is built from: an update of any of them rebuilds it.
DOCUMENT_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(column for _, column, _ in LAYOUT))
# The document always ends with the global status (an enum: no quote or comma inside), so
# the campaign view can replace it and extras can go after it.
_STATUS_TAIL = ',"status":'
assert LAYOUT[-1][0] == "status"

NO_MATCH = orjson.dumps({"message": "There are no prospects matching the given criteria."})
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"


def timestamp(moment: datetime | None) -> str | None:
    """A time as the v1 API writes it (UTC, ``+0000``); absent → None (JSON null)."""
    return None if moment is None else moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def interest(level: str) -> str:
    """Responses write interest levels with underscores (MAYBE_LATER), as the reference."""
    return level.replace("-", "_")


@dataclass(frozen=True, slots=True)
class CampaignEntry:
    """A prospect's enrolment in one campaign, as campaigns_details and the campaign view
    show it."""

    campaign_id: int
    campaign_name: str
    campaign_status: str
    prospect_status: str
    interested: str

    def details(self, activity: dict[str, Any] | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "campaign_status": self.campaign_status,
            "campaign_prospect_status": self.prospect_status,
            "interested": interest(self.interested),
        }
        if activity is not None:
            entry.update(activity)
        return entry


def activity_fields(
    *,
    opens: bool,
    sent_mails: int,
    last_opened: datetime | None = None,
    last_clicked: datetime | None = None,
    click_url: str | None = None,
) -> dict[str, Any]:
    """The extra fields of every campaigns_details entry when ``activity`` is used."""
    if opens:
        return {"sent_mails": sent_mails, "last_open": timestamp(last_opened)}
    return {"sent_mails": sent_mails, "last_clicked": timestamp(last_clicked), "click_url": click_url}


def array(documents: Iterable[str]) -> bytes:
    return ("[" + ",".join(documents) + "]").encode()


def extended(
    document: str,
    *,
    enrolment: CampaignEntry | None = None,
    details: Sequence[dict[str, Any]] | None = None,
) -> str:
    """A stored document with what the request adds.

    In the campaign view (``enrolment``) ``status`` is the prospect's status *in that
    campaign* and the campaign's id, name and status and the interest level follow it;
    ``campaigns_details`` (when asked) comes last, as in the reference sample.
    """
    head = document[:-1]  # without the closing brace
    extra: dict[str, Any] = {}
    if enrolment is not None:
        head = head[: head.rindex(_STATUS_TAIL)]
        extra = {
            "status": enrolment.prospect_status,
            "campaign_id": enrolment.campaign_id,
            "campaign_name": enrolment.campaign_name,
            "campaign_status": enrolment.campaign_status,
            "interested": interest(enrolment.interested),
        }
    if details is not None:
        extra["campaigns_details"] = details
    if not extra:
        return document
    # orjson writes {"a":…,"b":…}: its inside joins the document's own keys.
    return head + "," + orjson.dumps(extra).decode()[1:]
