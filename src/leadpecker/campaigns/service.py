"""Campaigns and enrolments: loading them, listing campaigns with their statistics, and adding
prospects to a campaign."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.campaigns.repository import (
    SETTINGS,
    CampaignListRow,
    CampaignRepository,
    CampaignRow,
    CampaignStats,
)
from leadpecker.campaigns.schemas import (
    AddProspectsCampaignIn,
    CampaignFileRow,
    CampaignProspectIn,
    EnrolmentFileRow,
)
from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit.db import Database
from leadpecker.kit.errors import NotFound
from leadpecker.kit.types import utcnow
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.prospects.service import Outcome, add_prospects, update_prospects
from leadpecker.vocabulary.enums import (
    CampaignStatus,
    EnrolmentStatus,
    InterestLevel,
    OutcomeStatus,
    ProspectStatus,
    WebhookEvent,
)
from leadpecker.webhooks.outbox import ProspectEvent, WebhookOutbox

# (status, interest level) of an enrolment that neither the request nor the file sets.
_NEW_ENROLMENT = (EnrolmentStatus.ACTIVE.value, InterestLevel.NOT_MARKED.value)  # bulk rows: plain str


async def import_campaigns(
    conn: AsyncConnection, account_id: int, rows: list[tuple[int, CampaignFileRow]]
) -> tuple[Tally, list[CampaignRow]]:
    """Create the campaigns named in ``rows`` (DRAFT unless a status is given); a name the
    account has already (or that came earlier in the file) gets the status and the other
    columns the row gives, and keeps the others. The tally, and the campaigns as they now are."""
    repo = CampaignRepository(conn, account_id)
    existing = await repo.by_names([row.name for _, row in rows])
    now = utcnow()
    tally = Tally()
    result: dict[str, CampaignRow] = {}
    for _, row in rows:
        known = result.get(row.name) or existing.get(row.name)
        if known is None:
            status = row.status or CampaignStatus.DRAFT.value
            new = {"name": row.name, "status": status, "created": now, **_given(row)}
            campaign_id = await repo.insert(new)
            tally.inserted += 1
        else:
            campaign_id, status = known.id, row.status or known.status
            await repo.set_columns(campaign_id, {"status": status, **_given(row)})
            tally.updated += 1
        result[row.name] = CampaignRow(campaign_id, row.name, status)
    return tally, list(result.values())


def _given(row: CampaignFileRow) -> dict[str, object]:
    """The columns of ``created`` and SETTINGS the row gives (an empty cell, or a JSON null
    creation time, gives nothing): a new campaign takes the database's defaults for the
    others, a known one keeps them. A sender address given empty clears it."""
    values = {"created": row.created, **{name: getattr(row, name) for name in SETTINGS}}
    values["from_email"] = row.from_email or ""
    given = row.model_fields_set
    return {name: value for name, value in values.items() if name in given and value is not None}


@dataclass(frozen=True, slots=True)
class CampaignListing:
    """A campaign of GET campaign_list, with its statistics when it was asked for alone."""

    campaign: CampaignListRow
    stats: CampaignStats | None = None


async def list_campaigns(
    db: Database, account_id: int, ids: list[int] | None, statuses: list[str] | None
) -> list[CampaignListing]:
    """The account's campaigns, optionally only the given ids and/or statuses. Exactly one id
    asked for adds that campaign's statistics (docs page "GET campaign stats v1"); several ids
    list the campaigns without them."""
    with_stats = ids is not None and len(set(ids)) == 1
    # Statistics read a campaign's every enrolment and event (~70 ms for 25,000 prospects and
    # 100,000 events on SQLite): off the event loop, which SQLite's plain reads run on.
    async with db.read(threaded=with_stats) as conn:
        repo = CampaignRepository(conn, account_id)
        campaigns = await repo.listing(ids, statuses)
        if not with_stats or not campaigns:
            return [CampaignListing(campaign) for campaign in campaigns]
        [campaign] = campaigns
        return [CampaignListing(campaign, await repo.stats(campaign.id))]


async def import_enrolments(
    conn: AsyncConnection, account_id: int, rows: list[tuple[int, EnrolmentFileRow]]
) -> Tally:
    """Enrol prospects (by email) in campaigns (by name) with the row's status and interest
    level; an enrolment that exists (or came earlier in the file) takes those the row gives
    and keeps the others. A row naming an unknown campaign or prospect is rejected."""
    campaigns_repo = CampaignRepository(conn, account_id)
    campaigns = await campaigns_repo.by_names(list({row.campaign for _, row in rows}))
    prospect_ids = await ProspectRepository(conn, account_id).ids_by_email(
        list({row.email for _, row in rows})
    )
    wanted: dict[int, set[int]] = defaultdict(set)  # campaign id → prospect ids the rows name
    for _, row in rows:
        if row.campaign in campaigns and row.email in prospect_ids:
            wanted[campaigns[row.campaign].id].add(prospect_ids[row.email])
    # (campaign id, prospect id) → (status, interested): as stored, then as the rows leave them
    states = {
        (campaign_id, prospect_id): state
        for campaign_id, ids in wanted.items()
        for prospect_id, state in (await campaigns_repo.enrolment_states(campaign_id, sorted(ids))).items()
    }
    stored = dict(states)
    tally = Tally()
    for line, row in rows:
        if row.campaign not in campaigns:
            tally.rejected.append(Rejection(line, "campaign", f"no campaign named {row.campaign!r}"))
            continue
        if row.email not in prospect_ids:
            tally.rejected.append(Rejection(line, "email", f"no prospect {row.email!r} in this account"))
            continue
        key = (campaigns[row.campaign].id, prospect_ids[row.email])
        before = states.get(key)
        if before is None:
            tally.inserted += 1
            before = _NEW_ENROLMENT
        else:
            tally.updated += 1
        states[key] = (row.status or before[0], row.interested or before[1])
    now = utcnow()
    await campaigns_repo.upsert_enrolments(
        [
            {"campaign_id": c, "prospect_id": p, "status": status, "interested": interested, "created": now}
            for (c, p), (status, interested) in states.items()
        ],
        replace=True,
    )
    await _announce_interest(conn, account_id, stored, states)
    return tally


# The webhook event an enrolment's new interest level raises (NOT_MARKED raises none).
_INTEREST_EVENTS = {
    InterestLevel.INTERESTED: WebhookEvent.PROSPECT_INTERESTED,
    InterestLevel.MAYBE_LATER: WebhookEvent.PROSPECT_MAYBE_LATER,
    InterestLevel.NOT_INTERESTED: WebhookEvent.PROSPECT_NOT_INTERESTED,
}


async def _announce_interest(
    conn: AsyncConnection,
    account_id: int,
    stored: dict[tuple[int, int], tuple[str, str]],
    states: dict[tuple[int, int], tuple[str, str]],
) -> None:
    """prospect_interested / _maybe_later / _not_interested for each enrolment whose interest
    level the import changed (a new enrolment's level was NOT_MARKED), in its campaign. A
    level the file repeats raises nothing."""
    changed: dict[WebhookEvent, list[ProspectEvent]] = defaultdict(list)
    for (campaign_id, prospect_id), (_, level) in states.items():
        before = stored.get((campaign_id, prospect_id), _NEW_ENROLMENT)[1]
        event = _INTEREST_EVENTS.get(level)
        if event is not None and level != before:
            changed[event].append(ProspectEvent(prospect_id, campaign_id))
    outbox = WebhookOutbox(conn, account_id)
    for event, entries in changed.items():
        await outbox.prospect_events(event, entries)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """An entry of the request: either an outcome already, or a prospect id to enrol."""

    outcome: Outcome | None = None
    prospect_id: int | None = None
    # The request created the prospect or gave it fields (prospect_saved).
    saved: bool = False


async def add_prospects_campaign(
    db: Database, account_id: int, request: AddProspectsCampaignIn
) -> list[Outcome]:
    """Enrol prospects in a campaign: existing ones by id, others by email (created if new),
    with the status and interest level sent. Prospects whose global status is not ACTIVE are
    refused unless ``force``. With ``update`` the prospects get the fields sent and those
    already in the campaign the status and interest level sent (docs page "Update prospects in
    a campaign"). Answers per prospect, in request order: OK (enrolled now), UPDATED (in the
    campaign already, updated), DUPLICATE (in it already, or earlier in this request) or ERROR.
    """
    async with db.write() as conn:
        campaigns = CampaignRepository(conn, account_id)
        campaign = await campaigns.get(request.campaign.campaign_id)
        if campaign is None:
            raise NotFound(f"Campaign not found: {request.campaign.campaign_id}")
        now = utcnow()
        resolved = await _resolve(conn, account_id, request.prospects, update=request.update, now=now)

        prospects = ProspectRepository(conn, account_id)
        ids = [entry.prospect_id for entry in resolved if entry.prospect_id is not None]
        known = await prospects.emails_and_statuses(ids)
        before = await campaigns.enrolment_states(campaign.id, ids)
        outcomes: list[Outcome] = []
        enrolled: dict[int, dict[str, object]] = {}  # written by this request, new or updated
        for entry, resolution in zip(request.prospects, resolved, strict=True):
            if resolution.outcome is not None:
                outcomes.append(resolution.outcome)
                continue
            prospect_id = resolution.prospect_id
            assert prospect_id is not None
            email, status = known[prospect_id]
            state = before.get(prospect_id)
            if prospect_id in enrolled or (state is not None and not request.update):
                outcomes.append(Outcome(email, OutcomeStatus.DUPLICATE, id=prospect_id))
            elif status != ProspectStatus.ACTIVE and not request.force:
                outcomes.append(
                    Outcome(
                        email,
                        OutcomeStatus.ERROR,
                        id=prospect_id,
                        code="E_INV_STATUS",
                        msg=f"Prospect status is {status}; send force=true to add it anyway",
                    )
                )
            else:
                current_status, current_interest = state or _NEW_ENROLMENT
                sent = entry.enrolment_fields()
                enrolled[prospect_id] = {
                    "campaign_id": campaign.id,
                    "prospect_id": prospect_id,
                    "status": sent.get("status", current_status),
                    "interested": sent.get("interested", current_interest),
                    "created": now,
                }
                enrolled_now = OutcomeStatus.OK if state is None else OutcomeStatus.UPDATED
                outcomes.append(Outcome(email, enrolled_now, id=prospect_id))
        new = [row for prospect_id, row in enrolled.items() if prospect_id not in before]
        changed = [row for prospect_id, row in enrolled.items() if prospect_id in before]
        await campaigns.upsert_enrolments(new, replace=False)
        await campaigns.upsert_enrolments(changed, replace=True)
        await prospects.touch(list(enrolled), now)
        # prospect_saved for what the request created or updated, announced once enrolled, with
        # the campaign ("generated in a specific campaign") for those in it now. Enrolling or
        # changing an enrolment's status is no save (the page: local status changes do not
        # trigger it).
        saved = dict.fromkeys(
            entry.prospect_id for entry in resolved if entry.saved and entry.prospect_id is not None
        )
        in_campaign = enrolled.keys() | before.keys()
        await WebhookOutbox(conn, account_id).prospect_events(
            WebhookEvent.PROSPECT_SAVED,
            [
                ProspectEvent(prospect_id, campaign.id if prospect_id in in_campaign else None)
                for prospect_id in saved
                if prospect_id is not None
            ],
        )
    return outcomes


async def _resolve(
    conn: AsyncConnection,
    account_id: int,
    entries: list[CampaignProspectIn],
    *,
    update: bool,
    now: datetime,
) -> list[_Resolved]:
    """Each entry's prospect: by email through add_prospects (created if new, with ``update``
    given the fields sent), by id among the account's prospects (with ``update`` given the
    fields sent; the id, not the email, says which prospect it is)."""
    by_email = [entry for entry in entries if entry.id is None]
    added = iter(await add_prospects(conn, account_id, by_email, update=update, announce=False))  # type: ignore[arg-type]
    repo = ProspectRepository(conn, account_id)
    found = await repo.emails_and_statuses([entry.id for entry in entries if entry.id is not None])
    changed: set[int] = set()
    if update:
        changes = [
            (entry.id, fields)
            for entry in entries
            if entry.id is not None and entry.id in found and (fields := entry.sent_fields())
        ]
        await update_prospects(repo, changes, now)
        changed = {prospect_id for prospect_id, _ in changes}
    resolved: list[_Resolved] = []
    for entry in entries:
        if entry.id is None:
            outcome = next(added)
            if outcome.status == OutcomeStatus.ERROR or outcome.id is None:
                resolved.append(_Resolved(outcome=outcome))
            else:
                saved = outcome.status == OutcomeStatus.OK or (
                    outcome.status == OutcomeStatus.UPDATED and bool(entry.sent_fields())
                )
                resolved.append(_Resolved(prospect_id=outcome.id, saved=saved))
        elif entry.id in found:
            resolved.append(_Resolved(prospect_id=entry.id, saved=entry.id in changed))
        else:
            missing = Outcome(
                entry.email or "",
                OutcomeStatus.ERROR,
                id=entry.id,
                code="E_RECORD_NOT_FOUND",
                msg="Prospect not found",
            )
            resolved.append(_Resolved(outcome=missing))
    return resolved
