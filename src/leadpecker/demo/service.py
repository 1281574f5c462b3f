"""The demo data set: a seeded, synthetic account a newcomer can try every example on.

It holds the reference's own sample prospects (erlich@bachmanity.com, jared@piedpiper.com,
recipientname@mail.com), a few thousand Faker prospects, campaigns, enrolments and activity,
and a lead database that knows most of them, so a first enrichment finds data.
The same seed always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from leadpecker.accounts.repository import AccountRow
from leadpecker.accounts.service import create_account
from leadpecker.activity.schemas import ActivityFileRow
from leadpecker.activity.service import import_activity
from leadpecker.campaigns.schemas import CampaignFileRow, EnrolmentFileRow
from leadpecker.campaigns.service import import_campaigns, import_enrolments
from leadpecker.kit.db import Database
from leadpecker.kit.errors import UsageError
from leadpecker.kit.types import utcnow
from leadpecker.leads.schemas import LeadFileRow
from leadpecker.leads.service import import_leads, lead_row
from leadpecker.prospects.schemas import ProspectIn
from leadpecker.prospects.service import add_prospects
from leadpecker.vocabulary.enums import (
    ActivityKind,
    CampaignStatus,
    EnrolmentStatus,
    InterestLevel,
    ProspectStatus,
)

DEMO_ACCOUNT = "demo"
# A fixed, documented key so the README's curl examples work as written. Demo data only.
DEMO_API_KEY = "lp_demo_0123456789abcdefghijklmnopqrstuvwxyz"
DEMO_CREDITS = "100"
SEED = 42

REFERENCE_PROSPECTS = [
    {
        "email": "erlich@bachmanity.com",
        "first_name": "Erlich",
        "last_name": "Bachman",
        "company": "Bachmanity",
        "organization_id": 654321789,
        "industry": "IT",
        "website": "https://bachmanity.com",
        "linkedin_url": "https://linkedin.com/erlich-bachman",
        "tags": "#VISIONARY",
        "title": "CEO",
        "phone": "+1 987-654-321",
        "address": "700 Welch Road",
        "city": "Palo Alto",
        "state": "California",
        "country": "United States",
        "status": ProspectStatus.REPLIED,
        "snippet1": "You are running a successful startup incubator Bachmanity",
        "snippet_labels": {"custom_snippet": "You are running a successful startup incubator Bachmanity"},
    },
    {
        "email": "jared@piedpiper.com",
        "first_name": "Jared",
        "last_name": "Dunn",
        "company": "Pied Piper",
        "industry": "IT",
        "website": "https://piedpiper.com",
        "title": "COO",
        "city": "Palo Alto",
        "state": "California",
        "country": "United States",
    },
    {"email": "recipientname@mail.com", "first_name": "Recipient", "last_name": "Name"},
]
# Lead-database entries for the reference's people, so its enrichment example finds data.
REFERENCE_LEADS = [
    {
        "email": "erlich@bachmanity.com",
        "first_name": "Erlich",
        "last_name": "Bachman",
        "linkedin_url": "https://www.linkedin.com/in/erlich-bachman-404xyz",
        "title": "CEO",
        "company_name": "Bachmanity",
        "company_website": "https://bachmanity.com",
    },
    {
        "email": "jared@piedpiper.com",
        "first_name": "Jared",
        "last_name": "Dunn",
        "linkedin_url": "https://www.linkedin.com/in/jared-dunn",
        "title": "COO",
        "phone": "+1 650-555-0123",
        "company_name": "Pied Piper",
        "company_website": "https://piedpiper.com",
        "industry": "IT",
        "address": "5230 Newell Road",
        "city": "Palo Alto",
        "state": "California",
        "country": "United States",
    },
]
CAMPAIGNS = [
    ("SaaS in America", CampaignStatus.RUNNING),
    ("SaaS in Europe", CampaignStatus.RUNNING),
    ("Founders outreach", CampaignStatus.PAUSED),
    ("Q3 webinar", CampaignStatus.COMPLETED),
    ("Draft ideas", CampaignStatus.DRAFT),
]
INDUSTRIES = ["IT", "SaaS", "Finance", "Healthcare", "Retail", "Manufacturing", "Education", "Media"]
TAGS = ["#VIP", "#SAAS", "#EU", "#US", "#FOUNDER", "#WEBINAR"]
STATUSES = (
    [ProspectStatus.ACTIVE] * 90
    + [ProspectStatus.REPLIED] * 5
    + [ProspectStatus.BOUNCED] * 2
    + [ProspectStatus.BLACKLIST] * 2
    + [ProspectStatus.INVALID]
)
INTEREST = [InterestLevel.NOT_MARKED] * 6 + [
    InterestLevel.INTERESTED,
    InterestLevel.MAYBE_LATER,
    InterestLevel.NOT_INTERESTED,
]
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoData:
    prospects: list[ProspectIn]
    campaigns: list[CampaignFileRow]
    enrolments: list[EnrolmentFileRow]
    activity: list[ActivityFileRow]
    leads: list[LeadFileRow]


def generate(prospect_count: int = 3_000, seed: int = SEED) -> DemoData:
    try:
        # The demo extra: nothing but this generator needs Faker.
        from faker import Faker
    except ImportError:
        raise UsageError("the demo data needs Faker: pip install 'leadpecker[demo]'") from None
    rng = random.Random(seed)
    fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR"])
    fake.seed_instance(seed)
    companies = []
    for _ in range(max(10, prospect_count // 6)):
        name = fake.company()
        domain = "".join(ch for ch in name.lower() if ch.isalnum())[:20] + rng.choice(
            [".com", ".io", ".co.uk", ".de"]
        )
        companies.append((name, domain, rng.choice(INDUSTRIES)))

    prospects = [ProspectIn.model_validate(record) for record in REFERENCE_PROSPECTS]
    seen = {record["email"] for record in REFERENCE_PROSPECTS}
    leads = [LeadFileRow.model_validate(record) for record in REFERENCE_LEADS]
    while len(prospects) < prospect_count:
        first, last = fake.first_name(), fake.last_name()
        company, domain, industry = rng.choice(companies)
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
        email = f"{local}@{domain}"
        if email in seen:
            continue
        seen.add(email)
        person = {
            "first_name": first,
            "last_name": last,
            "linkedin_url": f"https://www.linkedin.com/in/{local.replace('.', '-')}-{rng.randint(100, 999)}",
            "title": fake.job()[:80],
            "phone": fake.phone_number(),
            "address": fake.street_address(),
            "city": fake.city(),
            "state": fake.state() if hasattr(fake, "state") else "",
            "country": fake.current_country(),
        }
        # A third of the prospects are bare (email, name, company): the ones enrichment fills.
        known = {"first_name": first, "last_name": last} if len(prospects) % 3 == 0 else person
        prospects.append(
            ProspectIn(
                email=email,
                company=company,
                industry=industry,
                website=f"https://{domain}",
                tags=" ".join(rng.sample(TAGS, rng.randint(0, 2))),
                status=rng.choice(STATUSES),  # type: ignore[arg-type]
                snippet1=f"Saw {company} is hiring",
                snippet2=rng.choice(["", "Loved your talk", "Congrats on the round"]),
                **known,
            )
        )
        # The lead database knows about 60 % of the people.
        if rng.random() < 0.6:
            leads.append(
                LeadFileRow(
                    email=email,
                    company_name=company,
                    company_website=f"https://{domain}",
                    industry=industry,
                    **person,
                )
            )

    campaigns = [CampaignFileRow(name=name, status=status) for name, status in CAMPAIGNS]  # type: ignore[arg-type]
    enrolments: list[EnrolmentFileRow] = []
    activity: list[ActivityFileRow] = []
    for index, prospect in enumerate(prospects):
        chosen = CAMPAIGNS[:2] if index == 0 else rng.sample(CAMPAIGNS[:4], rng.choice([0, 1, 1, 1, 2]))
        for name, _ in chosen:
            interested = (
                InterestLevel.INTERESTED if index == 0 and name == "SaaS in Europe" else rng.choice(INTEREST)
            )
            replied = prospect.status == ProspectStatus.REPLIED and rng.random() < 0.7
            enrolments.append(
                EnrolmentFileRow(
                    campaign=name,
                    email=prospect.email,
                    status=EnrolmentStatus.REPLIED if replied else EnrolmentStatus.ACTIVE,
                    interested=interested,  # type: ignore[arg-type]
                )
            )
            activity.extend(_history(rng, prospect.email, name, replied))
    return DemoData(prospects, campaigns, enrolments, activity, leads)


# What the demo's prospects write back (GET /rest/v2/prospects/{id}/responses shows it).
REPLIES = (
    "<div>Sounds interesting. Could you send me more details?</div>",
    "<div>Not right now, maybe next quarter.</div>",
    "<div>Thanks, I forwarded this to our head of sales.</div>",
)


def _history(rng: random.Random, email: str, campaign: str, replied: bool) -> list[ActivityFileRow]:
    events = []
    moment = EPOCH + timedelta(days=rng.randint(0, 150), minutes=rng.randint(0, 600))
    for step in range(rng.randint(1, 3)):
        sent = moment + timedelta(days=3 * step)
        events.append(
            ActivityFileRow(email=email, campaign=campaign, kind=ActivityKind.SENT, occurred_at=sent)
        )
        if rng.random() < 0.45:
            opened = sent + timedelta(hours=rng.randint(1, 30))
            events.append(
                ActivityFileRow(email=email, campaign=campaign, kind=ActivityKind.OPENED, occurred_at=opened)
            )
            if rng.random() < 0.3:
                events.append(
                    ActivityFileRow(
                        email=email,
                        campaign=campaign,
                        kind=ActivityKind.CLICKED,
                        occurred_at=opened + timedelta(minutes=rng.randint(1, 50)),
                        url=rng.choice(["https://leadpecker.dev/demo", "https://leadpecker.dev/pricing"]),
                    )
                )
    if replied:
        last = events[-1].occurred_at + timedelta(hours=rng.randint(2, 48))
        # Picked without drawing from ``rng``: the rest of the data set stays what it was.
        message = REPLIES[len(events) % len(REPLIES)]
        events.append(
            ActivityFileRow(
                email=email,
                campaign=campaign,
                kind=ActivityKind.REPLIED,
                occurred_at=last,
                subject=f"Re: {campaign}",
                message=message,
            )
        )
    return events


async def demo_exists(db: Database) -> bool:
    from leadpecker.accounts.service import list_accounts

    return any(account.name == DEMO_ACCOUNT for account in await list_accounts(db))


LOAD_STEPS = 6


async def load_demo(
    db: Database, prospect_count: int = 3_000, step: Callable[[str], None] = lambda _: None
) -> AccountRow:
    """Create the demo account with its fixed key and load the seeded data set; ``step`` is
    told as each of the LOAD_STEPS parts begins (for a progress bar)."""
    from leadpecker.accounts.service import find_account

    step("generating data")
    data = generate(prospect_count)
    created = await create_account(db, DEMO_ACCOUNT, credits=DEMO_CREDITS, api_key=DEMO_API_KEY)
    async with db.write() as conn:
        step("prospects")
        await add_prospects(conn, created.id, data.prospects, update=False)
        step("campaigns and enrolments")
        await import_campaigns(conn, created.id, list(enumerate(data.campaigns)))
        await import_enrolments(conn, created.id, list(enumerate(data.enrolments)))
        step("activity")
        await import_activity(conn, created.id, list(enumerate(data.activity)))
        step("lead database")
        await import_leads(conn, None, [lead_row(lead, utcnow()) for lead in data.leads])
        step("done")
    return await find_account(db, DEMO_ACCOUNT)
