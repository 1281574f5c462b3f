"""Benchmark of ``GET /rest/v1/prospects`` at 1,000,000 prospects in one account, on SQLite
and on PostgreSQL.

    .venv/bin/python bench/search_bench.py                     # both databases, 1M prospects
    .venv/bin/python bench/search_bench.py --backend sqlite --reuse

Loads the data set of ``make_prospects.py`` with the real commands (``leadpecker accounts
create``, ``prospects import``, ``campaigns import``, ``enrolments import``, ``activity
import``), starts ``leadpecker serve`` with the rate limit off, and measures each case:
server-side latency from the ``Server-Timing: app;dur=…`` header every response carries
(p50/p99), the client-side latency too, and the throughput of per_page=1000 pages with
concurrent keep-alive clients. Results go to stdout and ``bench/out/results-<backend>.json``.

``--reuse`` keeps a database loaded by an earlier run (bench/out/bench.db, or the PostgreSQL
database ``leadpecker_bench``).

Before measuring, the database's pages are read once (the SQLite file; on PostgreSQL every
table and index through ``pg_prewarm``): what a server that has been serving has in memory.
The machines this was measured on page out file data untouched for a minute (a DAMON
reclaimer), so a freshly loaded or idle database would otherwise be read from disk at random.
The client runs on uvloop when it is installed (uvicorn[standard] brings it): it shares the
machine with the server and should take as little of it as it can.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
POSTGRES_ADMIN = os.environ.get("LEADPECKER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "leadpecker_bench"
ACCOUNT = "bench"

sys.path.insert(0, str(HERE))
from make_prospects import RARE_COMPANY, generate  # noqa: E402

# --- loading ---------------------------------------------------------------------------------


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / 'bench.db'}"
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{PG_DATABASE}"


def leadpecker(url: str, *args: str) -> str:
    """Run the real ``leadpecker`` command against ``url``."""
    env = {**os.environ, "LEADPECKER_DATABASE_URL": url}
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "leadpecker", *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"leadpecker {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    print(f"  leadpecker {' '.join(args[:2])}: {time.perf_counter() - started:.1f} s", flush=True)
    return result.stdout


def _psql(sql: str, database: str = "postgres") -> str:
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}"
    return subprocess.run(["psql", url, "-qAtc", sql], check=True, capture_output=True, text=True).stdout


def warm(backend: str) -> str:
    """Read the whole database once (see the module's docstring); returns what was done."""
    started = time.perf_counter()
    if backend == "sqlite":
        with (OUT / "bench.db").open("rb") as handle:
            while handle.read(1 << 24):
                pass
        return f"read bench.db in {time.perf_counter() - started:.0f} s"
    _psql("CREATE EXTENSION IF NOT EXISTS pg_prewarm", PG_DATABASE)
    blocks = _psql(
        "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')",
        PG_DATABASE,
    ).strip()
    seconds = time.perf_counter() - started
    shared_buffers = _psql("SHOW shared_buffers").strip()
    return f"pg_prewarm: {blocks} blocks in {seconds:.0f} s (shared_buffers {shared_buffers})"


def load(backend: str, data: Path, reuse: bool) -> str:
    """A database holding the data set; returns the bench account's API key."""
    url = database_url(backend)
    key_file = OUT / f"key-{backend}.txt"
    if reuse and key_file.exists():
        print(f"{backend}: reusing the loaded database", flush=True)
        return key_file.read_text().strip()
    print(f"{backend}: loading {data} (the real commands, the way an operator would)", flush=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'bench.db'}{suffix}").unlink(missing_ok=True)
    else:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    started = time.perf_counter()
    created = json.loads(leadpecker(url, "accounts", "create", ACCOUNT, "--json").strip().splitlines()[-1])
    for what in ("prospects", "campaigns", "enrolments", "activity"):
        step = time.perf_counter()
        leadpecker(url, what, "import", str(data / f"{what}.csv"), "--account", ACCOUNT)
        print(f"{backend}: {what} import {time.perf_counter() - step:.0f} s", flush=True)
    if backend == "postgresql":
        # What autovacuum does shortly after a bulk load, done now so the run does not
        # depend on when it comes: statistics and the visibility map for index-only scans.
        _psql("VACUUM ANALYZE", PG_DATABASE)
    print(f"{backend}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
    key_file.write_text(created["api_key"])
    return created["api_key"]


# --- HTTP ------------------------------------------------------------------------------------


class Connection:
    """A keep-alive HTTP/1.1 connection with just enough parsing to be cheap: the client
    shares the machine's two cores with the server and must not be the bottleneck."""

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port, self.key = host, port, key
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 22)
        assert self.reader is not None
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\nx-api-key: {self.key}\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def server_ms(headers: dict[str, str]) -> float:
    return float(headers["server-timing"].split("dur=")[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- the cases -------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    targets: Callable[[random.Random], str]  # a request target per call
    requests: int = 500


@dataclass
class Measured:
    name: str
    server: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    totals: set[str] = field(default_factory=set)
    sizes: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "case": self.name,
            "requests": len(self.server),
            "server_p50_ms": round(statistics.median(self.server), 2),
            "server_p99_ms": round(percentile(self.server, 0.99), 2),
            "server_max_ms": round(max(self.server), 2),
            "client_p50_ms": round(statistics.median(self.client), 2),
            "client_p99_ms": round(percentile(self.client, 0.99), 2),
            "x_total_count": sorted(self.totals)[:3],
            "bytes": int(statistics.median(self.sizes)),
        }


def target(**params: Any) -> str:
    return "/rest/v1/prospects?" + urlencode(params)


def cases(emails: list[str], fragments: list[str], requests: int) -> list[Case]:
    fresh = iter(fragments)
    return [
        Case("exact email", lambda rng: target(search=f"email={rng.choice(emails)}"), requests),
        Case(
            f"rare company substring ({RARE_COMPANY.split()[0].lower()})",
            lambda rng: target(search="company=quillfeather"),
            requests,
        ),
        Case("common company substring (group)", lambda rng: target(search="company=group"), requests),
        Case("common company substring (son)", lambda rng: target(search="company=son"), requests),
        Case(
            "common company substrings, each asked once (no remembered estimate)",
            lambda rng: target(search=f"company={next(fresh)}"),
            min(requests, len(fragments) - 20),  # 20 go to the warm-up
        ),
        Case(
            "status=ACTIVE&sort=-last_contacted",
            lambda rng: target(status="ACTIVE", sort="-last_contacted"),
            requests,
        ),
        Case(
            "two fields ANDed + sort (first_name, last_name; -last_contacted)",
            lambda rng: target(search="first_name=anna,last_name=mil", sort="-last_contacted"),
            requests,
        ),
        Case(
            "two fields ANDed + sort (company, title; +last_name)",
            lambda rng: target(search="company=group,title=engineer", sort="+last_name"),
            requests,
        ),
        Case("page 5,000 of per_page 100", lambda rng: target(page=5000, per_page=100), requests),
        Case(
            "random deep pages of per_page 100",
            lambda rng: target(page=rng.randint(1, 10_000), per_page=100),
            requests,
        ),
    ]


async def measure(port: int, key: str, case: Case, seed: int) -> Measured:
    rng = random.Random(seed)
    connection = Connection("127.0.0.1", port, key)
    measured = Measured(case.name)
    try:
        for _ in range(20):  # warm the connection, the statement caches and the pages
            await connection.get(case.targets(rng))
        for _ in range(case.requests):
            started = time.perf_counter()
            status, headers, body = await connection.get(case.targets(rng))
            measured.client.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{case.name}: HTTP {status}: {body[:300]!r}")
            measured.server.append(server_ms(headers))
            measured.totals.add(headers.get("x-total-count", "?"))
            measured.sizes.append(len(body))
    finally:
        await connection.close()
    return measured


async def throughput(port: int, key: str, clients: int, seconds: float, pages: int) -> dict[str, Any]:
    """per_page=1000 pages at random positions of the whole list, ``clients`` keep-alive
    connections in parallel, for ``seconds``."""
    server: list[float] = []
    done = 0
    deadline = time.perf_counter() + seconds

    async def client(seed: int) -> None:
        nonlocal done
        rng = random.Random(seed)
        connection = Connection("127.0.0.1", port, key)
        try:
            while time.perf_counter() < deadline:
                status, headers, body = await connection.get(
                    target(per_page=1000, page=rng.randint(1, pages))
                )
                if status != 200 or not body.startswith(b"[{"):
                    raise SystemExit(f"throughput: HTTP {status}: {body[:200]!r}")
                server.append(server_ms(headers))
                done += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "case": f"per_page=1000 pages, {clients} clients",
        "responses": done,
        "seconds": round(elapsed, 1),
        "responses_per_s": round(done / elapsed, 1),
        "server_p50_ms": round(statistics.median(server), 2),
        "server_p99_ms": round(percentile(server, 0.99), 2),
    }


# --- running ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "LEADPECKER_DATABASE_URL": url, "LEADPECKER_RATE_LIMIT_ENABLED": "false"}
    log = (OUT / "serve.log").open("wb")
    process = subprocess.Popen(
        [PYTHON, "-m", "leadpecker", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_listening(process, port, 120, "leadpecker serve did not start; see bench/out/serve.log")
    return process, port


def wait_until_listening(process: subprocess.Popen[bytes], port: int, seconds: float, failure: str) -> None:
    """Return once ``port`` accepts connections; kill ``process`` and stop after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(failure)


def sample_emails(data: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    chosen: list[str] = []
    with (data / "prospects.csv").open(newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            # Reservoir sampling: every prospect equally likely.
            if len(chosen) < count:
                chosen.append(row["email"])
            elif (slot := rng.randrange(n + 1)) < count:
                chosen[slot] = row["email"]
    return chosen


def common_fragments(data: Path, count: int) -> list[str]:
    """Up to ``count`` different three-letter company fragments, each in 1–20 % of the
    prospects (as common as ``group``, 2.4 %, and ``son``, 17 %), from the first 20,000 rows."""
    frequency: dict[str, int] = {}
    with (data / "prospects.csv").open(newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            if n == 20_000:
                break
            company = row["company"].lower()
            for fragment in {company[i : i + 3] for i in range(len(company) - 2)}:
                if fragment.isalpha():
                    frequency[fragment] = frequency.get(fragment, 0) + 1
    # Not "son": the case before asks it (and so remembers its estimate).
    common = sorted(f for f, seen in frequency.items() if 200 <= seen <= 4_000 and f != "son")
    return random.Random(2).sample(common, min(count, len(common)))


def run(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    data = args.data
    if not (data / "prospects.csv").exists():
        print(f"generating {args.prospects:,} prospects into {data}", flush=True)
        print(generate(args.prospects, data), flush=True)
    key = load(backend, data, args.reuse)
    url = database_url(backend)
    print(f"  warm: {warm(backend)}", flush=True)
    process, port = serve(url, args.workers)
    try:
        measured: list[Case] = []
        if not args.throughput_only:
            emails = sample_emails(data, 2_000, seed=1)
            fragments = common_fragments(data, args.requests + 20)  # + the warm-up
            measured = cases(emails, fragments, args.requests)
        results = []
        for n, case in enumerate(measured):
            summary = asyncio.run(measure(port, key, case, seed=n)).summary()
            results.append(summary)
            print(
                f"  {summary['case']:<68} server p50 {summary['server_p50_ms']:7.2f} ms  "
                f"p99 {summary['server_p99_ms']:7.2f} ms  | client p50 {summary['client_p50_ms']:7.2f} "
                f"p99 {summary['client_p99_ms']:7.2f} ms  | total {summary['x_total_count'][0]}",
                flush=True,
            )
        pages = args.prospects // 1000
        for clients in args.clients:
            result = asyncio.run(throughput(port, key, clients, args.seconds, pages))
            results.append(result)
            print(
                f"  {result['case']:<68} {result['responses_per_s']:7.1f} responses/s  "
                f"(server p50 {result['server_p50_ms']} ms, p99 {result['server_p99_ms']} ms)",
                flush=True,
            )
    finally:
        process.terminate()
        process.wait(30)
    report: dict[str, Any] = {"backend": backend, "prospects": args.prospects, "cpus": os.cpu_count()}
    report["workers"] = args.workers
    if backend == "postgresql":
        report["shared_buffers"] = _psql("SHOW shared_buffers").strip()
    report["results"] = results
    (OUT / f"results-{backend}.json").write_text(json.dumps(report, indent=2))
    return report


def use_uvloop() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main() -> None:
    use_uvloop()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--prospects", type=int, default=1_000_000, help="size of a generated data set")
    parser.add_argument("--data", type=Path, default=OUT / "data", help="where the data set is (or goes)")
    parser.add_argument("--reuse", action="store_true", help="keep the database an earlier run loaded")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per case")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 8], help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=20, help="length of each throughput run")
    parser.add_argument("--workers", type=int, default=1, help="leadpecker serve processes")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--throughput-only", action="store_true", help="only the per_page=1000 runs")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.load_only:
        for backend in backends:
            load(backend, args.data, args.reuse)
        return
    for backend in backends:
        print(f"== {backend}: {args.prospects:,} prospects, {os.cpu_count()} CPUs", flush=True)
        run(backend, args)


if __name__ == "__main__":
    main()
