"""Domain errors. The HTTP layer renders each in the envelope of the API version asked."""

from __future__ import annotations


class LeadpeckerError(Exception):
    """An error a client caused or must hear about, with its HTTP status and v1 code."""

    status_code = 500
    v1_code = "E_UNNOWN"  # sic: the reference spells it so

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class BadRequest(LeadpeckerError):
    status_code = 400
    v1_code = "E_WRONG_PARAM"

    def __init__(self, message: str, *, v1_code: str | None = None) -> None:
        super().__init__(message)
        if v1_code:
            self.v1_code = v1_code


class Unauthorized(LeadpeckerError):
    status_code = 401
    v1_code = "E_SESSION"


class Forbidden(LeadpeckerError):
    status_code = 403
    v1_code = "E_NO_PERMISSION"


class NotFound(LeadpeckerError):
    status_code = 404
    v1_code = "E_RECORD_NOT_FOUND"


class Conflict(LeadpeckerError):
    """409: the request clashes with what exists (a webhook subscribed already, or one URL too
    many for its event); v1 answers it with E_WRONG_PARAM, as the subscribe docs show."""

    status_code = 409
    v1_code = "E_WRONG_PARAM"


class TooManyRequests(LeadpeckerError):
    """v2 answers 429; the v1 envelope answers 409, as the reference says."""

    status_code = 429
    v1_code = "E_TOO_MANY_REQUESTS"


class UsageError(Exception):
    """A command-line mistake (unknown account, bad amount): printed without a trace."""
