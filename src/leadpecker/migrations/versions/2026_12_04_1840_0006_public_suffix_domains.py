"""public suffix domains: re-key the leads' company domains under the Public Suffix List

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:40:00

``leads.company_domain`` is computed once, at import, from the lead's website. Up to now a
hand-written list of 37 suffixes decided it, so a lead at ``othercorp.co.th`` was stored as
``co.th`` and shared a "company domain" with everybody under ``.co.th``; one at
``someone.github.io`` was stored as ``github.io``. The matcher compares stored domains with the
prospect's (computed afresh), so until the stored ones follow the new rule an old lead still
matches wrongly. This recomputes every lead's domain with the rule the code had when this
migration was written (``leads.keys.website_domain``: the Public Suffix List, no company under
a private suffix), so a re-keyed lead equals one re-imported then. The rule is copied below,
frozen: a later change of the live one must not change what this migration did.

In batches of BATCH leads in id order (bounded memory at millions of leads), writing only the
rows whose domain changes. The leads' emails need nothing: their domains are not stored.
Downgrade leaves the new domains: they are valid (and safer) under the old code too.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import idna
import sqlalchemy as sa
from alembic import op
from publicsuffixlist import PublicSuffixList

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 10_000
_leads = sa.table(
    "leads", sa.column("id", sa.BigInteger), sa.column("company_website"), sa.column("company_domain")
)


# --- leads.keys.website_domain, frozen -------------------------------------------------------

# scheme? //? userinfo@? HOST :port? then path, query or fragment.
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?(?://)?(?:[^@/?#]*@)?([^:/?#]*)(?::\d*)?([^?#]*)")
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+")  # DNS labels (ASCII), at least two
_MAX_HOST_NAME = 253
_LOOPBACK_TLD = "localhost"


@cache
def _public_suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


@lru_cache(maxsize=65_536)
def _registrable_domain(host: str) -> str:
    """The domain a company registered under the Public Suffix List (both sections), or ""."""
    host = host.lower().removesuffix(".")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return ""
    if len(host) > _MAX_HOST_NAME or not _HOST_NAME.fullmatch(host):
        return ""
    tld = host.rpartition(".")[2]
    if tld.isdigit() or tld == _LOOPBACK_TLD:
        return ""
    suffix = _public_suffix_list().publicsuffix(host)
    if suffix is None or len(suffix) == len(host):
        return ""
    owner = host[: -len(suffix) - 1].rpartition(".")[2]
    return f"{owner}.{suffix}"


def website_domain(website: str) -> str:
    """The company domain of a website in any of its written forms."""
    match = _URL.match(website.strip().lower())
    host = match.group(1).rstrip(".") if match is not None else ""
    return _registrable_domain(host)


def upgrade() -> None:
    bind = op.get_bind()
    rekey = (
        sa.update(_leads)
        .where(_leads.c.id == sa.bindparam("lead_id"))
        .values(company_domain=sa.bindparam("domain"))
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_leads.c.id, _leads.c.company_website, _leads.c.company_domain)
            .where(_leads.c.id > after)
            .order_by(_leads.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [
            {"lead_id": lead_id, "domain": domain}
            for lead_id, website, stored in rows
            if (domain := website_domain(website or "")) != stored
        ]
        if changed:
            bind.execute(rekey, changed)
        after = rows[-1][0]


def downgrade() -> None:
    pass
