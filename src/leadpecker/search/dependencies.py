"""The search the application built at start-up (app.py, with the caches it owns), for the
search endpoint's signature: a feature's own object, so its dependency lives with it rather
than in http/dependencies.py, which knows no feature."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from leadpecker.search.service import ProspectSearch


async def prospect_search(request: Request) -> ProspectSearch:
    return request.app.state.search


ProspectSearchDep = Annotated[ProspectSearch, Depends(prospect_search)]
