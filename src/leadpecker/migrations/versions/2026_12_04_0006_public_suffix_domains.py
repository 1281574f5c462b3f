"""public suffix domains: re-key the leads' company domains under the Public Suffix List

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:40:00

``leads.company_domain`` is computed once, at import, from the lead's website. Up to now a
hand-written list of 37 suffixes decided it, so a lead at ``othercorp.co.th`` was stored as
``co.th`` and shared a "company domain" with everybody under ``.co.th``; one at
``someone.github.io`` was stored as ``github.io``. The matcher compares stored domains with the
prospect's (computed afresh), so until the stored ones follow the new rule an old lead still
matches wrongly. This recomputes every lead's domain with the rule the code has now
(``leads.keys.website_domain``: the Public Suffix List, no company under a private suffix) —
the same function ``leadpecker leads import`` uses, so a re-keyed lead equals a re-imported one.

In batches of BATCH leads in id order (bounded memory at millions of leads), writing only the
rows whose domain changes. The leads' emails need nothing: their domains are not stored.
Downgrade leaves the new domains: they are valid (and safer) under the old code too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadpecker.leads.keys import website_domain

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 10_000
_leads = sa.table(
    "leads", sa.column("id", sa.BigInteger), sa.column("company_website"), sa.column("company_domain")
)


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
