"""The ceiling of the per_page=1000 throughput case on this machine, without leadpecker.

    .venv/bin/python bench/http_ceiling.py [--workers 1 2] [--clients 1 2 4] [--seconds 8]

``search_bench.py`` measures ``GET /rest/v1/prospects?per_page=1000`` pages/s with its own
keep-alive client on the same machine as the server. This script runs the same client against
``uvicorn`` serving a raw ASGI app that answers every request with a constant body of the size
of such a page (~930 kB, the median of the 1M-prospect data set): no framework, no database,
no JSON work. What it reaches is what uvicorn, the loopback network and the client cost alone,
so it bounds what any per_page=1000 implementation on this machine can reach, and the
difference to ``search_bench.py``'s figure is what leadpecker itself costs per page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search_bench import Connection, free_port, use_uvloop, wait_until_listening  # noqa: E402

PAGE_BYTES = 930_000

APP = f"""
ITEM = b'{{"id": 1, "email": "someone@example.com", "pad": "' + b"x" * {PAGE_BYTES // 1000 - 50} + b'"}}'
BODY = b"[" + b",".join([ITEM] * 1000) + b"]"
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({{"type": "http.response.start", "status": 200, "headers": HEADERS}})
    await send({{"type": "http.response.body", "body": BODY}})
"""


async def throughput(port: int, clients: int, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        connection = Connection("127.0.0.1", port, "unused")
        try:
            while time.perf_counter() < deadline:
                status, _, body = await connection.get("/rest/v1/prospects?per_page=1000")
                if status != 200 or len(body) < PAGE_BYTES // 2:
                    raise SystemExit(f"unexpected answer: HTTP {status}, {len(body)} bytes")
                done += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


def serve(workers: int, directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    (directory / "ceiling_app.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ceiling_app:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=directory,
    )
    wait_until_listening(process, port, 30, "uvicorn did not start")
    return process, port


def main() -> None:
    use_uvloop()  # the same client as search_bench.py
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn processes")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4], help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(f"constant {PAGE_BYTES:,}-byte answers, {os.cpu_count()} CPUs")
    for workers in args.workers:
        process, port = serve(workers, out)
        try:
            for clients in args.clients:
                rate = asyncio.run(throughput(port, clients, args.seconds))
                print(
                    f"  uvicorn --workers {workers}, {clients} clients: {rate:7.1f} responses/s", flush=True
                )
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
