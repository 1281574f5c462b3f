"""The README's examples are tests.

The quick start is run as the README runs it — ``leadpecker serve --demo`` in an empty
directory with no ``LEADPECKER_*`` setting, so the default ``sqlite:///leadpecker.db`` lands in
that directory — only on a free port (``--port``) instead of 8000. What the README says the demo
holds is counted. Then every command of "Trying it" runs in one bash, in the README's order,
with the port substituted, and each command's answer is checked against the ``# {…}`` lines
under it:

* keys in the order shown; where the example elides keys (a bare ``…``), those shown must be
  there, in that order;
* ``…`` inside a string stands for any text; a timestamp stands for any timestamp of its form;
* everything else exactly as written.

The README's curl commands need curl and python3 on the PATH, as on the machines it is for.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadpecker.demo.service import DEMO_API_KEY
from leadpecker.settings import Settings
from tests.harness.server import free_port

README = Path(__file__).resolve().parents[1] / "README.md"
ELIDED = "…"
README_URL = "http://127.0.0.1:8000"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}.*")
MARK = "@@readme-step@@"
# What the README says the demo holds (Quick start; Enrichment, end to end).
DEMO_PROSPECTS, REFERENCE_PROSPECTS, DEMO_CAMPAIGNS, BARE = 3_000, 3, 5, 1_000
PERSON_FIELDS = ("linkedin_url", "title", "phone", "address", "city", "state", "country")


def section(title: str) -> str:
    """The README's ``## title`` section, its subsections included."""
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)


@dataclass
class Step:
    command: str
    expected: str | None = None  # the answer shown under it, as written


def _complete(command: str) -> bool:
    """Whether a command read so far ends here (no open quote, no trailing backslash)."""
    if command.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(command, comments=False)
    except ValueError:
        return False
    return True


def expected_value(written: str) -> Any:
    """The shown answer as JSON: a bare ``…`` (outside strings) becomes an ELIDED key."""
    out, in_string, escaped = [], False, False
    for char in written:
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char == ELIDED:
            out.append(f'"{ELIDED}":null')
            continue
        out.append(char)
    return json.loads("".join(out))


def _parses(written: str) -> bool:
    try:
        expected_value(written)
    except json.JSONDecodeError:
        return False
    return True


def steps(block: str) -> list[Step]:
    """The commands of a shell block, each with the answer shown under it (if any)."""
    lines = block.splitlines()
    found: list[Step] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        i += 1
        if not stripped:
            continue
        if stripped.startswith("#"):
            written = stripped[1:].strip()
            if written.startswith(("{", "[")) and found and found[-1].expected is None:
                while not _parses(written):
                    assert lines[i].lstrip().startswith("#"), f"unfinished answer: {written}"
                    written += lines[i].strip()[1:].strip()
                    i += 1
                found[-1].expected = written
            continue
        command = lines[i - 1]
        while not _complete(command):
            command += "\n" + lines[i]
            i += 1
        found.append(Step(command))
    return found


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        shown = [key for key in expected if key != ELIDED]
        if ELIDED in expected:
            if [key for key in actual if key in shown] != shown:
                return False
        elif list(actual) != shown:
            return False
        return all(matches(expected[key], actual[key]) for key in shown)
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and isinstance(actual, str):
        if ELIDED in expected:
            pattern = ".*".join(re.escape(part) for part in expected.split(ELIDED))
            return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None
        if TIMESTAMP.fullmatch(expected):
            return re.fullmatch(re.sub(r"\\d|\d", r"\\d", re.escape(expected)), actual) is not None
        return expected == actual
    return type(expected) is type(actual) and expected == actual


@dataclass
class Demo:
    url: str
    directory: Path
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def bash(self, script: str, timeout: float = 120) -> str:
        done = subprocess.run(
            ["bash", "-c", script], cwd=self.directory, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def quick_start_command() -> list[str]:
    """The quick start's ``leadpecker serve --demo``, run with this checkout's leadpecker."""
    [block, *_] = shell_blocks(section("Quick start"))
    found = re.search(r"(\S*)leadpecker (serve --demo)\s*$", block.strip())
    assert found, block
    executable = Path(sys.executable).with_name("leadpecker")
    start = [str(executable)] if executable.exists() else [sys.executable, "-m", "leadpecker"]
    return [*start, *found.group(2).split()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    directory = tmp_path_factory.mktemp("quick-start")
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("LEADPECKER_")}
    log = directory.parent / f"quick-start-{port}.log"
    with log.open("wb") as output:  # the child keeps its own descriptor of it
        process = subprocess.Popen(
            [*quick_start_command(), "--port", str(port)],
            cwd=directory,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Demo(f"http://127.0.0.1:{port}", directory, process, log)
    try:
        deadline = time.monotonic() + 300  # the demo data is loaded first
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve --demo exited:\n{running.output()}")
            try:
                if httpx.get(f"{running.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"serve --demo did not come up:\n{running.output()}")
            time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_quick_start_serves_the_demo_as_described(demo: Demo) -> None:
    defaults = Settings.model_fields
    assert f"http://{defaults['host'].default}:{defaults['port'].default}" == README_URL
    assert defaults["database_url"].default == "sqlite:///leadpecker.db"
    assert (demo.directory / "leadpecker.db").is_file()  # in the current directory
    assert f"serves on `{README_URL}` (interactive docs at `/docs`, OpenAPI at `/openapi.json`)" in " ".join(
        section("Quick start").split()
    )
    with httpx.Client(base_url=demo.url) as client:
        assert "text/html" in client.get("/docs").headers["content-type"]
        assert client.get("/openapi.json").json()["openapi"].startswith("3.")

    # It prints the demo key and a curl command, which works as printed.
    printed = demo.output()
    assert DEMO_API_KEY in printed
    [curl] = [line.strip() for line in printed.splitlines() if line.strip().startswith("curl ")]
    assert f"{demo.url}/rest/v1/prospects" in curl
    [erlich] = json.loads(demo.bash(curl))
    assert erlich["email"] == "erlich@bachmanity.com"
    assert [entry["campaign_name"] for entry in erlich["campaigns_details"]] == [
        "SaaS in America",
        "SaaS in Europe",
    ]


def test_the_demo_holds_what_the_readme_says(demo: Demo) -> None:
    said = " ".join((section("Quick start") + section("Trying it")).split())
    assert (
        "3,000 prospects — the reference's three sample prospects and 2,997 synthetic ones — in 5 campaigns, "
        "with their mail activity" in said
    )
    assert "knows about 60 % of the demo prospects (the reference's Erlich and Jared among them)" in said
    assert "a third of the demo prospects (1,000) are bare (an email, a name and a company)" in said

    prospects: list[dict[str, Any]] = []
    with httpx.Client(base_url=demo.url, headers={"x-api-key": DEMO_API_KEY}) as client:
        for page in (1, 2, 3, 4):
            response = client.get("/rest/v1/prospects", params={"per_page": 1000, "page": page})
            assert response.headers["x-total-count"] == str(DEMO_PROSPECTS)
            body = response.json()
            if isinstance(body, list):
                prospects.extend(body)
    assert len(prospects) == DEMO_PROSPECTS
    reference = ["erlich@bachmanity.com", "jared@piedpiper.com", "recipientname@mail.com"]
    assert [p["email"] for p in prospects[:REFERENCE_PROSPECTS]] == reference
    bare = [p for p in prospects if not any(p[field] for field in PERSON_FIELDS)]
    assert len(bare) == BARE
    assert all(p["first_name"] and p["last_name"] for p in bare)
    assert all(p["company"] for p in bare if p["email"] not in reference)

    # What the API does not show: campaigns, activity, the lead database (read from the file).
    with sqlite3.connect(demo.directory / "leadpecker.db") as db:
        [(campaigns,)] = db.execute("SELECT count(*) FROM campaigns")
        [(enrolled, events)] = db.execute(
            "SELECT (SELECT count(*) FROM campaign_prospects), (SELECT count(*) FROM email_activity)"
        )
        known = {
            email
            for (email,) in db.execute("SELECT p.email FROM prospects p JOIN leads l ON l.email = p.email")
        }
    assert campaigns == DEMO_CAMPAIGNS and enrolled > 0 and events > 0
    assert 0.57 <= len(known) / DEMO_PROSPECTS <= 0.63, len(known)  # "about 60 %"
    assert {"erlich@bachmanity.com", "jared@piedpiper.com"} <= known


def test_every_command_of_trying_it_answers_as_shown(demo: Demo) -> None:
    found = [step for block in shell_blocks(section("Trying it")) for step in steps(block)]
    assert all(step.expected is not None for step in found if step.command.lstrip().startswith("curl")), [
        step.command for step in found if step.expected is None
    ]
    assert sum(step.expected is not None for step in found) >= 10
    script = ""
    for number, step in enumerate(found):
        assert README_URL in step.command or "curl" not in step.command, step.command
        script += step.command.replace(README_URL, demo.url) + f"\nprintf '\\n{MARK}{number}\\n'\n"
    output = demo.bash(script)
    answers = re.split(rf"\n{MARK}\d+\n", "\n" + output)[:-1]
    assert len(answers) == len(found), output
    for step, answer in zip(found, answers, strict=True):
        if step.expected is None:
            assert answer.strip() == "", (step.command, answer)
            continue
        actual = json.loads(answer)
        assert matches(expected_value(step.expected), actual), (
            f"\n{step.command}\nREADME shows: {step.expected}\nanswered:     {answer.strip()}"
        )


def test_the_answer_conventions_accept_only_what_they_elide() -> None:
    shown = expected_value('{"id":2,"email":"a@b.co",…,"status":"…E","created":"2026-11-23T13:05:14+00:00"}')
    assert matches(
        shown,
        {"id": 2, "email": "a@b.co", "x": 1, "status": "ACTIVE", "created": "2025-01-02T03:04:05+00:00"},
    )
    assert not matches(
        shown, {"email": "a@b.co", "id": 2, "status": "ACTIVE", "created": "2025-01-02T03:04:05+00:00"}
    )
    assert not matches(shown, {"id": 2, "email": "a@b.co", "status": "ACTIVE", "created": "yesterday"})
    assert not matches(
        shown, {"id": 2, "email": "a@b.co", "status": "REPLIED", "created": "2025-01-02T03:04:05+00:00"}
    )
    assert not matches(
        shown, {"id": "2", "email": "a@b.co", "status": "ACTIVE", "created": "2025-01-02T03:04:05+00:00"}
    )
    exact = expected_value('{"prospects":[{"id":3001,"status":"OK"}]}')
    assert matches(exact, {"prospects": [{"id": 3001, "status": "OK"}]})
    assert not matches(exact, {"prospects": [{"id": 3001, "status": "OK", "code": "E"}]})
    assert not matches(exact, {"prospects": [{"id": 3001, "status": "OK"}] * 2})
