"""/docs and /redoc in a real browser, Debian's headless Chromium: both list every operation
from assets the server itself serves, neither requests anything outside the server, and Swagger
UI's "Authorize" then "Try it out" reaches the API with the key, in either scheme.

Chromium is driven through its DevTools protocol over a WebSocket (``websockets``, which
``uvicorn[standard]`` installs anyway): the tests need five protocol commands, which does not
justify Selenium or Playwright, each tens of MB and a driver binary or browser build of their own.
Without /usr/bin/chromium the tests skip, unless LEADPECKER_REQUIRE_BROWSER=1 (CI) makes that a
failure.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.http import openapi_document
from websockets.sync.client import ClientConnection, connect

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("LEADPECKER_REQUIRE_BROWSER") == "1"
# The browser reaches the server by a name, not as 127.0.0.1, as a deployment's users would
# (Swagger UI skips some things for local addresses); Chromium maps the name itself.
HOST = "leadpecker.test"
WAIT_SECONDS = 60  # generous: a shared 2-core machine parses Swagger UI's 1.5 MB bundle slowly
# Flags that keep Chromium from calling home; this machine refuses outside connections anyway.
QUIET = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class Page:
    """One Chromium tab over the DevTools protocol; records the URLs the page requests."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._requests: dict[str, str] = {}  # request id -> URL
        self._blocked: set[str] = set()  # request ids the browser itself refused (the page's CSP)
        self.send("Network.enable")
        self.send("Page.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        command_id = next(self._ids)
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=WAIT_SECONDS))
            event = message.get("method")
            if event == "Network.requestWillBeSent":
                self._requests[message["params"]["requestId"]] = message["params"]["request"]["url"]
            elif event == "Network.loadingFailed" and message["params"].get("blockedReason"):
                self._blocked.add(message["params"]["requestId"])
            if message.get("id") == command_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def open(self, url: str) -> None:
        self._requests.clear()
        self._blocked.clear()
        self.send("Page.navigate", url=url)

    def sent(self) -> list[str]:
        """The URLs requested since ``open`` that left the browser."""
        self.send("Runtime.evaluate", expression="0")  # takes in the events still on their way
        return [url for request, url in self._requests.items() if request not in self._blocked]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (JSON values only: no DOM nodes)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"{what}: not there after {WAIT_SECONDS} s; the page shows\n{self.text()}")

    def text(self, selector: str = "body") -> str:
        """What the first element matching ``selector`` shows ("" while there is none)."""
        return self.evaluate(self._text_of(selector))

    def wait_for_text(self, selector: str) -> str:
        return self.wait_for(self._text_of(selector), selector)

    @staticmethod
    def _text_of(selector: str) -> str:
        return f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText"

    def click(self, selector: str) -> None:
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})", selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector: str, text: str) -> None:
        """Replace the field's content as a user's typing would (Swagger UI's React inputs
        ignore a value set from script); again until it holds, since Swagger UI may fill in an
        example just after the field appears."""
        field = f"document.querySelector({json.dumps(selector)})"
        self.wait_for(f"!!{field}", selector)
        deadline = time.monotonic() + WAIT_SECONDS
        while self.evaluate(f"{field}.value") != text:
            assert time.monotonic() < deadline, f"{selector} will not take {text!r}"
            self.evaluate(f"{field}.focus(), {field}.select()")
            self.send("Input.insertText", text=text)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is absent (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    profile = tmp_path_factory.mktemp("chromium")
    process = subprocess.Popen(
        [
            str(CHROMIUM),
            *QUIET,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",  # a free port, written to DevToolsActivePort
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile / "DevToolsActivePort", process)
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=WAIT_SECONDS).json()
        tab = next(target for target in targets if target["type"] == "page")
        with connect(tab["webSocketDebuggerUrl"], max_size=None) as socket:
            yield Page(socket)
    finally:
        process.terminate()
        process.wait(30)


def _devtools_port(port_file: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"chromium exited with {process.returncode}"
        if port_file.exists() and port_file.read_text().strip():
            return port_file.read_text().split()[0]
        time.sleep(0.05)
    raise AssertionError("chromium did not open its DevTools port")


@pytest.fixture(scope="module")
def docs_server(standalone: Any) -> Any:
    """The docs do not depend on the database: one SQLite server, not one per backend."""
    return standalone.start()


@pytest.fixture(scope="module")
def origin(docs_server: Any) -> str:
    return docs_server.url.replace("127.0.0.1", HOST)


@pytest.fixture(scope="module")
def operations(docs_server: Any) -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path) of every operation in the OpenAPI document."""
    spec = openapi_document(docs_server)
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }


def assert_only_the_server_was_asked(page: Page, origin: str) -> None:
    sent = page.sent()
    assert f"{origin}/openapi.json" in sent, sent
    assert [url for url in sent if not url.startswith((f"{origin}/", "data:", f"blob:{origin}/"))] == []


def test_swagger_ui_lists_every_operation_from_the_server_alone(chromium, origin, operations) -> None:
    chromium.open(f"{origin}/docs")
    listed = chromium.wait_for(
        """(() => {
            const blocks = [...document.querySelectorAll('.opblock')].map(block =>
                block.querySelector('.opblock-summary-method').textContent + ' '
                + block.querySelector('.opblock-summary-path').textContent);
            return blocks.length ? blocks : null;
        })()""",
        "Swagger UI's operations",
    )
    assert sorted(listed) == sorted(f"{method} {path}" for method, path in operations.values())
    assert_only_the_server_was_asked(chromium, origin)


def test_redoc_lists_every_operation_from_the_server_alone(chromium, origin, operations) -> None:
    chromium.open(f"{origin}/redoc")
    listed = chromium.wait_for(
        """(() => {
            const sections = [...document.querySelectorAll('[data-section-id^="operation/"]')]
                .map(section => section.getAttribute('data-section-id'));
            return sections.length ? sections : null;
        })()""",
        "ReDoc's operations",
    )
    assert sorted(listed) == sorted(f"operation/{operation_id}" for operation_id in operations)
    assert_only_the_server_was_asked(chromium, origin)


def test_authorize_offers_the_key_header_and_http_basic(chromium, origin) -> None:
    chromium.open(f"{origin}/docs")
    chromium.click(".btn.authorize")
    schemes = chromium.wait_for(
        """(() => {
            const titles = [...document.querySelectorAll('.auth-container h4 code')].map(c => c.textContent);
            return titles.length ? titles : null;
        })()""",
        "the Authorize dialog",
    )
    assert schemes == ["ApiKeyAuth", "BasicAuth"]
    dialog = chromium.text()
    assert "Name: x-api-key" in dialog
    assert "In: header" in dialog


@pytest.mark.parametrize(
    ("scheme", "sent"), [("ApiKeyAuth", "-H 'x-api-key: "), ("BasicAuth", "-H 'Authorization: Basic ")]
)
def test_try_it_out_adds_a_prospect_with_the_authorized_key(
    chromium, origin, docs_server, standalone, operations, scheme, sent
) -> None:
    key = standalone.account().api_key
    email = f"swagger-{uuid.uuid4().hex[:10]}@example.com"
    chromium.open(f"{origin}/docs")

    chromium.click(".btn.authorize")
    credentials = "#api_key_value" if scheme == "ApiKeyAuth" else "#auth-basic-username"
    chromium.type(credentials, key)  # Basic: the key as the user name, the password empty
    dialog = (
        "[...document.querySelectorAll('.auth-container')]"
        f".find(scheme => scheme.querySelector('h4 code').textContent === '{scheme}')"
    )
    chromium.evaluate(f"{dialog}.querySelector('.btn.authorize').click()")
    chromium.wait_for(f"{dialog}.innerText.includes('Authorized')", f"{scheme} authorized")
    chromium.click(".btn-done")

    add = ("POST", "/rest/v1/add_prospects_list")
    operation_id = next(operation_id for operation_id, route in operations.items() if route == add)
    block = f".opblock[id$='-{operation_id}']"
    chromium.click(f"{block} .opblock-summary-control")
    chromium.click(f"{block} .try-out__btn")
    chromium.type(f"{block} textarea.body-param__text", json.dumps({"prospects": [{"email": email}]}))
    chromium.click(f"{block} .execute")
    status = chromium.wait_for_text(f"{block} .live-responses-table .response .response-col_status")
    answer = chromium.text(f"{block} .live-responses-table")
    assert status == "200", answer
    assert email in answer and '"OK"' in answer, answer
    assert sent in chromium.text(f"{block} .curl")

    with docs_server.client(key) as api:
        found = api.get("/rest/v1/prospects", params={"search": f"email={email}"})
    assert found.status_code == 200, found.text
    assert [prospect["email"] for prospect in found.json()] == [email]
