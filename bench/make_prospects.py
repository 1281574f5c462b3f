"""Generate the benchmark data set: prospects, campaigns, enrolments and email activity as the
files the ``leadpecker`` loaders read (CSV with a header row).

    .venv/bin/python bench/make_prospects.py --prospects 1000000 --out bench/out/data

Seeded and repeatable. Values come from Faker pools drawn once (Faker per row would take
minutes), so the field distributions are realistic enough for the planner: ~40k companies
("… Group", "… Inc", "A-B", "A, B and C"), a few thousand first/last names, cities, titles.
A handful of prospects work at a company with a rare name (``RARE_COMPANY``) so the benchmark
has a rare substring to look for.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faker import Faker

RARE_COMPANY = "Quillfeather Analytics"
RARE_COUNT = 37
CAMPAIGNS = 20
STATUSES = ["ACTIVE"] * 85 + ["REPLIED"] * 6 + ["BOUNCED"] * 4 + ["BLACKLIST"] * 3 + ["INVALID"] * 2
INTEREST = ["NOT_MARKED"] * 7 + ["INTERESTED", "MAYBE_LATER", "NOT_INTERESTED"]
TAGS = ["#VIP", "#SAAS", "#EU", "#US", "#FOUNDER", "#WEBINAR", "#PARTNER", "#LEAD"]
URLS = [f"https://example.com/{page}" for page in ("pricing", "demo", "blog/launch", "case-study", "docs")]
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PROSPECT_COLUMNS = [
    "email",
    "status",
    "first_name",
    "last_name",
    "company",
    "organization_id",
    "industry",
    "website",
    "linkedin_url",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    "snippet1",
    "snippet2",
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def generate(count: int, out: Path, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    fake = Faker(["en_US", "en_GB", "de_DE"])
    fake.seed_instance(seed)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    firsts = list({fake.first_name() for _ in range(4_000)})
    lasts = list({fake.last_name() for _ in range(12_000)})
    companies = list({fake.company() for _ in range(45_000)} - {RARE_COMPANY})
    cities = list({fake.city() for _ in range(3_000)})
    titles = list({fake.job()[:80] for _ in range(2_000)})
    streets = [fake.street_address() for _ in range(20_000)]
    states = ["California", "Texas", "New York", "Bavaria", "Berlin", "Ontario", "Scotland", "Kent"]
    countries = ["United States"] * 6 + ["Germany"] * 2 + ["United Kingdom"] * 2 + ["France", "Poland"]
    industries = ["IT", "SaaS", "Finance", "Healthcare", "Retail", "Manufacturing", "Education", "Media"]
    company_info = {
        name: (_ascii(name)[:24] + rng.choice([".com", ".io", ".co.uk", ".de"]), rng.choice(industries))
        for name in companies
    }
    company_info[RARE_COMPANY] = ("quillfeather.io", "SaaS")
    rare_rows = set(rng.sample(range(count), min(RARE_COUNT, count)))

    names = [f"Campaign {n:02d}" for n in range(1, CAMPAIGNS + 1)]
    with (out / "campaigns.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "status"])
        for n, name in enumerate(names):
            writer.writerow([name, "RUNNING" if n % 4 else "PAUSED"])

    stats = {"prospects": 0, "enrolments": 0, "events": 0}
    with (
        (out / "prospects.csv").open("w", newline="") as p_file,
        (out / "enrolments.csv").open("w", newline="") as e_file,
        (out / "activity.csv").open("w", newline="") as a_file,
    ):
        prospects, enrolments, activity = csv.writer(p_file), csv.writer(e_file), csv.writer(a_file)
        prospects.writerow(PROSPECT_COLUMNS)
        enrolments.writerow(["campaign", "email", "status", "interested"])
        activity.writerow(["email", "campaign", "kind", "occurred_at", "url"])
        for n in range(count):
            first, last = rng.choice(firsts), rng.choice(lasts)
            company = RARE_COMPANY if n in rare_rows else rng.choice(companies)
            domain, industry = company_info[company]
            local = f"{_ascii(first)}.{_ascii(last)}"
            email = f"{local}.{n}@{domain}"
            status = rng.choice(STATUSES)
            prospects.writerow(
                [
                    email,
                    status,
                    first,
                    last,
                    company,
                    rng.randrange(1, 50_000) if rng.random() < 0.5 else "",
                    industry,
                    f"https://{domain}",
                    f"https://www.linkedin.com/in/{local.replace('.', '-')}-{n}",
                    " ".join(rng.sample(TAGS, rng.choice((0, 1, 1, 2)))),
                    rng.choice(titles),
                    f"+1 {rng.randrange(200, 999)}-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
                    rng.choice(streets),
                    rng.choice(cities),
                    rng.choice(states),
                    rng.choice(countries),
                    f"Saw {company} is hiring" if rng.random() < 0.6 else "",
                    rng.choice(("", "", "Loved your talk", "Congrats on the round")),
                ]
            )
            stats["prospects"] += 1
            # A third of the prospects are in a campaign and have been mailed.
            if rng.random() >= 0.33:
                continue
            campaign = rng.choice(names)
            replied = status == "REPLIED"
            enrolments.writerow([campaign, email, "REPLIED" if replied else "ACTIVE", rng.choice(INTEREST)])
            stats["enrolments"] += 1
            moment = EPOCH + timedelta(days=rng.randrange(0, 300), seconds=rng.randrange(0, 86_400))
            for step in range(rng.choice((1, 1, 2, 3))):
                sent = moment + timedelta(days=3 * step)
                activity.writerow([email, campaign, "SENT", sent.isoformat(), ""])
                stats["events"] += 1
                if rng.random() < 0.4:
                    opened = sent + timedelta(minutes=rng.randrange(5, 3_000))
                    activity.writerow([email, campaign, "OPENED", opened.isoformat(), ""])
                    stats["events"] += 1
                    if rng.random() < 0.25:
                        clicked = opened + timedelta(minutes=rng.randrange(1, 60))
                        activity.writerow([email, campaign, "CLICKED", clicked.isoformat(), rng.choice(URLS)])
                        stats["events"] += 1
            if replied:
                answer = moment + timedelta(days=1 + rng.randrange(0, 10))
                activity.writerow([email, campaign, "REPLIED", answer.isoformat(), ""])
                stats["events"] += 1
    stats["seconds"] = round(time.perf_counter() - started)
    return stats


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out/data"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.prospects, args.out, args.seed))


if __name__ == "__main__":
    main()
