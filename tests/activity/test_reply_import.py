"""``leadpecker activity import`` loads what a reply holds — subject, message, step,
campaign_email_sent, secondary_prospect_email, the fields of developers.woodpecker.co "Get
prospect responses" — and keeps to the import rules of docs/imports.md: every row counted,
each rejected row named by line and field, the file in one transaction. Both databases."""

from __future__ import annotations

import uuid

from tests.harness.database import fetch
from tests.harness.imports import EXIT_REJECTED, counts, run


def test_reply_fields_load_and_bad_ones_are_rejected_by_line_and_field(
    server, cli, account, api, database_url, tmp_path
) -> None:
    email = f"replier-{uuid.uuid4().hex[:8]}@example.com"
    added = api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": email}]})
    prospect_id = added.json()["prospects"][0]["id"]
    (tmp_path / "c.csv").write_text("name,status\nLaunch,RUNNING\n")
    cli("campaigns", "import", str(tmp_path / "c.csv"), "--account", account.name)
    path = tmp_path / "replies.csv"
    header = (
        "email,campaign,kind,occurred_at,subject,message,step,campaign_email_sent,secondary_prospect_email"
    )
    path.write_text(
        f"{header}\n"
        f"{email},Launch,SENT,2025-03-01T09:00:00Z,Our launch,,1,1,\n"  # 2: a SENT keeps none of it
        f'{email},Launch,REPLIED,2025-03-02T09:00:00Z,"Re: Our launch","<div>Yes,\nlet\'s talk</div>",1,1,'
        "Boss@Example.com\n"  # 3-4: a quoted message over two lines
        f"{email},Launch,REPLIED,2025-03-03T09:00:00Z,Re,,0,1,\n"  # 5: no step 0
        f"{email},Launch,REPLIED,2025-03-04T09:00:00Z,Re,,two,1,\n"  # 6
        f"{email},Launch,REPLIED,2025-03-05T09:00:00Z,Re,,1,1,not-an-email\n"  # 7
        f"{email},Launch,replied,2025-03-06T09:00:00Z,Re: again,<p>Also</p>,,,\n"  # 8
    )
    stderr = run(cli, "activity", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 6, "inserted": 3, "updated": 0, "skipped": 0, "rejected": 3}
    rejected = [
        line.removeprefix("rejected ") for line in stderr.splitlines() if line.startswith("rejected ")
    ]
    assert [line.split(": ")[0:2] for line in rejected] == [
        [f"{path}:5", "step"],
        [f"{path}:6", "step"],
        [f"{path}:7", "secondary_prospect_email"],
    ]
    stored = fetch(
        database_url,
        "SELECT kind, subject, message, step, campaign_email_sent, secondary_prospect_email "
        "FROM email_activity WHERE prospect_id = :p ORDER BY occurred_at",
        p=prospect_id,
    )
    assert stored == [
        ("SENT", None, None, None, None, None),
        ("REPLIED", "Re: Our launch", "<div>Yes,\nlet's talk</div>", 1, 1, "boss@example.com"),
        ("REPLIED", "Re: again", "<p>Also</p>", None, None, None),
    ]
    replies = api.get(f"/rest/v2/prospects/{prospect_id}/responses").json()["responses"]
    assert [(reply["subject"], reply["step"], reply["campaign_email_sent"]) for reply in replies] == [
        ("Re: Our launch", 1, 1),
        ("Re: again", 1, 1),  # not given: the one campaign email sent before it
    ]


def test_the_header_still_refuses_a_column_it_does_not_know(cli, account, tmp_path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("email,kind,occurred_at,subjekt\nsomeone@example.com,REPLIED,2025-01-01,Hi\n")
    line = cli.fails("activity", "import", str(path), "-a", account.name, says="unknown column 'subjekt'")
    assert "subject" in line and "secondary_prospect_email" in line  # the known ones are listed


def test_strict_stops_at_a_bad_reply_and_imports_nothing(cli, account, api, database_url, tmp_path) -> None:
    email = f"strict-{uuid.uuid4().hex[:8]}@example.com"
    prospect_id = api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": email}]}).json()[
        "prospects"
    ][0]["id"]
    path = tmp_path / "strict.jsonl"
    path.write_text(
        f'{{"email": "{email}", "kind": "REPLIED", "occurred_at": "2025-01-01T00:00:00Z", "subject": "ok"}}\n'
        f'{{"email": "{email}", "kind": "REPLIED", "occurred_at": "2025-01-02T00:00:00Z", "step": -1}}\n'
    )
    cli.fails("activity", "import", str(path), "-a", account.name, "--strict", says=f"{path}:2: step: ")
    assert fetch(database_url, "SELECT id FROM email_activity WHERE prospect_id = :p", p=prospect_id) == []
