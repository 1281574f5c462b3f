"""SQL for accounts, their API keys and their users. Accounts are the tenants themselves; their
users are rows of a tenant like any other (``UserRepository`` is account-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, or_, select, update

from leadpecker.kit.db import SqlConnection
from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import Account, ApiKey, User
from leadpecker.vocabulary.enums import UserRole


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: int
    name: str
    api_access: bool
    credit_millis: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """What authentication learns from a key: the account behind it."""

    key_id: int
    key_hash: str
    account_id: int
    account_name: str
    api_access: bool


@dataclass(frozen=True, slots=True)
class KeyRow:
    """A key as an operator may see it: its shown prefix, never the key or its hash."""

    account_id: int
    account_name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


_ACCOUNT_COLUMNS = (
    Account.id,
    Account.name,
    Account.api_access,
    Account.credit_millis,
    Account.created_at,
)


class AccountRepository:
    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn

    async def insert(self, name: str, api_access: bool, now: datetime) -> int:
        """A new account with a zero balance: credits only arrive through the ledger (GRANT)."""
        result = await self.conn.execute(
            insert(Account)
            .values(name=name, credit_millis=0, api_access=api_access, created_at=now)
            .returning(Account.id)
        )
        return result.scalar_one()

    async def find(self, id_or_name: str) -> AccountRow | None:
        condition = Account.name == id_or_name
        if id_or_name.isdigit():
            condition = or_(condition, Account.id == int(id_or_name))
        rows = (await self.conn.execute(select(*_ACCOUNT_COLUMNS).where(condition))).all()
        # A name that is all digits could also be another account's id: the id wins.
        rows.sort(key=lambda row: str(row.id) != id_or_name)
        return AccountRow(*rows[0]) if rows else None

    async def get(self, account_id: int) -> AccountRow | None:
        row = (await self.conn.execute(select(*_ACCOUNT_COLUMNS).where(Account.id == account_id))).first()
        return AccountRow(*row) if row else None

    async def list(self) -> list[AccountRow]:
        rows = await self.conn.execute(select(*_ACCOUNT_COLUMNS).order_by(Account.id))
        return [AccountRow(*row) for row in rows]

    async def name_taken(self, name: str) -> bool:
        query = select(func.count()).select_from(Account).where(Account.name == name)
        return (await self.conn.execute(query)).scalar_one() > 0


# Every request asks this, so the statement is built once (SQLAlchemy then finds its compiled
# form by the statement's cache key instead of rebuilding the expression each time).
_OWNER_OF = (
    select(ApiKey.id, ApiKey.key_hash, Account.id, Account.name, Account.api_access)
    .join(Account, Account.id == ApiKey.account_id)
    .where(ApiKey.key_hash == bindparam("key_hash"), ApiKey.revoked_at.is_(None))
)


class ApiKeyRepository:
    def __init__(self, conn: SqlConnection) -> None:
        self.conn = conn

    async def insert(self, account_id: int, prefix: str, key_hash: str, now: datetime) -> int:
        result = await self.conn.execute(
            insert(ApiKey)
            .values(account_id=account_id, prefix=prefix, key_hash=key_hash, created_at=now)
            .returning(ApiKey.id)
        )
        return result.scalar_one()

    async def owner_of(self, key_hash: str) -> KeyOwner | None:
        row = (await self.conn.execute(_OWNER_OF, {"key_hash": key_hash})).first()
        return KeyOwner(*row) if row else None

    async def revoke_by_prefix(self, prefix: str, now: datetime) -> list[str]:
        """Revoke the live keys starting with ``prefix``; returns their stored prefixes."""
        result = await self.conn.execute(
            update(ApiKey)
            .where(ApiKey.prefix.startswith(prefix, autoescape=True), ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(ApiKey.prefix)
        )
        return list(result.scalars())

    async def revoke_by_hash(self, key_hash: str, now: datetime) -> list[str]:
        result = await self.conn.execute(
            update(ApiKey)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(ApiKey.prefix)
        )
        return list(result.scalars())

    async def list(self, account_id: int | None) -> list[KeyRow]:
        """Keys of one account (or of all), by account and then in the order they were made."""
        query = (
            select(ApiKey.account_id, Account.name, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at)
            .join(Account, Account.id == ApiKey.account_id)
            .order_by(ApiKey.account_id, ApiKey.id)
        )
        if account_id is not None:
            query = query.where(ApiKey.account_id == account_id)
        return [KeyRow(*row) for row in await self.conn.execute(query)]

    async def live_prefixes_like(self, prefix: str) -> list[str]:
        result = await self.conn.execute(
            select(ApiKey.prefix).where(
                ApiKey.prefix.startswith(prefix, autoescape=True), ApiKey.revoked_at.is_(None)
            )
        )
        return list(result.scalars())


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    name: str
    email: str
    role: str
    created_at: datetime


_USER_COLUMNS = (User.id, User.name, User.email, User.role, User.created_at)


class UserRepository(AccountScopedRepository):
    """The users of one account."""

    async def insert(self, name: str, email: str, role: str, now: datetime) -> int:
        result = await self.conn.execute(
            insert(User)
            .values(self.values(name=name, email=email, role=role, created_at=now))
            .returning(User.id)
        )
        return result.scalar_one()

    async def email_taken(self, email: str) -> bool:
        query = self.select(User, func.count()).where(User.email == email)
        return (await self.conn.execute(query)).scalar_one() > 0

    async def count(self) -> int:
        return (await self.conn.execute(self.select(User, func.count()))).scalar_one()

    async def page(self, offset: int, limit: int | None = None, *, descending: bool = False) -> list[UserRow]:
        """Users in id order (``descending``: newest first), ``limit`` of them from ``offset``."""
        query = (
            self.select(User, *_USER_COLUMNS)
            .order_by(User.id.desc() if descending else User.id)
            .offset(offset)
            .limit(limit)
        )
        return [UserRow(*row) for row in await self.conn.execute(query)]

    async def owner(self) -> UserRow | None:
        """The account's owner: its first admin (made with the account, and never removed)."""
        query = (
            self.select(User, *_USER_COLUMNS).where(User.role == UserRole.ADMIN).order_by(User.id).limit(1)
        )
        row = (await self.conn.execute(query)).first()
        return UserRow(*row) if row else None
