"""Every imported row accounted for (docs/imports.md): ``leadpecker … import`` ends with the
rows inserted, updated, skipped and rejected, names each rejected row by line and field, goes
on past a malformed row (or stops at it with ``--strict``), and commits a file all at once or
not at all. Both databases, through the real command."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text
from tests.harness.database import fetch
from tests.harness.imports import EXIT_REJECTED, counts, rejected_lines, run
from tests.harness.names import tag

from leadpecker.kit.db import Database
from leadpecker.settings import Settings


def emails_of(database_url: str, account_id: int) -> set[str]:
    return {
        row[0]
        for row in fetch(database_url, "SELECT email FROM prospects WHERE account_id = :a", a=account_id)
    }


def test_every_row_is_counted_and_each_rejected_row_named_by_line_and_field(
    cli, account, database_url, tmp_path
):
    t = tag()
    path = tmp_path / "prospects.csv"
    path.write_text(
        "email,first_name,status\n"
        f"ann-{t}@example.com,Ann,\n"  # 2
        "not-an-email,Bob,\n"  # 3: dropped without a word before
        f"carl-{t}@example.com,Carl,SLEEPING\n"  # 4
        f"dan-{t}@example.com,Dan,,one cell too many\n"  # 5
        "\n"  # a blank line is no row
        f"ANN-{t}@example.com,Ann again,\n"  # 7: repeated in the file
        f"eve-{t}@example.com,Eve,REPLIED\n"  # 8
    )
    stderr = run(cli, "prospects", "import", str(path), "--account", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 6, "inserted": 2, "updated": 0, "skipped": 1, "rejected": 3}
    assert rejected_lines(stderr) == [
        f"{path}:3: email: Invalid email address",
        f"{path}:4: status: Input should be 'ACTIVE', 'BOUNCED', 'REPLIED', 'BLACKLIST' or 'INVALID'",
        f"{path}:5: row: 4 cells, but the header names 3 columns",
    ]
    assert emails_of(database_url, account.id) == {f"ann-{t}@example.com", f"eve-{t}@example.com"}

    again = run(cli, "prospects", "import", str(path), "--account", account.name, exit_code=EXIT_REJECTED)
    assert counts(again) == {"rows": 6, "inserted": 0, "updated": 0, "skipped": 3, "rejected": 3}


def test_a_clean_file_exits_0_and_update_counts_what_it_changed(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "prospects.jsonl"
    rows = [{"email": f"p{i}-{t}@example.com", "first_name": f"P{i}"} for i in range(3)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    assert counts(run(cli, "prospects", "import", str(path), "-a", account.name))["inserted"] == 3

    rows.append({"email": f"new-{t}@example.com"})
    path.write_text("\n".join(json.dumps({**row, "company": "Acme"}) for row in rows) + "\n")
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, "--update")
    assert counts(stderr) == {"rows": 4, "inserted": 1, "updated": 3, "skipped": 0, "rejected": 0}
    companies = fetch(
        database_url, "SELECT DISTINCT company FROM prospects WHERE account_id = :a", a=account.id
    )
    assert companies == [("Acme",)]


def test_malformed_jsonl_lines_are_rejected_and_the_import_goes_on(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "prospects.jsonl"
    path.write_bytes(
        json.dumps({"email": f"a-{t}@example.com"}).encode() + b"\n"  # 1
        b'{"email": "broken@example.com",\n'  # 2
        b'["not", "an", "object"]\n'  # 3
        b'{"email": "caf\xe9@example.com"}\n'  # 4: Latin-1, not UTF-8
        b'{"email": "b-'
        + t.encode()
        + b'@example.com", "first_name": {"not": "text"}}\n'  # 5
        + json.dumps({"email": f"c-{t}@example.com"}).encode()
        + b"\n"  # 6
    )
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr)["inserted"] == 2
    lines = rejected_lines(stderr)
    assert [line.split(": ")[0:2] for line in lines] == [
        [f"{path}:2", "row"],
        [f"{path}:3", "row"],
        [f"{path}:4", "row"],
        [f"{path}:5", "first_name"],
    ]
    assert "not valid JSON" in lines[0] and "JSON object" in lines[1]
    assert "not valid UTF-8 (byte 0xE9 at column 15)" in lines[2] and "--encoding" in lines[2]
    assert emails_of(database_url, account.id) == {f"a-{t}@example.com", f"c-{t}@example.com"}


def test_a_file_not_in_utf8_names_the_line_and_imports_with_its_encoding(
    cli, account, database_url, tmp_path
):
    t = tag()
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"email,first_name\nzoe-{t}@example.com,Zoe\nelo-{t}@example.com,".encode() + b"\xc9lodie\n"
    )
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    [line] = rejected_lines(stderr)
    assert line == (
        f"{path}:3: row: not valid UTF-8 (byte 0xC9): "
        "save the file as UTF-8, or name its encoding with --encoding"
    )

    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, "--encoding", "latin-1")
    assert counts(stderr) == {"rows": 2, "inserted": 1, "updated": 0, "skipped": 1, "rejected": 0}
    [(name,)] = fetch(
        database_url, "SELECT first_name FROM prospects WHERE email = :e", e=f"elo-{t}@example.com"
    )
    assert name == "Élodie"
    for name in ("klingon", "base64"):  # base64 is a codec, but not of text
        cli.fails(
            "prospects", "import", str(path), "-a", account.name, "--encoding", name,
            says=f"Invalid value for '--encoding': unknown text encoding {name!r}", exit_code=2,
        )  # fmt: skip


def test_a_quote_never_closed_rejects_its_row_and_swallows_no_other(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "quote.csv"
    rows = [f"row{n}-{t}@example.com,Name {n}" for n in range(2, 2_000)]
    rows[1] = f'row3-{t}@example.com,"Acme'  # line 3 opens a quote it never closes
    path.write_text("email,first_name\n" + "\n".join(rows) + "\n")
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 1_998, "inserted": 1_997, "updated": 0, "skipped": 0, "rejected": 1}
    [line] = rejected_lines(stderr)
    assert line.startswith(f"{path}:3: row: not readable as CSV (unexpected end of data)")
    assert len(emails_of(database_url, account.id)) == 1_997


def test_a_quoted_cell_over_many_lines_is_one_row_and_its_lines_no_rows(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "multiline.csv"
    inside = f"evil-{t}@example.com,Injected"  # text inside the quoted cell, shaped like a row
    path.write_text(
        "email,first_name,company\n"
        f'big-{t}@example.com,Big,"{"x" * 200_000}\n{inside}\ntail"\n'  # lines 2-4: one row
        f'ok-{t}@example.com,Ok,"two\nlines"\n'  # lines 5-6
        f"after-{t}@example.com,After,\n"  # line 7
    )
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 3, "inserted": 2, "updated": 0, "skipped": 0, "rejected": 1}
    assert rejected_lines(stderr) == [f"{path}:2: company: String should have at most 10000 characters"]
    assert emails_of(database_url, account.id) == {f"ok-{t}@example.com", f"after-{t}@example.com"}


def test_blank_lines_and_separator_only_lines_are_no_rows(cli, account, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(f"\n\nemail,first_name\r\n\r\n , \r\n,\r\nblank-{tag()}@example.com,B\r\n\r\n")
    assert counts(run(cli, "prospects", "import", str(path), "-a", account.name))["rows"] == 1


def test_update_applies_every_row_of_a_repeated_email_in_file_order(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "repeated.csv"
    path.write_text(f"email,first_name\nrep-{t}@example.com,First\nREP-{t}@example.com,Second\n")
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, "--update")
    assert counts(stderr) == {"rows": 2, "inserted": 1, "updated": 1, "skipped": 0, "rejected": 0}
    [(name,)] = fetch(
        database_url, "SELECT first_name FROM prospects WHERE email = :e", e=f"rep-{t}@example.com"
    )
    assert name == "Second"


def test_a_utf16_file_is_named_and_reads_with_its_encoding(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "utf16.jsonl"
    lines = [json.dumps({"email": f"u{n}-{t}@example.com", "first_name": "Zoë"}) for n in range(2)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-16")
    cli.fails(
        "prospects", "import", str(path), "-a", account.name,
        says=f"{path} is UTF-16 (it starts with its byte-order mark): add --encoding utf-16",
    )  # fmt: skip
    stderr = run(cli, "prospects", "import", str(path), "-a", account.name, "--encoding", "utf-16")
    assert counts(stderr) == {"rows": 2, "inserted": 2, "updated": 0, "skipped": 0, "rejected": 0}
    names = fetch(
        database_url, "SELECT DISTINCT first_name FROM prospects WHERE account_id = :a", a=account.id
    )
    assert names == [("Zoë",)]


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("first_name,company", "the header has no 'email' column (it has: first_name, company)"),
        ("email,first_nmae", "unknown column 'first_nmae'"),
        ("email,first_name,email", "the header names column 'email' twice"),
        ("email,,first_name", "column 2 of the header has no name"),
    ],
)
def test_a_header_every_row_would_fail_stops_the_import_in_one_line(
    cli, account, database_url, tmp_path, header, says
):
    path = tmp_path / "header.csv"
    path.write_text(f"{header}\nsomeone-{tag()}@example.com,Someone\n")
    line = cli.fails("prospects", "import", str(path), "-a", account.name, says=says)
    assert line.startswith(f"error: {path}:1: ")
    assert emails_of(database_url, account.id) == set()


def test_an_empty_file_is_one_line(cli, account, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    cli.fails("prospects", "import", str(path), "-a", account.name, says="the file is empty")


def test_strict_stops_at_the_first_bad_row_and_imports_nothing(cli, account, database_url, tmp_path):
    t = tag()
    path = tmp_path / "strict.csv"
    path.write_text(
        f"email\nfirst-{t}@example.com\nsecond-{t}@example.com\nnot-an-email\nlast-{t}@example.com\n"
    )
    cli.fails(
        "prospects", "import", str(path), "-a", account.name, "--strict",
        says=f"{path}:4: email: Invalid email address (--strict: nothing was imported)",
    )  # fmt: skip
    assert emails_of(database_url, account.id) == set()


class FailingInsert:
    """A database that fails on inserting one email (a trigger): an error mid-file."""

    def __init__(self, database_url: str, email: str) -> None:
        self.database_url, self.email, self.name = database_url, email, f"fail_{tag()}"

    def _run(self, *statements: str) -> None:
        async def run() -> None:
            db = Database(Settings(database_url=self.database_url))
            try:
                async with db.write() as conn:
                    for statement in statements:
                        await conn.execute(text(statement))
            finally:
                await db.dispose()

        asyncio.run(run())

    def __enter__(self) -> FailingInsert:
        if self.database_url.startswith("sqlite"):
            self._run(
                f"CREATE TRIGGER {self.name} BEFORE INSERT ON prospects WHEN NEW.email = '{self.email}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        else:
            self._run(
                f"CREATE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.email = '{self.email}' THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$",
                f"CREATE TRIGGER {self.name} BEFORE INSERT ON prospects "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}()",
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database_url.startswith("sqlite"):
            self._run(f"DROP TRIGGER {self.name}")
        else:
            self._run(f"DROP TRIGGER {self.name} ON prospects", f"DROP FUNCTION {self.name}()")


def test_an_error_on_row_11001_leaves_nothing_of_the_file_committed(cli, account, database_url, tmp_path):
    t = tag()
    existing = tmp_path / "existing.csv"
    existing.write_text(f"email\nalready-{t}@example.com\n")
    run(cli, "prospects", "import", str(existing), "-a", account.name)  # a database with prospects

    emails = [f"row{line}-{t}@example.com" for line in range(2, 12_002)]
    path = tmp_path / "big.csv"
    path.write_text("email\n" + "\n".join(emails) + "\n")
    with FailingInsert(database_url, f"row11001-{t}@example.com"):
        line = cli.fails("prospects", "import", str(path), "-a", account.name, says="nothing was imported")
    assert "injected failure" in line
    assert emails_of(database_url, account.id) == {f"already-{t}@example.com"}

    run(cli, "prospects", "import", str(path), "-a", account.name)  # the same file, once the cause is gone
    assert len(emails_of(database_url, account.id)) == 12_001


def test_campaigns_enrolments_activity_and_leads_account_for_every_row(cli, account, database_url, tmp_path):
    t = tag()
    prospects = tmp_path / "p.csv"
    prospects.write_text(f"email\nann-{t}@example.com\nbob-{t}@example.com\n")
    run(cli, "prospects", "import", str(prospects), "-a", account.name)

    campaigns = tmp_path / "c.csv"
    campaigns.write_text("name,status\nSpring,RUNNING\nSummer,PAUSED\nSpring,PAUSED\nAutumn,SLEEPING\n")
    result = cli.run("campaigns", "import", str(campaigns), "-a", account.name, "--json")
    assert result.exit_code == EXIT_REJECTED, result.output
    assert counts(result.stderr) == {"rows": 4, "inserted": 2, "updated": 1, "skipped": 0, "rejected": 1}
    assert rejected_lines(result.stderr)[0].startswith(f"{campaigns}:5: status: ")
    assert {(c["name"], c["status"]) for c in json.loads(result.stdout)} == {
        ("Spring", "PAUSED"),
        ("Summer", "PAUSED"),
    }

    enrolments = tmp_path / "e.csv"
    enrolments.write_text(
        "campaign,email,status\n"
        f"Spring,ann-{t}@example.com,ACTIVE\n"
        f"Spring,ann-{t}@example.com,REPLIED\n"  # the same enrolment again: updated
        f"Winter,bob-{t}@example.com,ACTIVE\n"
        f"Summer,nobody-{t}@example.com,ACTIVE\n"
    )
    stderr = run(cli, "enrolments", "import", str(enrolments), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 4, "inserted": 1, "updated": 1, "skipped": 0, "rejected": 2}
    assert rejected_lines(stderr) == [
        f"{enrolments}:4: campaign: no campaign named 'Winter'",
        f"{enrolments}:5: email: no prospect 'nobody-{t}@example.com' in this account",
    ]
    stderr = run(cli, "enrolments", "import", str(enrolments), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr)["updated"] == 2

    activity = tmp_path / "a.csv"
    activity.write_text(
        "email,kind,occurred_at\n"
        f"ann-{t}@example.com,SENT,2026-01-01T10:00:00Z\n"
        f"ann-{t}@example.com,OPENED,yesterday\n"
    )
    stderr = run(cli, "activity", "import", str(activity), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 2, "inserted": 1, "updated": 0, "skipped": 0, "rejected": 1}
    assert rejected_lines(stderr)[0].startswith(f"{activity}:3: occurred_at: ")

    leads = tmp_path / "l.csv"
    leads.write_text(
        "email,linkedin_url,first_name\n"
        f"lead-{t}@example.com,,Lea\n"
        f",https://linkedin.com/in/lead-{t},Leo\n"
        f"LEAD-{t}@example.com,,Lea again\n"  # the same person: updated
        ",,Nobody\n"
    )
    stderr = run(cli, "leads", "import", str(leads), exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 4, "inserted": 2, "updated": 1, "skipped": 0, "rejected": 1}
    assert rejected_lines(stderr) == [f"{leads}:5: row: Value error, a lead needs an email or a linkedin_url"]
    stderr = run(cli, "leads", "import", str(leads), exit_code=EXIT_REJECTED)
    assert counts(stderr)["updated"] == 3

    no_key = tmp_path / "no-key.csv"
    no_key.write_text("first_name,company_name\nAnn,Acme\n")
    cli.fails("leads", "import", str(no_key), says="the header has no 'email' or 'linkedin_url' column")


def test_the_report_goes_to_stderr_and_shows_no_progress_bar_off_a_terminal(cli, account, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"email\nquiet-{tag()}@example.com\n")
    result = cli.run("prospects", "import", str(path), "-a", account.name)
    assert result.exit_code == 0 and result.stdout == ""
    assert "━" not in result.stderr


def test_lead_rows_the_database_could_not_store_are_rejected_not_fatal(cli, database_url, tmp_path):
    """A NUL character (PostgreSQL refuses it in text), an email that lower-casing makes too
    long for its column, a LinkedIn URL too long to key a lead: rejected rows, and the rest
    of the file is in."""
    t = tag()
    path = tmp_path / "hostile-leads.jsonl"
    rows = [
        {"email": f"nul-{t}@example.com", "first_name": "Ann\x00"},
        {"email": "İ" * 300 + f"-{t}@example.com"},
        {"linkedin_url": f"https://linkedin.com/in/{t}-" + "x" * 400},
        {"email": f"fine-{t}@example.com", "first_name": "Fine"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    stderr = run(cli, "leads", "import", str(path), exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 4, "inserted": 1, "updated": 0, "skipped": 0, "rejected": 3}
    assert [line.split(": ", 2)[2] for line in rejected_lines(stderr)] == [
        "Value error, first_name holds a NUL character",
        "Value error, email has more than 320 characters once lower-cased",
        "Value error, linkedin_url has more than 396 characters",
    ]
    assert fetch(
        database_url, "SELECT first_name FROM leads WHERE email = :e", e=f"fine-{t}@example.com"
    ) == [("Fine",)]


def test_a_column_left_out_keeps_what_is_stored(cli, account, database_url, tmp_path):
    """An empty cell or an absent column means "not given": a known campaign keeps its status,
    a known enrolment its status and interest level."""
    t = tag()
    (tmp_path / "p.csv").write_text(f"email\nkeep-{t}@example.com\n")
    run(cli, "prospects", "import", str(tmp_path / "p.csv"), "-a", account.name)
    (tmp_path / "c.csv").write_text("name,status\nKept,PAUSED\n")
    run(cli, "campaigns", "import", str(tmp_path / "c.csv"), "-a", account.name)
    (tmp_path / "e.csv").write_text(
        f"campaign,email,status,interested\nKept,keep-{t}@example.com,REPLIED,INTERESTED\n"
    )
    run(cli, "enrolments", "import", str(tmp_path / "e.csv"), "-a", account.name)

    (tmp_path / "c2.csv").write_text("name\nKept\n")
    assert (
        counts(run(cli, "campaigns", "import", str(tmp_path / "c2.csv"), "-a", account.name))["updated"] == 1
    )
    (tmp_path / "e2.csv").write_text(f"campaign,email,interested\nKept,keep-{t}@example.com,\n")
    assert (
        counts(run(cli, "enrolments", "import", str(tmp_path / "e2.csv"), "-a", account.name))["updated"] == 1
    )

    [(campaign_status, status, interested)] = fetch(
        database_url,
        "SELECT c.status, cp.status, cp.interested FROM campaigns c"
        " JOIN campaign_prospects cp ON cp.campaign_id = c.id WHERE c.account_id = :a",
        a=account.id,
    )
    assert (campaign_status, status, interested) == ("PAUSED", "REPLIED", "INTERESTED")


def test_strict_names_the_first_bad_row_whatever_found_it(cli, account, tmp_path):
    t = tag()
    (tmp_path / "p.csv").write_text(f"email\nfirst-{t}@example.com\n")
    run(cli, "prospects", "import", str(tmp_path / "p.csv"), "-a", account.name)
    path = tmp_path / "e.csv"
    # line 2: an unknown campaign (found when writing); line 3: a bad status (found when reading)
    path.write_text(
        f"campaign,email,status\nNowhere,first-{t}@example.com,ACTIVE\nNowhere,first-{t}@example.com,NOPE\n"
    )
    cli.fails(
        "enrolments", "import", str(path), "-a", account.name, "--strict",
        says=f"{path}:2: campaign: no campaign named 'Nowhere' (--strict: nothing was imported)",
    )  # fmt: skip


def test_an_event_time_outside_1970_to_9998_is_a_rejected_row(cli, account, tmp_path):
    """The wire writes four-digit years, and a year before 1000 does not read back from
    SQLite: such times are rejected rows, never a failed import or a broken answer later."""
    t = tag()
    (tmp_path / "p.csv").write_text(f"email\nwhen-{t}@example.com\n")
    run(cli, "prospects", "import", str(tmp_path / "p.csv"), "-a", account.name)
    path = tmp_path / "a.csv"
    path.write_text(
        "email,kind,occurred_at\n"
        f"when-{t}@example.com,SENT,0999-06-01T00:00:00Z\n"
        f"when-{t}@example.com,SENT,9999-12-31T23:00:00-05:00\n"
        f"when-{t}@example.com,SENT,2025-06-01T00:00:00Z\n"
    )
    stderr = run(cli, "activity", "import", str(path), "-a", account.name, exit_code=EXIT_REJECTED)
    assert counts(stderr) == {"rows": 3, "inserted": 1, "updated": 0, "skipped": 0, "rejected": 2}
    assert rejected_lines(stderr) == [
        f"{path}:{line}: occurred_at: Value error, a time from 1970 to 9998" for line in (2, 3)
    ]
