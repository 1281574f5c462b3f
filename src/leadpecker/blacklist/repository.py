"""SQL for an account's blacklists: one repository, given which list (emails or domains)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.repository import AccountScopedRepository
from leadpecker.models import BlacklistedDomain, BlacklistedEmail, Prospect


def like_pattern(term: str) -> str:
    """A filter term as a LIKE pattern: ``*`` matches any characters, everything else itself
    (LIKE's own ``%`` and ``_`` are escaped, so a stored domain pattern's ``%`` is a letter
    here)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


class BlacklistRepository(AccountScopedRepository):
    """The subclass names the list: its table (``model``) and the column of its entries (the
    table's column itself: a mapped attribute would act as a descriptor on the repository)."""

    model: Any
    entry: Any

    def _found_by(self, terms: list[str] | None) -> list[ColumnElement[bool]]:
        return [] if terms is None else [self.sql.like_any(self.entry, [like_pattern(t) for t in terms])]

    async def count(self, terms: list[str] | None) -> int:
        query = self.select(self.model, func.count()).where(*self._found_by(terms))
        return (await self.conn.execute(query)).scalar_one()

    async def page(self, terms: list[str] | None, offset: int, limit: int) -> list[str]:
        """Entries in the database's order of text (the primary key's index serves it)."""
        query = (
            self.select(self.model, self.entry)
            .where(*self._found_by(terms))
            .order_by(self.entry)
            .offset(offset)
            .limit(limit)
        )
        return list((await self.conn.execute(query)).scalars())

    async def add(self, entries: list[str], now: datetime) -> set[str]:
        """Entries already on the list stay as they are (and keep their date). Returns those
        that were not on it."""
        if not entries:
            return set()
        statement = self.sql.insert(self.model).on_conflict_do_nothing().returning(self.entry)
        result = await self.conn.execute(
            statement, [self.values(**{self.entry.key: entry, "created_at": now}) for entry in entries]
        )
        return set(result.scalars())

    async def covered(self, entries: list[str]) -> list[int]:
        """The ids of the account's prospects these entries cover, in id order."""
        raise NotImplementedError

    async def remove(self, entries: list[str]) -> set[str]:
        """Take entries off the list; returns those that were on it."""
        if not entries:
            return set()
        statement = self.delete(self.model).where(self.one_of(self.entry, entries)).returning(self.entry)
        return set((await self.conn.execute(statement)).scalars())


class EmailBlacklistRepository(BlacklistRepository):
    model = BlacklistedEmail
    entry = BlacklistedEmail.__table__.c.email

    async def covered(self, entries: list[str]) -> list[int]:
        """The prospects with one of these emails (both are stored trimmed and lower-cased)."""
        query = (
            self.select(Prospect, Prospect.id)
            .where(self.one_of(Prospect.email, entries))
            .order_by(Prospect.id)
        )
        return list((await self.conn.execute(query)).scalars())


class DomainBlacklistRepository(BlacklistRepository):
    model = BlacklistedDomain
    entry = BlacklistedDomain.__table__.c.domain

    async def covered(self, entries: list[str]) -> list[int]:
        """The prospects whose email's part after the ``@`` is one of these domains, or fits
        one of these patterns, whole (docs/compatibility.md, "Domains matched how"). An entry's
        ``%`` is LIKE's own wildcard, and it holds no ``_`` or backslash (the list refuses
        them), so it is a LIKE pattern as it is. Reads every prospect of the account."""
        patterns = [f"%@{entry}" for entry in entries]
        query = self.select(Prospect, Prospect.id).where(self.sql.like_any(Prospect.email, patterns))
        return list((await self.conn.execute(query.order_by(Prospect.id))).scalars())
