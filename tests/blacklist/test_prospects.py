"""What the blacklists do to prospects, as developers.woodpecker.co documents it: nothing at
once. "Blacklisting an email does not immediately change the status of existing prospects …
A prospect's status will be updated to BLACKLISTED during campaign processing" (pages "Blacklist
emails", "Blacklist domains"); "Removing an email from the list doesn't change the status of a
prospect if it was previously set to BLACKLISTED" (pages "Delete emails/domains from the
blacklist"). leadpecker processes no campaign (it sends no mail), so v1 search shows every
prospect as it was, and prospects added later are added as any other — and tenancy: one
account's lists are nobody else's."""

from __future__ import annotations

import pytest
from tests.harness.blacklist import DOMAINS, EMAILS, SEARCH, call, global_status
from tests.harness.names import tag
from tests.harness.prospects import add, enrol, statuses


@pytest.fixture
def campaign_id(cli, account, tmp_path) -> int:
    """A RUNNING campaign of ``account``: one that would mail its prospects."""
    (campaign,) = cli.import_campaigns(account.name, tmp_path, [("Outreach", "RUNNING")]).values()
    return campaign


def campaign_status(api, campaign_id: int, email: str) -> str:
    (enrolment,) = call(api, "GET", SEARCH, campaigns_id=campaign_id, search=f"email={email}")
    return enrolment["status"]


def test_blacklisting_leaves_existing_prospects_as_they_are(api, campaign_id) -> None:
    """Pages "Blacklist emails" and "Blacklist domains": existing prospects keep their status,
    in the database and in their campaign, visible at once in v1 search."""
    run = tag()
    by_email, by_domain = f"erlich@{run}-bachmanity.com", f"jared@{run}-piedpiper.com"
    assert statuses(add(api, [{"email": by_email}, {"email": by_domain}])) == ["OK", "OK"]
    assert statuses(
        enrol(api, {"campaign_id": campaign_id}, [{"email": by_email}, {"email": by_domain}])
    ) == ["OK", "OK"]
    call(api, "POST", EMAILS, {"emails": [by_email]})
    call(api, "POST", DOMAINS, {"domains": [f"{run}-piedpiper.com", f"%{run}%"]})
    for email in (by_email, by_domain):
        assert global_status(api, email) == "ACTIVE"
        assert campaign_status(api, campaign_id, email) == "ACTIVE"
    assert call(api, "GET", SEARCH, status="BLACKLIST", search=f"email={run}") == {
        "message": "There are no prospects matching the given criteria."
    }


def test_a_prospect_added_after_its_email_or_domain_is_added_and_enrolled_as_any_other(
    api, campaign_id
) -> None:
    """Page "Blacklisting": listed prospects are changed "during the processing of the campaign";
    adding one (to the database, or to a campaign, created there) is not refused: the status is
    ACTIVE and the answer OK, as for anybody else."""
    run = tag()
    listed, on_listed_domain, in_campaign = f"a@{run}.com", f"b@{run}-gone.io", f"c@{run}-gone.io"
    call(api, "POST", EMAILS, {"emails": [listed]})
    call(api, "POST", DOMAINS, {"domains": [f"{run}-gone.io"]})
    assert statuses(add(api, [{"email": listed}, {"email": on_listed_domain}])) == ["OK", "OK"]
    assert statuses(
        enrol(api, {"campaign_id": campaign_id}, [{"email": listed}, {"email": in_campaign}])
    ) == ["OK", "OK"]
    for email in (listed, on_listed_domain, in_campaign):
        assert global_status(api, email) == "ACTIVE"
    assert campaign_status(api, campaign_id, in_campaign) == "ACTIVE"


def test_removal_from_the_blacklist_leaves_a_blacklisted_prospect_blacklisted(api) -> None:
    """Pages "Delete emails from the blacklist" / "Delete domains from the blacklist": removing
    doesn't change the status of a prospect previously set to BLACKLISTED."""
    run = tag()
    email = f"gavin@{run}-hooli.com"
    assert statuses(add(api, [{"email": email, "status": "BLACKLIST"}])) == ["OK"]
    call(api, "POST", EMAILS, {"emails": [email]})
    call(api, "POST", DOMAINS, {"domains": [f"{run}-hooli.com"]})
    assert call(api, "DELETE", EMAILS, {"emails": [email]}) == {"emails": [email]}
    assert call(api, "DELETE", DOMAINS, {"domains": [f"{run}-hooli.com"]}) == {
        "domains": [f"{run}-hooli.com"]
    }
    assert global_status(api, email) == "BLACKLIST"


# --- tenancy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "key", "entry"), [(EMAILS, "emails", "x@{}.com"), (DOMAINS, "domains", "{}.com")]
)
def test_another_accounts_list_is_invisible_and_untouchable(api, other_api, path, key, entry) -> None:
    """One account's entries are nobody else's: not listed, not found by a filter, and another
    account's removal answers exactly as for an entry never listed, removing nothing."""
    mine, never = entry.format(tag()), entry.format(tag())
    call(api, "POST", path, {key: [mine]})
    assert call(other_api, "GET", path) == {key: [], "total": 0}
    filter_name = "email_filter" if key == "emails" else "domain_filter"
    assert call(other_api, "GET", path, **{filter_name: mine}) == {key: [], "total": 0}
    assert call(other_api, "DELETE", path, {key: [mine]}) == call(other_api, "DELETE", path, {key: [never]})
    assert call(other_api, "DELETE", path, {key: [mine]}) == {key: []}
    assert call(api, "GET", path) == {key: [mine], "total": 1}
    # The other account may list the same entry: its own, removed without touching the first's.
    assert call(other_api, "POST", path, {key: [mine]}) == {key: [mine]}
    assert call(other_api, "DELETE", path, {key: [mine]}) == {key: [mine]}
    assert call(api, "GET", path, **{filter_name: mine}) == {key: [mine], "total": 1}
