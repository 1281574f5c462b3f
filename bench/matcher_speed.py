"""How fast one enrichment worker matches prospects against a large lead database (issue 5.4).

    .venv/bin/python bench/matcher_speed.py --database sqlite [--reuse] [--batch-size 200 1000] [--runs 3]
    .venv/bin/python bench/matcher_speed.py --database postgresql --reuse

Everything goes through the real commands and the real API:

1. builds the database (``--reuse`` keeps one that already holds the leads): 1,000,000 leads
   generated with the standard library (seeded: names with a realistic spread of common and
   rare ones, companies with domains, LinkedIn URLs, unique phones) written to a CSV and loaded
   with ``leadpecker leads import``;
2. per run: a fresh account with ample credits (``leadpecker accounts create``) and ~50,000
   prospects (``leadpecker prospects import``) that match a lead by email, by a LinkedIn hint,
   by name + company domain, by name + company name, or nobody; all queued through
   ``leadpecker serve`` (no embedded worker, no rate limit) in requests of 10,000 with hints;
3. ONE standalone ``python -m leadpecker worker`` (``LEADPECKER_WORKER_BATCH_SIZE`` per run)
   drains the queue; the bench polls until nothing is pending and stops it.

Measured: prospects/s between the first and the last ``processed_at`` (the items finished
after the first claim, over that span), prospects/s over the worker's wall time (process start
to the last item done, so start-up included), prospects per second of the worker's own CPU
time (what a shared, busy machine does not distort), the share PROCESSED_ENRICHED, and per
category how many were enriched with the intended lead's data and how many with someone
else's (every lead has a unique phone, so a filled phone names the lead that was taken). A
table on stdout; every run and the medians as JSON in
``bench/out/matcher-speed[-TAG]-<database>.json``.

PostgreSQL: the bench runs VACUUM (ANALYZE) on the queue's tables before the worker starts,
as autovacuum would on a production server.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from leadpecker.kit.db import async_database_url
from leadpecker.leads.schemas import LEAD_FILE_COLUMNS
from leadpecker.models import EnrichmentItem, FieldProvenance, Lead, Prospect

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SEED = 20261123
QUEUE_PATH = "/rest/v2/lead_finder/prospects/enrichments"
QUEUE_CHUNK = 10_000
# Share of the prospects per way of matching (the rest of 1.0 matches nobody).
MIX = {"email": 0.35, "linkedin": 0.15, "name_domain": 0.20, "name_company": 0.10}
LEAD_COLUMNS = LEAD_FILE_COLUMNS
PROSPECT_COLUMNS = ["email", "first_name", "last_name", "company", "website", "linkedin_url"]
FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "icloud.com"]
TITLES = [
    "CEO",
    "CTO",
    "Founder",
    "VP Sales",
    "Head of Marketing",
    "Software Engineer",
    "Account Executive",
    "Product Manager",
    "Office Manager",
    "Data Analyst",
    "Recruiter",
    "Sales Development Representative",
]
INDUSTRIES = ["Software", "Retail", "Healthcare", "Finance", "Logistics", "Education", "Media", "Energy"]
PLACES = [
    ("Austin", "TX", "United States"),
    ("Boston", "MA", "United States"),
    ("London", "", "United Kingdom"),
    ("Berlin", "", "Germany"),
    ("Warsaw", "", "Poland"),
    ("Paris", "", "France"),
    ("Toronto", "ON", "Canada"),
    ("Sydney", "NSW", "Australia"),
]
COMPANY_FORMS = ["", "", "", "Inc", "Inc.", "Ltd", "GmbH", "LLC", "Group", "Labs", "Sp. z o.o."]
TLDS = [".com"] * 6 + [".io", ".co.uk", ".de", ".net", ".pl"]
ACCENTS = str.maketrans({"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í"})


# --- the data set ----------------------------------------------------------------------------


def _words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    """``count`` distinct pronounceable capitalised words."""
    onsets = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "l", "m"]
    onsets += ["n", "p", "pr", "r", "s", "sh", "st", "t", "th", "tr", "v", "w", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "ou", "y"]
    codas = ["", "", "", "n", "r", "l", "s", "th", "m", "x", "ck"]
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(*syllables))
        ).capitalize()
        if word not in seen and len(word) > 2:
            seen.add(word)
            words.append(word)
    return words


def _cumulative(count: int, offset: int) -> list[float]:
    """Zipf-like weights 1/(rank+offset): a few common values, a long tail of rare ones
    (offsets chosen so that the commonest first+last name is shared by ~100 of 1M people)."""
    total, cumulative = 0.0, []
    for rank in range(count):
        total += 1 / (rank + offset)
        cumulative.append(total)
    return cumulative


@dataclass(frozen=True)
class Company:
    name: str
    domain: str


@dataclass
class Pools:
    first: list[str]
    last: list[str]
    companies: list[Company]
    first_weights: list[float]
    last_weights: list[float]
    company_weights: list[float]

    def person(self, rng: random.Random) -> tuple[str, str]:
        first = rng.choices(self.first, cum_weights=self.first_weights)[0]
        return first, rng.choices(self.last, cum_weights=self.last_weights)[0]

    def company(self, rng: random.Random) -> Company:
        return rng.choices(self.companies, cum_weights=self.company_weights)[0]


def _pools(rng: random.Random) -> Pools:
    first, last = _words(rng, 1_000, (1, 2)), _words(rng, 10_000, (2, 3))
    companies, domains = [], set()
    for word in _words(rng, 60_000, (1, 3)):
        second = rng.choice(["", "", word[::-1].capitalize()])
        base = f"{word} {second}".strip()
        domain = base.lower().replace(" ", "") + rng.choice(TLDS)
        if domain in domains:
            continue
        domains.add(domain)
        companies.append(Company(f"{base} {rng.choice(COMPANY_FORMS)}".strip(), domain))
        if len(companies) == 50_000:
            break
    return Pools(
        first,
        last,
        companies,
        _cumulative(len(first), 10),
        _cumulative(len(last), 50),
        _cumulative(50_000, 20),
    )


def _ascii(name: str) -> str:
    return name.lower().replace(" ", "")


def _lead(i: int, rng: random.Random, pools: Pools, emails: set[str]) -> dict[str, str]:
    first, last = pools.person(rng)
    company = pools.company(rng)
    local = f"{_ascii(first)}.{_ascii(last)}"
    roll = rng.random()
    if roll < 0.05:
        email = ""  # known only by LinkedIn
    else:
        domain = rng.choice(FREE_MAIL) if roll < 0.15 else company.domain
        email, n = f"{local}@{domain}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{domain}"
        emails.add(email)
    slug = f"{_ascii(first)}-{_ascii(last)}-{(i * 2654435761) % 2**32:08x}"  # unique per lead
    linkedin = f"https://www.linkedin.com/in/{slug}" if not email or rng.random() < 0.75 else ""
    city, state, country = rng.choice(PLACES)
    # 5 % spelled with accents in the lead database; clients write them plainly.
    stored_first = first.translate(ACCENTS) if rng.random() < 0.05 else first
    return {
        "email": email,
        "first_name": stored_first,
        "last_name": last,
        "linkedin_url": linkedin,
        "title": rng.choice(TITLES),
        "phone": f"+1 555 {i:07d}",  # unique: a filled phone says which lead was taken
        "company_name": company.name,
        "company_website": rng.choice(
            [f"https://www.{company.domain}", company.domain, f"http://{company.domain}/"]
        ),
        "industry": rng.choice(INDUSTRIES),
        "address": f"{rng.randint(1, 999)} {rng.choice(pools.last)} Street",
        "city": city,
        "state": state,
        "country": country,
        "_domain": company.domain,
        "_first": first,
    }


def _linkedin_variant(rng: random.Random, url: str) -> str:
    slug = url.rsplit("/", 1)[1]
    return rng.choice(
        [
            f"http://uk.linkedin.com/in/{slug}/",
            f"linkedin.com/in/{slug.upper()}?trk=public_profile",
            f"https://www.linkedin.com/in/{slug}/",
        ]
    )


def _company_variant(rng: random.Random, name: str) -> str:
    base = name
    for form in ("Inc.", "Inc", "Ltd", "GmbH", "LLC", "Sp. z o.o."):
        base = base.removesuffix(f" {form}")
    return rng.choice([base.upper(), f"{base}, Inc.", base, f"{base} Ltd"])


def _prospect(
    kind: str, rng: random.Random, lead: dict[str, str] | None, pools: Pools, n: int
) -> tuple[dict[str, str], dict[str, str]]:
    """A prospect (the stored row) and its queue hints, for one way of matching."""
    stored: dict[str, str] = {}
    hints: dict[str, str] = {}
    if kind == "email":
        assert lead is not None
        stored["email"] = lead["email"]
        if rng.random() < 0.5:
            stored["first_name"] = lead["_first"]
        if rng.random() < 0.5:
            hints.update(first_name=lead["_first"], last_name=lead["last_name"])
    elif kind == "linkedin":
        assert lead is not None
        stored["email"] = f"{_ascii(lead['_first'])}{n}@{rng.choice(FREE_MAIL)}"
        hints["linkedin_url"] = _linkedin_variant(rng, lead["linkedin_url"])
    elif kind == "name_domain":
        assert lead is not None
        # Another address at the company (lead emails are first.last@…: never this form).
        stored["email"] = f"{_ascii(lead['_first'])[0]}{_ascii(lead['last_name'])}{n}@{lead['_domain']}"
        names = {"first_name": lead["_first"], "last_name": lead["last_name"].upper()}
        (stored if rng.random() < 0.5 else hints).update(names)
        if rng.random() < 0.5:
            hints["company_website"] = f"https://www.{lead['_domain']}/about"
    elif kind == "name_company":
        assert lead is not None
        stored["email"] = f"{_ascii(lead['last_name'])}.{n}@{rng.choice(FREE_MAIL)}"
        names = {"first_name": lead["_first"], "last_name": lead["last_name"]}
        (stored if rng.random() < 0.5 else hints).update(names)
        hints["company_name"] = _company_variant(rng, lead["company_name"])
    else:  # nobody: common names at companies the lead database does not know, or a bare address
        first, last = pools.person(rng)
        if rng.random() < 0.5:
            stored["email"] = f"{_ascii(first)[0]}{_ascii(last)}{n}@{_ascii(last)}-{n}-unknown.com"
            hints.update(first_name=first, last_name=last, company_name=f"{last} Unknown {n}")
        else:
            stored["email"] = f"someone{n}@{rng.choice(FREE_MAIL)}"
    return stored, hints


def build_files(leads: int, prospects: int, directory: Path) -> tuple[Path, Path]:
    """The leads CSV, and the prospects CSV with a sidecar JSONL (email, kind, hints, intended
    lead's phone). Seeded: the same arguments give the same files, so existing ones are kept."""
    stem = f"{leads}-{prospects}-{SEED}"
    leads_csv, prospects_csv = directory / f"leads-{stem}.csv", directory / f"prospects-{stem}.csv"
    truth = prospects_csv.with_suffix(".jsonl")
    if leads_csv.exists() and prospects_csv.exists() and truth.exists():
        return leads_csv, prospects_csv
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rng = random.Random(SEED)
    pools = _pools(rng)
    count = {kind: round(prospects * share) for kind, share in MIX.items()}
    # Leads the matched prospects are made from, chosen up front so the leads stream to disk.
    chosen = dict(zip(rng.sample(range(leads), sum(count.values())), _kinds(count), strict=True))
    picked: list[tuple[str, dict[str, str]]] = []
    emails: set[str] = set()
    with leads_csv.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, LEAD_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for i in range(leads):
            lead = _lead(i, rng, pools, emails)
            writer.writerow(lead)
            kind = chosen.get(i)
            if kind is not None:
                picked.append((_fit(kind, lead), lead))
    picked.extend(("none", {}) for _ in range(prospects - len(picked)))
    rng.shuffle(picked)
    with prospects_csv.open("w", newline="") as handle, truth.open("w") as sidecar:
        writer = csv.DictWriter(handle, PROSPECT_COLUMNS)
        writer.writeheader()
        for n, (kind, lead) in enumerate(picked):
            stored, hints = _prospect(kind, rng, lead or None, pools, n)
            writer.writerow(stored)
            record = {"email": stored["email"], "kind": kind, "hints": hints, "phone": lead.get("phone", "")}
            sidecar.write(json.dumps(record) + "\n")
    print(f"generated {leads:,} leads and {prospects:,} prospects in {time.perf_counter() - started:.0f} s")
    return leads_csv, prospects_csv


def _kinds(count: dict[str, int]) -> Iterator[str]:
    for kind, n in count.items():
        yield from [kind] * n


def _fit(kind: str, lead: dict[str, str]) -> str:
    """The intended kind if the lead supports it (no email → no email match; no LinkedIn →
    no LinkedIn match); otherwise the strongest the lead does support."""
    if kind == "email" and not lead["email"]:
        return "linkedin"
    if kind == "linkedin" and not lead["linkedin_url"]:
        return "name_domain"
    return kind


# --- the commands ----------------------------------------------------------------------------


def leadpecker(url: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``leadpecker ARGS`` against ``url``; its output, or exit with it on failure."""
    result = subprocess.run(
        [sys.executable, "-m", "leadpecker", *args],
        env={**os.environ, "LEADPECKER_DATABASE_URL": url, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"leadpecker {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue_all(url: str, api_key: str, truth: list[dict[str, Any]]) -> float:
    """Queue every prospect through ``leadpecker serve``; returns the seconds it took."""
    port = _free_port()
    env = {
        **os.environ,
        "LEADPECKER_DATABASE_URL": url,
        "LEADPECKER_WORKER_EMBEDDED": "false",
        "LEADPECKER_RATE_LIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "leadpecker", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("leadpecker serve did not start")
                time.sleep(0.1)
        started = time.perf_counter()
        for start in range(0, len(truth), QUEUE_CHUNK):
            entries = [{"email": t["email"], **t["hints"]} for t in truth[start : start + QUEUE_CHUNK]]
            request = urllib.request.Request(
                base + QUEUE_PATH,
                data=json.dumps({"prospects": entries}).encode(),
                headers={"x-api-key": api_key, "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                body = json.loads(response.read())
            if body["status"] != "ENQUEUED" or body["prospects_count"] != len(entries):
                sys.exit(f"queuing failed: {body}")
        return time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


# --- the database ----------------------------------------------------------------------------


def database_name(tag: str) -> str:
    return f"matcher_speed_{tag}" if tag else "matcher_speed"


def database_url(kind: str, tag: str = "") -> str:
    if kind == "sqlite":
        return f"sqlite:///{OUT / database_name(tag)}.db"
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/leadpecker_{database_name(tag)}"


def _engine(url: str) -> AsyncEngine:
    return create_async_engine(async_database_url(url), poolclass=NullPool)


async def _admin(statement: str) -> None:
    engine = create_async_engine(async_database_url(POSTGRES_ADMIN), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


def drop_database(kind: str, tag: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / database_name(tag)}.db{suffix}").unlink(missing_ok=True)
    else:
        name = f"leadpecker_{database_name(tag)}"
        asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        asyncio.run(_admin(f"CREATE DATABASE {name}"))


async def _lead_count(url: str) -> int:
    engine = _engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(select(func.count()).select_from(Lead))).scalar_one()
    except Exception:  # noqa: BLE001 - no database or no schema yet: nothing to reuse
        return 0
    finally:
        await engine.dispose()


async def _vacuum(url: str) -> None:
    """What autovacuum does on a production server (the shared test server runs without it):
    without it every processed item leaves a dead entry in the pending-items index that the
    next runs' claims step over, and the planner has no statistics on the queue."""
    engine = create_async_engine(async_database_url(url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(
            text("VACUUM (ANALYZE) enrichment_items, prospects, field_provenance, credit_ledger")
        )
    await engine.dispose()


async def _drain(url: str, account_id: int, worker: subprocess.Popen[bytes], limit_seconds: float) -> None:
    """Wait until the account has no pending item (or the worker died, or time ran out)."""
    engine = _engine(url)
    pending = select(func.count()).where(
        EnrichmentItem.account_id == account_id, EnrichmentItem.status == "PENDING"
    )
    deadline = time.monotonic() + limit_seconds
    try:
        while time.monotonic() < deadline:
            async with engine.connect() as conn:
                if (await conn.execute(pending)).scalar_one() == 0:
                    return
            if worker.poll() is not None:
                sys.exit(f"the worker exited with {worker.returncode}")
            await asyncio.sleep(0.05)
        sys.exit("the worker did not finish in time")
    finally:
        await engine.dispose()


async def _outcome(url: str, account_id: int) -> dict[str, Any]:
    engine = _engine(url)
    async with engine.connect() as conn:
        items = (
            await conn.execute(
                select(
                    EnrichmentItem.prospect_email, EnrichmentItem.status, EnrichmentItem.processed_at
                ).where(EnrichmentItem.account_id == account_id)
            )
        ).all()
        phones = dict(
            (
                await conn.execute(
                    select(Prospect.email, Prospect.phone).where(Prospect.account_id == account_id)
                )
            ).all()
        )
        signals = dict(
            (
                await conn.execute(
                    select(Prospect.email, FieldProvenance.signal)
                    .join(FieldProvenance, FieldProvenance.prospect_id == Prospect.id)
                    .where(Prospect.account_id == account_id, FieldProvenance.field == "phone")
                )
            ).all()
        )
    await engine.dispose()
    return {"items": items, "phones": phones, "signals": signals}


# --- one run ---------------------------------------------------------------------------------


def run_once(
    url: str, prospects_csv: Path, truth: list[dict[str, Any]], batch_size: int | None, profile: str
) -> dict[str, Any]:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    account = json.loads(
        leadpecker(url, "accounts", "create", name, "--credits", "1000000", "--json").splitlines()[-1]
    )
    leadpecker(url, "prospects", "import", str(prospects_csv), "--account", name)
    queue_seconds = queue_all(url, account["api_key"], truth)
    if url.startswith("postgresql"):
        asyncio.run(_vacuum(url))

    env = {**os.environ, "LEADPECKER_DATABASE_URL": url}
    if batch_size is not None:
        env["LEADPECKER_WORKER_BATCH_SIZE"] = str(batch_size)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    command = [sys.executable, "-m", "leadpecker", "worker"]
    if profile == "cprofile":
        command[1:1] = ["-m", "cProfile", "-o", str(OUT / f"worker-{name}.prof")]
    elif profile == "py-spy":
        spy = Path(sys.executable).with_name("py-spy")
        command[:0] = [
            str(spy),
            "record",
            "--format",
            "speedscope",
            "-o",
            str(OUT / f"worker-{name}.speedscope"),
            "--",
        ]
    worker = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        asyncio.run(_drain(url, account["id"], worker, limit_seconds=1_800))
        wall = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    # The worker is the only child reaped meanwhile: its CPU time, which a busy machine
    # (other processes on the cores) does not inflate the way it does the wall time.
    worker_cpu = _children_cpu() - cpu_before
    failures = [
        line for line in errors.decode(errors="replace").splitlines() if "ERROR" in line or "WARNING" in line
    ]

    found = asyncio.run(_outcome(url, account["id"]))
    items = found["items"]
    stamps: list[datetime] = sorted(processed for _, _, processed in items)
    first, last = stamps[0], stamps[-1]
    span = (last - first).total_seconds()
    after_first = sum(1 for stamp in stamps if stamp > first)
    statuses = Counter(status for _, status, _ in items)
    per_kind: dict[str, Counter[str]] = {}
    for t in truth:
        counter = per_kind.setdefault(t["kind"], Counter())
        counter["prospects"] += 1
        phone = found["phones"].get(t["email"], "")
        if phone:
            counter["right" if phone == t["phone"] else "wrong"] += 1
            counter[f"by {found['signals'].get(t['email'], '?')}"] += 1
    return {
        "account": name,
        "batch_size": batch_size,
        "prospects": len(items),
        "claims": len(set(stamps)),
        "queue_seconds": round(queue_seconds, 3),
        "span_seconds": round(span, 3),
        "rate_span": round(after_first / span, 1) if span else None,
        "wall_seconds": round(wall, 3),
        "rate_wall": round(len(items) / wall, 1),
        "worker_cpu_seconds": round(worker_cpu, 3),
        "rate_cpu": round(len(items) / worker_cpu, 1),
        "enriched_share": round(statuses["PROCESSED_ENRICHED"] / len(items), 4),
        "statuses": dict(statuses),
        "per_kind": {kind: dict(counter) for kind, counter in sorted(per_kind.items())},
        "worker_warnings": failures[:10],
    }


def _row(*cells: object) -> str:
    widths = (10, 8, 3, 12, 12, 7, 7, 8, 5)
    return " ".join(
        f"{cell:<{width}}" if i < 2 else f"{cell:>{width}}"
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
    )


def _figures(run: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (
        f"{run['rate_span']:,.0f}",
        f"{run['rate_wall']:,.0f}",
        f"{run['rate_cpu']:,.0f}",
        f"{run['wall_seconds']:.2f}",
        f"{run['enriched_share']:.1%}",
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds the leads")
    parser.add_argument(
        "--tag",
        default="",
        help="a database (and report) of its own: matcher_speed_TAG (e.g. per code version)",
    )
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--prospects", type=int, default=50_000)
    parser.add_argument(
        "--batch-size",
        type=int,
        nargs="*",
        default=[None],
        help="worker claim sizes to run (default: the setting's)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per batch size (medians are reported)")
    parser.add_argument(
        "--profile",
        choices=["none", "cprofile", "py-spy"],
        default="none",
        help="run the worker under a profiler (output in bench/out/worker-<account>.*; slows it down)",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(args.database, args.tag)
    leads_csv, prospects_csv = build_files(args.leads, args.prospects, OUT / "matcher_speed")
    truth = [json.loads(line) for line in prospects_csv.with_suffix(".jsonl").read_text().splitlines()]
    if not args.reuse or asyncio.run(_lead_count(url)) != args.leads:
        drop_database(args.database, args.tag)
        started = time.perf_counter()
        leadpecker(url, "leads", "import", str(leads_csv))
        print(f"imported {args.leads:,} leads in {time.perf_counter() - started:.0f} s")

    runs = []
    print(
        _row(
            "database",
            "batch",
            "run",
            "prosp/s span",
            "prosp/s wall",
            "/cpu-s",
            "wall s",
            "enriched",
            "wrong",
        )
    )
    for batch_size in args.batch_size:
        for n in range(args.runs):
            run = run_once(url, prospects_csv, truth, batch_size, args.profile)
            runs.append(run)
            wrong = sum(kind.get("wrong", 0) for kind in run["per_kind"].values())
            print(_row(args.database, batch_size or "default", n + 1, *_figures(run), wrong))
            for warning in run["worker_warnings"]:
                print(f"    worker: {warning}")
    medians = {}
    for batch_size in args.batch_size:
        mine = [run for run in runs if run["batch_size"] == batch_size]
        medians[str(batch_size or "default")] = {
            key: statistics.median(run[key] for run in mine)
            for key in (
                "rate_span",
                "rate_wall",
                "rate_cpu",
                "wall_seconds",
                "span_seconds",
                "enriched_share",
            )
        }
    print("\nmedians")
    for batch_size, median in medians.items():
        print(_row(args.database, batch_size, "", *_figures(median), ""))
    print("\nper kind (last run):")
    for kind, counter in runs[-1]["per_kind"].items():
        print(f"  {kind:<13} {counter}")
    report = {
        "database": args.database,
        "leads": args.leads,
        "prospects": args.prospects,
        "commit": _git_commit(),
        "tag": args.tag,
        "source": str(Path(async_database_url.__code__.co_filename).parents[1]),  # which tree ran
        "python": sys.version.split()[0],
        "medians": medians,
        "runs": runs,
    }
    path = OUT / f"{database_name(args.tag).replace('_', '-')}-{args.database}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
