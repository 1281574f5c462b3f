"""``LEADPECKER_ENRICHMENT_OVERWRITE``: with ``false`` (the default) an enrichment fills only the
prospect's empty fields; with ``true`` it also replaces fields whose value differs from the
lead's, and records the provenance of every field it wrote. Neither ever blanks a field, and a
field already equal to the lead's is not written (nor its provenance). On both databases, each
setting on a database and server of its own (the setting belongs to the worker)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.harness.enrichment import (
    LEAD_TO_PROSPECT,
    PRICE,
    Deployment,
    check_ledger,
    deployment_of_its_own,
    full_lead,
    queue,
    statuses_by_email,
    wait_until_processed,
)
from tests.harness.names import new_emails

FIELDS = set(LEAD_TO_PROSPECT.values())  # every field enrichment writes, in the prospect's names


@pytest.fixture(scope="module", params=["true", "false"], ids=["overwrite", "fill-empty"])
def deployment(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Deployment, bool]]:
    workdir = tmp_path_factory.mktemp(f"overwrite-{request.param}-{backend}")
    with deployment_of_its_own(backend, workdir, enrichment_overwrite=request.param) as deployment:
        yield deployment, request.param == "true"


def lead_values(lead: dict[str, str]) -> dict[str, str]:
    """A lead's values in the prospect's field names."""
    return {field: lead[column] for column, field in LEAD_TO_PROSPECT.items()}


def test_the_setting_decides_whether_non_empty_fields_are_replaced(deployment) -> None:
    deployment, overwrite = deployment
    partly, fully = new_emails(2, "ow")
    partly_lead = full_lead(partly, industry="")  # the lead knows no industry
    fully_lead = full_lead(fully)
    deployment.import_leads([partly_lead, fully_lead])
    # Partly filled: some fields empty, some the user's own, one equal to the lead's.
    own = {"title": "CEO", "company": "Hooli XYZ", "industry": "Mine", "city": partly_lead["city"]}
    # Fully filled: every field the user's own, all different from the lead's.
    everything = {field: f"mine-{field}" for field in FIELDS}
    account, client = deployment.customer(
        "--credits", "3", prospects=[{"email": partly, **own}, {"email": fully, **everything}]
    )
    before = {email: deployment.store.prospect(account.id, email) for email in (partly, fully)}

    queued = queue(client, [partly, fully])
    records = wait_until_processed(client, queued["uuid"])

    offered = lead_values(partly_lead)
    stored = deployment.store.prospect(account.id, partly)
    provenance = deployment.store.provenance(account.id, partly)
    written = set(provenance)
    empty_before = {field for field in FIELDS if not before[partly][field]}
    if overwrite:
        # Every field the lead offers and that differs is the lead's now; the lead's empty
        # industry blanks nothing, and the equal city is not written.
        assert {field: stored[field] for field in FIELDS - {"industry"}} == {
            field: offered[field] for field in FIELDS - {"industry"}
        }
        assert stored["industry"] == "Mine"
        assert written == FIELDS - {"industry", "city"}
    else:
        # The user's own values stay; only the empty fields were filled.
        assert {field: stored[field] for field in own} == own
        assert {field: stored[field] for field in empty_before - {"industry"}} == {
            field: offered[field] for field in empty_before - {"industry"}
        }
        assert written == empty_before
    assert {(row["source"], row["signal"]) for row in provenance.values()} == {("lead_database", "email")}

    stored_fully = deployment.store.prospect(account.id, fully)
    fully_written = deployment.store.provenance(account.id, fully)
    if overwrite:
        assert {field: stored_fully[field] for field in FIELDS} == lead_values(fully_lead)
        assert set(fully_written) == FIELDS
        expected = {partly: "PROCESSED_ENRICHED", fully: "PROCESSED_ENRICHED"}
    else:
        assert {field: stored_fully[field] for field in FIELDS} == everything
        assert fully_written == {}
        expected = {partly: "PROCESSED_ENRICHED", fully: "PROCESSED_NOT_ENRICHED"}
    assert statuses_by_email(records) == expected
    # Charged for what was written, released otherwise.
    enriched = sum(status == "PROCESSED_ENRICHED" for status in expected.values())
    assert check_ledger(deployment.store, account.id, granted=3_000)["balance"] == 3_000 - PRICE * enriched
