"""Replays of what the public Woodpecker clients send, against a real server on both databases.

One class per client. Each test sends, through that client's :class:`ClientWire`, exactly the
requests one of its flows sends — the key as it presents it, a Content-Type or none, flags and
field names spelled as it spells them, the query string as it writes it — and asserts what the
client reads back: the status codes it checks and the fields it parses. Each test's docstring
names the client file the request comes from.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from tests.harness.clientwire import (
    ACTIVEPIECES,
    BIT_INTEGRATIONS,
    DD_WOODPECKER,
    PIPEDREAM,
    POWER_AUTOMATE,
    W6W,
    WOODPECKER_API,
    WOODPECKER_SKILL,
    ClientWire,
)
from tests.harness.http import RawResponse
from tests.harness.workspace import Workspace

NO_MATCH = {"message": "There are no prospects matching the given criteria."}


def listed(response: RawResponse) -> list[dict[str, Any]]:
    """A 200 whose body is a JSON array (what every client that reads a v1 list indexes)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, list), body
    return body


def outcomes(response: RawResponse) -> list[dict[str, Any]]:
    """The per-prospect answer of a loading endpoint: a 200, no top-level ``status`` block (w6w and
    Bit Integrations take ``status.status == "ERROR"`` as a failed request), one row each."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "status" not in body, body
    return body["prospects"]


def succeeded(response: RawResponse) -> Any:
    """A 2xx (``request-promise``, axios and ``fetch``-based clients reject anything else); its
    JSON body, or None when there is none."""
    assert 200 <= response.status_code < 300, (response.status_code, response.text)
    return response.json() if response.content.strip() else None


def v1_error(response: RawResponse, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["status"]["code"] == code, response.text


def v2_error(response: RawResponse, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.json()["status"] == status, response.text


class Replays:
    """A client's replays: ``self.send`` puts a request on the wire as ``wire`` does."""

    wire: ClientWire

    def send(self, ws: Workspace, method: str, path: str, **kwargs: Any) -> RawResponse:
        return self.wire.send(ws.url, ws.key, method, path, **kwargs)


# --- dd-woodpecker -------------------------------------------------------------------------


class TestDdWoodpecker(Replays):
    """PyPI dd-woodpecker 0.6 (``dd_woodpecker/woodpecker.py``): ``Authorization: Basic
    base64(key)``, ``requests`` with ``json=`` (so a JSON Content-Type), flags as the strings
    ``"true"``/``"false"`` in bodies and ``True`` in query strings, query strings not escaped."""

    wire: ClientWire = DD_WOODPECKER

    def test_add_prospects_list_with_tags_in_snippets(self, workspace: Workspace) -> None:
        """``Woodpecker.add_prospects_list(prospects, update)``: ``{"update": str(update).lower(),
        "prospects": …}``, snippets filled by ``utils.insert_tags_into_snippets``."""
        prospect = {"email": "erlich@bachmanity.com", "first_name": "Erlich"}
        for number, tag in enumerate(["python", "django"], start=1):  # insert_tags_into_snippets
            prospect[f"snippet{number}"] = tag
        add = "/rest/v1/add_prospects_list"
        first = outcomes(self.send(workspace, "POST", add, body={"update": "true", "prospects": [prospect]}))
        assert [(o["email"], o["status"]) for o in first] == [("erlich@bachmanity.com", "OK")]
        assert isinstance(first[0]["id"], int)

        changed = {**prospect, "first_name": "Erlich B."}
        kept = outcomes(self.send(workspace, "POST", add, body={"update": "false", "prospects": [changed]}))
        assert kept[0]["status"] == "DUPLICATE"
        assert workspace.prospect("erlich@bachmanity.com")["first_name"] == "Erlich"
        updated = outcomes(self.send(workspace, "POST", add, body={"update": "true", "prospects": [changed]}))
        assert updated[0]["status"] == "UPDATED"
        stored = workspace.prospect("erlich@bachmanity.com")
        assert (stored["first_name"], stored["snippet1"], stored["snippet2"]) == (
            "Erlich B.",
            "python",
            "django",
        )

    def test_add_prospects_campaign(self, workspace: Workspace) -> None:
        """``Woodpecker.add_prospects_campaign(campaign_id, prospects)``: ``{"campaign":
        {"campaign_id": …}, "update": "true", "prospects": …}``."""
        body = {
            "campaign": {"campaign_id": workspace.running},
            "update": "true",
            "prospects": [{"email": "jared@piedpiper.com", "first_name": "Jared"}],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert answer["id"] in workspace.in_campaign(workspace.running)

    def test_get_prospects_pages_and_sorts(self, workspace: Workspace) -> None:
        """``Woodpecker.get_prospects(per_page, page, sort)``: ``?per_page=2&page=1&sort=+first_name``
        written unescaped, so the ``+`` arrives as a space; no parameter at all writes no ``?``."""
        workspace.add(
            *(
                {"email": f"{name.lower()}@hooli.com", "first_name": name}
                for name in ("Gavin", "Big", "Dinesh")
            )
        )
        query = [("per_page", "2"), ("page", "1"), ("sort", "+first_name")]
        first = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert [p["first_name"] for p in first] == ["Big", "Dinesh"]
        query[1] = ("page", "2")
        assert [
            p["first_name"] for p in listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        ] == ["Gavin"]
        assert len(listed(self.send(workspace, "GET", "/rest/v1/prospects"))) == 3

    def test_get_single_prospect_with_campaign_details(self, workspace: Workspace) -> None:
        """``Woodpecker.get_single_prospect(id, campaigns_details=True)``: ``?id=…&campaigns_details=True``
        (Python's spelling of the flag)."""
        [prospect_id] = workspace.add({"email": "richard@piedpiper.com"})
        workspace.enrol(workspace.running, prospect_id)
        query = [("id", str(prospect_id)), ("campaigns_details", "True")]
        [prospect] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert prospect["id"] == prospect_id
        [details] = prospect["campaigns_details"]
        assert (details["campaign_id"], details["campaign_name"]) == (workspace.running, "SaaS in America")

    def test_delete_prospect_from_a_campaign_then_everywhere(self, workspace: Workspace) -> None:
        """``Woodpecker.delete_prospect(id, campaign_id)``: ``DELETE ?id=…&campaigns_id=…``, then
        without ``campaigns_id``; only ``response.status_code`` is read."""
        [prospect_id] = workspace.add({"email": "monica@raviga.com"})
        workspace.enrol(workspace.running, prospect_id)
        query = [("id", str(prospect_id)), ("campaigns_id", str(workspace.running))]
        assert self.send(workspace, "DELETE", "/rest/v1/prospects", query=query).status_code == 200
        assert prospect_id not in workspace.in_campaign(workspace.running)
        assert workspace.prospect("monica@raviga.com") is not None
        deleted = self.send(workspace, "DELETE", "/rest/v1/prospects", query=[("id", str(prospect_id))])
        assert deleted.status_code == 200
        assert workspace.prospect("monica@raviga.com") is None

    def test_get_campaigns(self, workspace: Workspace) -> None:
        """``Woodpecker.get_campaigns()``: ``GET campaign_list``, the JSON list as it is."""
        campaigns = listed(self.send(workspace, "GET", "/rest/v1/campaign_list"))
        assert {(c["id"], c["name"], c["status"]) for c in campaigns} == {
            (workspace.running, "SaaS in America", "RUNNING"),
            (workspace.draft, "SaaS in Europe", "DRAFT"),
        }

    def test_get_single_campaign_by_id_or_status(self, workspace: Workspace) -> None:
        """``Woodpecker.get_single_campaign(campaign_id, status)``: ``?id=…`` (one id: with its
        ``stats``) or ``?status=…``."""
        [prospect_id] = workspace.add({"email": "jian@bachmanity.com"})
        workspace.enrol(workspace.running, prospect_id)
        [single] = listed(
            self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("id", str(workspace.running))])
        )
        assert single["id"] == workspace.running
        assert single["stats"]["prospects"] == 1
        drafts = listed(self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("status", "DRAFT")]))
        assert [c["id"] for c in drafts] == [workspace.draft]


# --- woodpecker-api (npm) ------------------------------------------------------------------


class TestWoodpeckerApi(Replays):
    """npm woodpecker-api 1.1.0 (``woodpecker.js``): ``Authorization: Basic base64(key):X``, POST
    bodies from ``JSON.stringify`` with no Content-Type, GET and DELETE parameters through
    ``request``'s ``qs``; ``request-promise`` rejects any non-2xx answer. Camel-case fields are
    renamed by ``fieldMap`` before they are sent (``firstName`` → ``first_name``)."""

    wire: ClientWire = WOODPECKER_API

    def test_add_to_the_prospect_list(self, workspace: Workspace) -> None:
        """``prospects().add([…])`` → ``edit(prospects, undefined, true)``: ``{"prospects": […],
        "update": false}`` to add_prospects_list (the README's "add prospects to the list")."""
        body = {
            "prospects": [
                {"email": "mrtest@somedomain.com", "last_name": "mr test", "first_name": "mr"},
                {"email": "mrstest@somedomain.com", "last_name": "mrs test", "first_name": "mrs"},
            ],
            "update": False,
        }
        answers = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert [a["status"] for a in answers] == ["OK", "OK"]
        assert workspace.prospect("mrstest@somedomain.com")["last_name"] == "mrs test"

    def test_add_to_a_campaign(self, workspace: Workspace) -> None:
        """``prospects().add(prospect, campaignId)``: ``{"prospects": […], "update": false,
        "campaign": {"campaign_id": …}}`` to add_prospects_campaign."""
        body = {
            "prospects": [{"email": "mrtest@somedomain.com", "last_name": "mr test", "first_name": "mr"}],
            "update": False,
            "campaign": {"campaign_id": workspace.running},
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert answer["id"] in workspace.in_campaign(workspace.running)

    def test_edit_updates_by_email(self, workspace: Workspace) -> None:
        """``prospects().edit(prospect)``: the same body with ``"update": true``."""
        workspace.add({"email": "mrtest@somedomain.com", "first_name": "mr"})
        body = {"prospects": [{"email": "mrtest@somedomain.com", "first_name": "Mister"}], "update": True}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert answer["status"] == "UPDATED"
        assert workspace.prospect("mrtest@somedomain.com")["first_name"] == "Mister"

    def test_find_as_the_readme_shows(self, workspace: Workspace) -> None:
        """``prospects().find({…})`` for the README's examples; each query string below is what
        ``find`` builds (key order included: ``find`` adds keys as it rewrites them)."""
        devin, dinesh, erlich = workspace.add(
            {"email": "devin@smith.io", "first_name": "Devin", "last_name": "Smith"},
            {"email": "dinesh@piedpiper.com", "first_name": "Dinesh", "last_name": "Chugtai"},
            {"email": "erlich@bachmanity.com", "first_name": "Erlich", "last_name": "Bachman"},
        )
        workspace.enrol(workspace.running, devin, dinesh)
        workspace.enrol(workspace.draft, erlich)
        workspace.import_activity(
            {
                "email": "devin@smith.io",
                "campaign": "SaaS in America",
                "kind": "SENT",
                "occurred_at": "2025-03-20T10:00:00Z",
            },
            {"email": "devin@smith.io", "kind": "OPENED", "occurred_at": "2025-03-21T08:00:00Z"},
        )

        def find(*query: tuple[str, str]) -> list[int]:
            response = self.send(workspace, "GET", "/rest/v1/prospects", query=query)
            body = succeeded(response)
            return [] if body == NO_MATCH else [p["id"] for p in listed(response)]

        assert find(("search", "first_name=d"), ("per_page", "1")) == [devin]  # {firstName: 'd', $limit: 1}
        assert find(("status", "ACTIVE"), ("campaigns_id", str(workspace.running))) == [devin, dinesh]
        assert sorted(find(("campaigns_id", f"{workspace.running},{workspace.draft}"))) == [
            devin,
            dinesh,
            erlich,
        ]
        assert find(("id", f"{dinesh},{erlich}")) == [dinesh, erlich]  # {ids: [..]}
        # {activity: OPENED, opened: '>2017-01-01'}: moment(...).format('YYYY-MM-DDTHH:mm:ssZZ')
        assert find(("activity", "OPENED"), ("diff", "last_opened>2017-01-01T00:00:00+0000")) == [devin]
        assert len(find(("diff", "updated>2017-01-01T00:00:00+0000"))) == 3  # {updated: '>2017-01-01'}
        # {firstName: 'devin', $sort: {id: 1, firstName: -1, lastName: -1}}: sortMap's order
        assert find(("search", "first_name=devin"), ("sort", "id,-last_name,-first_name")) == [devin]
        assert find(("sort", "+first_name,+id,+country"), ("search", "first_name=devin")) == [devin]
        # {$page: 2, $limit: 20, status: REPLIED}: nothing matches, the no-match message is JSON too
        assert find(("status", "REPLIED"), ("per_page", "20"), ("page", "2")) == []

    def test_delete_by_email_looks_the_prospect_up_first(self, workspace: Workspace) -> None:
        """``prospects().delete(email, campaign)``: ``find({email, $limit: 1})`` then ``DELETE
        ?id=…&campaigns_id=…`` with ``d[0].id``; ``delete(email)`` deletes everywhere."""
        [prospect_id] = workspace.add({"email": "mrtest@somedomain.com"})
        workspace.enrol(workspace.running, prospect_id)
        lookup = [("search", "email=mrtest@somedomain.com"), ("per_page", "1")]
        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=lookup))
        query = [("id", str(found["id"])), ("campaigns_id", str(workspace.running))]
        succeeded(self.send(workspace, "DELETE", "/rest/v1/prospects", query=query))
        assert prospect_id not in workspace.in_campaign(workspace.running)

        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=lookup))
        succeeded(self.send(workspace, "DELETE", "/rest/v1/prospects", query=[("id", str(found["id"]))]))
        assert workspace.prospect("mrtest@somedomain.com") is None

    @pytest.mark.parametrize("shortcut", ["newest", "replied", "opened", "clicked", "not_contacted"])
    def test_legacy_shortcuts_get_the_v1_not_found(self, workspace: Workspace, shortcut: str) -> None:
        """``prospects().newest()`` etc. call ``GET prospects/<shortcut>``, which no current docs
        page has: the v1 404 (docs/compatibility.md, decisions), which the library rejects."""
        v1_error(self.send(workspace, "GET", f"/rest/v1/prospects/{shortcut}"), 404, "E_URL_NOT_FOUND")

    def test_find_campaigns(self, workspace: Workspace) -> None:
        """``campaigns().find(…)``: ``GET campaign_list`` with ``qs`` ``{}``, ``{status}`` or
        ``{id: ids.join(',')}`` (the README's "get campaign list" examples)."""
        campaigns = listed(self.send(workspace, "GET", "/rest/v1/campaign_list"))
        assert {c["id"] for c in campaigns} == {workspace.running, workspace.draft}
        running = listed(self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("status", "RUNNING")]))
        assert [c["id"] for c in running] == [workspace.running]
        both = listed(
            self.send(
                workspace,
                "GET",
                "/rest/v1/campaign_list",
                query=[("id", f"{workspace.running},{workspace.draft}")],
            )
        )
        assert {c["id"] for c in both} == {workspace.running, workspace.draft}

    def test_blacklist_by_email_and_by_id(self, workspace: Workspace) -> None:
        """``prospects().blacklist(email)``: ``POST stop_followups {"prospect": {"email": …}}``;
        ``blacklist(id)`` first reads the email with ``find({id})``. The README: "To change prospect
        status to BLACKLIST"."""
        first, second = workspace.add({"email": "gavin@hooli.com"}, {"email": "jack@hooli.com"})
        workspace.enrol(workspace.running, first, second)
        body = {"prospect": {"email": "gavin@hooli.com"}}
        succeeded(self.send(workspace, "POST", "/rest/v1/stop_followups", body=body))
        assert workspace.prospect("gavin@hooli.com")["status"] == "BLACKLIST"

        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=[("id", str(second))]))
        succeeded(
            self.send(
                workspace, "POST", "/rest/v1/stop_followups", body={"prospect": {"email": found["email"]}}
            )
        )
        assert workspace.prospect("jack@hooli.com")["status"] == "BLACKLIST"


# --- Pipedream ------------------------------------------------------------------------------


class TestPipedream(Replays):
    """GitHub PipedreamHQ/pipedream, ``components/woodpecker_co``: every request goes through the
    npm woodpecker-api library (``woodpecker_co.app.mjs``), after ``removeEmpty`` dropped empty
    props (``common/utils.mjs``)."""

    wire: ClientWire = PIPEDREAM

    def test_create_or_update_prospect(self, workspace: Workspace) -> None:
        """``actions/create-update-prospect``: no id picked → ``prospects().add(params)``: the
        renamed props (camel-case ones last) and ``"update": false``."""
        prospect = {
            "email": "laurie@raviga.com",
            "company": "Raviga",
            "industry": "VC",
            "website": "https://raviga.com",
            "tags": "#VC",
            "title": "Managing Partner",
            "country": "USA",
            "snippet1": "Raviga",
            "last_name": "Bream",
            "first_name": "Laurie",
        }
        body = {"prospects": [prospect], "update": False}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert answer["status"] == "OK"
        stored = workspace.prospect("laurie@raviga.com")
        assert (stored["first_name"], stored["tags"], stored["snippet1"]) == ("Laurie", "#VC", "Raviga")

    def test_create_or_update_prospect_in_campaign(self, workspace: Workspace) -> None:
        """``actions/create-update-prospect-in-campaign`` without an id: ``add(params, campaignId)``."""
        body = {
            "prospects": [{"email": "laurie@raviga.com", "company": "Raviga", "first_name": "Laurie"}],
            "update": False,
            "campaign": {"campaign_id": workspace.running},
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert answer["id"] in workspace.in_campaign(workspace.running)

    def test_find_prospects_email(self, workspace: Workspace) -> None:
        """``actions/find-prospect-email``: ``listProspects({firstName, company, sort})`` with the
        ``sort`` options joined by ``toString()``; the action reads ``response.length``."""
        richard, _ = workspace.add(
            {"email": "richard@piedpiper.com", "first_name": "Richard", "company": "Pied Piper"},
            {"email": "richard@hooli.com", "first_name": "Richard", "company": "Hooli"},
        )
        query = [("sort", "+first_name,-company"), ("search", "first_name=Richard,company=Pied Piper")]
        found = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert [p["id"] for p in found] == [richard]

    def test_prospect_picker_of_a_campaign(self, workspace: Workspace) -> None:
        """``propDefinitions.campaignProspectId``: ``listProspects({campaign, $page: page + 1, sort:
        "id"})``; options from ``id``, ``first_name``, ``last_name``, ``email``; a page past the end
        (no array: ``prospects.length`` is undefined) ends the list."""
        ids = workspace.add(
            {"email": "richard@piedpiper.com", "first_name": "Richard", "last_name": "Hendricks"},
            {"email": "jared@piedpiper.com", "first_name": "Jared", "last_name": "Dunn"},
        )
        workspace.enrol(workspace.running, *ids)
        query = [("sort", "id"), ("campaigns_id", str(workspace.running)), ("page", "1")]
        options = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert [(p["id"], p["first_name"], p["last_name"], p["email"]) for p in options] == [
            (ids[0], "Richard", "Hendricks", "richard@piedpiper.com"),
            (ids[1], "Jared", "Dunn", "jared@piedpiper.com"),
        ]
        query[2] = ("page", "2")
        past_the_end = self.send(workspace, "GET", "/rest/v1/prospects", query=query)
        assert succeeded(past_the_end) == NO_MATCH

    def test_campaign_picker(self, workspace: Workspace) -> None:
        """``propDefinitions.campaignId``: ``campaigns().find()``, options from ``id`` and ``name``."""
        campaigns = listed(self.send(workspace, "GET", "/rest/v1/campaign_list"))
        assert {(c["id"], c["name"]) for c in campaigns} == {
            (workspace.running, "SaaS in America"),
            (workspace.draft, "SaaS in Europe"),
        }

    def test_create_or_update_prospect_with_an_id_picked(self, workspace: Workspace) -> None:
        """``actions/create-update-prospect`` with an id → ``prospects().edit(params)``: the prospect
        carries ``id``, a field the add/update prospects pages do not have (ignored: the update
        goes by email), and ``"update": true``."""
        [prospect_id] = workspace.add({"email": "laurie@raviga.com", "first_name": "Laurie"})
        body = {
            "prospects": [{"id": prospect_id, "email": "laurie@raviga.com", "first_name": "L."}],
            "update": True,
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert (answer["id"], answer["status"]) == (prospect_id, "UPDATED")
        assert workspace.prospect("laurie@raviga.com")["first_name"] == "L."

    def test_create_or_update_prospect_in_campaign_with_an_id_picked(self, workspace: Workspace) -> None:
        """``actions/create-update-prospect-in-campaign`` with an id (picked among the campaign's
        prospects) → ``edit(params, campaignId)``: ``id`` and ``email`` both sent, ``"update":
        true``; the docs page "Update prospects in a campaign" says the fields sent are updated."""
        [prospect_id] = workspace.add({"email": "laurie@raviga.com", "first_name": "Laurie"})
        workspace.enrol(workspace.running, prospect_id)
        body = {
            "prospects": [
                {"id": prospect_id, "email": "laurie@raviga.com", "company": "Raviga", "first_name": "L."}
            ],
            "update": True,
            "campaign": {"campaign_id": workspace.running},
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["id"] == prospect_id
        stored = workspace.prospect("laurie@raviga.com")
        assert (stored["first_name"], stored["company"]) == ("L.", "Raviga")

    def test_stop_follow_ups(self, workspace: Workspace) -> None:
        """``actions/stop-follow-ups``: ``listProspects({id})`` for the email, then ``edit({id, email,
        status: "PAUSED"}, campaignId)``: the prospect's status in that campaign becomes PAUSED."""
        [prospect_id] = workspace.add({"email": "jared@piedpiper.com"})
        workspace.enrol(workspace.running, prospect_id)
        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=[("id", str(prospect_id))]))
        email = found["email"]
        body = {
            "prospects": [{"id": prospect_id, "email": email, "status": "PAUSED"}],
            "update": True,
            "campaign": {"campaign_id": workspace.running},
        }
        outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert workspace.in_campaign(workspace.running)[prospect_id]["status"] == "PAUSED"


# --- woodpecker-skill ----------------------------------------------------------------------


class TestWoodpeckerSkill(Replays):
    """GitHub romeoman/woodpecker-skill: ``scripts/wp.py`` and ``scripts/lead_finder.py`` (``wp``:
    ``x-api-key``, ``Accept: application/json``, a JSON Content-Type only with a body) on the paths
    of ``references/api-reference.md`` and ``SKILL.md``."""

    wire: ClientWire = WOODPECKER_SKILL

    def test_email_lookup(self, workspace: Workspace) -> None:
        """SKILL.md: "Prospect email lookup is ``GET /v1/prospects?search=email%3D<addr>`` … and
        ``?search=<freetext>`` 400s"."""
        [prospect_id] = workspace.add({"email": "big.head@hooli.com"})
        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects?search=email%3Dbig.head@hooli.com"))
        assert found["id"] == prospect_id
        v1_error(self.send(workspace, "GET", "/rest/v1/prospects?search=big.head"), 400, "E_WRONG_PARAM")

    def test_upsert_touches_only_the_keys_sent(self, workspace: Workspace) -> None:
        """SKILL.md: populate the full record; "an upsert only touches the keys you SEND … an explicit
        "" CLEARS the slot"; "add_prospects_list returns the prospect ids"."""
        record = {
            "email": "monica@raviga.com",
            "first_name": "Monica",
            "last_name": "Hall",
            "company": "Raviga",
            "title": "Partner",
            "linkedin_url": "https://www.linkedin.com/in/monica-hall",
            "website": "https://raviga.com",
            "industry": "VC",
            "address": "2 Sand Hill Rd",
            "city": "Menlo Park",
            "state": "California",
            "country": "USA",
            "tags": "#VC",
            "phone": "+1 650 555 0100",
            **{f"snippet{n}": f"line {n}" for n in range(1, 16)},
        }
        [created] = outcomes(
            self.send(
                workspace, "POST", "/rest/v1/add_prospects_list", body={"update": True, "prospects": [record]}
            )
        )
        assert (created["email"], created["status"]) == ("monica@raviga.com", "OK")
        assert isinstance(created["id"], int)

        body = {"update": True, "prospects": [{"email": "monica@raviga.com", "snippet3": ""}]}
        outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        stored = workspace.prospect("monica@raviga.com")
        assert stored["snippet3"] == ""
        assert (stored["snippet4"], stored["company"], stored["phone"]) == (
            "line 4",
            "Raviga",
            "+1 650 555 0100",
        )

    def test_add_to_campaign_and_list_its_prospects(self, workspace: Workspace) -> None:
        """api-reference.md: "Add to campaign ``POST /v1/add_prospects_campaign``" with per-prospect
        snippets, then "Get in campaign ``GET /v1/prospects?campaigns_id=<id>``"."""
        body = {
            "campaign": {"campaign_id": workspace.running},
            "prospects": [{"email": "jian@bachmanity.com", "first_name": "Jian", "snippet3": "Hi Jian"}],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        [row] = listed(self.send(workspace, "GET", f"/rest/v1/prospects?campaigns_id={workspace.running}"))
        assert (row["id"], row["snippet3"], row["campaign_id"]) == (
            answer["id"],
            "Hi Jian",
            workspace.running,
        )

    def test_delete_prospect(self, workspace: Workspace) -> None:
        """api-reference.md: "Delete prospect ``DELETE /v1/prospects?id=<id>``"."""
        [prospect_id] = workspace.add({"email": "peter@gregory.com"})
        assert self.send(workspace, "DELETE", f"/rest/v1/prospects?id={prospect_id}").status_code == 200
        assert workspace.prospect("peter@gregory.com") is None

    def test_enrich_existing_prospects_by_email(self, workspace: Workspace) -> None:
        """``lead_finder.py --enrich-emails``: ``queue_prospect_enrichment([{"email": e}])``, read
        ``q["uuid"]``, then ``poll`` ``GET …/enrichments/{uuid}`` until ``_batch_done``: every record
        of ``prospect_enrichments`` has a status starting with PROCESSED."""
        workspace.cli("credits", "add", workspace.account.name, "3")
        workspace.add({"email": "jared@piedpiper.com"})
        queued = succeeded(
            self.send(
                workspace,
                "POST",
                "/rest/v2/lead_finder/prospects/enrichments",
                body={"prospects": [{"email": "jared@piedpiper.com"}]},
            )
        )
        deadline = time.monotonic() + 30
        while True:
            batch = succeeded(
                self.send(workspace, "GET", f"/rest/v2/lead_finder/prospects/enrichments/{queued['uuid']}")
            )
            records = batch["prospect_enrichments"]
            if records and all(record["status"].startswith("PROCESSED") for record in records):
                break
            assert time.monotonic() < deadline, batch
            time.sleep(0.2)
        assert [record["prospect_email"] for record in records] == ["jared@piedpiper.com"]

    def test_campaign_list_and_stats(self, workspace: Workspace) -> None:
        """api-reference.md: ``GET /v1/campaign_list`` ✓ "array w/ status, from_*, per_day, folder";
        "**single** ``id`` → adds a ``stats`` object; multiple ids → list without stats"."""
        campaigns = listed(self.send(workspace, "GET", "/rest/v1/campaign_list"))
        assert all(
            {"status", "from_name", "from_email", "per_day", "folder_name"} <= set(c) for c in campaigns
        )
        [single] = listed(self.send(workspace, "GET", f"/rest/v1/campaign_list?id={workspace.running}"))
        assert isinstance(single["stats"], dict)
        several = listed(
            self.send(workspace, "GET", f"/rest/v1/campaign_list?id={workspace.running},{workspace.draft}")
        )
        assert len(several) == 2 and not any("stats" in c for c in several)

    def test_blacklist_emails_and_domains(self, workspace: Workspace) -> None:
        """``wp.py``'s docstring: ``wp("POST", "/v2/blacklist/emails", {"emails": ["x@y.com"]})`` —
        "FLAT strings (wet-verified)"; api-reference.md: the same for domains, DELETE with the same
        body, GET "paginated … read ``total``"."""
        for kind, value in (("emails", "x@y.com"), ("domains", "hooli.com")):
            path = f"/rest/v2/blacklist/{kind}"
            succeeded(self.send(workspace, "POST", path, body={kind: [value]}))
            listing = succeeded(self.send(workspace, "GET", path))
            assert (listing[kind], listing["total"]) == ([value], 1)
            succeeded(self.send(workspace, "DELETE", path, body={kind: [value]}))
            assert succeeded(self.send(workspace, "GET", path))[kind] == []

    def test_prospect_responses(self, workspace: Workspace) -> None:
        """api-reference.md: "Get responses ``GET /v2/prospects/{id}/responses``"."""
        prospect_id = replied_prospect(workspace)
        body = succeeded(self.send(workspace, "GET", f"/rest/v2/prospects/{prospect_id}/responses"))
        assert (body["prospect_id"], len(body["responses"])) == (prospect_id, 1)

    def test_time_zone_is_dropped_silently(self, workspace: Workspace) -> None:
        """SKILL.md: "``time_zone`` is NOT storable — the v1 API silently drops it"."""
        body = {"update": True, "prospects": [{"email": "jian@bachmanity.com", "time_zone": "Europe/Warsaw"}]}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert answer["status"] == "OK"
        assert "time_zone" not in workspace.prospect("jian@bachmanity.com")

    def test_add_to_campaign_with_send_after(self, workspace: Workspace) -> None:
        """api-reference.md: "``prospects add-to-campaign <id> --body-file … [--send-after <ISO>]``":
        ``campaign.send_after``, documented on "Add prospects to a campaign"."""
        body = {
            "campaign": {"campaign_id": workspace.running, "send_after": "2025-04-01T00:01:01-0000"},
            "prospects": [{"email": "jian@bachmanity.com", "snippet3": "Hi Jian"}],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"


def replied_prospect(workspace: Workspace) -> int:
    """A prospect of the RUNNING campaign who was mailed and replied (from imported activity)."""
    [prospect_id] = workspace.add({"email": "jared@piedpiper.com"})
    workspace.enrol(workspace.running, prospect_id)
    workspace.import_activity(
        {
            "email": "jared@piedpiper.com",
            "campaign": "SaaS in America",
            "kind": "SENT",
            "occurred_at": "2025-03-20T10:00:00Z",
        },
        {
            "email": "jared@piedpiper.com",
            "campaign": "SaaS in America",
            "kind": "REPLIED",
            "occurred_at": "2025-03-21T09:00:00Z",
        },
    )
    return prospect_id


# --- Activepieces --------------------------------------------------------------------------


class TestActivepieces(Replays):
    """GitHub activepieces/activepieces, ``packages/pieces/community/woodpecker``: ``x-api-key``,
    ``Accept: application/json``, a JSON Content-Type with a body (the common axios client), query
    parameters through ``URLSearchParams``; any non-2xx throws."""

    wire: ClientWire = ACTIVEPIECES

    def test_create_update_prospect(self, workspace: Workspace) -> None:
        """``actions/add-prospect-to-list.ts``: ``{prospects: [{email, …optional fields, status,
        snippetN}], update: true, file_name}``."""
        prospect = {
            "email": "gilfoyle@piedpiper.com",
            "first_name": "Bertram",
            "last_name": "Gilfoyle",
            "company": "Pied Piper",
            "linkedin_url": "https://www.linkedin.com/in/gilfoyle",
            "tags": "#SYSADMIN",
            "status": "ACTIVE",
            "snippet1": "Satan",
        }
        body = {"prospects": [prospect], "update": True, "file_name": "activepieces"}
        [created] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert created["status"] == "OK"
        body["prospects"] = [{**prospect, "first_name": "Gilfoyle"}]
        [updated] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert (updated["id"], updated["status"]) == (created["id"], "UPDATED")

    def test_create_update_prospect_in_campaign_forced(self, workspace: Workspace) -> None:
        """``actions/add-prospect-to-campaign.ts`` with "Force Add": ``{campaign: {campaign_id},
        prospects: [...], force: true}`` enrols a prospect whose global status is not ACTIVE."""
        workspace.add({"email": "gavin@hooli.com", "status": "BLACKLIST"})
        body = {
            "campaign": {"campaign_id": workspace.running},
            "prospects": [{"email": "gavin@hooli.com", "first_name": "Gavin", "snippet1": "Hooli"}],
            "force": True,
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert answer["id"] in workspace.in_campaign(workspace.running)

    def test_find_prospect_by_email(self, workspace: Workspace) -> None:
        """``actions/find-prospect-by-email.ts``: ``search=email=…`` and ``campaigns_details=true``
        (the checkbox's default); the body is returned as it is."""
        [prospect_id] = workspace.add({"email": "gilfoyle@piedpiper.com"})
        workspace.enrol(workspace.running, prospect_id)
        query = [("search", "email=gilfoyle@piedpiper.com"), ("campaigns_details", "true")]
        [found] = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert found["id"] == prospect_id
        assert [d["campaign_id"] for d in found["campaigns_details"]] == [workspace.running]

    def test_api_key_validation(self, workspace: Workspace, new_account: Any) -> None:
        """``src/index.ts`` ``woodpeckerAuth.validate``: ``GET /rest/v2/users``; any 2xx saves the
        connection, anything else is "Invalid API Key"."""
        succeeded(self.send(workspace, "GET", "/rest/v2/users"))
        v2_error(self.wire.send(workspace.url, "wrong-key", "GET", "/rest/v2/users"), 401)
        api_less = new_account("--no-api-access")
        v2_error(self.wire.send(workspace.url, api_less.api_key, "GET", "/rest/v2/users"), 403)

    def test_campaign_dropdown(self, workspace: Workspace) -> None:
        """``lib/common/index.ts`` ``campaignsDropdown``: ``GET /rest/v1/campaign_list``, label
        ``${name} (${status})``, value ``id``."""
        campaigns = listed(self.send(workspace, "GET", "/rest/v1/campaign_list"))
        assert {(c["id"], f"{c['name']} ({c['status']})") for c in campaigns} == {
            (workspace.running, "SaaS in America (RUNNING)"),
            (workspace.draft, "SaaS in Europe (DRAFT)"),
        }

    def test_blacklist_domain(self, workspace: Workspace) -> None:
        """``actions/blacklist-domain.ts``: ``POST /v2/blacklist/domains {"domains": [domain]}``."""
        succeeded(self.send(workspace, "POST", "/rest/v2/blacklist/domains", body={"domains": ["hooli.com"]}))
        assert "hooli.com" in succeeded(self.send(workspace, "GET", "/rest/v2/blacklist/domains"))["domains"]

    def test_get_prospect_responses(self, workspace: Workspace) -> None:
        """``actions/get-prospect-responses.ts``: ``GET /v2/prospects/{id}/responses`` with
        ``campaign_id`` when a campaign is picked; the body is returned as it is."""
        prospect_id = replied_prospect(workspace)
        path = f"/rest/v2/prospects/{prospect_id}/responses"
        body = succeeded(self.send(workspace, "GET", path, query=[("campaign_id", str(workspace.running))]))
        assert [r["campaign_id"] for r in body["responses"]] == [workspace.running]
        assert (
            succeeded(self.send(workspace, "GET", path, query=[("campaign_id", str(workspace.draft))]))[
                "responses"
            ]
            == []
        )

    def test_create_update_prospect_in_campaign_with_every_field(self, workspace: Workspace) -> None:
        """``actions/add-prospect-to-campaign.ts`` with every prop: ``campaign.send_after``,
        ``file_name`` and a campaign status (ACTIVE, PAUSED, TO-REVIEW, TO-CHECK), all documented on
        "Add prospects to a campaign"."""
        body = {
            "campaign": {"campaign_id": workspace.running, "send_after": "2026-01-05T09:00:00.000Z"},
            "prospects": [
                {"email": "gilfoyle@piedpiper.com", "first_name": "Bertram", "status": "TO-REVIEW"}
            ],
            "file_name": "activepieces",
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert workspace.in_campaign(workspace.running)[answer["id"]]["status"] == "TO-REVIEW"

    def test_create_update_prospect_with_replace_tags(self, workspace: Workspace) -> None:
        """``actions/add-prospect-to-list.ts`` with "Replace Tags": ``set_tags`` in the prospect, a
        field no docs page has (ignored, like every unknown field)."""
        workspace.add({"email": "gilfoyle@piedpiper.com", "tags": "#SYSADMIN"})
        body = {"prospects": [{"email": "gilfoyle@piedpiper.com", "set_tags": "#CTO"}], "update": True}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert answer["status"] == "UPDATED"


# --- Power Automate -------------------------------------------------------------------------


class TestPowerAutomate(Replays):
    """GitHub microsoft/PowerPlatformConnectors, ``independent-publisher-connectors/Woodpecker/
    apiDefinition.swagger.json``: HTTP Basic with the key as user name and a space as password,
    flags in bodies as the strings ``"true"``/``"false"`` (the swagger's string enums), ids given
    in a prospect as strings."""

    wire: ClientWire = POWER_AUTOMATE

    def test_get_prospects(self, workspace: Workspace) -> None:
        """Operation ``ProspectsGet``: ``search``, ``status``, ``sort`` (one of the swagger's
        enum), ``per_page``, ``page``; the output schema's fields."""
        workspace.add(
            {"email": "gavin@hooli.com", "company": "Hooli", "last_name": "Belson"},
            {"email": "jack@hooli.com", "company": "Hooli", "last_name": "Barker"},
        )
        query = [
            ("search", "company=Hooli"),
            ("status", "ACTIVE"),
            ("sort", "+last_name"),
            ("per_page", "100"),
            ("page", "1"),
        ]
        found = listed(self.send(workspace, "GET", "/rest/v1/prospects", query=query))
        assert [p["last_name"] for p in found] == ["Barker", "Belson"]
        schema_fields = {
            "id",
            "email",
            "first_name",
            "last_name",
            "company",
            "organization_id",
            "industry",
            "website",
        }
        schema_fields |= {"linkedin_url", "tags", "title", "phone", "address", "city", "state", "country"}
        schema_fields |= {"last_contacted", "updated", "encrypted", "status", "snipet1", "snippet15"}
        assert schema_fields <= set(found[0])

    def test_delete_prospects(self, workspace: Workspace) -> None:
        """Operation ``ProspectsDelete``: ``id`` and ``campaigns_id`` (integers)."""
        [prospect_id] = workspace.add({"email": "gavin@hooli.com"})
        workspace.enrol(workspace.running, prospect_id)
        query = [("id", str(prospect_id)), ("campaigns_id", str(workspace.running))]
        succeeded(self.send(workspace, "DELETE", "/rest/v1/prospects", query=query))
        assert prospect_id not in workspace.in_campaign(workspace.running)

    def test_add_prospects_to_list(self, workspace: Workspace) -> None:
        """Operation ``ProspectsPost``: ``{"update": "true", "prospects": [{…, "organization_id":
        <int>}]}``; reads ``prospects[].email``."""
        body = {
            "update": "true",
            "prospects": [
                {"email": "gavin@hooli.com", "first_name": "Gavin", "organization_id": 4242, "snippet9": "x"}
            ],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert (answer["email"], answer["status"]) == ("gavin@hooli.com", "OK")

    def test_add_prospects_to_campaign_by_id_and_by_email(self, workspace: Workspace) -> None:
        """Operation ``ProspectsCampaignPost``: ``{"campaign": {"campaign_id": <int>}, "update":
        "false", "force": "true", "prospects": [{"id": "<string>"}, {"email": …}]}``; reads
        ``prospects[].email`` and ``prospects[].id``."""
        [prospect_id] = workspace.add({"email": "gavin@hooli.com"})
        body = {
            "campaign": {"campaign_id": workspace.running},
            "update": "false",
            "force": "true",
            "prospects": [{"id": str(prospect_id)}, {"email": "jack@hooli.com", "first_name": "Jack"}],
        }
        by_id, by_email = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert (by_id["email"], by_id["id"], by_id["status"]) == ("gavin@hooli.com", prospect_id, "OK")
        assert (by_email["email"], by_email["status"]) == ("jack@hooli.com", "OK")

    @pytest.mark.parametrize(("name", "value"), [("campaign_id", "1"), ("campaigns_detail", "true")])
    def test_misspelled_search_parameters_get_the_documented_refusal(
        self, workspace: Workspace, name: str, value: str
    ) -> None:
        """``ProspectsGet`` also offers ``campaign_id`` and ``campaigns_detail``, which the "Search
        for prospects" page does not have: its documented 400 "Unknown param:NAME" (decisions)."""
        response = self.send(workspace, "GET", "/rest/v1/prospects", query=[(name, value)])
        v1_error(response, 400, "E_WRONG_PARAM")
        assert response.json()["status"]["msg"] == f"Unknown param:{name}"

    def test_get_campaigns(self, workspace: Workspace) -> None:
        """Operation ``CampaignsGet``: ``status`` or ``id``; the output schema's fields, ``stats``
        for a single id."""
        running = listed(self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("status", "RUNNING")]))
        assert [c["id"] for c in running] == [workspace.running]
        schema_fields = {"id", "name", "status", "created", "from_name", "gdpr_unsubscribe", "folder_name"}
        schema_fields |= {"folder_id", "from_email", "per_day", "bcc", "cc"}
        assert schema_fields <= set(running[0])
        [single] = listed(
            self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("id", str(workspace.draft))])
        )
        assert {"prospects", "sent", "opened", "replied", "bounced"} <= set(single["stats"])

    def test_add_prospects_to_list_with_the_campaign_only_fields(self, workspace: Workspace) -> None:
        """``ProspectsPost``'s body schema also has ``force`` and a prospect ``id`` (a string), which
        "Add prospects to database" does not document: ignored."""
        body = {"update": "true", "force": "false", "prospects": [{"id": "77", "email": "gavin@hooli.com"}]}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert (answer["email"], answer["status"]) == ("gavin@hooli.com", "OK")

    def test_add_prospects_to_campaign_with_the_snipper9_typo(self, workspace: Workspace) -> None:
        """``ProspectsCampaignPost``'s body schema spells snippet 9 ``snipper9``: an unknown field,
        ignored."""
        body = {
            "campaign": {"campaign_id": workspace.running},
            "update": "false",
            "force": "false",
            "prospects": [{"email": "gavin@hooli.com", "snipper9": "nine"}],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert workspace.prospect("gavin@hooli.com")["snippet9"] == ""


# --- w6w ------------------------------------------------------------------------------------


class TestW6w(Replays):
    """GitHub segevsh/w6w-apps, ``apps/woodpecker``: ``lib/client.ts`` (``x-api-key``, ``accept``,
    a JSON ``content-type`` with a body, ``URL.searchParams``); a non-2xx answer, or a top-level
    ``status.status == "ERROR"``, fails the action; ``listOf`` reads a v1 list or ``{message}``."""

    wire: ClientWire = W6W

    def test_list_prospects(self, workspace: Workspace) -> None:
        """``actions/prospect-list.ts``: ``campaigns_id``, ``status``, ``contacted`` (a boolean
        written ``false``), ``page``, ``per_page``, ``sort``; reads the list and ``X-Total-Count``."""
        ids = workspace.add(
            {"email": "a@hooli.com", "company": "B"}, {"email": "b@hooli.com", "company": "A"}
        )
        workspace.enrol(workspace.running, *ids)
        query = [
            ("campaigns_id", str(workspace.running)),
            ("status", "ACTIVE"),
            ("contacted", "false"),
            ("page", "1"),
            ("per_page", "50"),
            ("sort", "+company,-last_contacted"),
        ]
        response = self.send(workspace, "GET", "/rest/v1/prospects", query=query)
        assert [p["id"] for p in listed(response)] == [ids[1], ids[0]]
        assert response.headers["x-total-count"] == "2"

    def test_search_prospects(self, workspace: Workspace) -> None:
        """``actions/prospect-search.ts``: ``search`` and ``campaigns_details`` (default ``true``);
        nothing found is the vendor's ``{message}``."""
        [prospect_id] = workspace.add({"email": "erlich@bachmanity.com", "company": "Bachmanity"})
        query = [("search", "email=erlich@bachmanity.com,company=Bachmanity"), ("campaigns_details", "true")]
        response = self.send(workspace, "GET", "/rest/v1/prospects", query=query)
        [found] = listed(response)
        assert (found["id"], found["campaigns_details"]) == (prospect_id, [])
        assert response.headers["x-total-count"] == "1"
        nothing = self.send(
            workspace,
            "GET",
            "/rest/v1/prospects",
            query=[("search", "company=Aviato"), ("campaigns_details", "true")],
        )
        assert succeeded(nothing) == NO_MATCH

    def test_add_and_update_prospects(self, workspace: Workspace) -> None:
        """``actions/prospect-add.ts`` (``{file_name, prospects}``) then ``actions/prospect-update.ts``
        (``{update: true, file_name, prospects}``)."""
        prospect = {
            "email": "erlich@bachmanity.com",
            "status": "ACTIVE",
            "first_name": "Erlich",
            "snippet15": "x",
        }
        added = outcomes(
            self.send(
                workspace,
                "POST",
                "/rest/v1/add_prospects_list",
                body={"file_name": "w6w", "prospects": [prospect]},
            )
        )
        assert added[0]["status"] == "OK"
        body = {"update": True, "file_name": "w6w", "prospects": [{**prospect, "first_name": "Erl"}]}
        assert (
            outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))[0]["status"]
            == "UPDATED"
        )

    def test_add_and_update_prospects_in_campaign(self, workspace: Workspace) -> None:
        """``actions/prospect-add-to-campaign.ts`` (``{campaign: {campaign_id: Number(…)}, force,
        prospects}``) then ``actions/prospect-update-in-campaign.ts`` (with ``update: true``)."""
        body = {
            "campaign": {"campaign_id": workspace.running},
            "force": False,
            "prospects": [{"email": "erlich@bachmanity.com", "first_name": "Erlich"}],
        }
        [added] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert added["status"] == "OK"
        body = {
            "campaign": {"campaign_id": workspace.running},
            "update": True,
            "prospects": [{"email": "erlich@bachmanity.com", "first_name": "Erl"}],
        }
        outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert workspace.prospect("erlich@bachmanity.com")["first_name"] == "Erl"

    def test_delete_prospects(self, workspace: Workspace) -> None:
        """``actions/prospect-delete.ts``: ``id`` and ``campaigns_id`` comma-separated (``csv``)."""
        ids = workspace.add({"email": "a@hooli.com"}, {"email": "b@hooli.com"})
        query = [("id", ",".join(map(str, ids)))]
        assert "status" not in succeeded(self.send(workspace, "DELETE", "/rest/v1/prospects", query=query))
        assert workspace.prospect("a@hooli.com") is None and workspace.prospect("b@hooli.com") is None

    def test_connection_test_and_list_users(self, workspace: Workspace, new_account: Any) -> None:
        """``auth/api-key.ts`` ``test``: ``GET /rest/v2/users``, ok on any 2xx; ``actions/user-list.ts``
        with ``page=0&sort=-id`` reads ``content`` and ``pagination_data``."""
        users = succeeded(
            self.send(workspace, "GET", "/rest/v2/users", query=[("page", "0"), ("sort", "-id")])
        )
        assert users["content"] and {"id", "name", "email", "role"} <= set(users["content"][0])
        assert {"total_elements", "total_pages", "current_page_number", "page_size"} <= set(
            users["pagination_data"]
        )
        v2_error(self.wire.send(workspace.url, "garbage", "GET", "/rest/v2/users"), 401)
        api_less = new_account("--no-api-access")
        v2_error(self.wire.send(workspace.url, api_less.api_key, "GET", "/rest/v2/users"), 403)

    def test_list_campaigns_and_get_statistics(self, workspace: Workspace) -> None:
        """``actions/campaign-list.ts`` (``status`` and ``id`` through ``csv``) and
        ``actions/campaign-stats-get.ts`` (``?id=…``, ``items[0]`` with ``stats``)."""
        query = [("status", "RUNNING,PAUSED")]
        assert [
            c["id"] for c in listed(self.send(workspace, "GET", "/rest/v1/campaign_list", query=query))
        ] == [workspace.running]
        [campaign] = listed(
            self.send(workspace, "GET", "/rest/v1/campaign_list", query=[("id", str(workspace.running))])
        )
        assert (campaign["id"], campaign["name"], campaign["status"]) == (
            workspace.running,
            "SaaS in America",
            "RUNNING",
        )
        assert isinstance(campaign["stats"]["prospects"], int) and isinstance(
            campaign["stats"]["replied"], int
        )

    def test_blacklists(self, workspace: Workspace) -> None:
        """``actions/blacklist-{email,domain}-{add,list,remove}.ts``: POST and DELETE ``{emails}`` /
        ``{domains}`` (DELETE with a JSON body); list with ``page``, ``per_page`` and the filter,
        reading ``emails``/``domains`` and ``total``."""
        for kind, filter_name, values in (
            ("emails", "email_filter", ["jared@piedpiper.com", "erlich@bachmanity.com"]),
            ("domains", "domain_filter", ["hooli.com", "aviato.com"]),
        ):
            path = f"/rest/v2/blacklist/{kind}"
            succeeded(self.send(workspace, "POST", path, body={kind: values}))
            page = succeeded(self.send(workspace, "GET", path, query=[("page", "0"), ("per_page", "50")]))
            assert (sorted(page[kind]), page["total"]) == (sorted(values), 2)
            checked = succeeded(self.send(workspace, "GET", path, query=[(filter_name, values[0])]))
            assert (checked[kind], checked["total"]) == ([values[0]], 1)
            succeeded(self.send(workspace, "DELETE", path, body={kind: values[:1]}))
            assert succeeded(self.send(workspace, "GET", path))[kind] == values[1:]

    def test_list_prospect_responses(self, workspace: Workspace) -> None:
        """``actions/prospect-response-list.ts``: ``campaign_id`` through ``csv``; reads
        ``prospect_id``, ``email`` and ``responses``."""
        prospect_id = replied_prospect(workspace)
        query = [("campaign_id", f"{workspace.running},{workspace.draft}")]
        body = succeeded(
            self.send(workspace, "GET", f"/rest/v2/prospects/{prospect_id}/responses", query=query)
        )
        assert (body["prospect_id"], body["email"]) == (prospect_id, "jared@piedpiper.com")
        [response] = body["responses"]
        fields = {"response_id", "campaign_id", "step", "subject", "message", "delivered"}
        assert fields <= set(response) and response["campaign_id"] == workspace.running

    def test_add_prospects_to_campaign_with_send_after_and_file_name(self, workspace: Workspace) -> None:
        """``actions/prospect-add-to-campaign.ts`` with ``send_after`` (in ``campaign``) and
        ``file_name``, both documented on "Add prospects to a campaign"."""
        body = {
            "campaign": {"campaign_id": workspace.running, "send_after": "2025-04-01T00:01:01+0000"},
            "file_name": "w6w",
            "prospects": [{"email": "erlich@bachmanity.com"}],
        }
        assert (
            outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))[0]["status"]
            == "OK"
        )


# --- Bit Integrations -----------------------------------------------------------------------


class TestBitIntegrations(Replays):
    """GitHub bit-apps-pro/bit-integrations, ``backend/Actions/Woodpecker``: ``Authorization: Basic
    base64(key)`` and ``Content-type: application/json`` on every request, bodies from
    ``wp_json_encode`` (``/`` escaped), the campaign id as the string a form select holds; a
    top-level ``status.status == "ERROR"`` is logged as a failure."""

    wire: ClientWire = BIT_INTEGRATIONS

    def test_add_prospects_to_the_prospects_list(self, workspace: Workspace) -> None:
        """``RecordApiHelper::addProspects`` for ``adding_prospects_to_the_prospects_list``:
        ``{"update": false, "prospects": [{mapped fields, legacy snipet1..4 included}]}``."""
        prospect = {
            "email": "jian@bachmanity.com",
            "website": "https://bachmanity.com/jian",
            "snipet1": "Jian",
        }
        body = {"update": False, "prospects": [prospect]}
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_list", body=body))
        assert answer["status"] == "OK"
        stored = workspace.prospect("jian@bachmanity.com")
        assert (stored["website"], stored["snippet1"]) == ("https://bachmanity.com/jian", "Jian")

    def test_add_prospects_to_the_campaign(self, workspace: Workspace) -> None:
        """``RecordApiHelper::addProspects`` for ``adding_prospects_to_the_campaign``: ``{"campaign":
        {"campaign_id": "<selectedCampaign>"}, "update": true, "prospects": [...]}``."""
        body = {
            "campaign": {"campaign_id": str(workspace.running)},
            "update": True,
            "prospects": [{"email": "jian@bachmanity.com", "first_name": "Jian"}],
        }
        [answer] = outcomes(self.send(workspace, "POST", "/rest/v1/add_prospects_campaign", body=body))
        assert answer["status"] == "OK"
        assert answer["id"] in workspace.in_campaign(workspace.running)

    def test_connection_test_and_campaign_list(self, workspace: Workspace) -> None:
        """``WoodpeckerAuthorization.jsx`` tests the key with ``GET /rest/v1/campaign_list``
        (a 2xx without a top-level ``error``); ``WoodpeckerController::getAllCampagns`` reads
        ``id`` and ``name`` of each campaign."""
        response = self.send(workspace, "GET", "/rest/v1/campaign_list")
        campaigns = listed(response)
        assert {(c["id"], c["name"]) for c in campaigns} == {
            (workspace.running, "SaaS in America"),
            (workspace.draft, "SaaS in Europe"),
        }
        v1_error(self.wire.send(workspace.url, "wrong", "GET", "/rest/v1/campaign_list"), 401, "E_SESSION")


# --- the docs' first request ----------------------------------------------------------------


class TestAuthenticationGuide:
    """developers.woodpecker.co "Authentication": the request every new user is told to try first,
    ``GET /rest/v1/me`` with ``x-api-key`` (w6w's ``auth/api-key.ts`` notes it as "the reference's
    example"); sent here the way the skill's ``wp.py`` sends any GET."""

    def test_me(self, workspace: Workspace, new_account: Any) -> None:
        wire = WOODPECKER_SKILL
        me = wire.send(workspace.url, workspace.key, "GET", "/rest/v1/me")
        assert me.status_code == 200 and isinstance(me.json(), dict), me.text
        v1_error(wire.send(workspace.url, "wrong", "GET", "/rest/v1/me"), 401, "E_SESSION")
        api_less = new_account("--no-api-access")
        v1_error(wire.send(workspace.url, api_less.api_key, "GET", "/rest/v1/me"), 403, "E_NO_PERMISSION")
