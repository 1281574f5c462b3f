"""Adding, updating and deleting an account's prospects (developers.woodpecker.co, "Prospects")."""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadpecker.imports.tally import Rejection, Tally
from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.prospects.repository import ProspectRepository
from leadpecker.prospects.schemas import ProspectIn
from leadpecker.search.upkeep import SearchUpkeepRepository
from leadpecker.vocabulary.emails import is_valid_email, normalise_email
from leadpecker.vocabulary.enums import OutcomeStatus, ProspectStatus, WebhookEvent
from leadpecker.vocabulary.prospect_fields import TEXT_FIELDS
from leadpecker.webhooks.outbox import WebhookOutbox

INVALID_EMAIL = "Invalid email address"


@dataclass(frozen=True, slots=True)
class Outcome:
    email: str
    status: OutcomeStatus
    id: int | None = None
    code: str | None = None
    msg: str | None = None


NEW_ROW_COLUMNS = (
    "email",
    *TEXT_FIELDS,
    "organization_id",
    "snippet_labels",
    "status",
    "encrypted",
    "created",
    "updated",
)
_as_tuple = operator.itemgetter(*NEW_ROW_COLUMNS)
_EMAIL = NEW_ROW_COLUMNS.index("email")
# What the database gives a new prospect's other columns that a webhook payload shows
# (models.Prospect: no mail sent, never contacted).
_SET_BY_DATABASE: dict[str, Any] = {"sent_mails": 0, "last_contacted": None}
_NEW_ROW_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(TEXT_FIELDS, ""),
    "organization_id": None,
    "snippet_labels": None,
    "status": ProspectStatus.ACTIVE.value,  # a plain str in bulk rows (vocabulary.enums)
    "encrypted": False,
}


def _new_row(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A full row for a new prospect: every column present, so a chunk shares one statement."""
    return {**_NEW_ROW_DEFAULTS, **with_tags_resolved(fields, None), "created": now, "updated": now}


def added_tags(tags: str, more: str) -> str:
    """``tags`` followed by those of ``more`` it lacks (tags are space-separated, compared
    without regard to case: "#VC" is "#vc")."""
    result = tags.split()
    known = {tag.casefold() for tag in result}
    for tag in more.split():
        if tag.casefold() not in known:
            known.add(tag.casefold())
            result.append(tag)
    return " ".join(result)


def with_tags_resolved(fields: dict[str, Any], current: str | None) -> dict[str, Any]:
    """``fields`` with ``set_tags`` and ``tags`` turned into the one stored ``tags``.

    On an existing prospect (``current``: its tags) ``tags`` adds to its tags and ``set_tags``
    replaces them, as the Activepieces piece describes the reference ("Appends to existing
    tags when updating"; set_tags "Replaces all existing tags"). A new prospect (``current``
    None) takes ``tags`` as sent, after ``set_tags`` when both are given."""
    if "tags" not in fields and "set_tags" not in fields:
        return fields
    resolved = dict(fields)
    base = resolved.pop("set_tags", current)
    if "tags" in resolved and base is not None:
        resolved["tags"] = added_tags(base, resolved["tags"])
    elif base is not None:
        resolved["tags"] = base
    return resolved


async def update_prospects(
    repo: ProspectRepository, changes: list[tuple[int, dict[str, Any]]], now: datetime
) -> None:
    """Give existing prospects the fields sent (``changes``: id → domain fields; a prospect
    may appear more than once, each change applied after the one before)."""
    with_tags = [prospect_id for prospect_id, fields in changes if "tags" in fields or "set_tags" in fields]
    tags = {
        prospect_id: row["tags"]
        for prospect_id, row in (await repo.current_fields(with_tags, ("tags",), lock=True)).items()
    }
    resolved = []
    for prospect_id, fields in changes:
        if prospect_id in tags:
            fields = with_tags_resolved(fields, tags[prospect_id])
            tags[prospect_id] = fields["tags"]
        resolved.append((prospect_id, {**fields, "updated": now}))
    await repo.update_fields(resolved)


async def add_prospects(
    conn: AsyncConnection,
    account_id: int,
    prospects: list[ProspectIn],
    *,
    update: bool,
    announce: bool = True,
) -> list[Outcome]:
    """Add prospects to an account's database in the caller's write transaction.

    Existing emails are reported DUPLICATE, or with ``update`` get exactly the keys sent. An
    email seen twice in one call counts once: the later entries are its duplicates.

    Each prospect created, and each updated with at least one field besides the email that
    finds it, raises ``prospect_saved`` (webhooks) in this transaction, unless the caller
    announces them itself (``announce=False``: adding to a campaign announces them once they
    are enrolled, with the campaign). An update fires even when the values sent were those
    stored (the reference's "there's an update of an existing one"; comparing would cost a
    read of every updated prospect); a DUPLICATE fires nothing.
    """
    repo = ProspectRepository(conn, account_id)
    now = utcnow()
    entries: list[tuple[str, dict[str, Any]] | Outcome] = []
    for prospect in prospects:
        email = normalise_email(prospect.email)
        if not is_valid_email(email):
            entries.append(Outcome(prospect.email, OutcomeStatus.ERROR, code="E_EMAIL", msg=INVALID_EMAIL))
            continue
        fields = prospect.sent_fields()
        fields["email"] = email
        entries.append((email, fields))

    wanted = [entry for entry in entries if not isinstance(entry, Outcome)]
    existing = await repo.ids_by_email([email for email, _ in wanted])
    first_seen: dict[str, dict[str, Any]] = {}
    for email, fields in wanted:
        if email not in existing and email not in first_seen:
            first_seen[email] = fields
    new_rows = {email: _new_row(fields, now) for email, fields in first_seen.items()}
    inserted = await repo.insert_new(list(new_rows.values()))
    if update:
        await update_prospects(
            repo, [(existing[email], fields) for email, fields in wanted if email in existing], now
        )
    outcomes: list[Outcome] = []
    created: set[str] = set()
    for entry in entries:
        if isinstance(entry, Outcome):
            outcomes.append(entry)
            continue
        email, _ = entry
        if email in inserted and email not in created:
            created.add(email)
            outcomes.append(Outcome(email, OutcomeStatus.OK, id=inserted[email]))
        elif email in existing:
            status = OutcomeStatus.UPDATED if update else OutcomeStatus.DUPLICATE
            outcomes.append(Outcome(email, status, id=existing[email]))
        else:
            # Inserted earlier in this call, or concurrently by another request.
            outcomes.append(Outcome(email, OutcomeStatus.DUPLICATE, id=inserted.get(email)))
    if announce:
        outbox = WebhookOutbox(conn, account_id)
        # The new prospects' events are built from the rows just written, not read back.
        created_rows = [
            {**row, **_SET_BY_DATABASE, "id": inserted[email]}
            for email, row in new_rows.items()  # in request order, whatever order RETURNING had
            if email in inserted
        ]
        await outbox.new_prospects(WebhookEvent.PROSPECT_SAVED, created_rows)
        if update:
            updated = dict.fromkeys(
                existing[email] for email, fields in wanted if email in existing and sent_any(fields)
            )
            await outbox.prospects(WebhookEvent.PROSPECT_SAVED, list(updated))
    return outcomes


def sent_any(fields: dict[str, Any]) -> bool:
    """Whether an update sent a field besides the email that finds the prospect (an entry
    of add_prospects_campaign may send nothing but the enrolment's status)."""
    return any(key != "email" for key in fields)


def with_valid_emails(
    rows: list[tuple[int, ProspectIn]],
) -> tuple[list[tuple[int, ProspectIn]], list[Rejection]]:
    """File rows whose email is valid once normalised, and a Rejection for each other."""
    valid, rejected = [], []
    for line, prospect in rows:
        if is_valid_email(normalise_email(prospect.email)):
            valid.append((line, prospect))
        else:
            rejected.append(Rejection(line, "email", INVALID_EMAIL))
    return valid, rejected


def new_prospect_rows(
    rows: list[tuple[int, ProspectIn]], now: datetime
) -> tuple[list[tuple[Any, ...]], list[Rejection]]:
    """Database-ready rows (``NEW_ROW_COLUMNS`` order) of new prospects for ``import_new``,
    and a Rejection for each file row with an invalid email. Pure, so an importer can build
    them in a parsing process."""
    valid, rejected = with_valid_emails(rows)
    ready = []
    for _, prospect in valid:
        row = _new_row(prospect.sent_fields(), now)
        row["email"] = normalise_email(prospect.email)
        ready.append(_as_tuple(row))
    return ready, rejected


async def import_new(conn: AsyncConnection, account_id: int, rows: list[tuple[Any, ...]]) -> Tally:
    """The bulk path: insert rows from ``new_prospect_rows``; an email the account has
    already (or that came earlier in the file) is skipped. Each prospect inserted raises
    ``prospect_saved``."""
    repo = ProspectRepository(conn, account_id)
    outbox = WebhookOutbox(conn, account_id)
    if not await outbox.subscribed(WebhookEvent.PROSPECT_SAVED):
        # The fast path reads nothing back: without a subscriber, nobody needs the new ids.
        inserted = await repo.bulk_insert_new(NEW_ROW_COLUMNS, rows)
        return Tally(inserted=inserted, skipped=len(rows) - inserted)
    # Which rows went in is told by the emails the account lacked before and has after (an
    # email the file repeats goes in once); the events read the prospects back as stored.
    emails = list(dict.fromkeys(row[_EMAIL] for row in rows))
    known = await repo.ids_by_email(emails)
    inserted = await repo.bulk_insert_new(NEW_ROW_COLUMNS, rows)
    new = await repo.ids_by_email([email for email in emails if email not in known])
    await outbox.prospects(WebhookEvent.PROSPECT_SAVED, [new[email] for email in emails if email in new])
    return Tally(inserted=inserted, skipped=len(rows) - inserted)


async def import_updates(conn: AsyncConnection, account_id: int, rows: list[tuple[int, ProspectIn]]) -> Tally:
    """``--update``: new emails are inserted, known ones get the fields the row gives, and an
    email repeated in the file gets each of its rows' fields in file order. (One
    ``add_prospects`` call takes an email once: the n-th rows of each email go in the n-th.)"""
    rounds: list[list[ProspectIn]] = []
    seen: dict[str, int] = {}
    for _, prospect in rows:
        email = normalise_email(prospect.email)
        occurrence = seen.get(email, 0)
        seen[email] = occurrence + 1
        if occurrence == len(rounds):
            rounds.append([])
        rounds[occurrence].append(prospect)
    tally = Tally()
    for prospects in rounds:
        for outcome in await add_prospects(conn, account_id, prospects, update=True):
            if outcome.status == OutcomeStatus.OK:
                tally.inserted += 1
            elif outcome.status == OutcomeStatus.UPDATED:
                tally.updated += 1
            else:  # DUPLICATE: another client added the email a moment ago
                tally.skipped += 1
    return tally


@asynccontextmanager
async def initial_load(conn: AsyncConnection) -> AsyncIterator[bool]:
    """Yields True when the database holds no prospect yet: the search structures are then
    set aside while the block loads (in ``conn``'s transaction) and built from the loaded
    rows when it ends. Yields False, changing nothing, otherwise."""
    upkeep = SearchUpkeepRepository(conn)
    set_aside = await upkeep.set_aside_if_empty()
    yield set_aside is not None
    if set_aside is not None:
        await upkeep.build_again(set_aside)


async def add_prospects_list(
    db: Database, account_id: int, prospects: list[ProspectIn], *, update: bool
) -> list[Outcome]:
    async with db.write() as conn:
        return await add_prospects(conn, account_id, prospects, update=update)


@dataclass(frozen=True, slots=True)
class Deleted:
    id: int
    found: bool


async def delete_prospects(
    db: Database, account_id: int, ids: list[int], campaign_ids: list[int] | None
) -> list[Deleted]:
    """Delete prospects from the database, or with ``campaign_ids`` only from those campaigns.
    Another account's id answers exactly like an unknown one."""
    unique_ids = list(dict.fromkeys(ids))
    async with db.write() as conn:
        repo = ProspectRepository(conn, account_id)
        if campaign_ids:
            found = await repo.enrolled_ids(unique_ids, campaign_ids)
            await repo.unenrol(list(found), campaign_ids)
            await repo.touch(list(found), utcnow())
        else:
            found = await repo.existing_ids(unique_ids)
            await repo.delete_ids(list(found))
    return [Deleted(prospect_id, prospect_id in found) for prospect_id in unique_ids]
