"""Slow and hostile clients against a real ``leadpecker serve``, over raw sockets: a huge
request head is refused quickly (431) without the server's memory following it, and request
heads and bodies that never complete are cut off after their time limit (408) — so that a few
hundred half-open connections neither pile up nor lock a normal client out."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from tests.harness.prospects import ADD

TIMEOUT = 1.0  # the server's header and body time limits in this module


@pytest.fixture(scope="module")
def slow_server(standalone) -> Any:
    return standalone.start(header_timeout_seconds=str(TIMEOUT), body_timeout_seconds=str(TIMEOUT))


@pytest.fixture(scope="module")
def key(standalone, slow_server) -> str:
    return standalone.account().api_key


def connect(server: Any) -> socket.socket:
    parts = urlsplit(server.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_answer(sock: socket.socket, timeout: float) -> bytes:
    """Everything the server sends until it closes (or ``timeout`` passes)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return data + b"<still open>"
    except ConnectionResetError:
        return data + b"<reset>"
    return data


def memory_peak_kib(server: Any) -> int:
    with open(f"/proc/{server.process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def healthy(server: Any) -> bool:
    return httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_a_100_mb_header_is_refused_quickly_and_memory_stays_bounded(slow_server, key) -> None:
    before = memory_peak_kib(slow_server)
    sock = connect(slow_server)
    sock.sendall(f"GET /rest/v1/prospects HTTP/1.1\r\nHost: test\r\nx-api-key: {key}\r\nX-Padding: ".encode())
    chunk, sent, started = b"a" * 65536, 0, time.monotonic()
    sock.setblocking(False)
    while sent < 100_000_000 and time.monotonic() - started < 30:
        readable, writable, _ = select.select([sock], [sock], [], 5)
        if readable:
            break  # the server has answered
        if writable:
            try:
                sent += sock.send(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
    answer = read_answer(sock, 10)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:300]
    assert b'"code":"E_WRONG_PARAM"' in answer and b"request head exceeds" in answer, answer
    assert time.monotonic() - started < 10
    grown_mib = (memory_peak_kib(slow_server) - before) / 1024
    assert grown_mib < 16, f"the server's memory grew by {grown_mib:.0f} MiB"
    assert healthy(slow_server)


@pytest.fixture
def half_open(slow_server) -> Iterator[list[socket.socket]]:
    """300 connections that never finish a request: a third send nothing, a third half a request
    line, a third a request line and some headers."""
    socks = [connect(slow_server) for _ in range(300)]
    for n, sock in enumerate(socks):
        if n % 3 == 1:
            sock.sendall(b"GET /rest/v1/pros")
        elif n % 3 == 2:
            sock.sendall(b"GET /rest/v1/prospects HTTP/1.1\r\nHost: test\r\nx-api-key: lp_x\r\n")
    yield socks
    for sock in socks:
        sock.close()


def test_half_open_connections_are_closed_after_the_timeout_and_others_are_served(
    slow_server, half_open
) -> None:
    assert healthy(slow_server)  # served while they are open
    deadline = time.monotonic() + TIMEOUT + 10
    for n, sock in enumerate(half_open):
        answer = read_answer(sock, max(0.1, deadline - time.monotonic()))
        assert not answer.endswith(b"<still open>"), (n, answer)
        if n % 3 == 0:
            assert answer == b"", answer  # nothing was asked: nothing to answer
        else:
            assert answer.startswith(b"HTTP/1.1 408 "), answer
            assert b'"code":"E_WRONG_PARAM"' in answer, answer  # a v1 path: the v1 envelope
    assert healthy(slow_server)


def test_a_trickled_head_is_cut_off_at_the_timeout(slow_server) -> None:
    sock = connect(slow_server)
    started = time.monotonic()
    sock.sendall(b"GET /health HTTP/1.1\r\n")
    answer = b""
    for _ in range(int((TIMEOUT + 5) / 0.2)):  # one byte every 0.2 s: never idle, never done
        try:
            sock.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            break
        if select.select([sock], [], [], 0.2)[0]:
            break
    answer = read_answer(sock, 5)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b'"title":"Request Timeout"' in answer, answer  # not a v1 path: the v2 envelope
    assert time.monotonic() - started < TIMEOUT + 3


def test_a_kept_alive_connection_that_starts_a_head_and_stalls_is_closed(slow_server) -> None:
    sock = connect(slow_server)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
    first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 200 "), first
    sock.sendall(b"G")  # stops uvicorn's keep-alive timer, which alone would never close it
    answer = read_answer(sock, TIMEOUT + 5)
    sock.close()
    assert not answer.endswith(b"<still open>"), answer


def test_a_trickled_body_is_a_408_in_the_envelope(slow_server, key) -> None:
    sock = connect(slow_server)
    started = time.monotonic()
    sock.sendall(
        f"POST {ADD} HTTP/1.1\r\nHost: test\r\nx-api-key: {key}\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n".encode()
        + b'{"prospects": ['
    )
    for _ in range(int((TIMEOUT + 5) / 0.3)):  # a byte every 0.3 s: far below 1,000 bytes a second
        if select.select([sock], [], [], 0.3)[0]:
            break
        try:
            sock.sendall(b" ")
        except (BrokenPipeError, ConnectionResetError):
            break
    answer = read_answer(sock, 5)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"connection: close" in answer.lower(), answer
    assert b'"code":"E_WRONG_PARAM"' in answer and b"body: not received in time" in answer, answer
    assert time.monotonic() - started < TIMEOUT + 4
    assert healthy(slow_server)
