"""Normalised keys: one person, many spellings, one key."""

from __future__ import annotations

import pytest

from leadpecker.leads.keys import company_key, email_domain, fold, linkedin_key, name_key, website_domain


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/jane-doe-123",
        "http://linkedin.com/in/jane-doe-123/",
        "linkedin.com/in/Jane-Doe-123",
        "https://uk.linkedin.com/in/jane-doe-123/?trk=public_profile",
        "HTTPS://DE.LINKEDIN.COM//in//jane-doe-123#about",
        "  https://user@www.linkedin.com:443/in/jane-doe-123/  ",
    ],
)
def test_linkedin_urls_of_one_profile_share_a_key(url: str) -> None:
    assert linkedin_key(url) == "linkedin.com/in/jane-doe-123"


@pytest.mark.parametrize(
    "url", ["", "https://example.com/in/jane-doe", "https://linkedin.com", "https://notlinkedin.com/in/x"]
)
def test_urls_that_are_no_linkedin_profile_have_no_key(url: str) -> None:
    assert linkedin_key(url) == ""


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Example.com/about", "example.com"),
        ("example.com", "example.com"),
        ("http://example.com:8080/", "example.com"),
        ("www.eu.example.co.uk", "example.co.uk"),
        ("https://shop.example.com.au/x?y", "example.com.au"),
        ("", ""),
        ("not a website", ""),
    ],
)
def test_websites_reduce_to_their_registrable_domain(website: str, domain: str) -> None:
    assert website_domain(website) == domain


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("jane@mail.example.co.uk", "example.co.uk"),
        ("Jane@Example.com", "example.com"),
        ("jane@gmail.com", ""),
        ("jane@yahoo.co.uk", ""),
        ("not-an-email", ""),
    ],
)
def test_email_domains_except_free_mail(email: str, domain: str) -> None:
    assert email_domain(email) == domain


def test_names_fold_accents_case_and_punctuation() -> None:
    assert name_key("José", "Müller") == name_key("jose", "MULLER") == "jose muller"
    assert name_key("Søren", "Łukasz-Æbelø") == "soren lukasz aebelo"
    assert fold("Straße") == "strasse"
    assert name_key("Jane", "") == ""


@pytest.mark.parametrize(
    "name",
    [
        "Dupont",
        "Dupont S.A.R.L.",
        "DUPONT SARL",
        "Dupont S/A",
        "Dupont, Inc.",
        "Dupont Sp. z o.o.",
        "Dupont GmbH & Co. KG",
    ],
)
def test_company_names_ignore_trailing_legal_forms(name: str) -> None:
    assert company_key(name) == "dupont"


def test_a_leading_legal_word_is_part_of_the_name() -> None:
    assert company_key("AB Foods") == "ab foods" != company_key("Foods")


@pytest.mark.parametrize(
    "domain", ["comcast.net", "t-online.de", "btinternet.com", "seznam.cz", "yahoo.co.uk"]
)
def test_consumer_providers_are_free_mail(domain: str) -> None:
    assert email_domain(f"someone@{domain}") == ""
