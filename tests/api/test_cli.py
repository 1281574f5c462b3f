"""The operator's command line for accounts, keys, credits and prospect imports, run through the
``cli`` fixture (the real typer app, in-process); its effects checked over HTTP."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from tests.harness.cli import Cli
from tests.harness.database import db_rows, stored_prospect
from tests.harness.files import write
from tests.harness.names import new_emails
from tests.harness.prospects import add, add_emails, statuses

import leadpecker

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
    cli.fails("accounts", "create", name, "--json", says=f"an account named {name!r} already exists")
    assert cli("accounts", "list").count(name) == 1


def test_an_all_digit_account_name_is_refused(cli) -> None:
    cli.fails("accounts", "create", "1234567", says="an account name cannot be all digits")


def test_credits_are_exact_decimals(cli) -> None:
    name = unique_name()
    created = json.loads(cli("accounts", "create", name, "--credits", "7.5", "--json").splitlines()[-1])
    assert account_row(cli, name)[2] == "7.5"
    assert "9.75" in cli("credits", "add", name, "2.25")
    assert account_row(cli, name)[2] == "9.75"
    cli("credits", "add", str(created["id"]), "0.25")  # by id as well
    assert account_row(cli, name)[2] == "10"
    refusals = {
        "abc": "not a credit amount: 'abc'",
        "1.0001": "credit amounts have at most three decimals: '1.0001'",
        "0": "add a positive amount of credits",
        "-1": "add a positive amount of credits",
        "nan": "not a credit amount: 'nan'",
        "inf": "not a credit amount: 'inf'",
        "": "not a credit amount: ''",
    }
    for bad, says in refusals.items():
        cli.fails("credits", "add", "--", name, bad, says=says)
    cli.fails("credits", "add", f"nobody-{uuid.uuid4().hex}", "1", says="no account with id or name")
    cli.fails("accounts", "create", unique_name(), "--credits", "1.0001", says="at most three decimals")
    assert account_row(cli, name)[2] == "10"


def test_accounts_list_shows_api_access(cli, new_account) -> None:
    locked = new_account("--no-api-access")
    unlocked = new_account()
    assert account_row(cli, locked.name)[3] == "no"
    assert account_row(cli, unlocked.name)[3] == "yes"


def test_accounts_list_json_is_one_array_with_exact_credits(cli, new_account) -> None:
    locked = new_account("--no-api-access")
    cli("credits", "add", locked.name, "7.5")
    listed = cli.json("accounts", "list", "--json")
    [row] = [row for row in listed if row["name"] == locked.name]
    created = datetime.fromisoformat(row["created"])
    assert row == {
        "id": locked.id,
        "name": locked.name,
        "credits": "7.5",
        "api_access": False,
        "created": row["created"],
    }
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(hours=1)
    assert [row["id"] for row in listed] == sorted(row["id"] for row in listed)


def ledger(cli: Any, account_id: int) -> list[tuple[str, int]]:
    rows = db_rows(
        cli.database_url,
        "SELECT kind, amount_millis FROM credit_ledger WHERE account_id = :a ORDER BY id",
        a=account_id,
    )
    return [(row["kind"], row["amount_millis"]) for row in rows]


def listed_credits(cli: Any, name: str) -> str:
    [row] = [row for row in cli.json("accounts", "list", "--json") if row["name"] == name]
    return row["credits"]


def test_credits_set_raises_or_lowers_the_balance_and_records_the_difference(cli) -> None:
    name = unique_name()
    created = cli.create_account(name, "--credits", "7.5")
    assert "balance is now 10 credits (+2.5)" in cli("credits", "set", name, "10")
    assert "balance is now 2.25 credits (-7.75)" in cli("credits", "set", str(created.id), "2.25")
    assert "(unchanged)" in cli("credits", "set", name, "2.250")
    assert listed_credits(cli, name) == "2.25"
    # Exact beyond what a float holds: 9,007,199,254,740,993 thousandths is 2**53 + 1.
    cli("credits", "set", name, "9007199254740.993")
    assert listed_credits(cli, name) == "9007199254740.993"
    cli("credits", "set", name, "0")
    assert listed_credits(cli, name) == "0"
    expected = [
        ("GRANT", 7_500),
        ("GRANT", 2_500),
        ("GRANT", -7_750),
        ("GRANT", 9_007_199_254_740_993 - 2_250),
        ("GRANT", -9_007_199_254_740_993),
    ]
    assert ledger(cli, created.id) == expected
    assert sum(amount for _, amount in expected) == 0  # the ledger adds up to the balance

    cli.fails("credits", "set", "--", name, "-1", says="a balance cannot be negative")
    cli.fails("credits", "set", name, "0.0001", says="at most three decimals")
    cli.fails("credits", "set", name, "lots", says="not a credit amount: 'lots'")
    cli.fails("credits", "set", f"nobody-{uuid.uuid4().hex}", "1", says="no account with id or name")
    assert ledger(cli, created.id) == expected
    assert listed_credits(cli, name) == "0"


def test_keys_list_shows_prefixes_never_keys(cli, new_account) -> None:
    owner, other = new_account(), new_account()
    second = KEY.search(cli("keys", "create", owner.name)).group(0)
    cli("keys", "revoke", owner.api_key)

    listed = cli.json("keys", "list", owner.name, "--json")
    assert [(key["prefix"], key["revoked"] is not None) for key in listed] == [
        (owner.api_key[:12], True),
        (second[:12], False),
    ]
    assert {(key["account_id"], key["account"]) for key in listed} == {(owner.id, owner.name)}
    for key in listed:
        assert datetime.fromisoformat(key["created"]).utcoffset() == timedelta(0)
    assert datetime.fromisoformat(listed[0]["revoked"]) >= datetime.fromisoformat(listed[0]["created"])

    everyone = {key["prefix"] for key in cli.json("keys", "list", "--json")}
    assert {owner.api_key[:12], second[:12], other.api_key[:12]} <= everyone

    table = cli("keys", "list", str(owner.id))
    assert owner.api_key[:12] in table and second[:12] in table
    assert other.api_key[:12] not in table
    for key in (owner.api_key, second):
        assert key[12:] not in table
    cli.fails("keys", "list", f"nobody-{uuid.uuid4().hex}", says="no account with id or name")


def test_version(cli) -> None:
    assert cli("--version") == f"leadpecker {leadpecker.__version__}\n"
    assert leadpecker.__version__ == metadata.version("leadpecker")


def test_every_command_names_its_database_on_stderr(backend, database_url, tmp_path, monkeypatch):
    if backend == "sqlite":
        monkeypatch.chdir(tmp_path)
        url, shown = "sqlite:///relative.db", f"sqlite:///{tmp_path / 'relative.db'}"
    else:
        # The test server trusts local connections: any password connects, and none is shown.
        with_password = make_url(database_url).set(password="hunter2")
        url = with_password.render_as_string(hide_password=False)
        shown = with_password.render_as_string(hide_password=True)
    result = Cli(url).run("accounts", "list", "--json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)  # stdout is the JSON alone
    assert result.stderr == f"database: {shown}\n"
    assert "hunter2" not in result.output


def test_a_command_that_raises_fails_its_test(cli, monkeypatch) -> None:
    """The harness itself: a traceback is never taken for a refusal, whatever its exit code."""
    import leadpecker.accounts.service as accounts

    def broken(db: Any) -> None:
        raise RuntimeError("a bug, not an operator's mistake")

    monkeypatch.setattr(accounts, "list_accounts", broken)
    with pytest.raises(AssertionError, match="raised, instead of one line"):
        cli.fails("accounts", "list", says="")
    with pytest.raises(AssertionError, match="a bug, not an operator's mistake"):
        cli("accounts", "list")


def test_keys_create_makes_another_working_key(cli, server, account) -> None:
    by_name = KEY.search(cli("keys", "create", account.name)).group(0)
    by_id = KEY.search(cli("keys", "create", str(account.id))).group(0)
    assert len({by_name, by_id, account.api_key}) == 3
    emails = new_emails(1)
    with server.client(by_name) as one, server.client(by_id) as other:
        assert add_emails(one, emails)[0]["id"] == add_emails(other, emails)[0]["id"]
    cli.fails("keys", "create", f"nobody-{uuid.uuid4().hex}", says="no account with id or name")


def test_keys_revoke_needs_an_unambiguous_prefix(cli, server, account, monkeypatch) -> None:
    cli.fails("keys", "revoke", account.api_key[:5], says="name at least the first 6 characters")
    cli.fails("keys", "revoke", "lp_" + "z" * 9 + "never", says="no live key starts with")
    # Two keys that share their shown prefix.
    import leadpecker.accounts.service as accounts

    shared = "lp_" + uuid.uuid4().hex[:9]
    made = iter([shared + "A" * 30, shared + "B" * 30])
    monkeypatch.setattr(accounts, "new_raw_key", lambda: next(made))
    first = KEY.search(cli("keys", "create", account.name)).group(0)
    second = KEY.search(cli("keys", "create", account.name)).group(0)
    cli.fails("keys", "revoke", shared, says=f"{shared!r} names 2 keys; give more characters")
    assert accepted(server, first) and accepted(server, second)
    # The whole key names exactly one.
    cli("keys", "revoke", first)
    assert not accepted(server, first)
    assert accepted(server, second) and accepted(server, account.api_key)
    cli.fails("keys", "revoke", first, says="no live key starts with")  # already revoked


# --- prospects import ------------------------------------------------------------------------


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
    imported = cli.run("prospects", "import", path, "--account", account.name)
    assert imported.exit_code == 3  # imported, but for the rejected row
    assert f"rejected {path}:4: status: " in imported.stderr  # the bad row, named by line and field
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

    imported = cli.run("prospects", "import", path, "--account", str(account.id))
    assert imported.exit_code == 3
    assert f"rejected {path}:3: first_name: " in imported.stderr
    assert stored_prospect(server.database_url, account.id, one)["first_name"] == "Old"  # no --update
    assert stored_prospect(server.database_url, account.id, two)["first_name"] == "Two"

    assert cli.run("prospects", "import", path, "--account", account.name, "--update").exit_code == 3
    row = stored_prospect(server.database_url, account.id, one)
    assert (row["first_name"], row["company"]) == ("New", "Kept Inc")  # only the keys sent
    assert statuses(add_emails(api, [one, two, bad])) == ["DUPLICATE", "DUPLICATE", "OK"]


def test_import_refuses_a_missing_file_or_account(cli, account, tmp_path) -> None:
    path = write(tmp_path / "ok.csv", "email\nsomeone@example.com\n")
    missing = tmp_path / "missing.csv"
    cli.fails("prospects", "import", str(missing), "--account", account.name, says=f"{missing}: no such file")
    nobody = f"nobody-{uuid.uuid4().hex}"
    cli.fails("prospects", "import", path, "--account", nobody, says=f"no account with id or name {nobody!r}")


@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_import_refuses_an_unknown_file_kind(cli, account, tmp_path, suffix) -> None:
    path = write(tmp_path / f"prospects{suffix}", "email\nsomeone@example.com\n")
    says = f"{path}: use a .csv or .jsonl file"
    cli.fails("prospects", "import", path, "--account", account.name, says=says)
