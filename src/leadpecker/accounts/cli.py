"""``leadpecker accounts|users|keys|credits …``"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from leadpecker.accounts import service
from leadpecker.kit.cli_support import run_with_db
from leadpecker.vocabulary.enums import UserRole

accounts_app = typer.Typer(help="Create and list accounts.", no_args_is_help=True)
users_app = typer.Typer(help="Add and list the users of an account.", no_args_is_help=True)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
credits_app = typer.Typer(help="Manage an account's credit balance.", no_args_is_help=True)
out = Console()


@accounts_app.command("create")
def create(
    name: str,
    credits: str = typer.Option("0", help="Starting credits; decimals allowed (e.g. 7.5)."),
    no_api_access: bool = typer.Option(False, help="Create it without the API add-on (403s)."),
    owner_name: str = typer.Option(None, help="The owner's full name (default: the account's name)."),
    owner_email: str = typer.Option(None, help="The owner's email (default: none)."),
    as_json: bool = typer.Option(False, "--json", help="End with one JSON object."),
) -> None:
    """Create an account, its owner (an admin user: the "me" of /rest/v1/me) and its first
    API key (the key is shown once)."""
    created = run_with_db(
        lambda db: service.create_account(
            db,
            name,
            credits=credits,
            api_access=not no_api_access,
            owner_name=owner_name,
            owner_email=owner_email,
        )
    )
    if as_json:
        typer.echo(json.dumps({"id": created.id, "name": created.name, "api_key": created.api_key}))
        return
    out.print(f"account [bold]{created.name}[/bold] (id {created.id}) created")
    out.print(f"API key (shown once): [bold green]{created.api_key}[/bold green]")


@accounts_app.command("list")
def list_accounts(
    as_json: bool = typer.Option(
        False, "--json", help="One JSON array: id, name, credits (exact, as a string), api_access, created."
    ),
) -> None:
    """List accounts with their credits and API access."""
    accounts = run_with_db(service.list_accounts)
    if as_json:
        listed = [
            {
                "id": account.id,
                "name": account.name,
                # A string: the exact decimal, which a JSON number read as a float may not keep.
                "credits": str(service.millis_to_credits(account.credit_millis)),
                "api_access": account.api_access,
                "created": account.created_at.isoformat(timespec="seconds"),
            }
            for account in accounts
        ]
        typer.echo(json.dumps(listed))
        return
    table = Table("id", "name", "credits", "api access", "created")
    for account in accounts:
        table.add_row(
            str(account.id),
            account.name,
            str(service.millis_to_credits(account.credit_millis)),
            "yes" if account.api_access else "no",
            account.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@users_app.command("add")
def add_user(
    account: str = typer.Argument(..., help="Account id or name."),
    email: str = typer.Argument(..., help="The user's email (one user per email in an account)."),
    name: str = typer.Option("", help="The user's full name."),
    role: UserRole = typer.Option(UserRole.USER, help="admin or user."),
) -> None:
    """Add a user to an account (listed by GET /rest/v2/users)."""
    owner, user = run_with_db(lambda db: service.add_user(db, account, email, name=name, role=role.value))
    out.print(f"user {user.id} ({user.role}) added to {owner.name}: {user.email}", highlight=False)


@users_app.command("list")
def list_users(
    account: str = typer.Argument(..., help="Account id or name."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array: id, name, email, role, created."),
) -> None:
    """List an account's users in id order; the first admin is its owner."""
    _, users = run_with_db(lambda db: service.list_users(db, account))
    if as_json:
        listed = [
            {
                "id": user.id,
                "name": user.name,
                "email": user.email,
                "role": user.role,
                "created": user.created_at.isoformat(timespec="seconds"),
            }
            for user in users
        ]
        typer.echo(json.dumps(listed))
        return
    table = Table("id", "name", "email", "role", "created")
    for user in users:
        table.add_row(
            str(user.id), user.name, user.email, user.role, user.created_at.strftime("%Y-%m-%d %H:%M")
        )
    out.print(table)


@keys_app.command("create")
def create_key(account: str = typer.Argument(..., help="Account id or name.")) -> None:
    """Create another API key for an account."""
    owner, raw_key = run_with_db(lambda db: service.create_key(db, account))
    out.print(f"new API key for {owner.name} (shown once): [bold green]{raw_key}[/bold green]")


@keys_app.command("list")
def list_keys(
    account: str = typer.Argument(None, help="Account id or name (default: every account)."),
    as_json: bool = typer.Option(
        False, "--json", help="One JSON array: account_id, account, prefix, created, revoked."
    ),
) -> None:
    """List API keys by their shown prefix (the keys themselves are never stored), live and
    revoked."""
    keys = run_with_db(lambda db: service.list_keys(db, account))
    if as_json:
        listed = [
            {
                "account_id": key.account_id,
                "account": key.account_name,
                "prefix": key.prefix,
                "created": key.created_at.isoformat(timespec="seconds"),
                "revoked": key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else None,
            }
            for key in keys
        ]
        typer.echo(json.dumps(listed))
        return
    table = Table("account", "key", "created", "revoked")
    for key in keys:
        table.add_row(
            f"{key.account_name} (id {key.account_id})",
            f"{key.prefix}…",
            key.created_at.strftime("%Y-%m-%d %H:%M"),
            key.revoked_at.strftime("%Y-%m-%d %H:%M") if key.revoked_at else "",
        )
    out.print(table)


@keys_app.command("revoke")
def revoke_key(key_prefix: str = typer.Argument(..., help="The key's first characters.")) -> None:
    """Revoke a key; requests with it get 401 from now on."""
    prefix = run_with_db(lambda db: service.revoke_key(db, key_prefix))
    out.print(f"revoked key {prefix}…")


@credits_app.command("add")
def add_credits(
    account: str = typer.Argument(..., help="Account id or name."),
    amount: str = typer.Argument(..., help="Credits to add; decimals allowed (e.g. 7.5)."),
) -> None:
    """Add credits to an account's balance."""
    owner, balance = run_with_db(lambda db: service.add_credits(db, account, amount))
    out.print(f"{owner.name}: balance is now {service.millis_to_credits(balance)} credits")


@credits_app.command("set")
def set_credits(
    account: str = typer.Argument(..., help="Account id or name."),
    amount: str = typer.Argument(..., help="The new balance; decimals allowed (e.g. 7.5), not below 0."),
) -> None:
    """Set an account's available balance, raising or lowering it; the ledger records the
    difference. Credits reserved by enrichments in progress are not part of it: those that
    find nothing come back on top of the new balance."""
    owner, balance, difference = run_with_db(lambda db: service.set_credits(db, account, amount))
    change = f"{service.millis_to_credits(difference):+}" if difference else "unchanged"
    out.print(f"{owner.name}: balance is now {service.millis_to_credits(balance)} credits ({change})")
