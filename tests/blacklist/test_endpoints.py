"""The v2 blacklist endpoints as developers.woodpecker.co documents them: each documented
example, the paging and filters, and every documented error in the v2 envelope."""

from __future__ import annotations

import pytest
from tests.harness.blacklist import DOMAINS, EMAILS, call
from tests.harness.http import assert_v2_error, raw_request
from tests.harness.names import tag

DOC_EMAILS = [
    "wrong@baddomain.com",
    "worse@anotherone.com",
    "john@finisheddeal.co.uk",
    "drew@nomoreemails.co",
    "andrew@notmyicp.design",
]
DOC_DOMAINS = [
    "baddomain.com",
    "blacklistedomain.io",
    "finisheddeal.co.uk",
    "nomoreemails.co",
    "notmyicp.design",
]


# --- the documented examples -------------------------------------------------------------------


def test_blacklist_emails_example(api) -> None:
    """Page "Blacklist emails": the request sample answers the list of blacklisted emails."""
    body = {"emails": ["wrong@baddomain.com", "worse@anotherone.com", "john@finisheddeal.co.uk"]}
    assert call(api, "POST", EMAILS, body) == body


def test_get_blacklisted_emails_example(api) -> None:
    """Page "Get blacklisted emails": "Retrieve first 500 emails" (page=0&per_page=500) answers
    the five emails and their total. In alphabetical order: the order the domains page states
    for its list (the emails example lists them in the order its POST samples added them)."""
    call(api, "POST", EMAILS, {"emails": DOC_EMAILS})
    assert call(api, "GET", EMAILS, page=0, per_page=500) == {"emails": sorted(DOC_EMAILS), "total": 5}


def test_delete_emails_from_the_blacklist_example(api) -> None:
    """Page "Delete emails from the blacklist": the removed emails are answered; emails not on
    the list or not emails at all are ignored; none removed is an empty array."""
    body = {"emails": ["wrong@baddomain.com", "worse@anotherone.com", "john@finisheddeal.co.uk"]}
    call(api, "POST", EMAILS, {"emails": DOC_EMAILS})
    assert call(api, "DELETE", EMAILS, body) == body
    assert call(api, "GET", EMAILS) == {
        "emails": ["andrew@notmyicp.design", "drew@nomoreemails.co"],
        "total": 2,
    }
    unknown = {"emails": ["wrong@baddomain.com", "nobody@nowhere.example", "not an email"]}
    assert call(api, "DELETE", EMAILS, unknown) == {"emails": []}


def test_blacklist_domains_example(api) -> None:
    """Page "Blacklist domains": the answer lists the blacklisted domains, "including those newly
    added and those already blacklisted"."""
    body = {"domains": ["baddomain.com", "blacklistedomain.io", "nomoreemails.co"]}
    call(api, "POST", DOMAINS, {"domains": ["blacklistedomain.io"]})
    assert call(api, "POST", DOMAINS, body) == body
    assert call(api, "GET", DOMAINS)["total"] == 3


def test_get_blacklisted_domains_example(api) -> None:
    """Page "Get blacklisted domains": "Retrieve first 500 domains"; "The domains are sorted
    alphabetically"."""
    call(api, "POST", DOMAINS, {"domains": list(reversed(DOC_DOMAINS))})
    assert call(api, "GET", DOMAINS, page=0, per_page=500) == {"domains": DOC_DOMAINS, "total": 5}


def test_delete_domains_from_the_blacklist_example(api) -> None:
    """Page "Delete domains from the blacklist": only domains that were on the list come back;
    unknown or malformed ones are ignored; none removed is an empty array."""
    body = {"domains": ["baddomain.com", "blacklistedomain.io", "nomoreemails.co"]}
    call(api, "POST", DOMAINS, {"domains": DOC_DOMAINS})
    assert (
        call(api, "DELETE", DOMAINS, {"domains": [*body["domains"], "never.listed", "not a domain"]}) == body
    )
    assert call(api, "GET", DOMAINS) == {"domains": ["finisheddeal.co.uk", "notmyicp.design"], "total": 2}
    assert call(api, "DELETE", DOMAINS, body) == {"domains": []}


def test_an_empty_list_answers_no_entries_and_a_total_of_zero(api) -> None:
    """The blacklisting guide (docs.woodpecker.co, agency blacklist): an empty list is
    ``{"emails": [], "total": 0}``."""
    assert call(api, "GET", EMAILS) == {"emails": [], "total": 0}
    assert call(api, "GET", DOMAINS) == {"domains": [], "total": 0}


# --- entries -----------------------------------------------------------------------------------


def test_entries_are_stored_trimmed_and_lower_cased_once_each(api) -> None:
    sent = [" Jimothy@Woodpecker.CO ", "jimothy@woodpecker.co", "Drew@NoMoreEmails.co"]
    assert call(api, "POST", EMAILS, {"emails": sent}) == {
        "emails": ["jimothy@woodpecker.co", "drew@nomoreemails.co"]
    }
    assert call(api, "POST", DOMAINS, {"domains": [" WoodPecker.co", "woodpecker.co"]}) == {
        "domains": ["woodpecker.co"]
    }
    # Removal finds them in any case too.
    assert call(api, "DELETE", EMAILS, {"emails": ["JIMOTHY@woodpecker.co"]}) == {
        "emails": ["jimothy@woodpecker.co"]
    }


MALFORMED_EMAILS = ["not-an-email", "two@@ats.com", "spaces in@side.com", "", "a@b", "x" * 330 + "@a.com"]
MALFORMED_DOMAINS = [
    "john@acme.com", "nodot", "bad..dots.com", ".lead.com", "under_score.com", "a b.com", "", "http://acme.com",
    "x" * 64 + ".com",
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "key", "malformed"),
    [(EMAILS, "emails", MALFORMED_EMAILS), (DOMAINS, "domains", MALFORMED_DOMAINS)],
    ids=["emails", "domains"],
)
def test_entries_of_the_wrong_form_are_left_out_not_refused(api, path, key, malformed) -> None:
    """Pages "Blacklist domains" (the earlier page: domains "of incorrect format, will not be
    returned") and "Delete …": entries with an invalid format are ignored."""
    good = "ok@acme.com" if key == "emails" else "acme.com"
    assert call(api, "POST", path, {key: [*malformed, good]}) == {key: [good]}
    assert call(api, "GET", path) == {key: [good], "total": 1}


def test_domain_patterns_with_percent_are_domains(api) -> None:
    """Page "Blacklisting": "Use % as a wildcard … domain% covers domain-a.com, domain-b.org;
    %domain%.% covers getdomainnow.io, trydomainfree.com". Names in other scripts are domains."""
    patterns = ["domain%", "%domain%.%", "bücher.de"]
    assert call(api, "POST", DOMAINS, {"domains": patterns}) == {"domains": patterns}


def test_fields_the_pages_do_not_name_are_ignored(api) -> None:
    body = {"emails": ["a@acme.com"], "domains": ["ignored.com"], "force": True}
    assert call(api, "POST", EMAILS, body) == {"emails": ["a@acme.com"]}
    assert call(api, "GET", DOMAINS)["total"] == 0


def test_an_empty_list_of_entries_changes_nothing(api) -> None:
    assert call(api, "POST", EMAILS, {"emails": []}) == {"emails": []}
    assert call(api, "DELETE", DOMAINS, {"domains": []}) == {"domains": []}


def test_a_body_without_a_content_type_is_read_as_json(server, account) -> None:
    """Clients that post JSON without a Content-Type (urllib, PHP) are understood, as on v1."""
    response = raw_request(
        server.url, "POST", EMAILS, {"x-api-key": account.api_key}, b'{"emails": ["nct@acme.com"]}'
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"emails": ["nct@acme.com"]}


# --- paging --------------------------------------------------------------------------------------


@pytest.fixture
def many_domains(api) -> list[str]:
    """620 domains on the list: more than the largest page."""
    run = tag()
    domains = sorted(f"d{n:04d}-{run}.com" for n in range(620))
    for start in range(0, len(domains), 500):
        call(api, "POST", DOMAINS, {"domains": domains[start : start + 500]})
    return domains


def test_pages_are_zero_based_with_100_entries_by_default(api, many_domains) -> None:
    """Page "Get blacklisted domains": page is 0-based; per_page defaults to 100."""
    assert call(api, "GET", DOMAINS) == {"domains": many_domains[:100], "total": 620}
    assert call(api, "GET", DOMAINS, page=1) == {"domains": many_domains[100:200], "total": 620}
    assert call(api, "GET", DOMAINS, page=2, per_page=250) == {"domains": many_domains[500:], "total": 620}


def test_a_page_size_over_500_is_read_as_500(api, many_domains) -> None:
    """ "maximum: 500"; the agency guide: "Providing a higher number will narrow down the results"
    to the maximum."""
    assert call(api, "GET", DOMAINS, per_page=1000) == {"domains": many_domains[:500], "total": 620}
    assert call(api, "GET", DOMAINS, page=1, per_page=1000) == {"domains": many_domains[500:], "total": 620}


def test_a_page_past_the_end_is_empty_with_the_total(api, many_domains) -> None:
    assert call(api, "GET", DOMAINS, page=7) == {"domains": [], "total": 620}
    assert call(api, "GET", DOMAINS, page=2**31 - 1, per_page=500) == {"domains": [], "total": 620}


# --- filters -------------------------------------------------------------------------------------


def test_email_filter_checks_emails_against_the_list(api) -> None:
    """Page "Get blacklisted emails": email_filter takes comma-separated emails; * is a wildcard
    ("jimothy@woodpecker* will match jimothy@woodpecker.co and jimothy@woodpeckers.tld"); total is
    the number found."""
    listed = ["jimothy@woodpecker.co", "jimothy@woodpeckers.tld", "pam@woodpecker.co", *DOC_EMAILS]
    call(api, "POST", EMAILS, {"emails": listed})
    assert call(api, "GET", EMAILS, email_filter="jimothy@woodpecker*") == {
        "emails": ["jimothy@woodpecker.co", "jimothy@woodpeckers.tld"],
        "total": 2,
    }
    found = call(api, "GET", EMAILS, email_filter="wrong@baddomain.com,Worse@AnotherOne.com, unknown@x.com")
    assert found == {"emails": ["worse@anotherone.com", "wrong@baddomain.com"], "total": 2}
    # Filtered results page like the whole list.
    assert call(api, "GET", EMAILS, email_filter="*@woodpecker*", per_page=2, page=1) == {
        "emails": ["pam@woodpecker.co"],
        "total": 3,
    }
    assert call(api, "GET", EMAILS, email_filter="nobody@nowhere.example") == {"emails": [], "total": 0}


def test_domain_filter_checks_domains_against_the_list(api) -> None:
    """Page "Get blacklisted domains": "woodpecker* will match woodpecker.co and
    woodpeckers.tld"."""
    call(api, "POST", DOMAINS, {"domains": ["woodpecker.co", "woodpeckers.tld", "acme.com", "domain%"]})
    assert call(api, "GET", DOMAINS, domain_filter="woodpecker*") == {
        "domains": ["woodpecker.co", "woodpeckers.tld"],
        "total": 2,
    }
    # A stored pattern is an entry like any other: found by itself, its % a plain character.
    assert call(api, "GET", DOMAINS, domain_filter="domain%")["domains"] == ["domain%"]
    assert call(api, "GET", DOMAINS, domain_filter="domain-a.com")["total"] == 0


def test_a_filter_repeated_is_one_list_as_with_commas(api) -> None:
    call(api, "POST", EMAILS, {"emails": ["a@b.com", "a_b@x.com", "c@d.com"]})
    found = api.get(EMAILS, params=[("email_filter", "a@b.com"), ("email_filter", "a_b@x.com")])
    assert found.status_code == 200, found.text
    assert found.json() == {"emails": ["a@b.com", "a_b@x.com"], "total": 2}


def test_filter_characters_that_sql_reads_as_wildcards_are_plain(api) -> None:
    call(api, "POST", EMAILS, {"emails": ["a_b@acme.com", "axb@acme.com", "100%@acme.com", "1000@acme.com"]})
    assert call(api, "GET", EMAILS, email_filter="a_b@acme.com")["emails"] == ["a_b@acme.com"]
    assert call(api, "GET", EMAILS, email_filter="100%@*")["emails"] == ["100%@acme.com"]
    assert call(api, "GET", EMAILS, email_filter="*\\*")["total"] == 0


def test_an_empty_filter_is_no_filter(api) -> None:
    call(api, "POST", EMAILS, {"emails": DOC_EMAILS})
    assert call(api, "GET", EMAILS, email_filter="")["total"] == 5
    assert call(api, "GET", EMAILS, email_filter=" , ,")["total"] == 5


def test_a_long_filter_is_one_look_up(api) -> None:
    """As many entries as a URL can carry (the agency page: "The maximum length of the request
    URL is 4100 characters"), wildcards included, in one query on both databases."""
    call(api, "POST", EMAILS, {"emails": DOC_EMAILS})
    terms = [f"n{n}@*.example" for n in range(1500)] + ["drew@*"]  # past SQLite's 1,000-deep OR
    assert call(api, "GET", EMAILS, email_filter=",".join(terms)) == {
        "emails": ["drew@nomoreemails.co"],
        "total": 1,
    }


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, "emails: field required"),
        ({"emails": "a@acme.com"}, "emails: Input should be a valid list"),
        ({"emails": ["a@acme.com", 7]}, "emails[1]: Input should be a valid string"),
        ({"emails": None}, "emails: Input should be a valid list"),
        ({"emails": ["a\u0000@acme.com"]}, "emails[0]: must not contain NUL (\\u0000)"),
        ([], "body: must be a JSON object"),
    ],
    ids=["missing", "not a list", "not a string", "null", "NUL", "not an object"],
)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_malformed_body_is_a_400_naming_the_field(api, method, body, details) -> None:
    assert_v2_error(api.request(method, EMAILS, json=body), 400, "Bad Request", details)
    assert call(api, "GET", EMAILS)["total"] == 0


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize(("path", "key"), [(EMAILS, "emails"), (DOMAINS, "domains")])
def test_more_than_500_entries_per_request_is_a_400(api, method, path, key) -> None:
    """Pages "Blacklist emails" / "… domains": "You can add up to 500 … per request"; the
    delete pages: "You can remove up to 500 … per request". Nothing of such a request is done."""
    entries = [f"e{n}@acme.com" if key == "emails" else f"d{n}.acme.com" for n in range(501)]
    body = assert_v2_error(api.request(method, path, json={key: entries}), 400, "Bad Request")
    assert body["details"].startswith(f"{key}: List should have at most 500 items")
    assert call(api, "GET", path)["total"] == 0
    assert call(api, "POST", path, {key: entries[:500]}) == {key: entries[:500]}


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"page": "-1"}, "page: Input should be greater than or equal to 0"),
        ({"page": "abc"}, "page: Value error, must be an integer"),
        ({"page": "1.0"}, "page: Value error, must be an integer"),
        ({"page": str(2**31)}, "page: Input should be less than or equal to 2147483647"),
        ({"per_page": "0"}, "per_page: Input should be greater than or equal to 1"),
        ({"per_page": ""}, "per_page: Value error, must be an integer"),
        ({"email_filter": "a\u0000b"}, None),
    ],
    ids=["negative page", "page not a number", "page not an integer", "page too large", "per_page 0",
         "per_page empty", "NUL in the filter"],
)  # fmt: skip
def test_a_malformed_query_is_a_400_naming_the_parameter(api, params, details) -> None:
    body = assert_v2_error(api.get(EMAILS, params=params), 400, "Bad Request", details)
    assert body["details"].startswith(next(iter(params)))


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", [EMAILS, DOMAINS])
def test_a_missing_or_unknown_key_is_a_401_and_an_account_without_api_a_403(
    server, new_account, method, path
) -> None:
    """Authentication guide: 401 for a bad key, 403 for an account without the API add-on; the
    key is checked before the body."""
    body = {"emails": ["a@acme.com"], "domains": ["acme.com"]}
    with server.client() as anonymous:
        assert_v2_error(anonymous.request(method, path, json=body), 401, "Unauthorized", "Invalid api key")
        assert_v2_error(
            anonymous.request(method, path, json=[], headers={"x-api-key": "lp_not_a_key_000000000000"}),
            401,
            "Unauthorized",
            "Invalid api key",
        )
    locked = new_account("--no-api-access")
    with server.client(locked.api_key) as client:
        assert_v2_error(client.request(method, path, json=body), 403, "Forbidden")


def test_other_paths_and_methods_answer_in_the_v2_envelope(api) -> None:
    assert_v2_error(api.get("/rest/v2/blacklist/phones"), 404, "Not Found")
    assert_v2_error(api.get(EMAILS + "/"), 404, "Not Found")
    response = api.put(EMAILS, json={"emails": []})
    assert_v2_error(response, 405, "Method Not Allowed")
    assert response.headers["Allow"] == "DELETE, GET, POST"
