"""The service's own pages: /healthz (alive), /readyz (ready, each check named), /health (the
same as /readyz). Outages themselves are in test_database_outage.py and test_redis_outage.py."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from tests.harness.database import new_database
from tests.harness.http import hold

READY_CHECKS = {"database", "migrations"}


def assert_ready(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok", body
    assert set(body["checks"]) == READY_CHECKS, body  # no Redis configured here
    for check in body["checks"].values():
        assert check["state"] == "ok", body
        assert isinstance(check["reason"], str) and check["reason"], body
    return body


def test_healthz_says_the_process_is_alive(anonymous) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_names_each_check_and_its_state(anonymous) -> None:
    body = assert_ready(anonymous.get("/readyz"))
    assert body["checks"]["migrations"]["reason"].startswith("at head ")


def test_health_is_the_same_as_readyz(anonymous) -> None:
    body = assert_ready(anonymous.get("/health"))
    assert body["checks"]["migrations"] == anonymous.get("/readyz").json()["checks"]["migrations"]


def test_the_service_pages_need_no_key_and_wait_in_no_line(server, account) -> None:
    # The key's line is full (one in flight, six waiting, their bodies still on the way): its
    # requests would be refused, the service's pages answer regardless, key or not.
    held = hold(server.url, account.api_key, 7)
    try:
        with server.client(account.api_key) as keyed, server.client() as anonymous:
            for client in (keyed, anonymous):
                for path in ("/healthz", "/readyz", "/health"):
                    assert client.get(path, timeout=5).status_code == 200, path
    finally:
        for request in held:
            request.close()


def test_a_database_behind_this_codes_migrations_is_not_ready(backend, launch, tmp_path) -> None:
    url, drop = new_database(backend, tmp_path)
    try:
        server = launch(database_url=url)
        with server.client() as client:
            head = client.get("/readyz").json()["checks"]["migrations"]["reason"].removeprefix("at head ")
            set_schema_revision(url, "0003")  # as if this code had been deployed on an older schema
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.headers["retry-after"].isdigit()
            body = response.json()
            assert body["status"] == "down"
            assert body["checks"]["database"]["state"] == "ok"
            migrations = body["checks"]["migrations"]
            assert migrations["state"] == "down"
            assert "0003" in migrations["reason"] and head in migrations["reason"]
            assert client.get("/healthz").status_code == 200  # alive, only not ready
        server.stop()
    finally:
        drop()


def set_schema_revision(database_url: str, revision: str) -> None:
    """Rewrite Alembic's record of the schema's revision behind the server's back."""
    statement = f"UPDATE alembic_version SET version_num = '{revision}'"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(statement)
        return

    async def update() -> None:
        import asyncpg

        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(update())


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/health"])
def test_the_service_pages_are_documented_under_service(spec, path) -> None:
    operation = spec["paths"][path]["get"]
    assert operation["tags"] == ["service"]
    assert "200" in operation["responses"]
    if path != "/healthz":
        assert "503" in operation["responses"]
