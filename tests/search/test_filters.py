"""The search syntax and the filters, as developers.woodpecker.co "Search for prospects" and
docs/search.md state them."""

from __future__ import annotations

import pytest
from tests.harness.search import NO_MATCH

PIED_PIPER = {
    "jared@piedpiper.com",
    "richard@piedpiper.com",
    "gilfoyle@piedpiper.com",
    "dinesh@piedpiper.com",
    "jian.yang@newpiedpiper.com",
}


def found(account, query="", **params) -> set[str]:
    return set(account.emails(query, **params))


def test_no_search_lists_every_prospect_and_an_empty_search_too(dataset) -> None:
    a = dataset.a
    assert found(a, per_page=1000) == set(a.ids)
    assert found(a, search="", per_page=1000) == set(a.ids)


def test_text_fields_match_case_insensitive_substrings(dataset) -> None:
    a = dataset.a
    assert found(a, search="company=pied piper") == PIED_PIPER
    assert found(a, search="company=PIED") == PIED_PIPER
    assert found(a, search="company=ied pip") == PIED_PIPER
    assert found(a, search="first_name=ERL") == {"erlich@bachmanity.com"}
    assert found(a, search="city=alto") == {
        "erlich@bachmanity.com",
        "jared@piedpiper.com",
        "richard@piedpiper.com",
    }
    assert found(a, search="title=ceo") == {
        "erlich@bachmanity.com",
        "richard@piedpiper.com",
        "gavin@hooli.com",
    }
    # Shorter than a trigram: still a substring search.
    assert found(a, search="last_name=ll") == {"monica@raviga.com", "zoe@müller.de"}
    assert found(a, search="industry=it") == {"erlich@bachmanity.com"}


@pytest.mark.parametrize(
    ("field", "value", "email"),
    [
        ("first_name", "bertram", "gilfoyle@piedpiper.com"),
        ("last_name", "chugtai", "dinesh@piedpiper.com"),
        ("industry", "ventur", "monica@raviga.com"),
        ("website", "bachmanity.com", "erlich@bachmanity.com"),
        ("title", "architect", "gilfoyle@piedpiper.com"),
        ("phone", "987-654", "erlich@bachmanity.com"),
        ("address", "welch", "erlich@bachmanity.com"),
        ("city", "mountain", "gavin@hooli.com"),
        ("state", "califor", "erlich@bachmanity.com"),
        ("country", "pakistan", "dinesh@piedpiper.com"),
        ("snipet1", "startup incubator", "erlich@bachmanity.com"),
        ("snippet1", "startup incubator", "erlich@bachmanity.com"),
        ("snipet2", "legacy two", "jian.yang@newpiedpiper.com"),
        ("snippet5", "hot dog", "jian.yang@newpiedpiper.com"),
    ],
)
def test_every_listed_field_is_searchable(dataset, field, value, email) -> None:
    assert email in found(dataset.a, search=f"{field}={value}")


def test_snippet15_and_legacy_names_search_their_own_column(dataset) -> None:
    a = dataset.a
    assert found(a, search="snippet15=not hot") == {"jian.yang@newpiedpiper.com"}
    assert found(a, search="snippet5=not hot") == set()  # snippet5 is "hot dog"


def test_different_fields_and_the_same_field_or(dataset) -> None:
    a = dataset.a
    assert found(a, search="company=pied piper,title=ceo") == {"richard@piedpiper.com"}
    assert found(a, search="company=hooli,company=raviga") == {
        "gavin@hooli.com",
        "big.head@hooli.com",
        "monica@raviga.com",
        "laurie@raviga.com",
    }
    assert found(a, search="company=hooli,company=raviga,first_name=gavin") == {"gavin@hooli.com"}
    assert found(a, search="company=hooli,title=partner") == set()


def test_a_comma_inside_a_value_continues_it(dataset) -> None:
    assert found(dataset.a, search="company=Acme, Inc") == {"russ@acme.com"}
    assert found(dataset.a, search="company=Acme") == {"russ@acme.com", "ron@acme.com"}


def test_like_wildcards_are_literal(dataset) -> None:
    a = dataset.a
    assert found(a, search="company=100% Pure_") == {"a_b%c@weird.io"}
    assert found(a, search="company=%") == {"a_b%c@weird.io"}
    assert found(a, search="company=_") == {"a_b%c@weird.io"}
    assert found(a, search="email=a_b%c") == {"a_b%c@weird.io"}


def test_email_in_full_is_exact_and_a_fragment_is_a_substring(dataset) -> None:
    a = dataset.a
    assert found(a, search="email=jared@piedpiper.com") == {"jared@piedpiper.com"}
    assert found(a, search="email=JARED@PiedPiper.com") == {"jared@piedpiper.com"}
    # A full address is not a substring search: this one exists only as part of another.
    assert found(a, search="email=ared@piedpiper.com") == set()
    assert found(a, search="email=@piedpiper.com") == PIED_PIPER - {"jian.yang@newpiedpiper.com"}
    assert found(a, search="email=piedpiper") == PIED_PIPER
    assert found(a, search="email=HOOLI") == {"gavin@hooli.com", "big.head@hooli.com"}


def test_a_plus_in_an_email_may_arrive_decoded_as_a_space(dataset) -> None:
    a = dataset.a
    assert found(a, search="email=john+tag@example.com") == {"john+tag@example.com"}  # encoded %2B
    assert found(a, "search=email=john+tag@example.com") == {"john+tag@example.com"}  # raw "+"


def test_organization_id_is_exact(dataset) -> None:
    a = dataset.a
    assert found(a, search="organization_id=72894") == {"jared@piedpiper.com", "richard@piedpiper.com"}
    assert found(a, search="organization_id=7289") == set()
    assert found(a, search="organization_id=654321789") == {"erlich@bachmanity.com"}


def test_tags_are_whole_case_sensitive_and_given_without_hash(dataset) -> None:
    a = dataset.a
    assert found(a, search="tags=VIP") == {"gilfoyle@piedpiper.com", "monica@raviga.com"}
    assert found(a, search="tags=vip") == {"richard@piedpiper.com"}
    assert found(a, search="tags=VIPER") == {"gavin@hooli.com"}
    assert found(a, search="tags=VI") == set()
    assert found(a, search="tags=SECONDARYEMAIL") == {"jared@piedpiper.com"}
    assert found(a, search="tags=VC,tags=PR") == {"monica@raviga.com", "jared@piedpiper.com"}
    assert found(a, search="tags=#VIP") == found(a, search="tags=VIP")  # a "#" is tolerated


def test_search_field_names_ignore_case_and_spaces_around_values(dataset) -> None:
    assert found(dataset.a, search="Company= Hooli XYZ ") == {"big.head@hooli.com"}


def test_id_selects_prospects(dataset) -> None:
    a = dataset.a
    jared, monica = a.ids["jared@piedpiper.com"], a.ids["monica@raviga.com"]
    assert found(a, id=str(jared)) == {"jared@piedpiper.com"}
    assert found(a, id=f"{monica},{jared}") == {"jared@piedpiper.com", "monica@raviga.com"}
    assert found(a, id=f"{jared}", search="company=hooli") == set()
    assert a.search(id="999999999").json() == NO_MATCH


def test_status_filters_the_global_status(dataset) -> None:
    a = dataset.a
    assert found(a, status="BLACKLIST") == {"gavin@hooli.com"}
    assert found(a, status="invalid") == {"big.head@hooli.com"}
    bounced = found(a, status="BOUNCED")
    assert "dinesh@piedpiper.com" in bounced and len(bounced) == 1 + 4
    assert found(a, status="BLACKLIST,INVALID") == {"gavin@hooli.com", "big.head@hooli.com"}
    assert found(a, status="REPLIED", search="company=bachman") == {"erlich@bachmanity.com"}


def test_status_in_the_campaign_view_is_the_status_in_the_campaign(dataset) -> None:
    a = dataset.a
    america = str(a.campaigns["SaaS in America"])
    assert found(a, campaigns_id=america, status="TO-CHECK") == {"monica@raviga.com"}
    assert found(a, campaigns_id=america, status="ACTIVE") == {"erlich@bachmanity.com", "jared@piedpiper.com"}


def test_contacted_means_mailed_at_least_once(dataset) -> None:
    a = dataset.a
    contacted = {"erlich@bachmanity.com", "jared@piedpiper.com", "richard@piedpiper.com", "monica@raviga.com"}
    for truth in ("true", "TRUE", "1"):
        assert found(a, contacted=truth) == contacted
    for falsity in ("false", "False", "0"):
        never = found(a, contacted=falsity, per_page=1000)
        assert never == set(a.ids) - contacted


def test_interested_takes_both_spellings_and_any_campaign(dataset) -> None:
    a = dataset.a
    assert found(a, interested="MAYBE-LATER") == {"jared@piedpiper.com"}
    assert found(a, interested="MAYBE_LATER") == {"jared@piedpiper.com"}
    assert found(a, interested="maybe-later") == {"jared@piedpiper.com"}
    assert found(a, interested="INTERESTED") == {"erlich@bachmanity.com", "monica@raviga.com"}
    assert found(a, interested="NOT-INTERESTED") == {"richard@piedpiper.com"}
    assert found(a, interested="NOT-MARKED") == {"erlich@bachmanity.com"}
    assert found(a, interested="NOT-INTERESTED,MAYBE-LATER") == {
        "richard@piedpiper.com",
        "jared@piedpiper.com",
    }
    europe = str(a.campaigns["SaaS in Europe"])
    assert found(a, interested="NOT-MARKED", campaigns_id=europe) == set()
    assert found(a, interested="INTERESTED", campaigns_id=europe) == {"erlich@bachmanity.com"}


def test_activity_filters(dataset) -> None:
    a = dataset.a
    assert found(a, activity="OPENED") == {
        "erlich@bachmanity.com",
        "jared@piedpiper.com",
        "monica@raviga.com",
    }
    assert found(a, activity="NOT-OPENED") == {"richard@piedpiper.com"}
    assert found(a, activity="not_opened") == {"richard@piedpiper.com"}
    assert found(a, activity="CLICKED") == {"erlich@bachmanity.com", "monica@raviga.com"}
    assert found(a, activity="NOT-CLICKED") == {"jared@piedpiper.com", "richard@piedpiper.com"}


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        ("updated>2000-01-01T00:00:00+0000", "all"),
        ("updated<2000-01-01T00:00:00+0000", set()),
        ("updated>2999-01-01", set()),
        ("updated<2999-01-01T00:00:00Z", "all"),
    ],
)
def test_diff_on_updated(dataset, diff, expected) -> None:
    a = dataset.a
    assert found(a, diff=diff, per_page=1000) == (set(a.ids) if expected == "all" else expected)


def test_diff_on_last_opened_and_last_clicked_with_their_activity(dataset) -> None:
    a = dataset.a
    # erlich opened 2025-03-20T15:00Z, jared 2025-04-01T12:00Z, monica 2025-01-10T10:00Z.
    assert found(a, activity="OPENED", diff="last_opened>2025-03-20T16:00:00+0100") == {"jared@piedpiper.com"}
    # 16:00+0100 is 15:00 UTC: strictly greater, so erlich's 15:00 open is not included.
    assert found(a, activity="OPENED", diff="last_opened<2025-03-20T16:00:00+0100") == {"monica@raviga.com"}
    assert found(a, activity="OPENED", diff="last_opened>2025-03-20T14:59:59Z") == {
        "erlich@bachmanity.com",
        "jared@piedpiper.com",
    }
    assert found(a, activity="CLICKED", diff="last_clicked>2025-02-01T00:00:00") == {"erlich@bachmanity.com"}
    assert found(a, activity="NOT-OPENED", diff="last_opened>2000-01-01T00:00:00Z") == set()


def test_diff_timestamp_forms(dataset) -> None:
    a = dataset.a
    everyone = set(a.ids)
    for moment in (
        "2025-01-15T00:00:00%2B0200",  # the reference's own example, encoded
        "2025-01-15T00:00:00+0200",  # a raw "+", decoded as a space
        "2025-01-15T00:00:00%2B02:00",
        "2025-01-15T00:00:00-0500",
        "2025-01-15T00:00:00Z",
        "2025-01-15T00:00:00.123456Z",
        "2025-01-15 00:00:00",
        "2025-01-15",
    ):
        assert found(a, f"diff=updated>{moment}&per_page=1000") == everyone, moment
        assert found(a, f"diff=updated%3E{moment}&per_page=1000") == everyone, moment


def test_several_diff_conditions_and(dataset) -> None:
    a = dataset.a
    assert found(
        a, activity="OPENED", diff="last_opened>2025-01-01T00:00:00Z,last_opened<2025-03-30T00:00:00Z"
    ) == {
        "erlich@bachmanity.com",
        "monica@raviga.com",
    }


def test_filters_combine(dataset) -> None:
    a = dataset.a
    assert found(a, search="company=pied", status="ACTIVE", contacted="true", interested="MAYBE-LATER") == {
        "jared@piedpiper.com"
    }
