"""The matcher-quality generator (bench/matcher_quality) makes a self-consistent labelled data set.

Only the generator is tested here, at a tiny size; scoring runs the real pipeline for minutes and
is a benchmark, not a test.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from bench.matcher_quality import generate

from leadpecker.enrichment.schemas import EnrichmentProspectIn
from leadpecker.leads.schemas import LeadFileRow
from leadpecker.prospects.schemas import ProspectIn

SIZES = {category: 6 + index for index, category in enumerate(generate.CATEGORIES)}
FILES = ("leads.csv", "prospects.csv", "queue.jsonl", "truth.jsonl", "manifest.json")


def run(out: Path, seed: int = 11) -> None:
    flags = [item for category, size in SIZES.items() for item in (generate.flag(category), str(size))]
    assert (
        generate.main(["--out", str(out), "--seed", str(seed), "--leads", "500", "--companies", "60", *flags])
        == 0
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def host(website: str) -> str:
    rest = website.lower().split("://", 1)[-1]
    return rest.split("/", 1)[0].removeprefix("www.")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("matcher_quality")
    run(out)
    return out


def test_files_and_counts(data: Path) -> None:
    leads = read_csv(data / "leads.csv")
    truth = read_jsonl(data / "truth.jsonl")
    manifest = json.loads((data / "manifest.json").read_text())
    assert len(leads) == manifest["leads"] == 500
    assert list(leads[0]) == list(generate.LEAD_COLUMNS)
    assert Counter(record["category"] for record in truth) == SIZES
    assert {name: numbers["prospects"] for name, numbers in manifest["categories"].items()} == SIZES


def test_the_product_accepts_every_row(data: Path) -> None:
    for lead in read_csv(data / "leads.csv"):
        LeadFileRow.model_validate({key: value for key, value in lead.items() if value})
    for prospect in read_csv(data / "prospects.csv"):
        ProspectIn.model_validate({key: value for key, value in prospect.items() if value})
    for entry in read_jsonl(data / "queue.jsonl"):
        EnrichmentProspectIn.model_validate(entry)


def test_queue_prospects_and_truth_agree(data: Path) -> None:
    prospects = read_csv(data / "prospects.csv")
    queue = read_jsonl(data / "queue.jsonl")
    truth = read_jsonl(data / "truth.jsonl")
    emails = [prospect["email"] for prospect in prospects]
    assert len(set(emails)) == len(emails)
    assert all(email == email.strip().lower() for email in emails)
    queued = [entry["email"].strip().lower() for entry in queue]
    assert set(queued) <= set(emails)
    assert len(set(queued)) == len(queued) == len(emails)
    assert all(set(entry) <= {"email", *generate.HINT_FIELDS} for entry in queue)
    assert sorted(record["email"] for record in truth) == sorted(emails)
    by_email = {prospect["email"]: prospect for prospect in prospects}
    for record in truth:
        stored = by_email[record["email"]]
        assert record["original"] == {name: stored[name] for name in generate.PROSPECT_FIELDS}


def test_expected_values_are_a_fill_empty_merge_of_the_lead(data: Path) -> None:
    leads = read_csv(data / "leads.csv")
    by_ref = {lead["email"] or lead["linkedin_url"]: lead for lead in leads}
    assert len(by_ref) == len(leads), "every lead has its own email (or LinkedIn URL when it has none)"
    for record in read_jsonl(data / "truth.jsonl"):
        should = generate.CATEGORIES[record["category"]][1]
        assert record["expect_match"] == (record["lead"] is not None)
        if should is not None:
            assert record["expect_match"] is should, record
        original, expected = record["original"], record["expected"]
        if record["lead"] is None:
            assert expected == original
            continue
        lead = by_ref[record["lead"]]
        for column, name in generate.LEAD_TO_PROSPECT.items():
            assert expected[name] == (original[name] or lead[column]), (record, name)
        assert record["expect_enriched"] == (expected != original)
    categories = Counter(
        record["category"] for record in read_jsonl(data / "truth.jsonl") if record["expect_enriched"]
    )
    assert categories["partially_filled"] == SIZES["partially_filled"]


def test_the_labels_hold_in_the_lead_database(data: Path) -> None:
    """Names are ambiguous, decoyed or unknown exactly where the category says."""
    leads = read_csv(data / "leads.csv")
    prospects = {prospect["email"]: prospect for prospect in read_csv(data / "prospects.csv")}
    hints = {entry["email"].strip().lower(): entry for entry in read_jsonl(data / "queue.jsonl")}
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for lead in leads:
        by_name[generate.person_key(lead["first_name"], lead["last_name"])].append(lead)

    def known(email: str, hint: str, stored: str) -> str:
        return hints[email].get(hint) or prospects[email][stored]

    def same_company(lead: dict[str, str], email: str) -> bool:
        company, website = known(email, "company_name", "company"), known(email, "company_website", "website")
        if company and generate.company_identity(company) == generate.company_identity(lead["company_name"]):
            return True
        return bool(website) and host(website) == host(
            lead["company_website"] or lead["email"].split("@")[-1]
        )

    for record in read_jsonl(data / "truth.jsonl"):
        email = record["email"]
        name = generate.person_key(
            known(email, "first_name", "first_name"), known(email, "last_name", "last_name")
        )
        namesakes = by_name.get(name, [])
        if record["category"] == "same_name_same_company":
            assert sum(same_company(lead, email) for lead in namesakes) == 2, record
        elif record["category"] == "decoy_other_company":
            assert namesakes and not any(same_company(lead, email) for lead in namesakes), record
        elif record["category"] == "unknown_person_known_company":
            assert not namesakes, record
            assert any(same_company(lead, email) for lead in leads), record
        elif record["category"] in ("name_domain_website", "name_domain_email", "name_company"):
            assert len(namesakes) in (1, 2), record
            assert [lead["email"] or lead["linkedin_url"] for lead in namesakes].count(record["lead"]) == 1
        if record["category"] in ("namesake_under_shared_suffix", "rare_suffix_same_company"):
            # Every namesake works under the suffix of the prospect's company: only the suffix is shared.
            [suffix] = [tag.removeprefix("suffix:") for tag in record["noise"] if tag.startswith("suffix:")]
            hosts = {host(lead["company_website"] or lead["email"].split("@")[-1]) for lead in namesakes}
            assert hosts and all(name.endswith(suffix) for name in hosts), record
            if record["category"] == "namesake_under_shared_suffix":
                assert namesakes and not any(same_company(lead, email) for lead in namesakes), record
            else:
                refs = [lead["email"] or lead["linkedin_url"] for lead in namesakes]
                assert refs.count(record["lead"]) == 1, record
                assert len(namesakes) == 1 + ("namesake_under_same_suffix" in record["noise"]), record
                assert len(hosts) == len(namesakes), "the namesake is at another company"


def test_deterministic_for_a_seed(data: Path, tmp_path: Path) -> None:
    run(tmp_path / "again")
    run(tmp_path / "other", seed=12)
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (data / name).read_bytes(), name
    assert (tmp_path / "other" / "truth.jsonl").read_bytes() != (data / "truth.jsonl").read_bytes()


def test_deterministic_in_every_process(data: Path, tmp_path: Path) -> None:
    """Python salts str hashes per process: nothing may depend on the order of a set."""
    flags = [item for category, size in SIZES.items() for item in (generate.flag(category), str(size))]
    for salt in ("1", "2"):
        out = tmp_path / salt
        command = [sys.executable, generate.__file__, "--out", str(out), "--seed", "11"]
        subprocess.run(
            [*command, "--leads", "500", "--companies", "60", *flags],
            env={**os.environ, "PYTHONHASHSEED": salt},
            check=True,
            capture_output=True,
        )
        for name in FILES:
            assert (out / name).read_bytes() == (data / name).read_bytes(), (salt, name)
