"""The operator's command line for accounts, keys, credits and prospect imports, run through the
``cli`` fixture (the real typer app, in-process); its effects checked over HTTP."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.api.apisupport import add, add_emails, db_rows, new_emails, statuses, stored_prospect

KEY = re.compile(r"lp_[A-Za-z0-9_-]{20,}")


def unique_name() -> str:
    return f"cli-{uuid.uuid4().hex[:10]}"


def account_row(cli: Any, name: str) -> list[str]:
    """The cells of ``name``'s row in ``accounts list``."""
    for line in cli("accounts", "list").splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", line) if cell.strip()]
        if name in cells:
            return cells
    raise AssertionError(f"{name} not listed")


def accepted(server: Any, key: str) -> bool:
    """Whether the API takes ``key``: adds a fresh prospect (200), or refuses the key (401)."""
    with server.client(key) as client:
        response = client.post(
            "/rest/v1/add_prospects_list", json={"prospects": [{"email": new_emails(1)[0]}]}
        )
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def test_accounts_create_json_ends_with_the_account_and_a_working_key(cli, server) -> None:
    name = unique_name()
    output = cli("accounts", "create", name, "--credits", "7.5", "--json")
    created = json.loads(output.strip().splitlines()[-1])
    assert set(created) == {"id", "name", "api_key"}
    assert isinstance(created["id"], int) and created["name"] == name
    with server.client(created["api_key"]) as client:
        assert statuses(add_emails(client, new_emails(1))) == ["OK"]


def test_keys_are_stored_hashed_never_in_clear(cli, server, account) -> None:
    another = KEY.search(cli("keys", "create", account.name)).group(0)
    rows = db_rows(server.database_url, "SELECT * FROM api_keys WHERE account_id = :a", a=account.id)
    assert len(rows) == 2
    stored = " ".join(str(value) for row in rows for value in row.values())
    for key in (account.api_key, another):
        assert key not in stored
        assert key[12:] not in stored  # only the shown prefix is kept in clear


def test_account_names_are_unique(cli) -> None:
    name = unique_name()
    cli("accounts", "create", name)
    output = cli("accounts", "create", name, "--json", expect_exit=1)
    assert "already exists" in output
    assert cli("accounts", "list").count(name) == 1


def test_an_all_digit_account_name_is_refused(cli) -> None:
    cli("accounts", "create", "1234567", expect_exit=1)


def test_credits_are_exact_decimals(cli) -> None:
    name = unique_name()
    created = json.loads(cli("accounts", "create", name, "--credits", "7.5", "--json").splitlines()[-1])
    assert account_row(cli, name)[2] == "7.5"
    assert "9.75" in cli("credits", "add", name, "2.25")
    assert account_row(cli, name)[2] == "9.75"
    cli("credits", "add", str(created["id"]), "0.25")  # by id as well
    assert account_row(cli, name)[2] == "10"
    for bad in ("abc", "1.0001", "0", "nan", "inf", ""):
        cli("credits", "add", name, bad, expect_exit=1)
    cli("credits", "add", "--", name, "-1", expect_exit=1)
    cli("credits", "add", f"nobody-{uuid.uuid4().hex}", "1", expect_exit=1)
    cli("accounts", "create", unique_name(), "--credits", "1.0001", expect_exit=1)
    assert account_row(cli, name)[2] == "10"


def test_accounts_list_shows_api_access(cli, new_account) -> None:
    locked = new_account("--no-api-access")
    unlocked = new_account()
    assert account_row(cli, locked.name)[3] == "no"
    assert account_row(cli, unlocked.name)[3] == "yes"


def test_keys_create_makes_another_working_key(cli, server, account) -> None:
    by_name = KEY.search(cli("keys", "create", account.name)).group(0)
    by_id = KEY.search(cli("keys", "create", str(account.id))).group(0)
    assert len({by_name, by_id, account.api_key}) == 3
    emails = new_emails(1)
    with server.client(by_name) as one, server.client(by_id) as other:
        assert add_emails(one, emails)[0]["id"] == add_emails(other, emails)[0]["id"]
    cli("keys", "create", f"nobody-{uuid.uuid4().hex}", expect_exit=1)


def test_keys_revoke_needs_an_unambiguous_prefix(cli, server, account, monkeypatch) -> None:
    cli("keys", "revoke", account.api_key[:5], expect_exit=1)  # too short to name one key
    cli("keys", "revoke", "lp_" + "z" * 9 + "never", expect_exit=1)  # names none
    # Two keys that share their shown prefix.
    import leadpecker.accounts.service as accounts

    shared = "lp_" + uuid.uuid4().hex[:9]
    made = iter([shared + "A" * 30, shared + "B" * 30])
    monkeypatch.setattr(accounts, "new_raw_key", lambda: next(made))
    first = KEY.search(cli("keys", "create", account.name)).group(0)
    second = KEY.search(cli("keys", "create", account.name)).group(0)
    output = cli("keys", "revoke", shared, expect_exit=1)
    assert "2 keys" in output
    assert accepted(server, first) and accepted(server, second)
    # The whole key names exactly one.
    cli("keys", "revoke", first)
    assert not accepted(server, first)
    assert accepted(server, second) and accepted(server, account.api_key)
    cli("keys", "revoke", first, expect_exit=1)  # already revoked


# --- prospects import ------------------------------------------------------------------------


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_import_a_csv(cli, api, account, server, tmp_path) -> None:
    one, two, bad, three = new_emails(4, "csv")
    path = write(
        tmp_path / "prospects.csv",
        "email,first_name,snipet1,status,organization_id\n"
        f"  {one.upper()} ,Ann,legacy one,REPLIED,42\n"
        f"{two},Bob,,,\n"
        f"{bad},Carl,,SLEEPING,\n"
        f"{three},,,,\n",
    )
    output = cli("prospects", "import", path, "--account", account.name)
    assert f"{path}:4" in output and "status" in output  # the bad row, named by line and field
    assert statuses(add_emails(api, [one, two, three, bad])) == ["DUPLICATE", "DUPLICATE", "DUPLICATE", "OK"]
    row = stored_prospect(server.database_url, account.id, one)
    assert (row["first_name"], row["snippet1"], row["status"], row["organization_id"]) == (
        "Ann",
        "legacy one",
        "REPLIED",
        42,
    )
    assert stored_prospect(server.database_url, account.id, two)["status"] == "ACTIVE"


def test_import_a_jsonl_file_with_update(cli, api, account, server, tmp_path) -> None:
    one, two, bad = new_emails(3, "jsonl")
    add(api, [{"email": one, "first_name": "Old", "company": "Kept Inc"}])
    lines = [
        {"email": one, "first_name": "New"},
        {"email": two, "first_name": "Two", "snippet_labels": {"label": "value"}},
        {"email": bad, "first_name": {"not": "text"}},
    ]
    path = write(tmp_path / "prospects.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")

    output = cli("prospects", "import", path, "--account", str(account.id))
    assert f"{path}:3" in output and "first_name" in output
    assert stored_prospect(server.database_url, account.id, one)["first_name"] == "Old"  # no --update
    assert stored_prospect(server.database_url, account.id, two)["first_name"] == "Two"

    cli("prospects", "import", path, "--account", account.name, "--update")
    row = stored_prospect(server.database_url, account.id, one)
    assert (row["first_name"], row["company"]) == ("New", "Kept Inc")  # only the keys sent
    assert statuses(add_emails(api, [one, two, bad])) == ["DUPLICATE", "DUPLICATE", "OK"]


def test_import_refuses_a_missing_file_or_account(cli, account, tmp_path) -> None:
    path = write(tmp_path / "ok.csv", "email\nsomeone@example.com\n")
    cli("prospects", "import", str(tmp_path / "missing.csv"), "--account", account.name, expect_exit=1)
    cli("prospects", "import", path, "--account", f"nobody-{uuid.uuid4().hex}", expect_exit=1)


@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_import_refuses_an_unknown_file_kind(cli, account, tmp_path, suffix) -> None:
    path = write(tmp_path / f"prospects{suffix}", "email\nsomeone@example.com\n")
    cli("prospects", "import", path, "--account", account.name, expect_exit=1)
