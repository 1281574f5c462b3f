"""Accounts, their users, API keys and credits: the operator's side of a deployment, and the
identity an API key stands for."""

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
    UserRepository,
    UserRow,
)
from leadpecker.credits import service as credit_service
from leadpecker.kit.db import Database
from leadpecker.kit.errors import Forbidden, Unauthorized, UsageError
from leadpecker.kit.types import utcnow
from leadpecker.vocabulary.emails import MAX_EMAIL_LENGTH, is_valid_email, normalise_email
from leadpecker.vocabulary.enums import UserRole

KEY_PREFIX_LENGTH = 12
# "Each request returns 50 users" (developers.woodpecker.co, "Get a list of users").
USERS_PAGE_SIZE = 50
MAX_USER_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    id: int
    name: str
    api_key: str


@dataclass(frozen=True, slots=True)
class UsersPage:
    users: list[UserRow]
    total: int


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
    owner_name: str | None = None,
    owner_email: str | None = None,
) -> CreatedAccount:
    """Create an account, its owner (an admin user, named like the account unless
    ``owner_name`` is given; without ``owner_email`` its email is empty) and its first key
    (random unless ``api_key`` is given: the demo's)."""
    name = name.strip()
    if not name:
        raise UsageError("an account needs a name")
    if name.isdigit():
        raise UsageError("an account name cannot be all digits: it would read as an account id")
    owner_name = _user_name(name if owner_name is None else owner_name)
    owner_email = _user_email(owner_email) if owner_email is not None else ""
    millis = credits_to_millis(credits)
    if millis < 0:
        raise UsageError("an account cannot start with negative credits")
    async with db.write() as conn:
        accounts = AccountRepository(conn)
        if await accounts.name_taken(name):
            raise UsageError(f"an account named {name!r} already exists")
        now = utcnow()
        account_id = await accounts.insert(name, api_access, now)
        await UserRepository(conn, account_id).insert(owner_name, owner_email, UserRole.ADMIN, now)
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


def _user_name(name: str) -> str:
    name = name.strip()
    if len(name) > MAX_USER_NAME_LENGTH:
        raise UsageError(f"a user's name has at most {MAX_USER_NAME_LENGTH} characters")
    if "\x00" in name:
        raise UsageError("a user's name cannot contain NUL (\\u0000)")
    return name


def _user_email(email: str) -> str:
    """A user's email in its stored form (trimmed, lower-cased), if it is one."""
    stored = normalise_email(email)
    if not is_valid_email(stored):
        raise UsageError(f"not an email address: {email!r}")
    if len(stored) > MAX_EMAIL_LENGTH:
        raise UsageError(f"an email has at most {MAX_EMAIL_LENGTH} characters once trimmed and lower-cased")
    return stored


_ROLES = frozenset(UserRole)


async def add_user(
    db: Database, id_or_name: str, email: str, *, name: str = "", role: str = UserRole.USER
) -> tuple[AccountRow, UserRow]:
    """Add a user to an account; an email is one user per account."""
    if role not in _ROLES:
        raise UsageError(f"a user's role is one of {', '.join(UserRole)}, not {role!r}")
    email, name = _user_email(email), _user_name(name)
    account = await find_account(db, id_or_name)
    async with db.write() as conn:
        users = UserRepository(conn, account.id)
        if await users.email_taken(email):
            raise UsageError(f"{account.name} already has a user with email {email}")
        now = utcnow()
        user_id = await users.insert(name, email, role, now)
    return account, UserRow(user_id, name, email, role, now)


async def list_users(db: Database, id_or_name: str) -> tuple[AccountRow, list[UserRow]]:
    account = await find_account(db, id_or_name)
    async with db.read() as conn:
        return account, await UserRepository(conn, account.id).page(0)


async def account_owner(db: Database, account_id: int) -> UserRow:
    """The user an account's keys stand for: its owner."""
    async with db.read() as conn:
        owner = await UserRepository(conn, account_id).owner()
    if owner is None:  # every account is created with its owner (migration 0008 for older ones)
        raise RuntimeError(f"account {account_id} has no owner")
    return owner


async def users_page(db: Database, account_id: int, page: int, *, descending: bool) -> UsersPage:
    """Page ``page`` (0-based) of an account's users, ``USERS_PAGE_SIZE`` at a time, and how
    many there are. A page past the end is empty."""
    offset = page * USERS_PAGE_SIZE
    async with db.read() as conn:
        users = UserRepository(conn, account_id)
        total = await users.count()
        listed = await users.page(offset, USERS_PAGE_SIZE, descending=descending) if offset < total else []
    return UsersPage(listed, total)
