"""Enrichment benchmark (issue 4, point 6, and point 2's import speed), on a fresh database.

    .venv/bin/python bench/enrichment_bench.py --database sqlite
    .venv/bin/python bench/enrichment_bench.py --database postgresql

Measures, against a real ``leadpecker serve`` (embedded worker on) and the real CLI:

  (a) queueing 10,000 prospects in one request — client wall time and the server's own
      ``Server-Timing: app;dur=`` — on a fresh account each run (target ≤ 250 ms);
  (b) a statuses query for 1,000 emails, median/p99 over many runs (target ≤ 50 ms);
  (c) a 1-prospect batch from queued to processed with an idle worker (target ≤ 100 ms):
      client-observed (queue answered → a tight GET-by-uuid poll sees it processed) and
      server-side (the item's processed_at − created_at);
  (d) ``leadpecker leads import`` of 200,000 generated leads (target ≥ 50,000 rows/s on
      SQLite), then a re-import of the same file, which must not add a single row.

Prints a table and writes the figures as JSON to bench/out/. The data are generated with the
standard library, seeded. The worker drains each batch before the next measurement, so every
figure is taken with an idle worker.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from leadpecker.leads.schemas import LEAD_FILE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
QUEUE = "/rest/v2/lead_finder/prospects/enrichments"
QUERY = f"{QUEUE}/statuses/query"
ADD = "/rest/v1/add_prospects_list"
POSTGRES_URL = os.environ.get(
    "LEADPECKER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGETS = {"queue_10k_ms": 250, "status_1k_ms": 50, "latency_1_ms": 100, "import_rows_per_s": 50_000}

FIRST = ["Anna", "Ben", "Carla", "Dawid", "Ewa", "Filip", "Greta", "Hugo", "Iga", "Jan", "Kasia", "Leon"]
LAST = ["Nowak", "Kowalski", "Smith", "Dunn", "Bachman", "Hendricks", "Gilfoyle", "Chugtai", "Belson", "Ruiz"]
TITLES = ["CEO", "CTO", "Head of Sales", "VP Marketing", "Engineer", "Founder", "Account Executive"]
INDUSTRIES = ["Software", "Retail", "Finance", "Healthcare", "Logistics", "Media", "Education"]
CITIES = [
    ("Warsaw", "Mazowieckie", "Poland"),
    ("Berlin", "Berlin", "Germany"),
    ("Austin", "TX", "United States"),
]
LEAD_COLUMNS = LEAD_FILE_COLUMNS


# --- data --------------------------------------------------------------------------------------


def lead_email(i: int) -> str:
    return f"lead{i}@company{i % 5_000}.example"


def write_leads(path: Path, count: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LEAD_COLUMNS)
        for i in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, state, country = rng.choice(CITIES)
            company = f"Company {i % 5_000}"
            writer.writerow(
                [
                    lead_email(i),
                    first,
                    last,
                    f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}",
                    rng.choice(TITLES),
                    f"+48 {rng.randrange(100_000_000, 999_999_999)}",
                    company,
                    f"https://company{i % 5_000}.example",
                    rng.choice(INDUSTRIES),
                    f"{rng.randrange(1, 200)} Main Street",
                    city,
                    state,
                    country,
                ]
            )


# --- the database, directly (counts and item timings only) -------------------------------------


def new_database(kind: str, workdir: Path) -> tuple[str, Any]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    name = f"leadpecker_bench_{uuid.uuid4().hex[:10]}"
    pg_admin(f"CREATE DATABASE {name}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_admin(sql: str, url: str = POSTGRES_URL) -> None:
    pg_rows(url, sql)


def pg_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    return pg_rows(database_url, sql)


def lead_count(database_url: str) -> int:
    return rows(database_url, "SELECT count(*) FROM leads")[0][0]


def processing_ms(database_url: str, batch_uuids: list[str]) -> list[float]:
    """Server-side latency of each batch's item: processed_at − created_at."""
    quoted = ", ".join(f"'{value}'" for value in batch_uuids)
    found = rows(
        database_url,
        "SELECT i.created_at, i.processed_at FROM enrichment_items i "
        f"JOIN enrichment_batches b ON b.id = i.batch_id WHERE b.uuid IN ({quoted})",
    )
    return [(_as_datetime(done) - _as_datetime(created)).total_seconds() * 1000 for created, done in found]


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)  # SQLite: naive UTC text


# --- processes ---------------------------------------------------------------------------------


def leadpecker(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEADPECKER_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "leadpecker", *args], env=env, capture_output=True, text=True, check=True
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(database_url: str, log: Path) -> Server:
    port = free_port()
    env = {**os.environ, "LEADPECKER_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "leadpecker", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"leadpecker serve exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return Server(url, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"leadpecker serve did not start:\n{log.read_text()}")


def new_client(server: Server, database_url: str, credits: str) -> httpx.Client:
    output = leadpecker(
        database_url, "accounts", "create", f"bench-{uuid.uuid4().hex[:8]}", "--json", "--credits", credits
    )
    key = json.loads(output.stdout.strip().splitlines()[-1])["api_key"]
    return httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=120)


# --- measurements ------------------------------------------------------------------------------


def server_ms(response: httpx.Response) -> float:
    match = re.search(r"app;dur=([0-9.]+)", response.headers.get("server-timing", ""))
    assert match, f"no Server-Timing header: {dict(response.headers)}"
    return float(match.group(1))


def ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise SystemExit(
            f"{response.request.method} {response.request.url} → {response.status_code}: {response.text}"
        )
    return response.json()


def add_prospects(client: httpx.Client, emails: list[str]) -> None:
    for start in range(0, len(emails), 20_000):
        ok(client.post(ADD, json={"prospects": [{"email": e} for e in emails[start : start + 20_000]]}))


def wait_processed(client: httpx.Client, batch_uuid: str, timeout: float = 600) -> float:
    """Poll (every 50 ms) until the batch has no PENDING record; returns the seconds it took."""
    started = time.perf_counter()
    while True:
        records = ok(client.get(f"{QUEUE}/{batch_uuid}"))["prospect_enrichments"]
        if all(record["status"] != "PENDING" for record in records):
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"batch {batch_uuid} not processed after {timeout} s")
        time.sleep(0.05)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "min": round(ordered[0], 2),
        "median": round(statistics.median(ordered), 2),
        "p99": round(p99, 2),
        "max": round(ordered[-1], 2),
    }


@dataclass
class Results:
    backend: str
    figures: dict[str, Any] = field(default_factory=dict)


def bench_import(database_url: str, workdir: Path, count: int, results: Results) -> None:
    path = OUT / "data" / f"leads-{count}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_leads(path, count)
    leadpecker(database_url, "accounts", "list")  # the schema first: not part of the import
    figures: dict[str, Any] = {"rows": count, "file": str(path.relative_to(ROOT))}
    for run in ("first", "again"):
        started = time.perf_counter()
        output = leadpecker(database_url, "leads", "import", str(path))
        wall = time.perf_counter() - started
        match = re.search(
            r"leads, ([0-9,]+) rows?: .*; ([0-9.]+) s, ([0-9,]+) rows/s", output.stderr + output.stdout
        )
        assert match, output.stderr
        figures[run] = {
            "command_rows_per_s": int(match.group(3).replace(",", "")),
            "wall_s": round(wall, 2),
            "wall_rows_per_s": round(count / wall),
            "leads_in_database": lead_count(database_url),
        }
    assert figures["first"]["leads_in_database"] == count, figures
    assert figures["again"]["leads_in_database"] == count, "the re-import duplicated leads"
    results.figures["lead_import"] = figures


def bench_queue(server: Server, database_url: str, runs: int, results: Results) -> httpx.Client:
    """Queue 10,000 prospects (half known to the lead database) on a fresh account per run."""
    client_ms, app_ms, drain_s = [], [], []
    client = None
    for run in range(runs):
        client = new_client(server, database_url, "15000")
        emails = [
            lead_email(run * 10_000 + i) if i % 2 else f"unknown{i}-{run}@nowhere.example"
            for i in range(10_000)
        ]
        add_prospects(client, emails)
        body = {"prospects": [{"email": e, "first_name": "Ann", "last_name": "Smith"} for e in emails]}
        started = time.perf_counter()
        response = client.post(QUEUE, json=body)
        client_ms.append((time.perf_counter() - started) * 1000)
        answer = ok(response)
        assert answer["prospects_count"] == 10_000 and answer["status"] == "ENQUEUED", answer
        app_ms.append(server_ms(response))
        drain_s.append(wait_processed(client, answer["uuid"]))
    results.figures["queue_10k"] = {
        "client_ms": summary(client_ms),
        "server_ms": summary(app_ms),
        "worker_items_per_s": summary([10_000 / s for s in drain_s]),
    }
    assert client is not None
    return client


def bench_status(client: httpx.Client, runs: int, results: Results) -> None:
    """The last queue run's account: 10,000 records; ask for 1,000 of those prospects."""
    records = ok(client.post(QUERY, json={}))["prospect_enrichments"]
    emails = random.Random(7).sample([record["prospect_email"] for record in records], 1_000)
    client_ms, app_ms = [], []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post(QUERY, json={"emails": emails})
        client_ms.append((time.perf_counter() - started) * 1000)
        assert len(ok(response)["prospect_enrichments"]) == 1_000
        app_ms.append(server_ms(response))
    results.figures["status_1k"] = {"client_ms": summary(client_ms), "server_ms": summary(app_ms)}


def bench_latency(server: Server, database_url: str, runs: int, leads: int, results: Results) -> None:
    """One known prospect per batch; poll GET by uuid with no pause until it is processed."""
    client = new_client(server, database_url, str(2 * runs))
    emails = [lead_email(leads - 1 - i) for i in range(runs)]  # leads no queue run used
    add_prospects(client, emails)
    observed, batches = [], []
    for email in emails:
        answer = ok(client.post(QUEUE, json={"prospects": [{"email": email}]}))
        queued = time.perf_counter()
        while True:
            [record] = ok(client.get(f"{QUEUE}/{answer['uuid']}"))["prospect_enrichments"]
            if record["status"] != "PENDING":
                break
        observed.append((time.perf_counter() - queued) * 1000)
        assert record["status"] == "PROCESSED_ENRICHED", record
        batches.append(answer["uuid"])
        time.sleep(0.1)  # the worker goes back to idle
    results.figures["latency_1"] = {
        "client_observed_ms": summary(observed),
        "server_side_ms": summary(processing_ms(database_url, batches)),
    }


def report(results: Results) -> str:
    f = results.figures
    imp, machine = f["lead_import"], f["machine"]
    table = [
        ("queue 10,000 prospects, client ms", f["queue_10k"]["client_ms"], "max", "≤ 250 ms"),
        ("queue 10,000 prospects, server ms", f["queue_10k"]["server_ms"], "max", ""),
        ("statuses query 1,000 emails, client ms", f["status_1k"]["client_ms"], "p99", "≤ 50 ms"),
        ("statuses query 1,000 emails, server ms", f["status_1k"]["server_ms"], "p99", ""),
        (
            "1-prospect batch queued→processed, client ms",
            f["latency_1"]["client_observed_ms"],
            "p99",
            "≤ 100 ms",
        ),
        ("1-prospect batch queued→processed, server ms", f["latency_1"]["server_side_ms"], "p99", ""),
        ("worker throughput, items/s (10k batches)", f["queue_10k"]["worker_items_per_s"], "max", ""),
    ]
    lines = [
        f"leadpecker enrichment benchmark — {results.backend} — {machine['cpus']} CPUs, load average "
        f"{machine['loadavg_start'][0]:.1f} at the start, {machine['loadavg_end'][0]:.1f} at the end",
        f"{'measure':<46}{'median':>9}{'p99/max':>9}{'min':>9}{'n':>5}  target",
    ]
    for label, stats, tail, target in table:
        lines.append(
            f"{label:<46}{stats['median']:>9.1f}{stats[tail]:>9.1f}{stats['min']:>9.1f}"
            f"{stats['n']:>5}  {target}"
        )
    first, again = imp["first"], imp["again"]
    lines += [
        f"leads import {imp['rows']:,} rows: {first['command_rows_per_s']:,} rows/s as the command "
        "reports it "
        f"({first['wall_rows_per_s']:,} rows/s wall incl. start-up, {first['wall_s']} s)  target ≥ 50,000",
        f"leads re-import of the same file: {again['command_rows_per_s']:,} rows/s; leads in the database "
        f"after import {first['leads_in_database']:,}, after re-import {again['leads_in_database']:,}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--queue-runs", type=int, default=5)
    parser.add_argument("--status-runs", type=int, default=50)
    parser.add_argument("--latency-runs", type=int, default=30)
    parser.add_argument("--leads", type=int, default=200_000)
    args = parser.parse_args()
    if args.leads < 10_000 * args.queue_runs + args.latency_runs:
        parser.error("--leads must cover the queue runs (10,000 each) and the latency runs")

    results = Results(args.database)
    # Other work on the machine shows in every figure: the load averages say how much there was.
    results.figures["machine"] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "loadavg_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="enrichment-bench-") as tmp:
        workdir = Path(tmp)
        database_url, drop = new_database(args.database, workdir)
        server = None
        try:
            bench_import(database_url, workdir, args.leads, results)
            server = start_server(database_url, workdir / "server.log")
            client = bench_queue(server, database_url, args.queue_runs, results)
            bench_status(client, args.status_runs, results)
            bench_latency(server, database_url, args.latency_runs, args.leads, results)
        finally:
            if server is not None:
                server.stop()
            drop()

    results.figures["machine"]["loadavg_end"] = os.getloadavg()
    print(report(results))
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"enrichment-{args.database}-{stamp}.json"
    path.write_text(json.dumps({"backend": args.database, "targets": TARGETS, **results.figures}, indent=2))
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
