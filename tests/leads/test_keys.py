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
    ("website", "domain"),
    [
        # Multi-label ICANN suffixes the old hand-written list lacked: each company its own domain.
        ("https://www.acme.co.th/about", "acme.co.th"),
        ("othercorp.co.th", "othercorp.co.th"),
        ("http://shop.acme.co.at", "acme.co.at"),
        ("www.acme.org.br", "acme.org.br"),
        ("https://acme.com.br/", "acme.com.br"),
        ("https://www.acme.com.tr", "acme.com.tr"),
        ("www.cs.ox.ac.uk", "ox.ac.uk"),
        # Three-label suffixes: vic.gov.au (ICANN), *.kawasaki.jp (every name under it is a suffix)
        # with its exception !city.kawasaki.jp.
        ("https://www.health.vic.gov.au/x", "health.vic.gov.au"),
        ("https://www.acme.gov.au", "acme.gov.au"),
        ("www.acme.nakahara.kawasaki.jp", "acme.nakahara.kawasaki.jp"),
        ("www.city.kawasaki.jp", "city.kawasaki.jp"),
        # PRIVATE suffixes are suffixes too: the name a platform's user holds, never the platform.
        ("https://someone.github.io/project", "someone.github.io"),
        ("a.b.someone.github.io", "someone.github.io"),
        ("x.blogspot.com", "x.blogspot.com"),
        ("https://acme-prod.herokuapp.com", "acme-prod.herokuapp.com"),
        ("www.acme.uk.com", "acme.uk.com"),
    ],
)
def test_websites_under_multi_label_public_suffixes(website: str, domain: str) -> None:
    assert website_domain(website) == domain


@pytest.mark.parametrize(
    "host",
    [
        # A public suffix is nobody's company (the old rule stored co.th, org.br, … for everyone).
        "co.th",
        "co.at",
        "org.br",
        "com",
        "vic.gov.au",
        "nakahara.kawasaki.jp",
        # A PRIVATE suffix itself: a platform, nobody's company.
        "github.io",
        "blogspot.com",
        "herokuapp.com",
        # No DNS name of a company.
        "localhost",
        "app.localhost",
        "192.168.0.1",
        "[::1]",
        "acme..com",
    ],
)
def test_suffixes_private_hosts_and_addresses_have_no_company_domain(host: str) -> None:
    assert website_domain(f"https://{host}/about") == ""
    assert email_domain(f"jane@{host}") == ""


def test_domain_spellings_that_name_one_host_share_a_key() -> None:
    assert website_domain("https://www.acme.co.th./") == email_domain("jane@ACME.co.th.") == "acme.co.th"
    # Unicode and punycode (the ASCII form is the key); UTS #46 keeps ß distinct from ss.
    assert website_domain("https://bücher.de") == website_domain("xn--bcher-kva.de") == "xn--bcher-kva.de"
    assert email_domain("jane@BÜCHER.de") == "xn--bcher-kva.de"
    assert website_domain("straße.de") != website_domain("strasse.de")
    # A TLD the list does not know counts as one label (the list's default rule "*").
    assert website_domain("https://www.acme.example") == "acme.example"


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("jane@mail.example.co.uk", "example.co.uk"),
        ("jane@acme.co.th", "acme.co.th"),
        ("jane@eu.acme.org.br", "acme.org.br"),
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
