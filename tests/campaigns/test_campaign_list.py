"""``GET /rest/v1/campaign_list``: the account's campaigns, filtered by status and id; one id
adds the campaign's statistics, computed from its enrolments and mail activity.

Wire shapes from the docs pages "GET campaign list v1" and "GET campaign stats v1" on
developers.woodpecker.co; where they are silent, from what public clients send and read
(docs/compatibility.md, section campaign_list). Campaigns, enrolments and activity are loaded
with the real ``leadpecker`` command, as an operator would."""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.files import write_new
from tests.harness.http import (
    V1_SESSION_BODY,
    V1_TOO_MANY_BODY,
    answered_early,
    assert_v1_error,
    hold,
    openapi_document,
    raw_request,
)
from tests.harness.prospects import ADD
from tests.harness.rate_limit import LINE

LIST = "/rest/v1/campaign_list"
NO_CAMPAIGNS = {"message": "There are no campaigns."}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")
# The keys of a campaign, in the order of the docs page "GET campaign list v1".
KEYS = [
    "id", "name", "status", "created", "from_name", "from_names", "gdpr_unsubscribe", "folder_name",
    "folder_id", "from_email", "from_emails", "per_day", "bcc", "cc", "error",
]  # fmt: skip
STATS_KEYS = {
    "prospects", "sent", "delivery", "opened", "clicked", "replied", "autoreplied", "bounced",
    "invalid", "optout", "check", "queue", "interested", "maybe_later", "not_interested", "emails",
}  # fmt: skip


def import_campaigns(cli: Any, account: Any, directory: Path, csv: str) -> dict[str, int]:
    """``leadpecker campaigns import --json``: name → id."""
    output = cli("campaigns", "import", write_new(directory, csv), "--account", account.name, "--json")
    return {c["name"]: c["id"] for c in json.loads(output.strip().splitlines()[-1])}


def listed(client: httpx.Client, **params: Any) -> Any:
    response = client.get(LIST, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


# --- the docs' examples ---------------------------------------------------------------------


def test_every_documented_field_of_the_docs_example(cli, account, api, tmp_path) -> None:
    """Docs page "GET campaign list v1", its response example: every field, in its order. What
    the import gave is stored and shown; what leadpecker does not keep has its constant."""
    ids = import_campaigns(
        cli, account, tmp_path,
        "name,status,created,from_name,from_email,per_day,gdpr_unsubscribe\n"
        "SaaS CEOs,RUNNING,2025-02-10T13:14:57+0100,Erlich Bachman,Erlich.Bachman@PiedPiper.com,200,false\n"
        "Test campaign,COMPLETED,2025-02-11 08:00:00,,,,\n",
    )  # fmt: skip
    campaigns = listed(api)
    assert [list(campaign) for campaign in campaigns] == [KEYS, KEYS]
    assert campaigns == [
        {
            "id": ids["SaaS CEOs"],
            "name": "SaaS CEOs",
            "status": "RUNNING",
            "created": "2025-02-10T12:14:57+0000",  # the same moment, in UTC
            "from_name": "Erlich Bachman",
            "from_names": ["Erlich Bachman"],
            "gdpr_unsubscribe": False,
            "folder_name": "UNASSIGNED",
            "folder_id": 0,
            "from_email": "erlich.bachman@piedpiper.com",
            "from_emails": ["erlich.bachman@piedpiper.com"],
            "per_day": 200,
            "bcc": "",
            "cc": "",
            "error": "",
        },
        {
            "id": ids["Test campaign"],
            "name": "Test campaign",
            "status": "COMPLETED",
            "created": "2025-02-11T08:00:00+0000",  # a time without an offset is UTC
            "from_name": "",
            "from_names": [],
            "gdpr_unsubscribe": False,
            "folder_name": "UNASSIGNED",
            "folder_id": 0,
            "from_email": "",
            "from_emails": [],
            "per_day": 50,
            "bcc": "",
            "cc": "",
            "error": "",
        },
    ]


def test_the_docs_request_sample_fetches_running_and_paused_campaigns(cli, account, api, tmp_path) -> None:
    """Docs page "GET campaign list v1", request sample ``?status=RUNNING,PAUSED``."""
    ids = import_campaigns(
        cli, account, tmp_path,
        "name,status\nA,RUNNING\nB,PAUSED\nC,DRAFT\nD,COMPLETED\nE,STOPPED\nF,EDITED\nG,RUNNING\n",
    )  # fmt: skip
    assert [c["name"] for c in listed(api, status="RUNNING,PAUSED")] == ["A", "B", "G"]
    # Each documented status filters; a campaign appears under its own only.
    for name, status in (("C", "DRAFT"), ("D", "COMPLETED"), ("E", "STOPPED"), ("F", "EDITED")):
        assert [(c["id"], c["status"]) for c in listed(api, status=status)] == [(ids[name], status)]


def test_several_statuses_also_come_as_repeated_parameters(cli, account, api, tmp_path) -> None:
    """Docs page "GET campaign list v1": a comma-separated list. Clients also repeat the
    parameter (status=RUNNING&status=COMPLETED) and write statuses in lower case: same list."""
    import_campaigns(cli, account, tmp_path, "name,status\nA,RUNNING\nB,PAUSED\nC,COMPLETED\n")
    assert [c["name"] for c in listed(api, status=["RUNNING", "COMPLETED"])] == ["A", "C"]
    assert [c["name"] for c in listed(api, status=["running, paused", "COMPLETED"])] == ["A", "B", "C"]


def test_without_a_creation_time_a_campaign_was_created_at_its_import(cli, account, api, tmp_path) -> None:
    import_campaigns(cli, account, tmp_path, "name\nFresh\n")
    [campaign] = listed(api)
    assert TIMESTAMP.match(campaign["created"]), campaign
    assert campaign["status"] == "DRAFT"


# --- one id: the statistics -----------------------------------------------------------------

# email → (status in the campaign, interest level, its events there)
STATS_SCENARIO: dict[str, tuple[str, str, list[str]]] = {
    "p0": ("ACTIVE", "INTERESTED", ["SENT", "OPENED", "CLICKED", "REPLIED"]),  # replied: by event
    "p1": ("REPLIED", "MAYBE_LATER", ["SENT", "SENT", "OPENED"]),  # replied: by status; a follow-up
    "p2": ("BOUNCED", "NOT_MARKED", ["SENT", "BOUNCED"]),
    "p3": ("ACTIVE", "NOT_MARKED", ["SENT", "BOUNCED"]),  # bounced: by event only
    "p4": ("ACTIVE", "NOT_MARKED", []),  # in the queue: nothing sent yet
    "p5": ("AUTOREPLIED", "NOT_INTERESTED", ["SENT"]),
    "p6": ("INVALID", "NOT_MARKED", []),
    "p7": ("TO-CHECK", "NOT_MARKED", []),
    "p8": ("BLACKLIST", "NOT_MARKED", ["SENT", "OPENED", "OPENED"]),  # opted out; opened twice
    "p9": ("ACTIVE", "NOT_MARKED", ["SENT"]),
}
EXPECTED_STATS = {
    "prospects": 10,
    "sent": 8,  # emails: p1 twice
    "delivery": 5,  # sent to and not bounced: p0 p1 p5 p8 p9
    "opened": 3,  # p0 p1 p8 (each once)
    "clicked": 1,
    "replied": 2,  # p0 (event) and p1 (status)
    "autoreplied": 1,
    "bounced": 2,  # p2 (status and event) and p3 (event)
    "invalid": 1,
    "optout": 1,
    "check": 1,
    "queue": 1,  # p4: ACTIVE, nothing sent
    "interested": 1,
    "maybe_later": 1,
    "not_interested": 1,
    "emails": [],
}


def load_stats_scenario(cli: Any, api: httpx.Client, account: Any, directory: Path) -> dict[str, int]:
    """The docs' stats example campaign ("SQL follow-ups") with STATS_SCENARIO's prospects, a
    second campaign and activity outside both that must not count."""
    ids = import_campaigns(
        cli, account, directory,
        "name,status,created,from_name,from_email,per_day,gdpr_unsubscribe\n"
        "SQL follow-ups,RUNNING,2025-02-10T13:14:57+0100,Erlich Bachman,"
        "erlich.bachman@piedpiper.com,70,true\n"
        "Other,RUNNING,,,,,\n",
    )  # fmt: skip
    emails = {name: f"{name}-{uuid.uuid4().hex[:6]}@example.com" for name in STATS_SCENARIO}
    response = api.post(ADD, json={"prospects": [{"email": email} for email in emails.values()]})
    assert response.status_code == 200, response.text
    enrolments = "campaign,email,status,interested\n" + "".join(
        f"SQL follow-ups,{emails[name]},{status},{interest}\n"
        for name, (status, interest, _) in STATS_SCENARIO.items()
    )
    enrolments += f"Other,{emails['p4']},ACTIVE,INTERESTED\n"
    cli("enrolments", "import", write_new(directory, enrolments), "--account", account.name)
    events = ["email,campaign,kind,occurred_at,url"]
    for name, (_, _, kinds) in STATS_SCENARIO.items():
        for minute, kind in enumerate(kinds):
            url = "https://piedpiper.com" if kind == "CLICKED" else ""
            events.append(f"{emails[name]},SQL follow-ups,{kind},2025-02-11T10:{minute:02d}:00Z,{url}")
    # Activity elsewhere: in the other campaign, and in none.
    events.append(f"{emails['p4']},Other,SENT,2025-02-11T10:00:00Z,")
    events.append(f"{emails['p4']},Other,REPLIED,2025-02-11T11:00:00Z,")
    events.append(f"{emails['p6']},,SENT,2025-02-11T10:00:00Z,")
    cli("activity", "import", write_new(directory, "\n".join(events) + "\n"), "--account", account.name)
    return ids


def test_one_id_adds_the_documented_stats_computed_from_enrolments_and_activity(
    cli, account, api, tmp_path
) -> None:
    """Docs page "GET campaign stats v1": ``?id={campaign_id}`` answers an array holding the
    campaign, with its fields and a ``stats`` object."""
    ids = load_stats_scenario(cli, api, account, tmp_path)
    [campaign] = listed(api, id=ids["SQL follow-ups"])
    assert list(campaign) == [*KEYS[:-1], "stats", "error"]
    assert {key: campaign[key] for key in KEYS} == {
        "id": ids["SQL follow-ups"],
        "name": "SQL follow-ups",
        "status": "RUNNING",
        "created": "2025-02-10T12:14:57+0000",
        "from_name": "Erlich Bachman",
        "from_names": ["Erlich Bachman"],
        "gdpr_unsubscribe": True,
        "folder_name": "UNASSIGNED",
        "folder_id": 0,
        "from_email": "erlich.bachman@piedpiper.com",
        "from_emails": ["erlich.bachman@piedpiper.com"],
        "per_day": 70,
        "bcc": "",
        "cc": "",
        "error": "",
    }
    assert set(campaign["stats"]) == STATS_KEYS
    assert campaign["stats"] == EXPECTED_STATS
    # The other campaign counts only its own.
    [other] = listed(api, id=ids["Other"])
    assert other["stats"] == {
        **dict.fromkeys(STATS_KEYS - {"emails"}, 0),
        "prospects": 1,
        "sent": 1,
        "delivery": 1,
        "replied": 1,
        "interested": 1,
        "emails": [],
    }


def test_prospects_taken_out_of_the_campaign_leave_its_stats(cli, account, api, tmp_path) -> None:
    """``DELETE /rest/v1/prospects?campaigns_id=…`` takes prospects out of a campaign: their
    events stay in their history, but none of the campaign's numbers counts them any more."""
    ids = load_stats_scenario(cli, api, account, tmp_path)
    campaign_id = ids["SQL follow-ups"]
    enrolled = api.get(
        "/rest/v1/prospects", params={"campaigns_id": str(campaign_id), "per_page": "100"}
    ).json()
    taken_out = api.delete(
        "/rest/v1/prospects",
        params={"id": ",".join(str(p["id"]) for p in enrolled), "campaigns_id": str(campaign_id)},
    )
    assert taken_out.status_code == 200, taken_out.text
    [campaign] = listed(api, id=campaign_id)
    assert campaign["stats"] == {**dict.fromkeys(STATS_KEYS - {"emails"}, 0), "emails": []}


def test_a_campaign_without_prospects_has_zero_stats(cli, account, api, tmp_path) -> None:
    ids = import_campaigns(cli, account, tmp_path, "name,status\nEmpty,DRAFT\n")
    [campaign] = listed(api, id=str(ids["Empty"]))
    assert campaign["stats"] == {**dict.fromkeys(STATS_KEYS - {"emails"}, 0), "emails": []}


def test_several_ids_list_those_campaigns_without_stats(cli, account, api, tmp_path) -> None:
    """Docs page "GET campaign stats v1": "Using multiple IDs returns a list of campaigns
    without statistics." Comma-separated (docs), or the parameter repeated; an id that does not
    exist is left out; one id said twice is still one id."""
    ids = import_campaigns(cli, account, tmp_path, "name,status\nA,RUNNING\nB,PAUSED\nC,DRAFT\n")
    a, b, c = ids["A"], ids["B"], ids["C"]
    for params in ({"id": f"{c},{a}"}, {"id": [str(c), str(a)]}, {"id": f"{a}, {c},987654321"}):
        campaigns = listed(api, **params)
        assert [campaign["name"] for campaign in campaigns] == ["A", "C"], params
        assert all(list(campaign) == KEYS for campaign in campaigns)
    [campaign] = listed(api, id=f"{b},{b}")
    assert "stats" in campaign


def test_id_and_status_both_filter(cli, account, api, tmp_path) -> None:
    """A client (campaign_stats in a public Ruby script) asks ``id=X&status=RUNNING&status=
    COMPLETED``: the campaign, with its stats, when its status is among them."""
    ids = import_campaigns(cli, account, tmp_path, "name,status\nA,RUNNING\nB,PAUSED\n")
    [campaign] = listed(api, id=ids["A"], status=["RUNNING", "COMPLETED"])
    assert campaign["name"] == "A" and "stats" in campaign
    assert listed(api, id=ids["B"], status=["RUNNING", "COMPLETED"]) == NO_CAMPAIGNS
    assert [c["name"] for c in listed(api, id=f"{ids['A']},{ids['B']}", status="PAUSED")] == ["B"]


# --- nothing matches ------------------------------------------------------------------------


def test_nothing_matching_answers_the_message(cli, account, api, tmp_path) -> None:
    """An account without campaigns, a status no campaign has (DELETED, which leadpecker never
    gives), an id that does not exist: 200 and the message, not an empty array."""
    assert listed(api) == NO_CAMPAIGNS
    import_campaigns(cli, account, tmp_path, "name,status\nA,RUNNING\n")
    assert listed(api, status="PAUSED") == NO_CAMPAIGNS
    assert listed(api, status="DELETED") == NO_CAMPAIGNS
    assert listed(api, id="987654321") == NO_CAMPAIGNS
    assert listed(api, id="987654321,987654322") == NO_CAMPAIGNS


# --- tenancy --------------------------------------------------------------------------------


def test_another_accounts_campaigns_are_never_visible(cli, account, api, other_api_pair, tmp_path) -> None:
    """Each account lists only its own campaigns; another account's id, alone or among the
    caller's, answers exactly like an id that does not exist."""
    other, other_api = other_api_pair
    mine = import_campaigns(cli, account, tmp_path, "name,status\nMine,RUNNING\n")
    theirs = import_campaigns(cli, other, tmp_path, "name,status\nTheirs,RUNNING\nTheirs too,PAUSED\n")
    assert [c["name"] for c in listed(api)] == ["Mine"]
    assert [c["name"] for c in listed(other_api)] == ["Theirs", "Theirs too"]
    foreign = theirs["Theirs"]
    assert listed(api, id=foreign) == listed(api, id="987654321") == NO_CAMPAIGNS
    assert listed(api, id=f"{foreign},{theirs['Theirs too']}") == NO_CAMPAIGNS
    assert [c["name"] for c in listed(api, id=f"{mine['Mine']},{foreign}")] == ["Mine"]
    assert listed(api, status="PAUSED") == NO_CAMPAIGNS


def test_stats_count_only_the_accounts_own_rows(cli, account, api, other_api_pair, tmp_path) -> None:
    """Another account enrols and mails prospects with the same emails in a campaign of the
    same name: the caller's statistics do not move."""
    other, other_api = other_api_pair
    ids = load_stats_scenario(cli, api, account, tmp_path)
    load_stats_scenario(cli, other_api, other, tmp_path)
    [campaign] = listed(api, id=ids["SQL follow-ups"])
    assert campaign["stats"] == EXPECTED_STATS


@pytest.fixture
def other_api_pair(server, new_account):
    other = new_account()
    with server.client(other.api_key) as client:
        yield other, client


# --- errors, in the v1 envelope -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "msg"),
    [
        ("madeUpParam=1", "Unknown param:madeUpParam"),
        ("status=RUNNING&per_page=10", "Unknown param:per_page"),
        ("status=FINISHED", "Wrong param [status]=FINISHED"),
        ("status=RUNNING,", "Wrong param [status]=RUNNING,"),
        ("status=", "Wrong param [status]="),
        ("id=abc", "Wrong param [id]=abc"),
        ("id=1,,2", "Wrong param [id]=1,,2"),
        ("id=", "Wrong param [id]="),
        ("id=-1", "Wrong param [id]=-1"),
        ("id=1234567890123456789", "Wrong param [id]=1234567890123456789"),
    ],
)
def test_a_wrong_or_unknown_parameter_is_400_in_the_v1_envelope(api, query, msg) -> None:
    """The v1 pages' 400 (E_WRONG_PARAM, "Unknown param:madeUpParam", "Wrong param [name]=value")."""
    assert_v1_error(api.get(f"{LIST}?{query}"), 400, "E_WRONG_PARAM", msg)


def test_a_wrong_or_missing_key_is_401(server) -> None:
    """Docs page "GET campaign list v1": 401, E_SESSION, in the v1 envelope."""
    with server.client("not-a-key") as client:
        response = client.get(LIST)
    assert response.status_code == 401
    assert response.json() == V1_SESSION_BODY
    with server.client() as anonymous:
        assert anonymous.get(LIST).json() == V1_SESSION_BODY


def test_an_account_without_api_access_is_403(server, new_account) -> None:
    """Docs page "GET campaign list v1": 403, E_NO_PERMISSION, when the API add-on is off."""
    locked = new_account("--no-api-access")
    with server.client(locked.api_key) as client:
        assert_v1_error(
            client.get(LIST), 403, "E_NO_PERMISSION", "You need to have an API keys addon to access our API."
        )


def test_the_rate_limit_answers_409_in_the_v1_envelope(server, account) -> None:
    """Docs page "GET campaign list v1": v1 answers the rate limit with 409 (E_TOO_MANY_REQUESTS),
    not 429. The key's line is full (one in flight, six waiting): the list is refused at once."""
    held = hold(server.url, account.api_key, LINE + 1)
    try:
        assert len(answered_early(held, 1)) == 1  # the line is full now
        with server.client(account.api_key) as client:
            response = client.get(LIST)
        assert response.status_code == 409
        assert response.json() == V1_TOO_MANY_BODY
    finally:
        for request in held:
            request.close()


def test_other_methods_are_405_in_the_v1_envelope(api) -> None:
    response = api.post(LIST, json={})
    assert_v1_error(response, 405, "E_URL_NOT_FOUND")
    assert response.headers["allow"] == "GET"


# --- what the public clients send -----------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda key: {"x-api-key": key}, id="x-api-key (Activepieces, w6w)"),
        pytest.param(
            lambda key: {"Authorization": "Basic " + base64.b64encode(key.encode()).decode() + ":X"},
            id="Basic b64(key):X (woodpecker-api, behind Pipedream)",
        ),
        pytest.param(
            lambda key: {
                "Authorization": "Basic " + base64.b64encode(key.encode()).decode(),
                "Content-type": "application/json",
            },
            id="Basic b64(key) and a Content-Type without a body (dd-woodpecker, Bit Integrations)",
        ),
        pytest.param(
            lambda key: {"Authorization": "Basic " + base64.b64encode(f"{key}: ".encode()).decode()},
            id="Basic b64(key:space) (Power Automate connector: the key, and a space as password)",
        ),
    ],
)
def test_the_clients_campaign_pickers_get_ids_and_names(
    server, cli, account, tmp_path, authorization
) -> None:
    """Activepieces, Pipedream, Power Automate and Bit Integrations fill the campaign picker of
    add_prospects_campaign from this list: each needs an array of objects with id and name
    (Activepieces shows the status beside the name)."""
    ids = import_campaigns(cli, account, tmp_path, "name,status\nSaaS CEOs,RUNNING\nTest campaign,DRAFT\n")
    response = raw_request(server.url, "GET", LIST, authorization(account.api_key))
    assert response.status_code == 200, response.text
    picker = [(c["id"], c["name"], c["status"]) for c in response.json()]
    assert picker == [
        (ids["SaaS CEOs"], "SaaS CEOs", "RUNNING"),
        (ids["Test campaign"], "Test campaign", "DRAFT"),
    ]


# --- loading the fields with ``leadpecker campaigns import`` --------------------------------


def test_reimporting_sets_only_the_columns_given(cli, account, api, tmp_path) -> None:
    """A known name takes the row's status and the other columns the row gives; an empty cell
    or a missing column leaves what is stored."""
    import_campaigns(
        cli, account, tmp_path,
        "name,status,created,from_name,from_email,per_day,gdpr_unsubscribe\n"
        "SaaS CEOs,RUNNING,2025-02-10T12:00:00Z,Erlich Bachman,erlich@bachmanity.com,200,true\n",
    )  # fmt: skip
    import_campaigns(cli, account, tmp_path, "name,status,per_day,from_name\nSaaS CEOs,PAUSED,80,\n")
    [campaign] = listed(api)
    assert (campaign["status"], campaign["per_day"]) == ("PAUSED", 80)
    assert campaign["created"] == "2025-02-10T12:00:00+0000"
    assert (campaign["from_name"], campaign["from_email"]) == ("Erlich Bachman", "erlich@bachmanity.com")
    assert campaign["gdpr_unsubscribe"] is True


@pytest.mark.parametrize(
    ("column", "value"),
    [("per_day", "0"), ("per_day", "many"), ("from_email", "not-an-email"), ("gdpr_unsubscribe", "perhaps"),
     ("created", "yesterday")],
)  # fmt: skip
def test_a_wrong_value_rejects_the_row_naming_its_column(cli, account, tmp_path, column, value) -> None:
    path = write_new(tmp_path, f"name,{column}\nGood,\nBad,{value}\n")
    result = cli.run("campaigns", "import", path, "--account", account.name)
    assert result.exit_code == 3, result.output
    assert f"rejected {path}:3: {column}:" in result.stderr


def test_jsonl_rows_take_typed_values(cli, account, api, tmp_path) -> None:
    """A JSONL file gives the columns as JSON values (a null creation time is not given)."""
    path = tmp_path / "campaigns.jsonl"
    path.write_text(
        '{"name": "J", "status": "RUNNING", "per_day": 30, "gdpr_unsubscribe": true, "created": null}\n'
    )
    cli("campaigns", "import", str(path), "--account", account.name)
    [campaign] = listed(api)
    assert (campaign["per_day"], campaign["gdpr_unsubscribe"]) == (30, True)
    assert TIMESTAMP.match(campaign["created"])


# --- the OpenAPI document -------------------------------------------------------------------


def test_the_endpoint_is_in_the_openapi_document(server) -> None:
    document = openapi_document(server)
    operation = document["paths"][LIST]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"status", "id"}
    assert {"200", "400", "401", "403", "409", "500"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert list(schemas["CampaignOut"]["properties"]) == [*KEYS[:-1], "stats", "error"]
    assert set(schemas["CampaignStatsOut"]["properties"]) == STATS_KEYS
    assert schemas["NoCampaigns"]["properties"]["message"]["const"] == NO_CAMPAIGNS["message"]
