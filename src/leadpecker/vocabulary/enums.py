"""Every closed set of wire strings, as ``StrEnum`` types.

A member *is* its wire string (``ProspectStatus.ACTIVE == "ACTIVE"``, and it formats, hashes
and encodes as that string), so code compares, stores and sends members where it used to spell
the strings — except in rows written by the thousand, which carry ``member.value``: SQLite's
driver adapts a ``str`` subclass before binding it, ~0.4 µs a value (measured: 200,000 rows of
two columns in 0.22 s against 0.14 s with plain strings).

The declaration order is the order the OpenAPI document and the 400 messages list the values
in ("Input should be 'ACTIVE', 'BOUNCED', …"): keep it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal


class ProspectStatus(StrEnum):
    """A prospect's global status (v1 ``status``)."""

    ACTIVE = "ACTIVE"
    BOUNCED = "BOUNCED"
    REPLIED = "REPLIED"
    BLACKLIST = "BLACKLIST"
    INVALID = "INVALID"


class CampaignStatus(StrEnum):
    """A campaign's status (campaign_list, campaigns_details)."""

    RUNNING = "RUNNING"
    DRAFT = "DRAFT"
    STOPPED = "STOPPED"
    PAUSED = "PAUSED"
    EDITED = "EDITED"
    COMPLETED = "COMPLETED"


class EnrolmentStatus(StrEnum):
    """A prospect's status in one campaign (``campaign_prospect_status``; the status filter of
    the campaign view)."""

    ACTIVE = "ACTIVE"
    BOUNCED = "BOUNCED"
    TO_CHECK = "TO-CHECK"
    TO_REVIEW = "TO-REVIEW"
    REPLIED = "REPLIED"
    AUTOREPLIED = "AUTOREPLIED"
    BLACKLIST = "BLACKLIST"
    PAUSED = "PAUSED"
    INVALID = "INVALID"


class InterestLevel(StrEnum):
    """A prospect's interest level in one campaign, as stored and answered. Filters and bodies
    may also write it with hyphens (MAYBE-LATER): :func:`interest_level` reads both."""

    INTERESTED = "INTERESTED"
    MAYBE_LATER = "MAYBE_LATER"
    NOT_INTERESTED = "NOT_INTERESTED"
    NOT_MARKED = "NOT_MARKED"


class ActivityKind(StrEnum):
    """What one event of a prospect's mail history is."""

    SENT = "SENT"
    OPENED = "OPENED"
    CLICKED = "CLICKED"
    REPLIED = "REPLIED"
    BOUNCED = "BOUNCED"


class EnrichmentStatus(StrEnum):
    """An enrichment item's status, as the v2 status endpoints answer it."""

    PENDING = "PENDING"
    PROCESSED_ENRICHED = "PROCESSED_ENRICHED"
    PROCESSED_NOT_ENRICHED = "PROCESSED_NOT_ENRICHED"


class QueueStatus(StrEnum):
    """The answer to a request queuing enrichments: how much of it was queued."""

    ENQUEUED = "ENQUEUED"
    PARTIALLY_ENQUEUED = "PARTIALLY_ENQUEUED"
    NOT_ENQUEUED = "NOT_ENQUEUED"
    CREDITS_EXHAUSTED = "CREDITS_EXHAUSTED"


class LedgerKind(StrEnum):
    """A movement of an account's credits (see ``models.CreditLedgerEntry``)."""

    GRANT = "GRANT"
    RESERVE = "RESERVE"
    CHARGE = "CHARGE"
    RELEASE = "RELEASE"


class UserRole(StrEnum):
    """A user's role in an account (``GET /rest/v2/users``)."""

    ADMIN = "admin"
    USER = "user"


class OutcomeStatus(StrEnum):
    """The per-prospect answer of the v1 endpoints that add, enrol, delete or stop prospects."""

    OK = "OK"
    UPDATED = "UPDATED"
    DUPLICATE = "DUPLICATE"
    ERROR = "ERROR"


class WebhookEvent(StrEnum):
    """What a webhook subscription subscribes to: the events developers.woodpecker.co
    ("Webhooks", one page per event) documents, in its order, then leadpecker's own."""

    CAMPAIGN_COMPLETED = "campaign_completed"
    CAMPAIGN_SENT = "campaign_sent"
    FOLLOWUP_AFTER_AUTOREPLY = "followup_after_autoreply"
    LINKEDIN_CONNECTION_REQUEST_ACCEPTED = "linkedin_automation_connection_request_accepted"
    PROSPECT_AUTOREPLIED = "prospect_autoreplied"
    PROSPECT_BLACKLISTED = "prospect_blacklisted"
    PROSPECT_BOUNCED = "prospect_bounced"
    LINK_CLICKED = "link_clicked"
    PROSPECT_INTERESTED = "prospect_interested"
    PROSPECT_INVALID = "prospect_invalid"
    PROSPECT_MAYBE_LATER = "prospect_maybe_later"
    PROSPECT_NON_RESPONSIVE = "prospect_non_responsive"
    PROSPECT_NOT_INTERESTED = "prospect_not_interested"
    EMAIL_OPENED = "email_opened"
    PROSPECT_OPT_OUT = "prospect_opt_out"
    PROSPECT_REPLIED = "prospect_replied"
    PROSPECT_SAVED = "prospect_saved"
    SECONDARY_REPLIED = "secondary_replied"
    TASK_CREATED = "task_created"
    TASK_DONE = "task_done"
    TASK_IGNORED = "task_ignored"
    # leadpecker's extension (docs/webhooks.md): a dot, which no Woodpecker event name has, so
    # it can never clash with one the reference adds.
    ENRICHMENT_BATCH_FINISHED = "leadpecker.enrichment_batch_finished"


class DeliveryState(StrEnum):
    """Where one event stands for one subscription (table webhook_events)."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    # Never to be sent: its subscription ended (the receiver answered 410/310, or failed too
    # often) or was removed while it waited.
    DROPPED = "DROPPED"


class AttemptOutcome(StrEnum):
    """What one POST of a batch came to (table webhook_attempts)."""

    DELIVERED = "DELIVERED"
    RETRY = "RETRY"
    ENDED = "ENDED"


def interest_level(text: str) -> str:
    """An interest level as filters and bodies may write it (MAYBE-LATER, maybe_later…) in
    its stored spelling (MAYBE_LATER); whether that is a level is the caller's check."""
    return text.strip().upper().replace("-", "_")


def wire_literal(*values: str) -> Any:
    """``typing.Literal`` of these wire strings, for request and response models: pydantic
    then lists them inline in the OpenAPI document and refuses another value with its
    "Input should be 'A', 'B' or 'C'" — which a field typed by the enum itself would change
    (a ``$ref`` to a schema of its own, an error of another type)."""
    return Literal[tuple(str(value) for value in values)]  # type: ignore[valid-type]
