"""Accounts, API keys and credits: the operator's side of a deployment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from leadpecker.accounts.repository import (
    AccountRepository,
    AccountRow,
    ApiKeyRepository,
    KeyOwner,
    KeyRow,
)
from leadpecker.credits import service as credit_service
from leadpecker.kit.db import Database
from leadpecker.kit.errors import Forbidden, Unauthorized, UsageError
from leadpecker.kit.types import utcnow

KEY_PREFIX_LENGTH = 12


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    id: int
    name: str
    api_key: str


def hash_key(raw_key: str) -> str:
    # Keys are 240-bit random strings, so a fast hash is as strong as a slow one here and keeps
    # authentication a single indexed lookup.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_raw_key() -> str:
    return "lp_" + secrets.token_urlsafe(30)


def credits_to_millis(amount: str | int | Decimal) -> int:
    """Parse an exact credit amount ("7.5" → 7500). More than three decimals is refused."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise UsageError(f"not a credit amount: {amount!r}") from exc
    if not value.is_finite():
        raise UsageError(f"not a credit amount: {amount!r}")
    millis = value * credit_service.MILLIS_PER_CREDIT
    if millis != millis.to_integral_value():
        raise UsageError(f"credit amounts have at most three decimals: {amount!r}")
    return int(millis)


def millis_to_credits(millis: int) -> Decimal:
    """7500 → 7.5 and 10000 → 10: no trailing zeros, and never the exponent form "1E+1"."""
    credits = (Decimal(millis) / credit_service.MILLIS_PER_CREDIT).normalize()
    return credits.quantize(Decimal(1)) if credits == credits.to_integral_value() else credits


async def create_account(
    db: Database,
    name: str,
    *,
    credits: str = "0",
    api_access: bool = True,
    api_key: str | None = None,
) -> CreatedAccount:
    """Create an account and its first key (random unless ``api_key`` is given: the demo's)."""
    name = name.strip()
    if not name:
        raise UsageError("an account needs a name")
    if name.isdigit():
        raise UsageError("an account name cannot be all digits: it would read as an account id")
    millis = credits_to_millis(credits)
    if millis < 0:
        raise UsageError("an account cannot start with negative credits")
    async with db.write() as conn:
        accounts = AccountRepository(conn)
        if await accounts.name_taken(name):
            raise UsageError(f"an account named {name!r} already exists")
        now = utcnow()
        account_id = await accounts.insert(name, api_access, now)
        if millis:
            await credit_service.grant(conn, account_id, millis)
        raw_key = await _insert_key(ApiKeyRepository(conn), account_id, api_key)
    return CreatedAccount(id=account_id, name=name, api_key=raw_key)


async def _insert_key(keys: ApiKeyRepository, account_id: int, raw_key: str | None = None) -> str:
    raw_key = raw_key or new_raw_key()
    await keys.insert(account_id, raw_key[:KEY_PREFIX_LENGTH], hash_key(raw_key), utcnow())
    return raw_key


async def find_account(db: Database, id_or_name: str) -> AccountRow:
    async with db.read() as conn:
        account = await AccountRepository(conn).find(id_or_name.strip())
    if account is None:
        raise UsageError(f"no account with id or name {id_or_name!r}")
    return account


async def list_accounts(db: Database) -> list[AccountRow]:
    async with db.read() as conn:
        return await AccountRepository(conn).list()


async def create_key(db: Database, id_or_name: str) -> tuple[AccountRow, str]:
    account = await find_account(db, id_or_name)
    async with db.write() as conn:
        raw_key = await _insert_key(ApiKeyRepository(conn), account.id)
    return account, raw_key


async def revoke_key(db: Database, prefix_or_key: str) -> str:
    """Revoke one key named by its shown prefix (or the whole key). Ambiguity is refused."""
    given = prefix_or_key.strip()
    if len(given) < 6:
        raise UsageError("name at least the first 6 characters of the key")
    async with db.write() as conn:
        keys = ApiKeyRepository(conn)
        if len(given) > KEY_PREFIX_LENGTH:
            revoked = await keys.revoke_by_hash(hash_key(given), utcnow())
        else:
            matches = await keys.live_prefixes_like(given)
            if len(matches) > 1:
                raise UsageError(f"{given!r} names {len(matches)} keys; give more characters")
            revoked = await keys.revoke_by_prefix(given, utcnow()) if matches else []
    if not revoked:
        raise UsageError(f"no live key starts with {given!r}")
    return revoked[0]


async def add_credits(db: Database, id_or_name: str, amount: str) -> tuple[AccountRow, int]:
    millis = credits_to_millis(amount)
    if millis <= 0:
        raise UsageError("add a positive amount of credits")
    account = await find_account(db, id_or_name)
    async with db.write() as conn:
        balance = await credit_service.grant(conn, account.id, millis)
    return account, balance


async def set_credits(db: Database, id_or_name: str, amount: str) -> tuple[AccountRow, int, int]:
    """Set an account's available balance; returns the account, the balance and the difference
    the ledger recorded."""
    millis = credits_to_millis(amount)
    if millis < 0:
        raise UsageError("a balance cannot be negative")
    account = await find_account(db, id_or_name)
    async with db.write() as conn:
        difference = await credit_service.set_balance(conn, account.id, millis)
    return account, millis, difference


async def list_keys(db: Database, id_or_name: str | None) -> list[KeyRow]:
    """Every key (live and revoked) of one account, or of all accounts."""
    account_id = (await find_account(db, id_or_name)).id if id_or_name is not None else None
    async with db.read() as conn:
        return await ApiKeyRepository(conn).list(account_id)


async def authenticate(db: Database, raw_key: str | None) -> KeyOwner:
    """The account behind a presented key; 401 for a missing/unknown/revoked key, 403 without
    the API add-on."""
    if not raw_key:
        raise Unauthorized("Invalid api key")
    presented_hash = hash_key(raw_key)
    async with db.read() as conn:
        owner = await ApiKeyRepository(conn).owner_of(presented_hash)
    if owner is None or not hmac.compare_digest(owner.key_hash, presented_hash):
        raise Unauthorized("Invalid api key")
    if not owner.api_access:
        raise Forbidden("You need to have an API keys addon to access our API.")
    return owner
