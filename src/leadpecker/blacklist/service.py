"""An account's blacklists of emails and domains (developers.woodpecker.co: "Blacklisting").

A list is a gate in front of sending, and nothing else: the reference changes no prospect when
an entry is added or removed ("Blacklisting an email does not immediately change the status of
existing prospects … A prospect's status will be updated to BLACKLISTED during campaign
processing"; "Removing an email from the list doesn't change the status of a prospect"), and a
prospect added later is added as any other (the gate acts when a campaign would mail it).
leadpecker sends no mail, so the lists change nothing here either: adding prospects does not
consult them, and v1 search shows every prospect as it was. docs/compatibility.md, "blacklist".

One thing does happen when an entry is added: each of the account's prospects it covers raises
the webhook event ``prospect_blacklisted`` (the event the reference sends "when a prospect …
is marked as 'Blacklist'", the moment leadpecker has instead of a sending gate), showing the
prospect as stored — its status unchanged, as above.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from leadpecker.blacklist.repository import (
    BlacklistRepository,
    DomainBlacklistRepository,
    EmailBlacklistRepository,
)
from leadpecker.blacklist.schemas import MAX_PER_PAGE
from leadpecker.kit.db import Database
from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.emails import MAX_EMAIL_LENGTH, is_valid_email, normalise_email
from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.outbox import WebhookOutbox

MAX_DOMAIN_LENGTH = 253  # a DNS name's, and the column's
MAX_LABEL_LENGTH = 63
# A label of a domain or domain pattern: letters and digits of any script, hyphens, and "%"
# ("Use % as a wildcard, similar to the regex pattern .*").
_LABEL = re.compile(r"(?:[^\W_]|[-%])+")


def is_blacklistable_email(email: str) -> bool:
    """``email`` in its stored form is an email the list can hold."""
    return len(email) <= MAX_EMAIL_LENGTH and is_valid_email(email)


def is_blacklistable_domain(domain: str) -> bool:
    """``domain`` in its stored form is a domain (``acme.com``, ``mail.acme.co.uk``) or a
    pattern of domains (``acme%``, ``%acme%.%``): dot-separated labels of letters, digits,
    hyphens and ``%``; without a ``%`` it needs a dot (a name and its suffix)."""
    labels = domain.split(".")
    return (
        len(domain) <= MAX_DOMAIN_LENGTH
        and ("." in domain or "%" in domain)
        and all(len(label) <= MAX_LABEL_LENGTH and _LABEL.fullmatch(label) for label in labels)
    )


@dataclass(frozen=True, slots=True)
class Blacklist:
    """One of an account's two lists: where its entries are kept and which entries it takes."""

    repository: type[BlacklistRepository]
    accepts: Callable[[str], bool]


EMAILS = Blacklist(EmailBlacklistRepository, is_blacklistable_email)
DOMAINS = Blacklist(DomainBlacklistRepository, is_blacklistable_domain)


@dataclass(frozen=True, slots=True)
class Page:
    entries: list[str]
    total: int


def filter_terms(text: str | None) -> list[str] | None:
    """``email_filter``/``domain_filter``: comma-separated entries to look for, ``*`` matching
    any characters, case ignored (entries are stored lower-cased). None: no filter (also for a
    filter with nothing but commas and spaces)."""
    if text is None:
        return None
    terms = [normalise_email(term) for term in text.split(",")]
    return [term for term in terms if term] or None


def _accepted(blacklist: Blacklist, entries: list[str]) -> list[str]:
    """The entries the list takes, in their stored form, each once, in request order. Domains
    are stored as emails are: trimmed and lower-cased."""
    stored = (normalise_email(entry) for entry in entries)
    return list(dict.fromkeys(entry for entry in stored if blacklist.accepts(entry)))


async def list_entries(
    db: Database, account_id: int, blacklist: Blacklist, *, page: int, per_page: int, terms: list[str] | None
) -> Page:
    """Page ``page`` (0-based) of the list, or of the entries ``terms`` find. A page size over
    the maximum is read as the maximum ("Providing a higher number will narrow down the
    results", as the agency blacklist's guide says of its own maximum)."""
    per_page = min(per_page, MAX_PER_PAGE)
    offset = page * per_page
    async with db.read() as conn:
        repo = blacklist.repository(conn, account_id)
        total = await repo.count(terms)
        entries = await repo.page(terms, offset, per_page) if offset < total else []
    return Page(entries, total)


async def add_entries(db: Database, account_id: int, blacklist: Blacklist, entries: list[str]) -> list[str]:
    """Put entries on the list. Answers those now on it, the newly added and those that were
    already; an entry of the wrong form is left out."""
    accepted = _accepted(blacklist, entries)
    async with db.write() as conn:
        repo = blacklist.repository(conn, account_id)
        added = await repo.add(accepted, utcnow())
        outbox = WebhookOutbox(conn, account_id)
        # An entry already on the list covers nobody new: only those just added raise events,
        # and finding what they cover (a domain reads every prospect) waits for a subscriber.
        if added and await outbox.subscribed(WebhookEvent.PROSPECT_BLACKLISTED):
            covered = await repo.covered(sorted(added))
            await outbox.prospects(WebhookEvent.PROSPECT_BLACKLISTED, covered)
    return accepted


async def remove_entries(
    db: Database, account_id: int, blacklist: Blacklist, entries: list[str]
) -> list[str]:
    """Take entries off the list. Answers those that were on it (another account's entries are
    not this account's: they are not on its list)."""
    accepted = _accepted(blacklist, entries)
    async with db.write() as conn:
        removed = await blacklist.repository(conn, account_id).remove(accepted)
    return [entry for entry in accepted if entry in removed]
