"""Campaigns: loading them (CLI), enrolling prospects (CLI and add_prospects_campaign),
activity roll-ups, and removing prospects from campaigns only."""

from __future__ import annotations

import json

import pytest
from tests.harness.database import fetch
from tests.harness.files import write


@pytest.fixture
def campaigns(cli, account, tmp_path) -> dict[str, int]:
    """Two campaigns of the account, name → id."""
    output = cli(
        "campaigns",
        "import",
        write(tmp_path / "c.csv", "name,status\nSaaS in America,RUNNING\nSaaS in Europe,\n"),
        "--account",
        account.name,
        "--json",
    )
    loaded = json.loads(output.strip().splitlines()[-1])
    assert [(c["name"], c["status"]) for c in loaded] == [
        ("SaaS in America", "RUNNING"),
        ("SaaS in Europe", "DRAFT"),
    ]
    return {c["name"]: c["id"] for c in loaded}


def add(api, *prospects: dict) -> list[dict]:
    response = api.post("/rest/v1/add_prospects_list", json={"prospects": list(prospects)})
    assert response.status_code == 200, response.text
    return response.json()["prospects"]


def enrol(api, campaign_id: int, *prospects: dict, **flags) -> tuple[int, dict]:
    body = {"campaign": {"campaign_id": campaign_id}, "prospects": list(prospects), **flags}
    response = api.post("/rest/v1/add_prospects_campaign", json=body)
    return response.status_code, response.json()


def test_reimporting_a_campaign_name_updates_its_status(cli, account, campaigns, tmp_path) -> None:
    output = cli(
        "campaigns", "import", write(tmp_path / "c2.csv", "name,status\nSaaS in Europe,PAUSED\n"),
        "--account", account.name, "--json",
    )  # fmt: skip
    assert json.loads(output.strip().splitlines()[-1]) == [
        {"id": campaigns["SaaS in Europe"], "name": "SaaS in Europe", "status": "PAUSED"}
    ]


def test_prospects_are_enrolled_by_id_and_by_email_in_request_order(api, campaigns, server) -> None:
    [existing] = add(api, {"email": "erlich@bachmanity.com"})
    status, body = enrol(
        api,
        campaigns["SaaS in America"],
        {"id": existing["id"]},
        {"email": "Jared@PiedPiper.com", "first_name": "Jared"},
        {"email": "not-an-email"},
        {"id": 999_999_999},
        {"email": "jared@piedpiper.com"},
    )
    assert status == 200
    answers = body["prospects"]
    assert [a["status"] for a in answers] == ["OK", "OK", "ERROR", "ERROR", "DUPLICATE"]
    assert answers[0] == {"email": "erlich@bachmanity.com", "id": existing["id"], "status": "OK"}
    assert answers[1]["email"] == "jared@piedpiper.com" and answers[1]["id"] == answers[4]["id"]
    assert answers[2]["code"] == "E_EMAIL"
    assert answers[3]["code"] == "E_RECORD_NOT_FOUND"
    rows = fetch(
        server.database_url,
        "SELECT prospect_id, status, interested FROM campaign_prospects WHERE campaign_id = :c",
        c=campaigns["SaaS in America"],
    )
    assert sorted(rows) == sorted(
        [(existing["id"], "ACTIVE", "NOT_MARKED"), (answers[1]["id"], "ACTIVE", "NOT_MARKED")]
    )

    _, again = enrol(api, campaigns["SaaS in America"], {"id": existing["id"]})
    assert again["prospects"][0]["status"] == "DUPLICATE"


@pytest.mark.parametrize("force", [True, "true", "TRUE", 1])
def test_only_active_prospects_are_enrolled_unless_forced(api, campaigns, force) -> None:
    [blacklisted] = add(api, {"email": "gavin@hooli.com", "status": "BLACKLIST"})
    _, refused = enrol(api, campaigns["SaaS in Europe"], {"id": blacklisted["id"]})
    assert refused["prospects"][0]["status"] == "ERROR"
    assert refused["prospects"][0]["code"] == "E_INV_STATUS"
    _, not_forced = enrol(api, campaigns["SaaS in Europe"], {"id": blacklisted["id"]}, force="false")
    assert not_forced["prospects"][0]["status"] == "ERROR"
    _, forced = enrol(api, campaigns["SaaS in Europe"], {"id": blacklisted["id"]}, force=force)
    assert forced["prospects"][0]["status"] == "OK"


def test_an_unknown_or_foreign_campaign_is_not_found(api, campaigns, new_account, server) -> None:
    status, body = enrol(api, 987_654_321, {"email": "a@b.co"})
    assert status == 404
    assert body["status"]["code"] == "E_RECORD_NOT_FOUND"
    other = new_account()
    with server.client(other.api_key) as foreign:
        status, foreign_body = enrol(foreign, campaigns["SaaS in America"], {"email": "a@b.co"})
    assert status == 404
    assert foreign_body == {
        "status": {**body["status"], "msg": f"Campaign not found: {campaigns['SaaS in America']}"}
    }
    # Nothing was written for the refused requests.
    assert add(api, {"email": "a@b.co"})[0]["status"] == "OK"


def test_another_accounts_prospect_id_answers_like_an_unknown_one(
    api, campaigns, new_account, server
) -> None:
    other = new_account()
    with server.client(other.api_key) as foreign:
        [theirs] = add(foreign, {"email": "richard@piedpiper.com"})
    _, body = enrol(api, campaigns["SaaS in America"], {"id": theirs["id"]})
    assert body["prospects"][0]["status"] == "ERROR"
    assert body["prospects"][0]["code"] == "E_RECORD_NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prospects": [{"email": "a@b.co"}]}, "campaign"),
        ({"campaign": {}, "prospects": [{"email": "a@b.co"}]}, "campaign.campaign_id"),
        ({"campaign": {"campaign_id": "x"}, "prospects": [{"email": "a@b.co"}]}, "campaign.campaign_id"),
        ({"campaign": {"campaign_id": 1}, "prospects": []}, "prospects"),
        ({"campaign": {"campaign_id": 1}, "prospects": [{"first_name": "A"}]}, "prospects[0]"),
        ({"campaign": {"campaign_id": 1}, "prospects": [{"id": 1}], "force": "maybe"}, "force"),
    ],
)
def test_malformed_bodies_are_400_naming_the_field(api, body, field) -> None:
    response = api.post("/rest/v1/add_prospects_campaign", json=body)
    assert response.status_code == 400
    status = response.json()["status"]
    assert status["status"] == "ERROR"
    assert status["code"] in ("E_WRONG_PARAM", "E_REQUIRED_ELEMENT")
    assert field in status["msg"]


def test_enrolments_and_activity_load_from_files(cli, api, account, campaigns, server, tmp_path) -> None:
    [erlich, jared] = add(api, {"email": "erlich@bachmanity.com"}, {"email": "jared@piedpiper.com"})
    output = cli.run(
        "enrolments", "import",
        write(
            tmp_path / "e.csv",
            "campaign,email,status,interested\n"
            "SaaS in America,erlich@bachmanity.com,ACTIVE,NOT-MARKED\n"
            "SaaS in Europe,Erlich@Bachmanity.com,REPLIED,INTERESTED\n"
            "SaaS in Europe,jared@piedpiper.com,ACTIVE,MAYBE-LATER\n"
            "No such campaign,jared@piedpiper.com,ACTIVE,\n"
            "SaaS in Europe,nobody@x.com,ACTIVE,\n"
            "SaaS in Europe,jared@piedpiper.com,WRONG,\n",
        ),
        "--account", account.name,
    )  # fmt: skip
    assert output.exit_code == 3, output.output  # imported, but for the rejected rows
    assert "enrolments, 6 rows: 3 inserted" in output.stderr
    for line, field in ((5, "campaign"), (6, "email"), (7, "status")):
        assert f"e.csv:{line}: {field}: " in output.stderr
    rows = fetch(
        server.database_url,
        "SELECT campaign_id, prospect_id, status, interested FROM campaign_prospects WHERE account_id = :a",
        a=account.id,
    )
    assert sorted(rows) == sorted(
        [
            (campaigns["SaaS in America"], erlich["id"], "ACTIVE", "NOT_MARKED"),
            (campaigns["SaaS in Europe"], erlich["id"], "REPLIED", "INTERESTED"),
            (campaigns["SaaS in Europe"], jared["id"], "ACTIVE", "MAYBE_LATER"),
        ]
    )

    output = cli.run(
        "activity", "import",
        write(
            tmp_path / "a.jsonl",
            "\n".join(
                json.dumps(event)
                for event in [
                    {"email": "erlich@bachmanity.com", "campaign": "SaaS in America", "kind": "SENT",
                     "occurred_at": "2025-03-20T14:32:34+01:00"},
                    {"email": "erlich@bachmanity.com", "campaign": "SaaS in Europe", "kind": "sent",
                     "occurred_at": "2025-03-19T10:00:00Z"},
                    {"email": "erlich@bachmanity.com", "kind": "OPENED",
                     "occurred_at": "2025-03-21T08:11:35"},
                    {"email": "erlich@bachmanity.com", "kind": "CLICKED",
                     "occurred_at": "2025-03-21T08:12:00Z", "url": "https://bachmanity.com/a"},
                    {"email": "erlich@bachmanity.com", "kind": "REPLIED",
                     "occurred_at": "2025-03-21T07:11:35Z"},
                    {"email": "jared@piedpiper.com", "kind": "CLICKED",
                     "occurred_at": "2025-03-21T08:12:00Z"},
                ]
            ),
        ),
        "--account", account.name,
    )  # fmt: skip
    assert output.exit_code == 3, output.output
    assert "events, 6 rows: 5 inserted" in output.stderr and "a.jsonl:6: url: " in output.stderr
    [rollup] = fetch(
        server.database_url,
        "SELECT sent_mails, last_contacted, last_replied, last_opened, last_clicked"
        " FROM prospects WHERE id = :p",
        p=erlich["id"],
    )
    sent, contacted, replied, opened, clicked = rollup
    assert sent == 2
    assert str(contacted).startswith("2025-03-20 13:32:34")
    assert str(replied).startswith("2025-03-21 07:11:35")
    assert str(opened).startswith("2025-03-21 08:11:35")
    assert str(clicked).startswith("2025-03-21 08:12:00")

    # A later import: the roll-ups count every event of the prospect, old and new.
    later = {"email": "erlich@bachmanity.com", "kind": "SENT", "occurred_at": "2025-04-01T09:00:00Z"}
    cli("activity", "import", write(tmp_path / "b.jsonl", json.dumps(later)), "--account", account.name)
    [(sent, contacted, opened)] = fetch(
        server.database_url,
        "SELECT sent_mails, last_contacted, last_opened FROM prospects WHERE id = :p",
        p=erlich["id"],
    )
    assert sent == 3
    assert str(contacted).startswith("2025-04-01 09:00:00")
    assert str(opened).startswith("2025-03-21 08:11:35")


def test_deleting_with_campaigns_id_only_takes_prospects_out_of_those_campaigns(
    api, campaigns, server
) -> None:
    [prospect] = add(api, {"email": "monica@raviga.com"})
    for name in campaigns:
        enrol(api, campaigns[name], {"id": prospect["id"]})
    america = campaigns["SaaS in America"]
    response = api.delete(f"/rest/v1/prospects?id={prospect['id']}&campaigns_id={america}")
    assert response.json() == {"prospects": [{"id": prospect["id"], "status": "OK"}]}
    remaining = fetch(
        server.database_url,
        "SELECT campaign_id FROM campaign_prospects WHERE prospect_id = :p",
        p=prospect["id"],
    )
    assert remaining == [(campaigns["SaaS in Europe"],)]
    # The prospect itself is still there.
    assert add(api, {"email": "monica@raviga.com"})[0]["status"] == "DUPLICATE"
