"""The account a request acts for, as endpoints receive it: ``account: CurrentAccount``.

Here, in accounts, not in http/: the key is read from the request by http/auth.py (the wire's
forms), and turned into an account by this feature's service; http/ depends on no feature.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from leadpecker.accounts.repository import KeyOwner
from leadpecker.accounts.service import authenticate
from leadpecker.http.auth import presented_key
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.observe import note_account


async def current_account(request: Request, db: DatabaseDep) -> KeyOwner:
    owner = await authenticate(db, presented_key(request.headers))
    note_account(request.scope, owner.account_id)  # for the request's access line
    return owner


CurrentAccount = Annotated[KeyOwner, Depends(current_account)]
