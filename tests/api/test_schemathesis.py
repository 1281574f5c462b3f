"""Every operation of the served OpenAPI document, fuzzed by schemathesis against a real server
on both databases with a valid key: no server error, and every answer as the document says
(status code, body and header schemas, Allow of a 405), schema-invalid input refused and
schema-valid input accepted.

Run through schemathesis' own command line: its pytest plugin does not load fixtures under
pytest 9.2 (``request.node._nodeid``), and the command line runs its coverage phase too (the
boundary values — empty query values, NUL, 2**63 — that found this document's mismatches).
Deterministic (--generation-deterministic: no seed, no example database); every check runs
(schemathesis' default); ~1 minute per database.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.names import new_emails

CONFIG = """
# GET /rest/v1/prospects: its search, diff and sort parameters have grammars (field=value lists
# with continuations, timestamps, sort fields that need an activity) that JSON Schema cannot
# state exactly. The document states what it can (no empty values, id lists, flags, page
# sizes) and is checked for it; that every valid search is accepted is tests/search's work.
[[operations]]
include-path = "/rest/v1/prospects"
include-method = "GET"
checks.positive_data_acceptance.enabled = false
"""


@pytest.fixture(scope="module")
def fuzzed_account(server, cli, tmp_path_factory) -> Any:
    """An account with prospects in a campaign, so that searches answer arrays (and campaign
    views), not only the no-match message."""
    account = cli.create_account(f"fuzz-{new_emails(1)[0][:12]}")
    directory = tmp_path_factory.mktemp("fuzz")
    (directory / "c.csv").write_text("name,status\nFuzzed,RUNNING\n")
    cli("campaigns", "import", str(directory / "c.csv"), "--account", account.name)
    emails = new_emails(12, "fuzz")
    with server.client(account.api_key) as api:
        prospects = [
            {"email": email, "first_name": f"F{n}", "company": "Acme", "organization_id": n, "tags": "#x",
             "snippet_labels": {"label": "text"}}
            for n, email in enumerate(emails)
        ]  # fmt: skip
        assert api.post("/rest/v1/add_prospects_list", json={"prospects": prospects}).status_code == 200
    rows = "campaign,email,status,interested\n" + "".join(f"Fuzzed,{e},ACTIVE,INTERESTED\n" for e in emails)
    (directory / "e.csv").write_text(rows)
    cli("enrolments", "import", str(directory / "e.csv"), "--account", account.name)
    return account


def test_every_operation_answers_as_its_document_says(server, fuzzed_account, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(config), "--no-color",
        "run", f"{server.url}/openapi.json",
        "--header", f"x-api-key: {fuzzed_account.api_key}",
        # Stateful links are inferred from responses: one feeds the null id of an ERROR outcome
        # into DELETE's required id, a request the document never describes.
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "100",
        "--generation-deterministic",
        "--workers", "1",
        "--continue-on-failure",
    ]  # fmt: skip
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-30_000:] + run.stderr[-5_000:]
    document = httpx.get(f"{server.url}/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert f"{operations} selected / {operations} total" in run.stdout, run.stdout[-3_000:]
    assert f"Tested: {operations}" in run.stdout, run.stdout[-3_000:]  # every operation of it
