"""Request and response shapes of the v2 blacklist endpoints (developers.woodpecker.co: "Get
blacklisted emails", "Blacklist emails", "Delete emails from the blacklist", and the same three
pages for domains)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from leadpecker.kit.fields import query_int, text_constraints

# "You can add up to 500 emails per request" / "You can remove up to 500 domains per request".
MAX_ENTRIES_PER_REQUEST = 500
# "Number of records per page. Default: 100, maximum: 500".
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500

# An entry as sent. One that is not an email (a domain) is not refused but left out of the
# answer, as the pages say; the length bound is the one every text field has.
Entry = Annotated[str, text_constraints(10_000)]

PageNumber = query_int(0)
PageSize = query_int(1)


class EmailsIn(BaseModel):
    # Fields the pages do not name are ignored, as the reference ignores them.
    model_config = ConfigDict(extra="ignore")

    emails: list[Entry] = Field(
        max_length=MAX_ENTRIES_PER_REQUEST,
        description="Up to 500 emails; entries that are not valid emails are ignored",
        examples=[["wrong@baddomain.com", "worse@anotherone.com", "john@finisheddeal.co.uk"]],
    )


class DomainsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    domains: list[Entry] = Field(
        max_length=MAX_ENTRIES_PER_REQUEST,
        description="Up to 500 domains (`%` matches any characters: `domain%`, `%domain%.%`); "
        "entries that are not valid domains are ignored",
        examples=[["baddomain.com", "blacklistedomain.io", "nomoreemails.co"]],
    )


class EmailsOut(BaseModel):
    emails: list[str] = Field(description="The emails the request concerned, as stored (lower-cased)")


class DomainsOut(BaseModel):
    domains: list[str] = Field(description="The domains the request concerned, as stored (lower-cased)")


class EmailsPage(BaseModel):
    emails: list[str] = Field(description="Blacklisted emails, alphabetically")
    total: int = Field(description="All blacklisted emails, or all that email_filter found")


class DomainsPage(BaseModel):
    domains: list[str] = Field(description="Blacklisted domains, alphabetically")
    total: int = Field(description="All blacklisted domains, or all that domain_filter found")
