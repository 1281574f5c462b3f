"""The query string of ``GET /rest/v1/prospects`` → a clean :class:`SearchQuery`.

Pure functions, no I/O: whatever string arrives, the answer is a query or a ``BadRequest``
with one of the reference's texts ("Unknown param:NAME", "Wrong param [NAME]=VALUE",
"Wrong param, required activity=…"). The wire's legacy names and spellings (``snipet1``,
``MAYBE-LATER``, a ``+`` decoded as a space) end here; the rest of the feature speaks the
domain's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from leadpecker.http.v1params import unknown_param, wrong_param
from leadpecker.kit.errors import BadRequest
from leadpecker.kit.moments import parse_moment
from leadpecker.search.query import (
    DEFAULT_PER_PAGE,
    Activity,
    FieldSearch,
    Match,
    MatchKind,
    SearchQuery,
    SortKey,
    TimeCondition,
)
from leadpecker.vocabulary.emails import is_valid_email
from leadpecker.vocabulary.enums import EnrolmentStatus, InterestLevel, ProspectStatus, interest_level
from leadpecker.vocabulary.prospect_fields import PROSPECT_FIELDS, ProspectField

MAX_PER_PAGE = 1000
# Beyond these a request is more likely an attack than a search; both are far above real use.
MAX_TERMS = 64
MAX_VALUE_LENGTH = 500
MAX_IDS = 10_000

PARAMETERS = (
    "search",
    "id",
    "status",
    "campaigns_id",
    "contacted",
    "interested",
    "diff",
    "activity",
    "campaigns_details",
    "sort",
    "page",
    "per_page",
)


def _by_wire_name(fields: Iterable[ProspectField]) -> dict[str, str]:
    """Wire name → domain field, the legacy names (``snipet1..4``) included."""
    chosen = list(fields)
    return {
        **{field.name: field.name for field in chosen},
        **{legacy: field.name for field in chosen for legacy in field.legacy_names},
    }


SEARCH_FIELDS: dict[str, str] = _by_wire_name(field for field in PROSPECT_FIELDS if field.searchable)
SORT_FIELDS: dict[str, str] = _by_wire_name(field for field in PROSPECT_FIELDS if field.sortable)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Control characters and lone surrogates cannot be stored or compared as text: refused.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_DIFF = re.compile(r"^\s*([A-Za-z_]+)\s*([<>])\s*(.+?)\s*$")
# page and per_page as the OpenAPI document states them (see _integer, _per_page).
PAGE_SCHEMA = {"pattern": "^ *[0-9]{1,12} *$"}
PER_PAGE_SCHEMA = {"pattern": "^ *(0{0,11}[1-9]|0{0,10}[1-9][0-9]|0{0,9}[1-9][0-9]{2}|0{0,8}1000) *$"}

REQUIRES_OPENED = "Wrong param, required activity=OPENED|NOT-OPENED"
REQUIRES_CLICKED = "Wrong param, required activity=CLICKED|NOT-CLICKED"


def parse(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> SearchQuery:
    """Parse the (decoded) query string. A parameter given twice is refused: which one
    wins would be a guess."""
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in PARAMETERS:
            raise unknown_param(name)
        if name in given:
            raise wrong_param(name, f"{given[name]},{value}")
        given[name] = value

    campaign_ids = _ids("campaigns_id", given["campaigns_id"]) if "campaigns_id" in given else None
    activity = _activity(given["activity"]) if "activity" in given else None
    return SearchQuery(
        fields=parse_search(given.get("search", "")),
        ids=_ids("id", given["id"]) if "id" in given else None,
        campaign_ids=campaign_ids,
        statuses=_statuses(given["status"], campaign_ids is not None) if "status" in given else None,
        contacted=parse_flag("contacted", given["contacted"]) if "contacted" in given else None,
        interested=_interest(given["interested"]) if "interested" in given else None,
        activity=activity,
        times=parse_diff(given["diff"], activity) if "diff" in given else (),
        campaigns_details=(
            parse_flag("campaigns_details", given["campaigns_details"])
            if "campaigns_details" in given
            else False
        ),
        sort=parse_sort(given.get("sort", ""), activity),
        page=_page(given["page"]) if "page" in given else 1,
        per_page=_per_page(given["per_page"]) if "per_page" in given else DEFAULT_PER_PAGE,
    )


def parse_flag(name: str, value: str) -> bool:
    """Booleans are ``true/false/1/0`` in any case."""
    folded = value.strip().lower()
    if folded in ("true", "1"):
        return True
    if folded in ("false", "0"):
        return False
    raise wrong_param(name, value)


def parse_search(raw: str) -> tuple[FieldSearch, ...]:
    """``field=value,field2=value2``: different fields AND, a field repeated ORs.

    A comma-separated part that does not start with ``name=`` continues the previous value
    ("company=Acme, Inc" searches for "Acme, Inc"). A field name that is not searchable, an
    empty value, or a malformed organization_id refuses the whole parameter.
    """
    if not raw.strip():
        return ()
    bad = wrong_param("search", raw)
    if _CONTROL.search(raw):
        raise bad
    terms: list[list[str]] = []
    for part in raw.split(","):
        name, sep, value = part.partition("=")
        if sep and _IDENTIFIER.match(name.strip()):
            terms.append([name.strip().lower(), value])
        elif terms:
            terms[-1][1] += "," + part
        else:
            raise bad
    if len(terms) > MAX_TERMS:
        raise bad
    by_field: dict[str, list[Match]] = {}
    for name, value in terms:
        field = SEARCH_FIELDS.get(name)
        value = value.strip()
        if field is None or not value or len(value) > MAX_VALUE_LENGTH:
            raise bad
        match = _match(field, value)
        if match is None:
            raise bad
        matches = by_field.setdefault(field, [])
        if match not in matches:
            matches.append(match)
    return tuple(FieldSearch(field, tuple(matches)) for field, matches in by_field.items())


def _match(field: str, value: str) -> Match | None:
    if field == "email":
        # Addresses hold no spaces: a space here is a "+" (john+tag@…) that arrived unencoded.
        value = value.replace(" ", "+").lower()
        kind = MatchKind.EXACT if is_valid_email(value) else MatchKind.SUBSTRING
        return Match(kind, value)
    if field == "organization_id":
        return Match(MatchKind.EXACT, str(int(value))) if _is_number(value, 18) else None
    if field == "tags":
        tag = value.removeprefix("#")  # lenient: the reference says "without #"; accept it with
        return Match(MatchKind.TAG, tag) if tag and not any(ch.isspace() for ch in tag) else None
    return Match(MatchKind.SUBSTRING, value)


def parse_sort(raw: str, activity: Activity | None = None) -> tuple[SortKey, ...]:
    """``+a,-b``; a bare name is ascending, and so is a ``+`` that arrived as a space.
    Ties are broken by id (see the repository). ``last_opened``/``last_clicked``/
    ``sent_mails`` need the matching activity."""
    if not raw.strip():
        return (SortKey("id"),)
    keys: list[SortKey] = []
    for part in raw.split(","):
        term = part.strip()
        descending = term.startswith("-")
        if term[:1] in ("+", "-"):
            term = term[1:].strip()
        field = SORT_FIELDS.get(term.lower())
        if field is None:
            raise wrong_param("sort", raw)
        if field == "last_opened" and not (activity and activity.about_opens):
            raise BadRequest(REQUIRES_OPENED)
        if field == "last_clicked" and not (activity and activity.about_clicks):
            raise BadRequest(REQUIRES_CLICKED)
        if field == "sent_mails" and activity is None:
            raise BadRequest(REQUIRES_OPENED)
        if all(key.field != field for key in keys):  # a repeated field cannot change the order
            keys.append(SortKey(field, descending))
    return tuple(keys)


def parse_diff(raw: str, activity: Activity | None = None) -> tuple[TimeCondition, ...]:
    """``updated>2025-01-15T00:00:00+0200``; several conditions comma-separated (AND)."""
    conditions = []
    for part in raw.split(","):
        found = _DIFF.match(part)
        if not found or _CONTROL.search(part):
            raise wrong_param("diff", raw)
        name, operator, moment_text = found.groups()
        field = name.lower()
        if field not in ("updated", "last_opened", "last_clicked"):
            raise wrong_param("diff", raw)
        moment = parse_moment(moment_text)
        if moment is None:
            raise wrong_param("diff", raw)
        if field == "last_opened" and not (activity and activity.about_opens):
            raise BadRequest(REQUIRES_OPENED)
        if field == "last_clicked" and not (activity and activity.about_clicks):
            raise BadRequest(REQUIRES_CLICKED)
        conditions.append(TimeCondition(field, operator == ">", moment))
    return tuple(conditions)


def _is_number(text: str, max_digits: int) -> bool:
    # ASCII only: str.isdigit() also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit() and len(text) <= max_digits


def _ids(name: str, value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",")]
    if not all(_is_number(part, 18) for part in parts) or len(parts) > MAX_IDS:
        raise wrong_param(name, value)
    return tuple(dict.fromkeys(int(part) for part in parts))


_PROSPECT_STATUSES = frozenset(ProspectStatus)
_ENROLMENT_STATUSES = frozenset(EnrolmentStatus)
_INTEREST_LEVELS = frozenset(InterestLevel)


def _statuses(value: str, in_campaigns: bool) -> tuple[str, ...]:
    allowed = _ENROLMENT_STATUSES if in_campaigns else _PROSPECT_STATUSES
    statuses = [part.strip().upper() for part in value.split(",")]
    if not all(status in allowed for status in statuses):
        raise wrong_param("status", value)
    return tuple(dict.fromkeys(statuses))


def _interest(value: str) -> tuple[str, ...]:
    """Filter values are written MAYBE-LATER; responses say MAYBE_LATER. Both are accepted."""
    levels = [interest_level(part) for part in value.split(",")]
    if not all(level in _INTEREST_LEVELS for level in levels):
        raise wrong_param("interested", value)
    return tuple(dict.fromkeys(levels))


def _activity(value: str) -> Activity:
    try:
        return Activity(value.strip().upper().replace("-", "_"))
    except ValueError:
        raise wrong_param("activity", value) from None


def _integer(name: str, value: str) -> int:
    text = value.strip()
    if not _is_number(text, 12):
        raise wrong_param(name, value)
    return int(text)


def _page(value: str) -> int:
    # page=0, sent by some legacy clients, means the first page.
    return max(1, _integer("page", value))


def _per_page(value: str) -> int:
    per_page = _integer("per_page", value)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise wrong_param("per_page", value)
    return per_page
