"""Account B never sees account A's prospects or campaigns — by search, id or campaigns_id —
and the other way round; another account's id answers like one that does not exist."""

from __future__ import annotations

from tests.harness.search import NO_MATCH


def test_listing_and_search_stay_in_the_account(dataset) -> None:
    a, b = dataset.a, dataset.b
    assert set(b.emails(per_page=1000)) == {"erlich@bachmanity.com", "other@piedpiper.com"}
    assert b.search().headers["x-total-count"] == "2"
    assert set(b.emails(search="company=pied piper")) == {"other@piedpiper.com"}
    [erlich] = b.search(search="email=erlich@bachmanity.com").json()
    assert erlich["id"] == b.ids["erlich@bachmanity.com"] != a.ids["erlich@bachmanity.com"]
    assert erlich["first_name"] == "Erlich B"
    assert b.emails(search="tags=VIP") == ["erlich@bachmanity.com"]
    assert b.search(search="company=raviga").json() == NO_MATCH
    assert b.search(status="BLACKLIST").json() == NO_MATCH
    assert b.search(search="company=bachman", status="REPLIED").json() == NO_MATCH


def test_another_accounts_id_is_like_an_unknown_one(dataset) -> None:
    a, b = dataset.a, dataset.b
    response = b.search(id=str(a.ids["jared@piedpiper.com"]))
    assert (response.json(), response.headers["x-total-count"]) == (NO_MATCH, "0")
    mixed = f"{a.ids['erlich@bachmanity.com']},{b.ids['other@piedpiper.com']}"
    assert b.emails(id=mixed) == ["other@piedpiper.com"]
    assert a.search(id=str(b.ids["other@piedpiper.com"])).json() == NO_MATCH


def test_another_accounts_campaign_shows_nothing(dataset) -> None:
    a, b = dataset.a, dataset.b
    for campaign in a.campaigns.values():
        response = b.search(campaigns_id=str(campaign))
        assert (response.json(), response.headers["x-total-count"]) == (NO_MATCH, "0")
    assert a.search(campaigns_id=str(b.campaigns["B campaign"])).json() == NO_MATCH
    assert b.emails(campaigns_id=str(b.campaigns["B campaign"])) == ["erlich@bachmanity.com"]


def test_details_and_filters_show_only_the_accounts_campaigns(dataset) -> None:
    a, b = dataset.a, dataset.b
    [erlich] = b.search(search="email=erlich@bachmanity.com", campaigns_details="true").json()
    assert [d["campaign_name"] for d in erlich["campaigns_details"]] == ["B campaign"]
    assert b.emails(interested="INTERESTED") == ["erlich@bachmanity.com"]
    assert b.search(interested="MAYBE-LATER").json() == NO_MATCH
    assert b.search(activity="OPENED").json() == NO_MATCH
    assert "other@piedpiper.com" not in a.emails(per_page=1000)
