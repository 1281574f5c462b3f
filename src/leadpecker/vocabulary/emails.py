"""The one email rule: the form an address is stored, compared and looked up in, and what counts
as an address.

Prospects (API and files), account users, campaign senders, blacklist entries, the reply
address of an activity row and the search's "email given in full" all use it. One deliberate
exception: the lead database (``leads.schemas.LeadFileRow``) only asks a lead's email for an
"@" — there the email is nothing but a key to match prospects by, so a lead whose address
this rule would refuse still has its LinkedIn URL, name and company to be matched on, and
simply never matches by email (a prospect's address always passes this rule).
"""

from __future__ import annotations

import re

# The email columns' size (RFC 5321's 64 + 1 + 255, rounded as is customary).
MAX_EMAIL_LENGTH = 320

# Deliberately loose: one @, something on each side, a dot after it, no spaces and no NUL
# (neither database can store or search it); mail servers are the judge of the rest.
_EMAIL = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")


def normalise_email(email: str) -> str:
    """The one form in which an email is stored, compared and looked up: trimmed, lower-cased."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    """Whether ``email`` (in its stored form) is an email address. Its length is checked apart
    (``MAX_EMAIL_LENGTH``): request models refuse an over-long one with a message of its own."""
    return _EMAIL.match(email) is not None
