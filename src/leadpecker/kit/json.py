"""Fast JSON for responses. Every response body of the API is encoded here."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class JsonResponse(JSONResponse):
    """orjson instead of the standard library; a JSONResponse, so FastAPI documents routes'
    response models as their 200 bodies."""

    def render(self, content: Any) -> bytes:
        return dumps(content)
