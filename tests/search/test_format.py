"""The answer's shape: the reference sample's keys and order, legacy mirrors, timestamps,
campaigns_details, the campaign view, the no-match message and X-Total-Count."""

from __future__ import annotations

import re

from tests.harness.http import openapi_document
from tests.harness.search import NO_MATCH, SAMPLE_KEYS

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")
DETAIL_KEYS = ["campaign_id", "campaign_name", "campaign_status", "campaign_prospect_status", "interested"]


def test_the_reference_request_answers_like_the_sample(dataset) -> None:
    a = dataset.a
    response = a.search("campaigns_details=true&search=email=erlich@bachmanity.com")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-total-count"] == "1"
    [erlich] = response.json()
    assert list(erlich) == [*SAMPLE_KEYS, "campaigns_details"]
    assert erlich["id"] == a.ids["erlich@bachmanity.com"]
    assert erlich["organization_id"] == 654321789
    assert erlich["tags"] == "#VISIONARY"
    assert erlich["encrypted"] is False
    assert erlich["status"] == "REPLIED"
    # Given as the legacy snipet1: stored as snippet1 and mirrored back under both names.
    assert (
        erlich["snipet1"] == erlich["snippet1"] == "You are running a successful startup incubator Bachmanity"
    )
    assert erlich["snipet2"] == erlich["snippet2"] == ""
    assert erlich["snippet_labels"] == {
        "custom_snippet": "You are running a successful startup incubator Bachmanity"
    }
    # Roll-ups of the activity loaded: last SENT and last REPLIED, in UTC with +0000.
    assert erlich["last_contacted"] == "2025-03-20T13:32:34+0000"
    assert erlich["last replied"] == "2025-03-21T07:11:35+0000"
    assert TIMESTAMP.match(erlich["updated"])
    assert erlich["campaigns_details"] == [
        {
            "campaign_id": a.campaigns["SaaS in America"],
            "campaign_name": "SaaS in America",
            "campaign_status": "RUNNING",
            "campaign_prospect_status": "ACTIVE",
            "interested": "NOT_MARKED",
        },
        {
            "campaign_id": a.campaigns["SaaS in Europe"],
            "campaign_name": "SaaS in Europe",
            "campaign_status": "RUNNING",
            "campaign_prospect_status": "REPLIED",
            "interested": "INTERESTED",
        },
    ]


def test_absent_values_are_null_empty_or_empty_object(dataset) -> None:
    [filler] = dataset.a.search(search="email=filler00@fill.org").json()
    assert list(filler) == SAMPLE_KEYS
    assert filler["last_contacted"] is None
    assert filler["last replied"] is None
    assert filler["organization_id"] is None
    assert filler["snippet_labels"] == {}
    assert filler["industry"] == filler["snippet15"] == ""


def test_every_prospect_of_a_list_has_the_sample_keys_and_no_details_unless_asked(dataset) -> None:
    prospects = dataset.a.search(per_page=1000).json()
    assert len(prospects) == len(dataset.a.ids)
    assert all(list(prospect) == SAMPLE_KEYS for prospect in prospects)
    assert all(TIMESTAMP.match(prospect["updated"]) for prospect in prospects)


def test_campaigns_details_lists_every_campaign_and_is_empty_when_none(dataset) -> None:
    a = dataset.a
    body = a.search(search="company=pied piper", campaigns_details="1", sort="id").json()
    details = {p["email"]: p["campaigns_details"] for p in body}
    assert [entry["interested"] for entry in details["jared@piedpiper.com"]] == ["MAYBE_LATER"]
    assert [list(entry) for entry in details["richard@piedpiper.com"]] == [DETAIL_KEYS]
    assert details["gilfoyle@piedpiper.com"] == []
    assert (
        a.search(search="company=pied piper", campaigns_details="FALSE")
        .json()[0]
        .get("campaigns_details", "absent")
        == "absent"
    )


def test_the_campaign_view_shows_one_object_per_enrolment_with_the_campaign_status(dataset) -> None:
    a = dataset.a
    america, europe = a.campaigns["SaaS in America"], a.campaigns["SaaS in Europe"]
    response = a.search(campaigns_id=f"{america},{europe}")
    assert response.status_code == 200
    body = response.json()
    assert response.headers["x-total-count"] == "5"
    pairs = [(p["email"], p["campaign_id"]) for p in body]
    erlich, jared, richard, monica = (
        a.ids[e]
        for e in (
            "erlich@bachmanity.com",
            "jared@piedpiper.com",
            "richard@piedpiper.com",
            "monica@raviga.com",
        )
    )
    expected = sorted(
        [(erlich, america), (erlich, europe), (jared, america), (richard, europe), (monica, america)]
    )
    assert [(p["id"], p["campaign_id"]) for p in body] == expected
    assert len(pairs) == 5
    by_pair = {(p["email"], p["campaign_id"]): p for p in body}
    erlich_europe = by_pair[("erlich@bachmanity.com", europe)]
    assert list(erlich_europe) == [
        *SAMPLE_KEYS,
        "campaign_id",
        "campaign_name",
        "campaign_status",
        "interested",
    ]
    assert erlich_europe["status"] == "REPLIED"  # the status in that campaign
    assert erlich_europe["campaign_name"] == "SaaS in Europe"
    assert erlich_europe["campaign_status"] == "RUNNING"
    assert erlich_europe["interested"] == "INTERESTED"
    assert by_pair[("monica@raviga.com", america)]["status"] == "TO-CHECK"
    assert by_pair[("jared@piedpiper.com", america)]["interested"] == "MAYBE_LATER"


def test_the_campaign_view_with_details_keeps_details_last(dataset) -> None:
    a = dataset.a
    body = a.search(campaigns_id=str(a.campaigns["SaaS in America"]), campaigns_details="true").json()
    assert all(list(p)[-1] == "campaigns_details" for p in body)
    assert {p["email"] for p in body} == {"erlich@bachmanity.com", "jared@piedpiper.com", "monica@raviga.com"}


def test_a_campaign_without_prospects_and_an_unknown_one_answer_no_match(dataset) -> None:
    a = dataset.a
    for campaigns in (str(a.campaigns["Draft ideas"]), "999999999"):
        response = a.search(campaigns_id=campaigns)
        assert (response.status_code, response.json()) == (200, NO_MATCH)
        assert response.headers["x-total-count"] == "0"


def test_activity_adds_its_fields_to_the_details(dataset) -> None:
    a = dataset.a
    opened = a.search(activity="OPENED", campaigns_details="true", search="email=erlich@bachmanity.com")
    [erlich] = opened.json()
    for entry in erlich["campaigns_details"]:
        assert list(entry) == [*DETAIL_KEYS, "sent_mails", "last_open"]
        assert entry["sent_mails"] == 2
        assert entry["last_open"] == "2025-03-20T15:00:00+0000"


def test_each_clicked_link_is_a_prospect_object_of_its_own(dataset) -> None:
    a = dataset.a
    response = a.search(activity="CLICKED", campaigns_details="true", sort="-last_clicked")
    body = response.json()
    # erlich clicked two links, monica one (twice): three objects, two prospects.
    assert [(p["email"], p["campaigns_details"][0]["click_url"]) for p in body] == [
        ("erlich@bachmanity.com", "https://bachmanity.com/b"),
        ("erlich@bachmanity.com", "https://bachmanity.com/a"),
        ("monica@raviga.com", "https://raviga.com"),
    ]
    assert response.headers["x-total-count"] == "2"  # prospects, not objects
    entry = body[0]["campaigns_details"][0]
    assert list(entry) == [*DETAIL_KEYS, "sent_mails", "last_clicked", "click_url"]
    assert entry["last_clicked"] == "2025-03-20T15:09:00+0000"
    assert body[2]["campaigns_details"][0]["last_clicked"] == "2025-01-11T10:01:00+0000"


def test_no_match_is_the_reference_message_with_a_zero_total(dataset) -> None:
    response = dataset.a.search(search="company=no such company anywhere")
    assert response.status_code == 200
    assert response.json() == NO_MATCH
    assert response.headers["x-total-count"] == "0"


def test_x_total_count_counts_every_match_not_the_page(dataset) -> None:
    a = dataset.a
    response = a.search(per_page=3)
    assert len(response.json()) == 3
    assert response.headers["x-total-count"] == str(len(a.ids))
    response = a.search(status="ACTIVE", per_page=2, page=2)
    active = a.emails(status="ACTIVE", per_page=1000)
    assert response.headers["x-total-count"] == str(len(active))
    response = a.search(search="company=filler", per_page=5, page=2)
    assert response.headers["x-total-count"] == "20"


def test_server_timing_is_reported(dataset) -> None:
    assert dataset.a.search().headers["server-timing"].startswith("app;dur=")


def test_the_openapi_document_describes_the_search(server) -> None:
    spec = openapi_document(server)
    operation = spec["paths"]["/rest/v1/prospects"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "search",
        "id",
        "status",
        "campaigns_id",
        "contacted",
        "interested",
        "activity",
        "diff",
        "campaigns_details",
        "sort",
        "page",
        "per_page",
    }
    assert {"200", "400", "401", "403", "409", "500"} <= set(operation["responses"])
    assert "422" not in operation["responses"]
    prospect = spec["components"]["schemas"]["SearchedProspect"]["properties"]
    assert list(prospect)[: len(SAMPLE_KEYS)] == SAMPLE_KEYS
    assert "X-Total-Count" in operation["responses"]["200"]["headers"]
