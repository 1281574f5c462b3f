"""Every documented 400, in the v1 envelope with the reference's texts."""

from __future__ import annotations

import pytest

REQUIRES_OPENED = "Wrong param, required activity=OPENED|NOT-OPENED"
REQUIRES_CLICKED = "Wrong param, required activity=CLICKED|NOT-CLICKED"


def assert_400(response, msg: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"status": {"status": "ERROR", "code": "E_WRONG_PARAM", "msg": msg}}


@pytest.mark.parametrize("name", ["madeUpParam", "Search", "campaign_id", "limit", "offset"])
def test_an_unknown_parameter(dataset, name) -> None:
    assert_400(dataset.a.search({name: "1"}), f"Unknown param:{name}")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", "-1"),
        ("page", "abc"),
        ("page", "1.5"),
        ("page", ""),
        ("per_page", "0"),
        ("per_page", "1001"),
        ("per_page", "-5"),
        ("per_page", "ten"),
        ("status", "ACTIV"),
        ("status", "TO-CHECK"),  # a campaign status, outside the campaign view
        ("status", ""),
        ("contacted", "yes"),
        ("campaigns_details", "maybe"),
        ("interested", "VERY"),
        ("activity", "READ"),
        ("id", "1,a"),
        ("id", ""),
        ("campaigns_id", "x"),
        ("diff", "updated"),
        ("diff", "updated=2025-01-01"),
        ("diff", "updated>=2025-01-01"),
        ("diff", "created>2025-01-01"),
        ("diff", "updated>2025-13-01"),
        ("diff", "updated>yesterday"),
        ("sort", "bogus"),
        ("sort", "company,"),
        ("sort", "*company"),
        ("sort", "linkedin_url"),
        ("search", "company"),
        ("search", "bogus=1"),
        ("search", "linkedin_url=x"),
        ("search", "company="),
        ("search", "organization_id=abc"),
        ("search", "=x"),
        ("search", "tags=two words"),
    ],
)
def test_a_wrong_value_names_the_parameter_and_the_whole_value(dataset, name, value) -> None:
    assert_400(dataset.a.search({name: value}), f"Wrong param [{name}]={value}")


def test_a_repeated_parameter_is_a_wrong_param(dataset) -> None:
    assert_400(dataset.a.search("status=ACTIVE&status=BOUNCED"), "Wrong param [status]=ACTIVE,BOUNCED")


def test_activity_sorts_and_diffs_without_their_activity(dataset) -> None:
    a = dataset.a
    assert_400(a.search(sort="last_opened"), REQUIRES_OPENED)
    assert_400(a.search(sort="-last_opened", activity="CLICKED"), REQUIRES_OPENED)
    assert_400(a.search(sort="last_clicked"), REQUIRES_CLICKED)
    assert_400(a.search(sort="last_clicked", activity="NOT-OPENED"), REQUIRES_CLICKED)
    assert_400(a.search(sort="sent_mails"), REQUIRES_OPENED)
    assert_400(a.search(diff="last_opened>2025-01-01T00:00:00Z"), REQUIRES_OPENED)
    assert_400(a.search(diff="last_clicked>2025-01-01T00:00:00Z", activity="OPENED"), REQUIRES_CLICKED)
    for activity in ("OPENED", "NOT-OPENED"):
        assert a.search(sort="last_opened", activity=activity).status_code == 200
        assert a.search(sort="sent_mails", activity=activity).status_code == 200
    for activity in ("CLICKED", "NOT-CLICKED"):
        assert a.search(sort="last_clicked", activity=activity).status_code == 200


def test_authentication_comes_first(server) -> None:
    with server.client("not-a-key") as client:
        response = client.get("/rest/v1/prospects", params={"madeUpParam": "1"})
    assert response.status_code == 401
    assert response.json()["status"]["code"] == "E_SESSION"
