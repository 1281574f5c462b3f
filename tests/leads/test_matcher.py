"""The matcher's decisions: signals, confidence, threshold, ambiguity (leads/matcher.py)."""

from __future__ import annotations

from leadpecker.enrichment.sources import Identity
from leadpecker.leads.matcher import DEFAULT_THRESHOLD, LeadKeys, ProspectKeys, decide


def lead(lead_id: int, **keys: object) -> LeadKeys:
    values = {"email": "", "linkedin": "", "name": "", "last_name": "", "domains": frozenset(), "company": ""}
    values.update(keys)
    return LeadKeys(id=lead_id, **values)  # type: ignore[arg-type]


def prospect(**fields: str) -> ProspectKeys:
    return ProspectKeys.of(Identity(**{"email": "someone@gmail.com", **fields}))


JANE = {"name": "jane doe", "last_name": "doe", "domains": frozenset({"acme.co.uk"}), "company": "acme"}


def test_the_email_decides_alone() -> None:
    decision = decide(
        prospect(email="Jane@Acme.co.uk"), [lead(1, email="jane@acme.co.uk")], DEFAULT_THRESHOLD
    )
    assert (decision.lead_id, decision.signal, decision.confidence) == (1, "email", 1.0)


def test_linkedin_url_in_another_spelling_matches() -> None:
    decision = decide(
        prospect(linkedin_url="uk.linkedin.com/in/Jane-Doe/"),
        [lead(1, linkedin="linkedin.com/in/jane-doe", **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert (decision.lead_id, decision.signal) == (1, "linkedin_url")


def test_name_with_company_domain_from_website_or_email() -> None:
    from_website = prospect(first_name="Jane", last_name="Doe", company_website="https://www.acme.co.uk/")
    from_email = prospect(email="j.doe@acme.co.uk", first_name="JANE", last_name="doe")
    for keys in (from_website, from_email):
        decision = decide(keys, [lead(1, **JANE)], DEFAULT_THRESHOLD)
        assert (decision.lead_id, decision.signal) == (1, "name_domain")


def test_name_with_company_name() -> None:
    decision = decide(
        prospect(first_name="Jáne", last_name="Doe", company_name="ACME Ltd"),
        [lead(1, **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert (decision.lead_id, decision.signal) == (1, "name_company")


def test_a_name_alone_or_with_a_free_mail_address_is_no_match() -> None:
    decision = decide(prospect(first_name="Jane", last_name="Doe"), [lead(1, **JANE)], DEFAULT_THRESHOLD)
    assert decision.lead_id is None


def test_same_name_at_another_company_is_no_match() -> None:
    decoy = lead(2, name="jane doe", last_name="doe", domains=frozenset({"other.com"}), company="other")
    decision = decide(
        prospect(first_name="Jane", last_name="Doe", company_name="Acme", company_website="acme.co.uk"),
        [decoy],
        DEFAULT_THRESHOLD,
    )
    assert decision.lead_id is None


def test_two_same_named_people_at_one_company_are_ambiguous() -> None:
    decision = decide(
        prospect(first_name="Jane", last_name="Doe", company_name="Acme"),
        [lead(1, **JANE), lead(2, **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert decision.lead_id is None
    assert decision.reason.startswith("ambiguous")


def test_a_stronger_signal_settles_what_names_leave_ambiguous() -> None:
    decision = decide(
        prospect(first_name="Jane", last_name="Doe", company_name="Acme", linkedin_url="linkedin.com/in/jd2"),
        [lead(1, **JANE), lead(2, linkedin="linkedin.com/in/jd2", **JANE)],
        DEFAULT_THRESHOLD,
    )
    # Both fit by name and company, but only one also by its profile: that one, clearly.
    assert (decision.lead_id, decision.signal) == (2, "linkedin_url")


def test_disagreeing_signals_lower_the_confidence_below_the_threshold() -> None:
    # The profile URL matches, but the name and the company domain say it is someone else.
    decision = decide(
        prospect(
            linkedin_url="linkedin.com/in/jd", first_name="John", last_name="Smith", company_website="x.com"
        ),
        [lead(1, linkedin="linkedin.com/in/jd", **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert decision.lead_id is None
    assert decision.reason == "below threshold"


def test_a_nickname_costs_less_than_another_surname() -> None:
    nickname = decide(
        prospect(linkedin_url="linkedin.com/in/jd", first_name="Janey", last_name="Doe"),
        [lead(1, linkedin="linkedin.com/in/jd", **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert nickname.lead_id == 1


def test_the_threshold_is_the_operators() -> None:
    keys = prospect(first_name="Jane", last_name="Doe", company_name="Acme")
    assert decide(keys, [lead(1, **JANE)], 0.80).lead_id == 1
    assert decide(keys, [lead(1, **JANE)], 0.95).lead_id is None


def test_a_profile_match_survives_a_job_change() -> None:
    # The lead database knows Jane at her old employer; the prospect writes from the new one.
    decision = decide(
        prospect(email="jane@newco.com", linkedin_url="https://linkedin.com/in/jane-doe"),
        [lead(1, linkedin="linkedin.com/in/jane-doe", **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert (decision.lead_id, decision.signal) == (1, "linkedin_url")


def test_a_namesake_at_the_same_named_company_on_another_domain_is_no_match() -> None:
    decision = decide(
        prospect(
            email="jane.doe@acme-industries.com", first_name="Jane", last_name="Doe", company_name="Acme"
        ),
        [lead(1, **JANE)],
        DEFAULT_THRESHOLD,
    )
    assert decision.lead_id is None


def test_a_profile_match_beats_a_same_named_colleague() -> None:
    colleague = lead(2, linkedin="linkedin.com/in/pat-larson-2", **JANE)
    decision = decide(
        prospect(
            first_name="Jane",
            last_name="Doe",
            company_website="acme.co.uk",
            linkedin_url="linkedin.com/in/jd",
        ),
        [lead(1, linkedin="linkedin.com/in/jd", **JANE), colleague],
        DEFAULT_THRESHOLD,
    )
    assert (decision.lead_id, decision.signal) == (1, "linkedin_url")
