"""The base of every account-owned repository: tenancy is enforced here, in one place.

A scoped repository cannot be built without the caller's account, and its statement helpers
add ``account_id = :account`` to every select, update and delete, so a query that forgets the
account is impossible rather than unlikely. Inserts go through ``values`` which stamps it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Select, Update, delete, select, update
from sqlalchemy.sql import ColumnElement

from leadpecker.kit.db import SqlConnection
from leadpecker.kit.dialects import DatabaseDialect, dialect_of


class AccountScopedRepository:
    def __init__(self, conn: SqlConnection, account_id: int) -> None:
        if not isinstance(account_id, int):
            raise TypeError("an account-scoped repository needs the caller's account id")
        self.conn = conn
        self.account_id = account_id
        # The SQL that differs between the databases: self.sql.insert(model),
        # self.sql.in_values(...), self.sql.like_any(...).
        self.sql: DatabaseDialect = dialect_of(conn)

    def mine(self, model: Any) -> ColumnElement[bool]:
        return model.account_id == self.account_id

    def select(self, model: Any, *columns: Any) -> Select[Any]:
        return select(*(columns or (model,))).where(self.mine(model))

    def update(self, model: Any) -> Update:
        return update(model).where(self.mine(model))

    def delete(self, model: Any) -> Delete:
        return delete(model).where(self.mine(model))

    def one_of(self, column: Any, values: list[Any]) -> ColumnElement[bool]:
        """``column IN values`` bound as one parameter, however long the list (see in_values)."""
        return self.sql.in_values(column, values)

    def values(self, **fields: Any) -> dict[str, Any]:
        return {**fields, "account_id": self.account_id}
