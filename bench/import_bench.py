"""How fast the importers load a file, on SQLite and PostgreSQL, through the real command.

    .venv/bin/python bench/make_prospects.py --prospects 200000 --out bench/out/data
    .venv/bin/python bench/import_bench.py --data bench/out/data [--databases sqlite postgresql]

Each database starts empty. Timed, as wall time of ``leadpecker … import`` (interpreter start,
migrations check and the final ANALYZE included):

- ``first load``: prospects.csv into the empty database (search structures built at the end);
- ``into a loaded database``: the first quarter of the file, with other emails, into a second
  account (the general path, search structures kept up row by row);
- ``--update``: that quarter again with ``--update``;
- ``campaigns``, ``enrolments``, ``activity``: the other files, for the first account.

Every import is one transaction (docs/imports.md). ``--python`` runs another checkout's code
(e.g. ``PYTHONPATH=/tmp/old/src``) to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

POSTGRES = os.environ.get("LEADPECKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def count_rows(path: Path) -> int:
    with path.open(newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def quarter_with_other_emails(source: Path, target: Path) -> None:
    with source.open(newline="") as src, target.open("w", newline="") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        email = header.index("email")
        total = count_rows(source)
        for n, row in enumerate(reader):
            if n >= total // 4:
                break
            row[email] = "other-" + row[email]
            writer.writerow(row)


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES.replace("postgresql://", "postgres://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_database(kind: str, directory: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{directory / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    name = f"leadpecker_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    return f"{POSTGRES.rsplit('/', 1)[0]}/{name}"


def leadpecker(url: str, *args: str) -> float:
    env = {**os.environ, "LEADPECKER_DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "leadpecker", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 3):  # 3: imported, with rejected rows
        sys.exit(f"leadpecker {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("bench/out/data"))
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    data: Path = args.data
    quarter = data / "prospects-quarter.csv"
    if not quarter.exists():
        quarter_with_other_emails(data / "prospects.csv", quarter)
    sizes = {
        name: count_rows(data / f"{name}.csv")
        for name in ("prospects", "campaigns", "enrolments", "activity")
    }
    sizes["quarter"] = count_rows(quarter)

    print(f"{'database':<11} {'import':<26} {'rows':>9} {'seconds':>8} {'rows/s':>8}")
    for kind in args.databases:
        url = new_database(kind, data)
        leadpecker(url, "accounts", "create", "first")
        leadpecker(url, "accounts", "create", "second")
        steps = [
            (
                "first load",
                sizes["prospects"],
                ["prospects", "import", str(data / "prospects.csv"), "-a", "first"],
            ),
            (
                "into a loaded database",
                sizes["quarter"],
                ["prospects", "import", str(quarter), "-a", "second"],
            ),
            ("--update", sizes["quarter"], ["prospects", "import", str(quarter), "-a", "second", "--update"]),
            (
                "campaigns",
                sizes["campaigns"],
                ["campaigns", "import", str(data / "campaigns.csv"), "-a", "first"],
            ),
            (
                "enrolments",
                sizes["enrolments"],
                ["enrolments", "import", str(data / "enrolments.csv"), "-a", "first"],
            ),
            (
                "activity",
                sizes["activity"],
                ["activity", "import", str(data / "activity.csv"), "-a", "first"],
            ),
        ]
        for name, rows, command in steps:
            seconds = leadpecker(url, *command)
            print(f"{kind:<11} {name:<26} {rows:>9,} {seconds:>8.1f} {rows / seconds:>8,.0f}", flush=True)
        if kind == "postgresql":
            asyncio.run(_admin(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)"))
        else:
            Path(url.removeprefix("sqlite:///")).unlink()


if __name__ == "__main__":
    main()
