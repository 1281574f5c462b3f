"""Normalised keys for matching people: the same person written differently gets one key."""

from __future__ import annotations

import re
import unicodedata

# Free-mail providers: their domain says nothing about the person's company.
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "mail.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
        "wp.pl",
        "o2.pl",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
    ]
)
# Second-level public suffixes under which companies register (example.co.uk).
_PUBLIC_SECOND_LEVEL = frozenset(
    [
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "ltd.uk",
        "plc.uk",
        "me.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.nz",
        "org.nz",
        "co.jp",
        "ne.jp",
        "or.jp",
        "co.kr",
        "com.br",
        "com.mx",
        "com.ar",
        "com.cn",
        "com.hk",
        "com.sg",
        "com.tr",
        "com.tw",
        "co.in",
        "co.za",
        "co.il",
        "com.pl",
        "com.ua",
        "co.id",
        "com.my",
        "com.ph",
        "com.vn",
    ]
)
_LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "kg",
        "co",
        "corp",
        "corporation",
        "company",
        "pty",
        "pvt",
        "sp",
        "zoo",
        "kft",
    ]
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SLASHES = re.compile(r"/+")
# Letters NFKD does not split into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def fold(text: str) -> str:
    """Unicode- and case-folded, accents removed, runs of non-alphanumerics as one space."""
    folded = text.casefold()
    if not folded.isascii():  # the slow path only for the names that need it
        decomposed = unicodedata.normalize("NFKD", folded.translate(_UNDECOMPOSABLE))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", folded).strip()


def name_key(first_name: str, last_name: str) -> str:
    """ "José  Müller" and "jose muller" → "jose muller"; empty when either part is missing."""
    first, last = fold(first_name), fold(last_name)
    return f"{first} {last}" if first and last else ""


def company_key(company_name: str) -> str:
    """A company name without legal form and punctuation: "Pied Piper, Inc." → "pied piper"."""
    words = [word for word in fold(company_name).split() if word not in _LEGAL_SUFFIXES]
    return " ".join(words)


# scheme? //? userinfo@? HOST :port? then path, query or fragment. A regex, not urlsplit: it is
# run for every lead of an import and every prospect of a claim, and is several times faster.
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?(?://)?(?:[^@/?#]*@)?([^:/?#]*)(?::\d*)?([^?#]*)")


def _host_and_path(value: str) -> tuple[str, str]:
    match = _URL.match(value.strip().lower())
    if match is None:
        return "", ""
    return match.group(1).rstrip("."), match.group(2)


def _host(value: str) -> str:
    return _host_and_path(value)[0]


def registrable_domain(host: str) -> str:
    """``www.eu.example.co.uk`` → ``example.co.uk``; ``mail.example.com`` → ``example.com``."""
    labels = [label for label in host.lower().split(".") if label]
    if len(labels) < 2:
        return ""
    keep = 3 if ".".join(labels[-2:]) in _PUBLIC_SECOND_LEVEL else 2
    return ".".join(labels[-keep:]) if len(labels) >= keep else ""


def website_domain(website: str) -> str:
    """The company domain of a website in any of its written forms
    (``https://www.Example.com/about``, ``example.com``, ``http://example.com:8080``)."""
    return registrable_domain(_host(website))


def email_domain(email: str) -> str:
    """The company domain of an email, or "" for free-mail and malformed addresses."""
    _, at, host = email.strip().lower().rpartition("@")
    if not at:
        return ""
    domain = registrable_domain(host)
    return "" if domain in FREE_MAIL_DOMAINS or host in FREE_MAIL_DOMAINS else domain


def linkedin_key(url: str) -> str:
    """A LinkedIn profile URL reduced to its identity: scheme, ``www.``/country subdomains,
    trailing slash, query, fragment and case do not matter.
    ``https://uk.linkedin.com/in/Jane-Doe-123/?trk=x`` → ``linkedin.com/in/jane-doe-123``."""
    host, path = _host_and_path(url)
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return ""
    path = _SLASHES.sub("/", path).rstrip("/")
    return f"linkedin.com{path}" if path else ""


def normalise_email(email: str) -> str:
    return email.strip().lower()
