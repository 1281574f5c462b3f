"""Whatever string arrives in search, sort or diff, the answer is a result or the documented
400 — never a 500. The parsers are checked directly (many examples, fast), then the whole
endpoint over HTTP on both databases (fewer examples, each a real request)."""

from __future__ import annotations

import re
import string
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.harness.search import NO_MATCH

from leadpecker.kit.errors import BadRequest
from leadpecker.search import params

REQUIRED = {
    "Wrong param, required activity=OPENED|NOT-OPENED",
    "Wrong param, required activity=CLICKED|NOT-CLICKED",
}
NAMES = [*params.SEARCH_FIELDS, "linkedin_url", "status", "Email", "x"]
SORT_NAMES = [*params.SORT_FIELDS, "linkedin_url", "bogus"]
ACTIVITIES = [None, *params.Activity]

# Text with the characters that matter to the parsers and to the SQL behind them.
nasty = st.text(
    alphabet=st.sampled_from(string.printable + "éÜß€中\u00a0\u200b" + "%_\\'\"#,=+-<>:;*()[]{}"),
    max_size=40,
)
anything = st.one_of(nasty, st.text(max_size=40))
search_terms = st.lists(
    st.tuples(st.sampled_from(NAMES), anything).map(lambda pair: f"{pair[0]}={pair[1]}"),
    max_size=5,
).map(",".join)
sort_terms = st.lists(
    st.tuples(st.sampled_from(["", "+", "-", " ", "--", "*"]), st.sampled_from(SORT_NAMES)).map("".join),
    max_size=4,
).map(",".join)
moments = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S+0000")),
    st.from_regex(
        r"\A\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?([Zz]|[+\- ]\d{2}(:?\d{2})?)?\Z"
    ),
    anything,
)
diff_terms = st.lists(
    st.tuples(
        st.sampled_from(["updated", "last_opened", "last_clicked", "created", ""]),
        st.sampled_from("<>="),
        moments,
    ).map("".join),
    min_size=1,
    max_size=3,
).map(",".join)


def documented(error: BadRequest, name: str, value: str) -> bool:
    return error.message == f"Wrong param [{name}]={value}" or error.message in REQUIRED


@settings(max_examples=600, deadline=None)
@given(st.one_of(search_terms, anything))
def test_any_search_parses_or_is_the_documented_400(raw: str) -> None:
    try:
        fields = params.parse_search(raw)
    except BadRequest as error:
        assert error.message == f"Wrong param [search]={raw}"
        return
    for found in fields:
        assert found.field in params.SEARCH_FIELDS.values()
        assert found.matches
        for match in found.matches:
            assert match.value == match.value.strip() or found.field == "tags"
            assert not re.search("[\x00-\x1f]", match.value)


@settings(max_examples=600, deadline=None)
@given(st.one_of(sort_terms, anything), st.sampled_from(ACTIVITIES))
def test_any_sort_parses_or_is_the_documented_400(raw: str, activity: params.Activity | None) -> None:
    try:
        keys = params.parse_sort(raw, activity)
    except BadRequest as error:
        assert documented(error, "sort", raw)
        return
    assert keys
    assert len({key.field for key in keys}) == len(keys)
    assert all(key.field in params.SORT_FIELDS.values() for key in keys)


@settings(max_examples=600, deadline=None)
@given(st.one_of(diff_terms, anything), st.sampled_from(ACTIVITIES))
def test_any_diff_parses_or_is_the_documented_400(raw: str, activity: params.Activity | None) -> None:
    try:
        conditions = params.parse_diff(raw, activity)
    except BadRequest as error:
        assert documented(error, "diff", raw)
        return
    for condition in conditions:
        assert condition.field in ("updated", "last_opened", "last_clicked")
        assert condition.moment.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*params.PARAMETERS, "bogus"]), anything, max_size=5))
def test_any_query_string_parses_or_is_a_documented_400(query: dict[str, str]) -> None:
    try:
        params.parse(query)
    except BadRequest as error:
        assert (
            error.message.startswith("Wrong param [")
            or error.message.startswith("Unknown param:")
            or error.message in REQUIRED
        )


def test_a_round_trip_of_the_reference_forms() -> None:
    query = params.parse(
        {
            "search": "email=erlich@bachmanity.com,company=Pied,company=Hooli",
            "sort": " company,-last_contacted",
            "diff": "updated>2025-01-15T00:00:00 0200",
            "interested": "MAYBE-LATER",
            "page": "0",
        }
    )
    assert [(f.field, [m.kind.value for m in f.matches]) for f in query.fields] == [
        ("email", ["exact"]),
        ("company", ["substring", "substring"]),
    ]
    assert [(k.field, k.descending) for k in query.sort] == [("company", False), ("last_contacted", True)]
    assert query.times[0].moment.isoformat() == "2025-01-14T22:00:00+00:00"
    assert query.interested == ("MAYBE_LATER",)
    assert query.page == 1


# --- the same over HTTP, on both databases --------------------------------------------------


def assert_result_or_documented_400(response, name: str | None = None) -> None:
    assert response.status_code in (200, 400), (response.status_code, response.text)
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body, list) or body == NO_MATCH
        assert int(response.headers["x-total-count"]) >= 0
        return
    status = body["status"]
    assert (status["status"], status["code"]) == ("ERROR", "E_WRONG_PARAM")
    msg = status["msg"]
    assert msg.startswith(f"Wrong param [{name}]=" if name else "Wrong param") or msg in REQUIRED


http_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@http_settings
@given(raw=search_terms)
def test_http_any_search(dataset, raw: str) -> None:
    assert_result_or_documented_400(dataset.a.search(search=raw), "search")


@http_settings
@given(raw=st.one_of(sort_terms, anything), activity=st.sampled_from(["", "OPENED", "CLICKED"]))
def test_http_any_sort(dataset, raw: str, activity: str) -> None:
    query = {"sort": raw, **({"activity": activity} if activity else {})}
    assert_result_or_documented_400(dataset.a.search(query), "sort")


@http_settings
@given(raw=diff_terms, activity=st.sampled_from(["", "NOT-OPENED", "NOT-CLICKED"]))
def test_http_any_diff(dataset, raw: str, activity: str) -> None:
    query = {"diff": raw, **({"activity": activity} if activity else {})}
    assert_result_or_documented_400(dataset.a.search(query), "diff")


@pytest.mark.parametrize(
    "query",
    [
        "search=company=%00",
        "search=company=%ff%fe",
        "search=company=%ED%A0%80",
        "sort=%00",
        "diff=updated>%00",
        "search=" + "a" * 5000,
        "search=company=" + "x" * 501,
        "search=" + ",".join(["company=a"] * 65),
        "id=" + ",".join(["1"] * 10_001),
        "page=99999999999999999999",
        "per_page=%EF%BC%91",  # a full-width digit one
        "id=%C2%B2",  # superscript two: isdigit() but not int()
    ],
)
def test_hostile_strings(dataset, query: str) -> None:
    assert_result_or_documented_400(dataset.a.search(query))
