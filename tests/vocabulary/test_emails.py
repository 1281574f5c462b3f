"""The one email rule."""

from __future__ import annotations

import pytest

from leadpecker.vocabulary.emails import is_valid_email, normalise_email


@pytest.mark.parametrize(
    "email",
    ["jared@piedpiper.com", "john+tag@mail.co.uk", "o'neil@example.ie", "ünïcode@bücher.de"],
)
def test_addresses(email: str) -> None:
    assert is_valid_email(email)


@pytest.mark.parametrize(
    "text",
    ["", "jared", "jared@", "@piedpiper.com", "jared@localhost", "a@b@c.com", "ja red@x.com", "a\x00@b.com"],
)
def test_not_addresses(text: str) -> None:
    assert not is_valid_email(text)


def test_the_stored_form_is_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Jared@PiedPiper.COM \n") == "jared@piedpiper.com"
