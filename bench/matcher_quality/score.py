"""Score the matcher end to end on a data set from ``generate.py`` (issue 5, point 3).

    .venv/bin/python bench/matcher_quality/score.py --database sqlite
    .venv/bin/python bench/matcher_quality/score.py --database postgresql

Runs the real pipeline on a fresh database: ``leadpecker leads import``, ``accounts create``,
``prospects import``, ``leadpecker serve`` (rate limit off, fill-empty merge), the queue in requests
of at most 10,000 entries, polling every batch until nothing is PENDING; then reads the
prospects back from the database and compares every enrichable field with the truth.

- a *written value* is a field whose final value differs from the prospect's original; it is
  correct when it equals the truth;
- **precision** = correct written values / written values;
- **recall** = prospects that should be enriched and ended with every field equal to the truth /
  prospects that should be enriched;
- **false matches** = prospects that must not match but got a field written.

Prints a table (overall, per category, per sub-case), writes everything (with failure examples
and misses by noise) to ``bench/out/matcher_quality.json`` and says PASS or FAIL against the
targets. The exit code is 0 whatever the verdict: this is a measurement; 1 only when the run
itself failed (a command failed, the deadline passed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "bench/out/matcher_quality/data"
DEFAULT_OUT = ROOT / "bench/out/matcher_quality.json"
POSTGRES_URL = os.environ.get(
    "LEADPECKER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGET_PRECISION = 0.999
TARGET_RECALL = 0.95
QUEUE_CHUNK = 10_000
PRICE = 1.5
FIELDS = (
    "first_name",
    "last_name",
    "linkedin_url",
    "title",
    "phone",
    "company",
    "website",
    "industry",
    "address",
    "city",
    "state",
    "country",
)
EXAMPLES_PER_GROUP = 8


class RunFailed(Exception):
    pass


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----- the database ----------------------------------------------------------------------------


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql://", "postgres://", 1), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_database(kind: str, workdir: Path, keep: bool) -> Iterator[str]:
    """A new, empty database; dropped afterwards unless ``keep``."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'matcher_quality.db'}"
        return
    name = f"leadpecker_bench_mq_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        if keep:
            say(f"kept database {name}")
        else:
            asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one read query (``?`` placeholders) on the benchmark database."""
    if database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    async def run() -> list[tuple[Any, ...]]:
        import asyncpg

        numbered = sql
        for index in range(1, len(params) + 1):
            numbered = numbered.replace("?", f"${index}", 1)
        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1), timeout=10)
        try:
            return [tuple(row) for row in await conn.fetch(numbered, *params)]
        finally:
            await conn.close()

    return asyncio.run(run())


# ----- the product's commands and server -------------------------------------------------------


def leadpecker(env: dict[str, str], *args: str) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "leadpecker", *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RunFailed(
            f"leadpecker {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    last = (result.stderr.strip().splitlines() or [""])[-1]
    say(f"  leadpecker {args[0]} {args[1]}: {time.perf_counter() - started:.1f} s  {last}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in self.logs
        )


def start_server(env: dict[str, str], workdir: Path, workers: int) -> Server:
    port = free_port()
    logs = [workdir / "serve.log"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "leadpecker", "serve", "--port", str(port)],
            env=env,
            stdout=logs[0].open("wb"),
            stderr=subprocess.STDOUT,
        )
    ]
    for index in range(workers):
        logs.append(workdir / f"worker-{index}.log")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "leadpecker", "worker"],
                env=env,
                stdout=logs[-1].open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
    server = Server(f"http://127.0.0.1:{port}", processes, logs)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if processes[0].poll() is not None:
            raise RunFailed(f"leadpecker serve exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    server.stop()
    raise RunFailed(f"leadpecker serve did not become healthy:\n{server.log_tail()}")


def call(server: Server, key: str, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        server.url + path,
        data=data,
        method=method,
        headers={"x-api-key": key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise RunFailed(f"{method} {path} → {error.code}: {error.read()[:2000]!r}") from None


# ----- the run ---------------------------------------------------------------------------------


@dataclass
class Run:
    database: str
    final: dict[str, dict[str, str]]  # prospect email → enrichable fields after the run
    statuses: dict[str, str]  # prospect email → the enrichment record's status
    signals: dict[str, str]  # prospect email → the signal provenance names (when written)
    timings: dict[str, float] = field(default_factory=dict)
    queued: int = 0
    queue_statuses: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_pipeline(args: argparse.Namespace, queue: list[dict[str, Any]], workdir: Path) -> Run:
    timings: dict[str, float] = {}
    with fresh_database(args.database, workdir, args.keep) as database_url:
        env = {
            **os.environ,
            "LEADPECKER_DATABASE_URL": database_url,
            "LEADPECKER_RATE_LIMIT_ENABLED": "false",
            "LEADPECKER_ENRICHMENT_OVERWRITE": "false",
            "LEADPECKER_WORKER_EMBEDDED": "true",
        }
        say(f"database: {database_url}")
        started = time.perf_counter()
        leadpecker(env, "leads", "import", str(args.data / "leads.csv"))
        credits = f"{PRICE * len(queue) + 10:.1f}"
        created = leadpecker(env, "accounts", "create", "bench", "--credits", credits, "--json")
        account = json.loads(created.strip().splitlines()[-1])
        leadpecker(env, "prospects", "import", str(args.data / "prospects.csv"), "--account", "bench")
        timings["load_seconds"] = time.perf_counter() - started
        (leads_loaded,) = query(database_url, "SELECT count(*) FROM leads")[0]
        (prospects_loaded,) = query(
            database_url, "SELECT count(*) FROM prospects WHERE account_id = ?", account["id"]
        )[0]
        say(f"  loaded {leads_loaded} leads, {prospects_loaded} prospects")

        server = start_server(env, workdir, args.workers)
        try:
            started = time.perf_counter()
            batches, queued, outcomes = [], 0, []
            for offset in range(0, len(queue), QUEUE_CHUNK):
                chunk = queue[offset : offset + QUEUE_CHUNK]
                answer = call(
                    server,
                    account["api_key"],
                    "POST",
                    "/rest/v2/lead_finder/prospects/enrichments",
                    {"prospects": chunk},
                )
                outcomes.append(answer["status"])
                queued += answer["prospects_count"]
                if answer["uuid"]:
                    batches.append(answer["uuid"])
            timings["queue_seconds"] = time.perf_counter() - started
            say(f"  queued {queued} of {len(queue)} in {len(batches)} batch(es): {', '.join(outcomes)}")
            statuses = wait_for(server, account["api_key"], batches, args.deadline)
            timings["process_seconds"] = time.perf_counter() - started
            say(f"  processed in {timings['process_seconds']:.1f} s")
        except RunFailed:
            say(server.log_tail())
            raise
        finally:
            server.stop()

        columns = ", ".join(FIELDS)
        rows = query(
            database_url, f"SELECT email, {columns} FROM prospects WHERE account_id = ?", account["id"]
        )
        final = {row[0]: dict(zip(FIELDS, (value or "" for value in row[1:]), strict=True)) for row in rows}
        signals = read_signals(database_url, account["id"])
    return Run(args.database, final, statuses, signals, timings, queued, outcomes)


def wait_for(server: Server, key: str, batches: list[str], deadline_seconds: float) -> dict[str, str]:
    """Poll every batch until none of its records is PENDING; the final status per email."""
    deadline = time.monotonic() + deadline_seconds
    statuses: dict[str, str] = {}
    waiting = list(batches)
    last_report = 0.0
    while waiting:
        still = []
        pending = 0
        for batch in waiting:
            records = call(server, key, "GET", f"/rest/v2/lead_finder/prospects/enrichments/{batch}")
            records = records["prospect_enrichments"]
            for record in records:
                statuses[record["prospect_email"]] = record["status"]
            batch_pending = sum(record["status"] == "PENDING" for record in records)
            if batch_pending:
                still.append(batch)
                pending += batch_pending
        waiting = still
        if not waiting:
            break
        if time.monotonic() > deadline:
            raise RunFailed(f"{pending} enrichments still PENDING after {deadline_seconds:.0f} s")
        if time.monotonic() - last_report > 10:
            say(f"  … {pending} pending")
            last_report = time.monotonic()
        time.sleep(0.5)
    return statuses


def read_signals(database_url: str, account_id: int) -> dict[str, str]:
    """What provenance says identified each enriched prospect (diagnostics only)."""
    try:
        rows = query(
            database_url,
            "SELECT DISTINCT p.email, f.signal FROM field_provenance f "
            "JOIN prospects p ON p.id = f.prospect_id WHERE f.account_id = ?",
            account_id,
        )
    except Exception as error:  # noqa: BLE001 - diagnostics must never sink the measurement
        say(f"  (no provenance: {error})")
        return {}
    signals: dict[str, set[str]] = defaultdict(set)
    for email, signal in rows:
        signals[email].add(signal)
    return {email: "+".join(sorted(names)) for email, names in signals.items()}


# ----- scoring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    prospects: int = 0
    expect_enriched: int = 0
    enriched: int = 0
    complete: int = 0  # expected to be enriched, and every field equals the truth
    written: int = 0
    correct: int = 0
    must_not_match: int = 0
    false_matches: int = 0
    wrong_values_prospects: int = 0  # prospects with at least one wrong written value
    signals: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float | None:
        return self.correct / self.written if self.written else None

    @property
    def recall(self) -> float | None:
        return self.complete / self.expect_enriched if self.expect_enriched else None

    def verdict(self) -> str:
        precision_ok = self.precision is None or self.precision >= TARGET_PRECISION
        recall_ok = self.recall is None or self.recall >= TARGET_RECALL
        return "PASS" if precision_ok and recall_ok and not self.false_matches else "FAIL"

    def as_json(self) -> dict[str, Any]:
        return {
            "prospects": self.prospects,
            "expect_enriched": self.expect_enriched,
            "enriched": self.enriched,
            "enriched_completely": self.complete,
            "written_values": self.written,
            "correct_written_values": self.correct,
            "precision": self.precision,
            "recall": self.recall,
            "must_not_match": self.must_not_match,
            "false_matches": self.false_matches,
            "prospects_with_wrong_values": self.wrong_values_prospects,
            "signals": dict(sorted(self.signals.items())),
            "verdict": self.verdict(),
        }


def score(truth: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    overall = Tally()
    by_category: dict[str, Tally] = defaultdict(Tally)
    by_subcase: dict[str, Tally] = defaultdict(Tally)
    misses_by_noise: Counter[str] = Counter()
    expected_by_noise: Counter[str] = Counter()
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    failures: list[dict[str, Any]] = []
    status_mismatches = 0
    for record in truth:
        email = record["email"]
        final = run.final.get(email)
        if final is None:
            raise RunFailed(f"prospect {email} is not in the database after the run")
        original, expected = record["original"], record["expected"]
        written = {name: final[name] for name in FIELDS if final[name] != original[name]}
        correct = sum(value == expected[name] for name, value in written.items())
        complete = all(final[name] == expected[name] for name in FIELDS)
        enriched = bool(written)
        status = run.statuses.get(email, "NOT_QUEUED")
        if enriched != (status == "PROCESSED_ENRICHED"):
            status_mismatches += 1
        signal = run.signals.get(email, "") if enriched else ""
        outcome = ""
        if record["expect_enriched"] and not complete:
            outcome = "partial" if enriched else "missed"
        if enriched and correct < len(written):
            outcome = "false_match" if not record["expect_match"] else "wrong_values"
        for tally in (
            overall,
            by_category[record["category"]],
            by_subcase[f"{record['category']}/{record['subcase']}"],
        ):
            tally.prospects += 1
            tally.expect_enriched += record["expect_enriched"]
            tally.enriched += enriched
            tally.complete += record["expect_enriched"] and complete
            tally.written += len(written)
            tally.correct += correct
            tally.must_not_match += not record["expect_match"]
            tally.false_matches += (not record["expect_match"]) and enriched
            tally.wrong_values_prospects += correct < len(written)
            if signal:
                tally.signals[signal] += 1
        if record["expect_enriched"]:
            for tag in set(record["noise"]):
                expected_by_noise[tag] += 1
                misses_by_noise[tag] += not complete
        if outcome:
            failures.append(
                {
                    "email": email,
                    "category": record["category"],
                    "subcase": record["subcase"],
                    "outcome": outcome,
                    "noise": record["noise"],
                    "signal": run.signals.get(email, ""),
                }
            )
        if outcome and len(examples[f"{record['category']}/{outcome}"]) < EXAMPLES_PER_GROUP:
            examples[f"{record['category']}/{outcome}"].append(
                {
                    "email": email,
                    "subcase": record["subcase"],
                    "lead": record["lead"],
                    "noise": record["noise"],
                    "status": status,
                    "signal": run.signals.get(email, ""),
                    "differences": {
                        name: {"original": original[name], "expected": expected[name], "got": final[name]}
                        for name in FIELDS
                        if final[name] != expected[name] or name in written
                    },
                }
            )
    noise = {
        tag: {
            "expect_enriched": expected_by_noise[tag],
            "not_completely_enriched": misses_by_noise[tag],
            "recall": 1 - misses_by_noise[tag] / expected_by_noise[tag],
        }
        for tag in sorted(expected_by_noise, key=lambda tag: (-misses_by_noise[tag], tag))
    }
    return {
        "overall": overall,
        "categories": dict(by_category),
        "subcases": dict(sorted(by_subcase.items())),
        "noise": noise,
        "examples": dict(sorted(examples.items())),
        "failures": failures,
        "status_mismatches": status_mismatches,
    }


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def table(title: str, rows: dict[str, Tally], overall: Tally | None = None) -> str:
    header = (
        f"{title:<48} {'prosp':>6} {'expect':>6} {'enrich':>6} {'written':>7} {'wrong':>6} "
        f"{'precision':>9} {'recall':>9} {'false':>6}  verdict"
    )
    lines = [header, "-" * len(header)]
    items = list(rows.items()) + ([("OVERALL", overall)] if overall else [])
    for name, tally in items:
        if name == "OVERALL":
            lines.append("-" * len(header))
        lines.append(
            f"{name:<48} {tally.prospects:>6} {tally.expect_enriched:>6} {tally.enriched:>6} "
            f"{tally.written:>7} {tally.written - tally.correct:>6} "
            f"{percent(tally.precision):>9} {percent(tally.recall):>9} "
            f"{tally.false_matches:>6}  {tally.verdict()}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory generate.py wrote")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON report goes")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds to wait for processing")
    parser.add_argument("--workers", type=int, default=0, help="standalone workers beside the embedded one")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work directory")
    args = parser.parse_args(argv)
    for name in ("leads.csv", "prospects.csv", "queue.jsonl", "truth.jsonl"):
        if not (args.data / name).is_file():
            say(
                f"{args.data / name} is missing: "
                f"run bench/matcher_quality/generate.py --out {args.data} first"
            )
            return 1
    truth = read_jsonl(args.data / "truth.jsonl")
    queue = read_jsonl(args.data / "queue.jsonl")
    manifest_path = args.data / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}

    workdir = Path(tempfile.mkdtemp(prefix="matcher_quality_"))
    try:
        run = run_pipeline(args, queue, workdir)
    except RunFailed as error:
        say(f"run failed: {error}")
        return 1
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result = score(truth, run)
    overall: Tally = result["overall"]
    order = list(manifest.get("categories", {}))  # the generator's order, when known
    result["categories"] = dict(
        sorted(
            result["categories"].items(),
            key=lambda item: (order.index(item[0]) if item[0] in order else 99, item[0]),
        )
    )
    result["subcases"] = dict(
        sorted(
            result["subcases"].items(),
            key=lambda item: (
                order.index(item[0].split("/")[0]) if item[0].split("/")[0] in order else 99,
                item[0],
            ),
        )
    )

    print()
    print(
        f"matcher quality — {args.database}, {manifest.get('leads', '?')} leads, "
        f"{overall.prospects} prospects"
    )
    print(table("category", result["categories"], overall))
    print()
    print(table("category/sub-case", result["subcases"]))
    worst = sorted(
        (
            (tag, numbers)
            for tag, numbers in result["noise"].items()
            if numbers["not_completely_enriched"] and numbers["expect_enriched"] >= 5
        ),
        key=lambda item: (item[1]["recall"], item[0]),
    )
    if worst:
        print("\nrecall by noise tag (prospects to enrich with that tag), lowest first:")
        for tag, numbers in worst[:12]:
            print(
                f"  {tag:<44} {numbers['not_completely_enriched']:>5} of {numbers['expect_enriched']:>5} "
                f"missed (recall {percent(numbers['recall'])})"
            )
    if result["status_mismatches"]:
        print(f"\nnote: {result['status_mismatches']} prospects whose status disagrees with their fields")
    ok = overall.verdict() == "PASS"
    print(
        f"\n{'PASS' if ok else 'FAIL'}: "
        f"precision {percent(overall.precision)} (target ≥ {100 * TARGET_PRECISION:.1f} %), "
        f"recall {percent(overall.recall)} (target ≥ {100 * TARGET_RECALL:.0f} %), "
        f"false matches {overall.false_matches}"
    )

    report = {
        "database": args.database,
        "data": str(args.data),
        "manifest": manifest,
        "targets": {"precision": TARGET_PRECISION, "recall": TARGET_RECALL},
        "verdict": overall.verdict(),
        "timings": {name: round(value, 2) for name, value in run.timings.items()},
        "queued": run.queued,
        "queue_statuses": run.queue_statuses,
        "status_mismatches": result["status_mismatches"],
        "overall": overall.as_json(),
        "categories": {name: tally.as_json() for name, tally in result["categories"].items()},
        "subcases": {name: tally.as_json() for name, tally in result["subcases"].items()},
        "noise": result["noise"],
        "examples": result["examples"],
        "failures": result["failures"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
