"""Whether ``leadpecker serve`` can listen where it is told to, asked before it starts."""

from __future__ import annotations

import errno
import socket

from leadpecker.kit.errors import UsageError


def ensure_can_listen(host: str, port: int) -> None:
    """Refuse, in one line, a host and port that the server could not listen on: said before
    the database is migrated and the demo loaded, which would otherwise be done for nothing
    (and leave a new SQLite file behind). Binds a socket and closes it again, as uvicorn binds:
    with SO_REUSEADDR, so a port that a server that just stopped left in TIME_WAIT is free.
    Another process can still take the port in between; uvicorn then says so itself."""
    change_port = "pass --port or set LEADPECKER_PORT"
    change_host = "pass --host or set LEADPECKER_HOST"
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        raise UsageError(f"cannot listen on {host}: no such host — {change_host}") from None
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is already in use on {host} — {change_port}") from None
            if error.errno == errno.EACCES:
                raise UsageError(f"not allowed to listen on port {port} — {change_port}") from None
            if error.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"{host} is not an address of this machine — {change_host}") from None
            raise
