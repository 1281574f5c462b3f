"""The webhook subscription endpoints as developers.woodpecker.co documents them ("Subscribe to a
webhook", "Unsubscribe from a webhook", "Get webhook subscriptions", and the "Webhooks" overview),
on both databases: the documented answers, the limit of three URLs per event, 409 on a repeat,
what leadpecker answers where the docs say nothing (docs/compatibility.md, "Webhooks"), tenancy,
and the setting that refuses private targets."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import pytest
from tests.harness.database import DirectDatabase, db_rows
from tests.harness.http import assert_v1_error, assert_v2_error, raw_request
from tests.harness.webhooks import LIST, SUBSCRIBE, UNSUBSCRIBE, nowhere

from leadpecker.vocabulary.enums import WebhookEvent

OVER_LIMIT = "You can only subscribe to the same webhook 3 times per one account."


def subscribe(api: httpx.Client, event: str, url: str) -> httpx.Response:
    return api.post(SUBSCRIBE, json={"target_url": url, "event": event})


def unsubscribe(api: httpx.Client, event: str, url: str) -> httpx.Response:
    return api.post(UNSUBSCRIBE, json={"target_url": url, "event": event})


def listed(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get(LIST)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["webhooks"], body
    return body["webhooks"]


# --- the documented answers --------------------------------------------------------------------


def test_subscribe_answers_201_subscribed(api) -> None:
    """ "Subscribe to a webhook": 201 Created and {"target_url", "event", "message": "Subscribed."}."""
    url = nowhere()
    response = subscribe(api, "prospect_replied", url)
    assert response.status_code == 201, response.text
    assert response.json() == {"target_url": url, "event": "prospect_replied", "message": "Subscribed."}
    assert list(response.json()) == ["target_url", "event", "message"]


def test_the_documented_request_sample(api) -> None:
    """The page's own sample URL is taken as written (no trailing slash)."""
    url = "https://receiving-url.com/unique_target_url"
    assert subscribe(api, "prospect_saved", url).status_code == 201
    assert listed(api) == [{"target_url": url, "event": "PROSPECT_SAVED"}]
    assert unsubscribe(api, "prospect_saved", url).status_code == 200


def test_every_documented_event_and_the_extension_can_be_subscribed(api) -> None:
    url = nowhere()
    for event in WebhookEvent:
        response = subscribe(api, event.value, url)
        assert response.status_code == 201, (event, response.text)
    assert listed(api) == [{"target_url": url, "event": event.value.upper()} for event in WebhookEvent]


def test_the_same_pair_again_answers_409(api) -> None:
    """Legacy article: "If you have previously subscribed to the specific webhook with the same
    target URL, you'll get 409 Conflict" with the E_WRONG_PARAM envelope."""
    url = nowhere()
    assert subscribe(api, "email_opened", url).status_code == 201
    response = subscribe(api, "email_opened", url)
    assert response.json() == {
        "status": {"status": "ERROR", "code": "E_WRONG_PARAM", "msg": "Event defined for this url."}
    }
    assert response.status_code == 409
    # Also when the repeat spells the event in capitals, as the list answers it.
    assert_v1_error(subscribe(api, "EMAIL_OPENED", url), 409, "E_WRONG_PARAM", "Event defined for this url.")
    assert len(listed(api)) == 1


def test_at_most_three_urls_per_event(api) -> None:
    """ "You can subscribe to the same event up to three times per account, provided that each
    subscription uses a unique target_url. However, you can subscribe multiple different events
    to a single target_url." The fourth answers 409 with the API 2.0 help article's text."""
    urls = [nowhere() for _ in range(4)]
    for url in urls[:3]:
        assert subscribe(api, "link_clicked", url).status_code == 201
    assert_v1_error(subscribe(api, "link_clicked", urls[3]), 409, "E_WRONG_PARAM", OVER_LIMIT)
    # Another event still takes every one of these URLs.
    for url in urls:
        assert subscribe(api, "prospect_bounced", url).status_code == 201 or url == urls[3]
    # Unsubscribing one frees its place.
    assert unsubscribe(api, "link_clicked", urls[0]).status_code == 200
    assert subscribe(api, "link_clicked", urls[3]).status_code == 201
    clicked = [w["target_url"] for w in listed(api) if w["event"] == "LINK_CLICKED"]
    assert clicked == urls[1:]


def test_unsubscribe_answers_200_without_a_body(api) -> None:
    """ "Unsubscribe from a webhook": "Status: 200 Body: none"; the pair is gone from the list."""
    url = nowhere()
    subscribe(api, "prospect_interested", url)
    subscribe(api, "prospect_replied", url)
    response = unsubscribe(api, "prospect_interested", url)
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert listed(api) == [{"target_url": url, "event": "PROSPECT_REPLIED"}]


def test_resubscribe_after_unsubscribe(api, account, database_url) -> None:
    url = nowhere()
    assert subscribe(api, "task_done", url).status_code == 201
    assert unsubscribe(api, "task_done", url).status_code == 200
    assert subscribe(api, "task_done", url).status_code == 201
    assert listed(api) == [{"target_url": url, "event": "TASK_DONE"}]
    # The ended subscription is kept, with why, beside the active one.
    rows = db_rows(
        database_url,
        "SELECT ended_reason FROM webhook_subscriptions WHERE account_id = :a ORDER BY id",
        a=account.id,
    )
    assert [row["ended_reason"] for row in rows] == ["unsubscribed", None]


def test_unsubscribing_drops_the_events_waiting(api, account, database_url) -> None:
    """Events still waiting for a subscription when it ends are not sent (state DROPPED);
    another subscription's are untouched."""
    url, kept = nowhere(), nowhere()
    subscribe(api, "prospect_saved", url)
    subscribe(api, "prospect_saved", kept)
    direct = DirectDatabase(database_url)
    ids = direct.rows("SELECT id FROM webhook_subscriptions WHERE account_id = :a ORDER BY id", a=account.id)
    for row in ids:
        direct.execute(
            "INSERT INTO webhook_outbox (account_id, subscription_id, event_id, event, body, created_at)"
            " VALUES (:a, :s, :e, 'prospect_saved', '{}', CURRENT_TIMESTAMP)",
            a=account.id,
            s=row["id"],
            e=str(uuid.uuid4()),
        )
    assert unsubscribe(api, "prospect_saved", url).status_code == 200
    states = direct.rows(
        "SELECT subscription_id, state FROM webhook_outbox WHERE account_id = :a ORDER BY subscription_id",
        a=account.id,
    )
    assert [row["state"] for row in states] == ["DROPPED", "PENDING"]


def test_the_list_of_an_account_without_subscriptions(api) -> None:
    assert listed(api) == []


# --- what the docs do not say: leadpecker's answers --------------------------------------------


def test_unsubscribing_a_pair_not_subscribed_answers_404(api) -> None:
    url = nowhere()
    assert_v1_error(
        unsubscribe(api, "prospect_replied", url),
        404,
        "E_RECORD_NOT_FOUND",
        "Event not defined for this url.",
    )
    subscribe(api, "prospect_replied", url)
    assert unsubscribe(api, "prospect_replied", url).status_code == 200
    assert unsubscribe(api, "prospect_replied", url).status_code == 404


@pytest.mark.parametrize("path", [SUBSCRIBE, UNSUBSCRIBE])
def test_an_unknown_event_answers_400_naming_event(api, path) -> None:
    msg = assert_v1_error(
        api.post(path, json={"target_url": nowhere(), "event": "prospect_sneezed"}), 400, "E_WRONG_PARAM"
    )
    assert msg.startswith(
        'Wrong param [event]="prospect_sneezed" (unknown event; one of: campaign_completed,'
    )
    assert "leadpecker.enrichment_batch_finished" in msg


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "must be an absolute http:// or https:// URL"),
        ("receiving-url.com/hook", "must be an absolute http:// or https:// URL"),
        ("ftp://receiving-url.com/hook", "must be an absolute http:// or https:// URL"),
        ("http://receiving-url.com:port/hook", "is not a valid URL"),
        ("https://x.example/" + "a" * 2050, "is longer than 2048 characters"),
    ],
)
def test_a_bad_target_url_answers_400_naming_target_url(api, url, why) -> None:
    msg = assert_v1_error(subscribe(api, "prospect_saved", url), 400, "E_WRONG_PARAM")
    assert msg.startswith("Wrong param [target_url]="), msg
    assert msg.endswith(f"({why})"), msg
    assert listed(api) == []


@pytest.mark.parametrize("missing", ["target_url", "event"])
def test_a_missing_field_answers_400_naming_it(api, missing) -> None:
    body = {"target_url": nowhere(), "event": "prospect_saved"}
    del body[missing]
    assert_v1_error(
        api.post(SUBSCRIBE, json=body), 400, "E_REQUIRED_ELEMENT", f"Required element missing: {missing}"
    )


def test_a_field_of_the_wrong_type_answers_400_naming_it(api) -> None:
    msg = assert_v1_error(
        api.post(SUBSCRIBE, json={"target_url": 42, "event": "prospect_saved"}), 400, "E_WRONG_PARAM"
    )
    assert msg.startswith("Wrong param [target_url]=42"), msg


def test_a_body_that_is_not_a_json_object_answers_400(api) -> None:
    assert_v1_error(api.post(SUBSCRIBE, content=b"target_url=x&event=y"), 400, "E_WRONG_PARAM")
    assert_v1_error(
        api.post(SUBSCRIBE, json=["prospect_saved"]), 400, "E_WRONG_PARAM", "body: must be a JSON object"
    )


def test_a_body_without_content_type_and_with_basic_auth(server, account) -> None:
    """npm woodpecker-api posts ``JSON.stringify`` bodies with no Content-Type and the key as
    Basic ``base64(key):X``; dd-woodpecker posts with requests' ``json=`` and Basic
    ``base64(key)``. Both subscribe."""
    url = nowhere()
    body = f'{{"target_url":"{url}","event":"prospect_replied"}}'.encode()
    basic = base64.b64encode(account.api_key.encode()).decode()
    response = raw_request(server.url, "POST", SUBSCRIBE, [("Authorization", f"Basic {basic}:X")], body)
    assert response.status_code == 201, response.text
    unknown_fields = f'{{"target_url":"{url}","event":"link_clicked","secret":"ignored"}}'.encode()
    response = raw_request(
        server.url,
        "POST",
        SUBSCRIBE,
        [("Authorization", f"Basic {basic}"), ("Content-Type", "application/json")],
        unknown_fields,
    )
    assert response.status_code == 201, response.text


def test_the_endpoints_need_a_key(server) -> None:
    with server.client() as anonymous:
        assert_v1_error(subscribe(anonymous, "prospect_saved", nowhere()), 401, "E_SESSION")
        assert_v1_error(unsubscribe(anonymous, "prospect_saved", nowhere()), 401, "E_SESSION")
        assert_v2_error(anonymous.get(LIST), 401, "Unauthorized")


# --- tenancy -----------------------------------------------------------------------------------


def test_accounts_do_not_see_or_end_each_others_subscriptions(api, other_api) -> None:
    url = nowhere()
    assert subscribe(api, "prospect_replied", url).status_code == 201
    assert listed(other_api) == []
    assert unsubscribe(other_api, "prospect_replied", url).status_code == 404
    assert listed(api) == [{"target_url": url, "event": "PROSPECT_REPLIED"}]
    # The same pair, and three more URLs, are the other account's to take: limits are per account.
    assert subscribe(other_api, "prospect_replied", url).status_code == 201
    for _ in range(2):
        assert subscribe(other_api, "prospect_replied", nowhere()).status_code == 201
    assert subscribe(api, "prospect_replied", nowhere()).status_code == 201


# --- private targets ---------------------------------------------------------------------------


def test_private_targets_are_accepted_by_default(api) -> None:
    assert subscribe(api, "prospect_saved", "http://localhost:9/hook").status_code == 201


@pytest.fixture(scope="module")
def guarded(launch):
    return launch(webhook_refuse_private_targets="true")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:9/hook", "host 127.0.0.1 is a private or local address (127.0.0.1)"),
        ("http://localhost:9/hook", "host localhost is a private or local address"),
        ("http://10.1.2.3/hook", "host 10.1.2.3 is a private or local address (10.1.2.3)"),
        ("http://169.254.169.254/latest", "host 169.254.169.254 is a private or local address"),
    ],
)
def test_private_targets_are_refused_with_the_setting(guarded, account, url, shown) -> None:
    with guarded.client(account.api_key) as api:
        msg = assert_v1_error(subscribe(api, "prospect_saved", url), 400, "E_WRONG_PARAM")
        assert msg.startswith("Wrong param [target_url]="), msg
        assert shown in msg, msg
        assert listed(api) == []


def test_a_global_address_is_taken_with_the_setting(guarded, account) -> None:
    with guarded.client(account.api_key) as api:
        url = "http://93.184.215.14/hook"  # a literal: no name to resolve
        assert subscribe(api, "prospect_saved", url).status_code == 201
        assert unsubscribe(api, "prospect_saved", url).status_code == 200


# --- the OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_has_the_three_operations(spec) -> None:
    subscribe_op = spec["paths"][SUBSCRIBE]["post"]
    assert subscribe_op["summary"] == "Subscribe to a webhook"
    assert "201" in subscribe_op["responses"] and "409" in subscribe_op["responses"]
    assert spec["paths"][UNSUBSCRIBE]["post"]["summary"] == "Unsubscribe from a webhook"
    assert spec["paths"][LIST]["get"]["summary"] == "Get webhook subscriptions"
    assert spec["paths"][LIST]["get"]["tags"] == ["v2 webhooks"]
